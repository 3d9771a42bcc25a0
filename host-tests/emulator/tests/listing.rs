//! Listing: paging, `result_info`, the empty page past the end, filters and
//! `per_page`/`page` bounds.

mod common;
use common::*;
use serde_json::{json, Value};

fn names(result: &Value) -> Vec<String> {
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

fn with_five(api: &Api) {
    for name in ["alpha", "Beta", "gamma", "ALPHABET", "delta"] {
        api.create(name);
    }
}

#[test]
fn pages_come_in_creation_order_with_result_info() {
    let emu = start();
    let api = Api::new(&emu);
    with_five(&api);
    let mut seen = Vec::new();
    for (page, expected_count) in [(1, 2), (2, 2), (3, 1)] {
        let r = api.get(&accounts(&format!("?page={page}&per_page=2")));
        let body = r.json();
        assert_eq!(
            body["result_info"],
            json!({"page": page, "per_page": 2, "count": expected_count, "total_count": 5, "total_pages": 3})
        );
        for t in body["result"].as_array().unwrap() {
            assert!(t.get("client_secret").is_none(), "list never shows secrets");
            assert_eq!(t["last_seen_at"], Value::Null);
        }
        seen.extend(names(&body["result"]));
    }
    assert_eq!(seen, ["alpha", "Beta", "gamma", "ALPHABET", "delta"]);
}

#[test]
fn a_page_past_the_end_is_an_empty_success() {
    let emu = start();
    let api = Api::new(&emu);
    with_five(&api);
    let r = api.get(&accounts("?page=4&per_page=2"));
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["result"], json!([]));
    assert_eq!(body["result_info"]["count"], 0);
    assert_eq!(body["result_info"]["total_count"], 5);
}

#[test]
fn defaults_are_page_1_and_per_page_1000() {
    let emu = start();
    let api = Api::new(&emu);
    with_five(&api);
    let body = api.get(&accounts("")).json();
    assert_eq!(
        body["result_info"],
        json!({"page": 1, "per_page": 1000, "count": 5, "total_count": 5, "total_pages": 1})
    );
    let empty = api.get(&zones("")).json();
    assert_eq!(empty["result"], json!([]));
    assert_eq!(empty["result_info"]["total_pages"], 0);
}

#[test]
fn name_is_an_exact_match_and_search_a_case_insensitive_substring() {
    let emu = start();
    let api = Api::new(&emu);
    with_five(&api);
    assert_eq!(
        names(&api.get(&accounts("?name=alpha")).result()),
        ["alpha"]
    );
    assert_eq!(
        names(&api.get(&accounts("?name=Alpha")).result()),
        Vec::<String>::new()
    );
    assert_eq!(
        names(&api.get(&accounts("?search=ALPHA")).result()),
        ["alpha", "ALPHABET"]
    );
    assert_eq!(
        names(&api.get(&accounts("?search=ta")).result()),
        ["Beta", "delta"]
    );
    let body = api.get(&accounts("?search=a&per_page=1&page=2")).json();
    assert_eq!(names(&body["result"]), ["Beta"]);
    assert_eq!(body["result_info"]["total_count"], 5);
    api.create("with space");
    assert_eq!(
        names(&api.get(&accounts("?name=with%20space")).result()),
        ["with space"]
    );
    assert_eq!(
        names(&api.get(&accounts("?name=with+space")).result()),
        ["with space"]
    );
}

#[test]
fn per_page_and_page_out_of_bounds_are_400_12130() {
    let emu = start();
    let api = Api::new(&emu);
    for query in [
        "per_page=0",
        "per_page=1001",
        "per_page=abc",
        "per_page=-1",
        "page=0",
        "page=x",
        "page=1.5",
    ] {
        assert_eq!(
            api.get(&accounts(&format!("?{query}"))).error(),
            (400, 12130),
            "{query}"
        );
    }
    assert_eq!(api.get(&accounts("?per_page=1000&page=1")).status, 200);
    assert_eq!(api.get(&accounts("?per_page=1")).status, 200);
}
