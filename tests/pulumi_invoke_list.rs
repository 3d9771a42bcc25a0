//! Pulumi's `Invoke` (the get function) and `List` (discovery) over bags,
//! natively through a scripted transport: the one request each makes, the
//! bag or page it answers, and the failures for bad arguments (no call).

mod common;

use access_service_token::connection::{Connection, Credentials};
use access_service_token::import_id;
use access_service_token::model::Scope;
use access_service_token::provider::Client;
use access_service_token::pulumi::{self, bag, invoke, list};
use access_service_token::requests::Method;
use access_service_token::secret::Secret;
use access_service_token::Error;
use common::*;
use serde_json::{json, Value};

const GET: &str = "cloudflare-access-service-token:index:getAccessServiceToken";
const ACCOUNT_COLLECTION: &str = "/accounts/f037e56e89293a057740de681ac9abbe/access/service_tokens";
const ZONE_COLLECTION: &str = "/zones/0da42c8d2132a9ddaf714f9e7c920711/access/service_tokens";

fn conn() -> Connection {
    Connection::new(Credentials::ApiToken(Secret::new("tok")))
}

fn invoke_with(t: &mut Scripted, tok: &str, args: Value) -> Result<invoke::InvokeResponse, Error> {
    let c = conn();
    invoke::invoke(&mut Client::new(&c, t), tok, &args.to_string())
}

/// The properties of the failures, in order.
fn properties(failures: &[access_service_token::CheckFailure]) -> Vec<&str> {
    failures.iter().map(|f| f.property.as_str()).collect()
}

#[test]
fn invoke_looks_up_an_account_token_without_a_secret() {
    let mut t = Scripted::answering(vec![(200, token_body())]);
    let r = invoke_with(&mut t, GET, json!({"accountId": ACCOUNT, "tokenId": TOKEN_ID})).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(t.sent.len(), 1);
    assert_eq!((t.sent[0].method, t.sent[0].path.as_str()), (Method::Get, format!("{ACCOUNT_COLLECTION}/{TOKEN_ID}").as_str()));
    let out = r.outputs.unwrap();
    assert_eq!(
        out,
        json!({
            "id": TOKEN_ID, "name": "CI/CD app renewed", "accountId": ACCOUNT, "zoneId": null,
            "clientId": "88bf3b6d86161464f6509f7219099e57.access", "expiresAt": "2027-11-28T12:00:00Z",
            "duration": "8760h", "minDaysForRenewal": 0, "clientSecretVersion": 1, "enabled": true
        })
    );
    assert!(out.get("clientSecret").is_none());
}

#[test]
fn invoke_answers_what_read_answers_for_the_same_token_less_the_secret() {
    let mut t = Scripted::answering(vec![(200, token_body()), (200, token_body())]);
    let invoked = invoke_with(&mut t, GET, json!({"zoneId": ZONE, "tokenId": TOKEN_ID})).unwrap().outputs.unwrap();
    let c = conn();
    let urn = format!("urn:pulumi:s::p::{}::t", pulumi::PACKAGE_TYPE_TOKEN);
    let read = pulumi::read(&mut Client::new(&c, &mut t), &urn, &format!("zones/{ZONE}/{TOKEN_ID}"), "", "").unwrap().expect("the token exists");
    assert_eq!(read.properties["clientSecret"], bag::secret(Value::Null));
    let mut read_props = read.properties;
    read_props.as_object_mut().unwrap().remove("clientSecret");
    assert_eq!(invoked["zoneId"], ZONE);
    assert_eq!(invoked, read_props);
    assert_eq!(t.sent[0].path, format!("{ZONE_COLLECTION}/{TOKEN_ID}"));
}

#[test]
fn invoke_accepts_the_cloudflare_function_token_and_keeps_secret_arguments_secret() {
    let mut t = Scripted::answering(vec![(200, token_body())]);
    let args = json!({"accountId": bag::secret(json!(ACCOUNT)), "tokenId": TOKEN_ID});
    let out = invoke_with(&mut t, "cloudflare:index/getAccessServiceToken:getAccessServiceToken", args).unwrap().outputs.unwrap();
    assert_eq!(out["accountId"], bag::secret(json!(ACCOUNT)));
}

#[test]
fn invoke_of_a_missing_token_is_not_found() {
    let mut t = Scripted::answering(vec![(404, not_found())]);
    let err = invoke_with(&mut t, GET, json!({"accountId": ACCOUNT, "tokenId": TOKEN_ID})).unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
}

#[test]
fn invoke_with_bad_arguments_answers_failures_and_makes_no_call() {
    let cases = [
        (json!({"accountId": ACCOUNT, "zoneId": ZONE, "tokenId": TOKEN_ID}), vec!["accountId", "zoneId"], "conflicts"),
        (json!({"tokenId": TOKEN_ID}), vec!["accountId"], "one of accountId or zoneId is required"),
        (json!({"accountId": ACCOUNT, "tokenId": TOKEN_ID, "tokenID": "x"}), vec!["tokenID"], "did you mean \"tokenId\""),
        (json!({"accountId": ACCOUNT, "tokenId": "not-a-uuid"}), vec!["tokenId"], "expected a token UUID"),
        (json!({"accountId": ACCOUNT}), vec!["tokenId"], "required"),
        (json!({"zoneId": "abc", "tokenId": TOKEN_ID}), vec!["zoneId"], "expected 32 hexadecimal characters"),
        (json!({"accountId": 7, "tokenId": TOKEN_ID}), vec!["accountId"], "expected a string"),
        (json!({"accountId": bag::UNKNOWN_STRING, "tokenId": TOKEN_ID}), vec!["accountId"], "not known yet"),
    ];
    for (args, expected, reason) in cases {
        let mut t = Scripted::default();
        let r = invoke_with(&mut t, GET, args.clone()).unwrap();
        assert!(r.outputs.is_none(), "{args}");
        assert_eq!(properties(&r.failures), expected, "{args}: {:?}", r.failures);
        assert!(r.failures.iter().all(|f| f.reason.contains(reason)), "{args}: {:?}", r.failures);
        assert!(t.sent.is_empty(), "{args}: a call was made");
    }
}

#[test]
fn invoke_reports_every_bad_argument_at_once() {
    let mut t = Scripted::default();
    let r = invoke_with(&mut t, GET, json!({"colour": "red", "tokenId": 5})).unwrap();
    assert_eq!(properties(&r.failures), ["colour", "accountId", "tokenId"], "{:?}", r.failures);
}

#[test]
fn invoke_of_an_unknown_function_is_invalid_input_naming_it() {
    let mut t = Scripted::default();
    let err = invoke_with(&mut t, "cloudflare:index/getRecord:getRecord", json!({})).unwrap_err();
    let Error::InvalidInput(f) = &err else { panic!("{err:?}") };
    assert_eq!(f[0].property, "tok");
    assert!(f[0].reason.contains("\"cloudflare:index/getRecord:getRecord\"") && f[0].reason.contains(GET), "{err}");
    assert!(t.sent.is_empty());
}

/// A list answer of `n` tokens with the given `result_info`.
fn page(first: usize, n: usize, info: Value) -> (u16, Value) {
    let tokens: Vec<Value> =
        (first..first + n).map(|i| json!({"id": format!("f174e90a-fafe-4643-bbbc-{i:012x}"), "name": format!("token {i}")})).collect();
    (200, json!({"success": true, "errors": [], "messages": [], "result": tokens, "result_info": info}))
}

fn list_with(t: &mut Scripted, query: Value, page_size: u32, token: &str) -> Result<list::ListResponse, Error> {
    let c = conn();
    list::list(&mut Client::new(&c, t), &query.to_string(), page_size, token)
}

fn page_query(page: u32, per_page: u32) -> Vec<(String, String)> {
    vec![("page".into(), page.to_string()), ("per_page".into(), per_page.to_string())]
}

#[test]
fn list_first_page_of_an_account_gives_import_ids_and_a_continuation() {
    let mut t = Scripted::answering(vec![page(0, 2, json!({"page": 1, "per_page": 2, "count": 2, "total_count": 5}))]);
    let r = list_with(&mut t, json!({"accountId": ACCOUNT}), 2, "").unwrap();
    assert_eq!(t.sent.len(), 1);
    assert_eq!((t.sent[0].method, t.sent[0].path.as_str()), (Method::Get, ACCOUNT_COLLECTION));
    assert_eq!(t.query(0), page_query(1, 2));
    assert_eq!(r.continuation_token.as_deref(), Some("2"));
    let first = &r.entries[0];
    assert_eq!(first.id, format!("accounts/{ACCOUNT}/f174e90a-fafe-4643-bbbc-000000000000"));
    assert_eq!(first.name, "token 0");
    assert_eq!(r.entries.len(), 2);
    // The id is one Read accepts as an import id, and it carries the scope.
    let (scope, id) = import_id::parse(&first.id).unwrap();
    assert_eq!((scope, id.as_str()), (Scope::Account(ACCOUNT.into()), "f174e90a-fafe-4643-bbbc-000000000000"));
}

#[test]
fn list_middle_page_follows_the_continuation_token() {
    let mut t = Scripted::answering(vec![page(2, 2, json!({"page": 2, "per_page": 2, "count": 2, "total_count": 5}))]);
    let r = list_with(&mut t, json!({"zoneId": ZONE}), 2, "2").unwrap();
    assert_eq!(t.sent[0].path, ZONE_COLLECTION);
    assert_eq!(t.query(0), page_query(2, 2));
    assert_eq!(r.continuation_token.as_deref(), Some("3"));
    assert_eq!(r.entries[0].id, format!("zones/{ZONE}/f174e90a-fafe-4643-bbbc-000000000002"));
    assert!(import_id::parse(&r.entries[0].id).is_ok());
}

#[test]
fn list_last_page_has_no_continuation() {
    // A short page, without result_info.
    let mut t = Scripted::answering(vec![page(4, 1, Value::Null)]);
    let r = list_with(&mut t, json!({"accountId": ACCOUNT}), 2, "3").unwrap();
    assert_eq!(t.query(0), page_query(3, 2));
    assert_eq!((r.entries.len(), r.continuation_token), (1, None));
    // A full page that result_info says is the last.
    let mut t = Scripted::answering(vec![page(2, 2, json!({"page": 2, "per_page": 2, "count": 2, "total_count": 4}))]);
    let r = list_with(&mut t, json!({"accountId": ACCOUNT}), 2, "2").unwrap();
    assert_eq!((r.entries.len(), r.continuation_token), (2, None));
    // An empty scope.
    let mut t = Scripted::answering(vec![page(0, 0, json!({"page": 1, "per_page": 50, "count": 0, "total_count": 0}))]);
    let r = list_with(&mut t, json!({"accountId": ACCOUNT}), 0, "").unwrap();
    assert_eq!((r.entries, r.continuation_token), (vec![], None));
}

#[test]
fn list_page_size_defaults_to_50_and_is_capped_at_the_api_maximum() {
    assert_eq!((list::page_size_of(0), list::page_size_of(7), list::page_size_of(5000)), (50, 7, 1000));
    let mut t = Scripted::answering(vec![page(0, 50, Value::Null)]);
    let r = list_with(&mut t, json!({"accountId": ACCOUNT}), 0, "").unwrap();
    assert_eq!(t.query(0), page_query(1, 50));
    assert_eq!(r.continuation_token.as_deref(), Some("2"), "a full default page may have a next one");
    let mut t = Scripted::answering(vec![page(0, 3, Value::Null)]);
    list_with(&mut t, json!({"accountId": ACCOUNT}), u32::MAX, "").unwrap();
    assert_eq!(t.query(0), page_query(1, 1000));
}

#[test]
fn list_refuses_a_continuation_token_it_did_not_give() {
    for bad in ["abc", "0", "-1", "2.5", " 2", "99999999999"] {
        let mut t = Scripted::default();
        let err = list_with(&mut t, json!({"accountId": ACCOUNT}), 0, bad).unwrap_err();
        let Error::InvalidInput(f) = &err else { panic!("{bad}: {err:?}") };
        assert_eq!(properties(f), ["continuationToken"], "{bad}");
        assert!(t.sent.is_empty());
    }
}

#[test]
fn list_refuses_a_bad_query_naming_the_property() {
    let cases = [
        (json!({}), vec!["accountId"]),
        (json!({"accountId": ACCOUNT, "zoneId": ZONE}), vec!["accountId", "zoneId"]),
        (json!({"acountId": ACCOUNT}), vec!["acountId", "accountId"]),
        (json!({"zoneId": "zone.example"}), vec!["zoneId"]),
        (json!({"accountId": ACCOUNT, "name": "ci"}), vec!["name"]),
    ];
    for (query, expected) in cases {
        let mut t = Scripted::default();
        let err = list_with(&mut t, query.clone(), 0, "").unwrap_err();
        let Error::InvalidInput(f) = &err else { panic!("{query}: {err:?}") };
        assert_eq!(properties(f), expected, "{query}: {f:?}");
        assert!(t.sent.is_empty());
    }
    let mut t = Scripted::default();
    let err = list_with(&mut t, json!({"acountId": ACCOUNT}), 0, "").unwrap_err();
    assert!(err.to_string().contains("did you mean \"accountId\""), "{err}");
    assert!(matches!(list::list(&mut Client::new(&conn(), &mut t), "[1]", 0, ""), Err(Error::InvalidInput(_))));
}

#[test]
fn the_plugin_package_token_is_accepted_and_others_still_refused() {
    assert_eq!(pulumi::PACKAGE, "cloudflare-access-service-token");
    assert!(pulumi::check_urn("urn:pulumi:s::p::cloudflare-access-service-token:index:AccessServiceToken::t").is_ok());
    assert!(pulumi::TYPE_TOKENS.contains(&"cloudflare-access-service-token:index:AccessServiceToken"));
    let err = pulumi::check_urn("urn:pulumi:s::p::cloudflare-access-service-token:index:Other::t").unwrap_err();
    assert!(err.to_string().contains("not \"cloudflare-access-service-token:index:Other\""), "{err}");
    assert!(pulumi::check_urn("urn:pulumi:s::p::cloudflare:index/record:Record::r").is_err());
    let r = pulumi::check(
        "urn:pulumi:s::p::cloudflare-access-service-token:index:AccessServiceToken::t",
        &json!({"name": "n", "accountId": ACCOUNT}).to_string(),
    )
    .unwrap();
    assert!(r.failures.is_empty() && r.inputs.is_some());
}
