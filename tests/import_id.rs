//! The three import id forms of SEMANTICS.md, and malformed ones.

use access_service_token::import_id::parse;
use access_service_token::model::Scope;

const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
const TOKEN: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

#[test]
fn seed_form_is_account_scoped() {
    let (scope, id) = parse(&format!("{ACCOUNT}/{TOKEN}")).unwrap();
    assert_eq!(scope, Scope::Account(ACCOUNT.into()));
    assert_eq!(id.as_str(), TOKEN);
}

#[test]
fn v5_account_form() {
    let (scope, id) = parse(&format!("accounts/{ACCOUNT}/{TOKEN}")).unwrap();
    assert_eq!(scope, Scope::Account(ACCOUNT.into()));
    assert_eq!(id.as_str(), TOKEN);
}

#[test]
fn v5_zone_form() {
    let (scope, _) = parse(&format!("zones/{ZONE}/{TOKEN}")).unwrap();
    assert_eq!(scope, Scope::Zone(ZONE.into()));
}

#[test]
fn malformed_ids_say_which_forms_are_accepted() {
    for bad in [
        String::new(),
        TOKEN.to_string(),
        format!("{ACCOUNT}/{TOKEN}/extra/parts"),
        format!("users/{ACCOUNT}/{TOKEN}"),
        format!("f037e56e/{TOKEN}"),
        format!("{ACCOUNT}/not-a-uuid"),
        format!("zones/{ZONE}/../../accounts"),
        format!("{ACCOUNT}/"),
    ] {
        let err = parse(&bad).unwrap_err().to_string();
        assert!(err.contains("expected <account_id>/<token_id>, accounts/<account_id>/<token_id> or zones/<zone_id>/<token_id>"), "{bad:?}: {err}");
    }
    let err = parse(&format!("users/{ACCOUNT}/{TOKEN}")).unwrap_err().to_string();
    assert!(err.contains("unknown scope \"users\""), "{err}");
    let err = parse(&format!("f037e56e/{TOKEN}")).unwrap_err().to_string();
    assert!(err.contains("32 hexadecimal characters"), "{err}");
}

#[test]
fn a_token_id_needs_five_groups_of_the_right_lengths_all_hexadecimal() {
    use access_service_token::model::TokenId;
    assert!(TokenId::parse("f174e90a-fafe-4643-bbbc-4a0ed4fc8415").is_ok());
    for bad in ["f174e90a-fafe-4643-bbbc", "f174e90a-fafe-4643-bbbc-4a0ed4fc841", "g174e90a-fafe-4643-bbbc-4a0ed4fc8415"] {
        let err = TokenId::parse(bad).unwrap_err().to_string();
        assert!(err.contains("expected a token UUID"), "{bad}: {err}");
    }
}
