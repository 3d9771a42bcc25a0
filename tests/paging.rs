//! The paging decision on its own: when a listing stops, how ids are taken
//! once, and when a repeating API is refused.

use access_service_token::paging::{is_last, Pager};
use access_service_token::responses::{ApiToken, ResultInfo};
use access_service_token::Error;

fn tokens(ids: std::ops::Range<u32>) -> Vec<ApiToken> {
    ids.map(|i| serde_json::from_value(serde_json::json!({"id": format!("id-{i}")})).unwrap()).collect()
}

fn info(per_page: Option<u64>, total_count: Option<u64>, total_pages: Option<u64>) -> ResultInfo {
    ResultInfo { per_page, total_count, total_pages, ..ResultInfo::default() }
}

#[test]
fn a_short_page_is_the_last_with_or_without_result_info() {
    assert!(is_last(1, 1, 1000, None));
    assert!(is_last(3, 999, 1000, None));
    assert!(!is_last(1, 1000, 1000, None), "a full page may have a next one");
    assert!(is_last(1, 0, 1000, None), "an empty page ends it");
}

#[test]
fn totals_end_a_listing_of_full_pages() {
    assert!(is_last(2, 1000, 1000, Some(&info(Some(1000), None, Some(2)))));
    assert!(!is_last(1, 1000, 1000, Some(&info(Some(1000), None, Some(2)))));
    assert!(is_last(2, 1000, 1000, Some(&info(Some(1000), Some(2000), None))), "page*per_page >= total_count");
    assert!(!is_last(2, 1000, 1000, Some(&info(Some(1000), Some(2001), None))));
    assert!(!is_last(1, 1000, 1000, Some(&info(None, None, None))), "empty result_info: no totals");
}

#[test]
fn the_page_size_the_api_reports_wins_over_the_one_asked_for() {
    // Asked for 1000, the API caps pages at 50: a page of 50 is full, not short.
    assert!(!is_last(1, 50, 1000, Some(&info(Some(50), None, None))));
    assert!(is_last(1, 49, 1000, Some(&info(Some(50), None, None))));
    assert!(is_last(2, 50, 1000, Some(&info(Some(50), Some(100), None))));
    assert!(is_last(1, 50, 1000, Some(&info(Some(0), None, None))), "a per_page of 0 is ignored: 50 < 1000");
}

#[test]
fn a_pager_walks_pages_until_the_last_and_takes_each_id_once() {
    let mut pager = Pager::new("/accounts/a/access/service_tokens", 3, 10);
    assert_eq!(pager.next_page(), Some(1));
    assert_eq!(pager.take(tokens(0..3), None).unwrap().len(), 3);
    assert_eq!(pager.next_page(), Some(2));
    // A page that overlaps the last one (a token created meanwhile shifted it).
    let fresh = pager.take(tokens(2..5), None).unwrap();
    assert_eq!(fresh.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["id-3", "id-4"]);
    assert_eq!(pager.next_page(), Some(3));
    assert_eq!(pager.take(tokens(5..6), None).unwrap().len(), 1);
    assert_eq!(pager.next_page(), None, "a short page is the last");
    assert!(pager.take(tokens(7..9), None).unwrap().is_empty(), "nothing is taken after the end");
}

#[test]
fn an_api_that_repeats_a_page_is_an_error_naming_the_endpoint() {
    let mut pager = Pager::new("/accounts/a/access/service_tokens?name=ci", 1, 100);
    pager.take(tokens(0..1), None).unwrap();
    let err = pager.take(tokens(0..1), None).unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("/accounts/a/access/service_tokens?name=ci") && text.contains("page 2") && text.contains("again"), "{text}");
}

#[test]
fn a_listing_longer_than_the_limit_is_an_error_not_a_silent_cut() {
    let mut pager = Pager::new("/zones/z/access/service_tokens", 2, 2);
    pager.take(tokens(0..2), None).unwrap();
    let err = pager.take(tokens(2..4), None).unwrap_err().to_string();
    assert!(err.contains("after 2 pages"), "{err}");
    let mut pager = Pager::new("/zones/z/access/service_tokens", 2, 2);
    pager.take(tokens(0..2), None).unwrap();
    assert!(pager.take(tokens(2..3), None).is_ok(), "the last page within the limit is fine");
}
