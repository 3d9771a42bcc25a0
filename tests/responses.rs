//! How answers that are not a plain success read to a person and which error
//! kind a caller gets: several Cloudflare errors at once, a 401 whatever its
//! body, bodies that are not the envelope (cut short, not JSON, HTML pages),
//! `cf-ray` ids and `retry-after` dates.

use access_service_token::responses::{self, ApiToken};
use access_service_token::transport::RawResponse;
use access_service_token::Error;
use chrono::{DateTime, Utc};

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> RawResponse {
    RawResponse {
        status,
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn parse(resp: &RawResponse) -> Error {
    responses::parse::<ApiToken>(resp).unwrap_err()
}

#[test]
fn several_errors_are_each_shown_with_their_code() {
    let body = r#"{"success": false, "errors": [
        {"code": 12130, "message": "name is required"},
        {"code": 12131, "message": "duration is invalid"},
        {"message": "see the documentation"}
    ], "messages": [], "result": null}"#;
    match parse(&answer(400, &[], body)) {
        Error::Api(f) => {
            assert_eq!((f.status, f.code), (400, Some(12130)));
            assert_eq!(f.message, "12130: name is required; 12131: duration is invalid; see the documentation");
        }
        other => panic!("{other:?}"),
    }
    // A single error is shown once, its code in the failure, not in the message.
    let body = r#"{"success": false, "errors": [{"code": 12130, "message": "name is required"}], "result": null}"#;
    assert_eq!(
        parse(&answer(400, &[], body)).to_string(),
        "Cloudflare API error (HTTP 400, Cloudflare error 12130: name is required)"
    );
}

#[test]
fn http_401_is_an_authentication_failure_whatever_the_body() {
    // No error code to go by: the status alone says the credentials failed.
    let body = r#"{"success": false, "errors": [], "messages": [], "result": null}"#;
    match parse(&answer(401, &[], body)) {
        Error::Unauthorized(f) => {
            assert_eq!((f.status, f.code), (401, None));
            assert_eq!(f.message, "the API answered success=false without an error message");
        }
        other => panic!("{other:?}"),
    }
    let body = r#"{"success": false, "errors": [{"code": 1000, "message": "Invalid API Token"}], "result": null}"#;
    assert!(matches!(parse(&answer(401, &[], body)), Error::Unauthorized(f) if f.code == Some(1000)));
    // An HTML 401 from a proxy on the way.
    let html = "<html><head><title>401 Authorization Required</title></head></html>";
    let err = parse(&answer(401, &[("content-type", "text/html")], html));
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (HTTP 401: the response was not Cloudflare's JSON envelope (text/html, {} bytes), \
             page title \"401 Authorization Required\"); check CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            html.len()
        )
    );
}

#[test]
fn a_success_body_that_is_not_json_is_told_apart_from_one_cut_short() {
    let json = [("content-type", "application/json")];
    let message = |resp: &RawResponse| match parse(resp) {
        Error::Api(f) => {
            assert_eq!((f.status, f.code), (resp.status, None));
            f.message
        }
        other => panic!("{other:?}"),
    };
    // Cut short, after leading whitespace, an object or a list.
    assert_eq!(message(&answer(200, &json, "\n  {\"success\": tr")), "an answer cut short (17 bytes)");
    assert_eq!(message(&answer(200, &json, "[{\"id\": ")), "an answer cut short (8 bytes)");
    // Complete JSON followed by something else is not JSON, not cut short.
    let trailing = r#"{"success": true, "result": {}} <!-- cached -->"#;
    assert_eq!(message(&answer(200, &json, trailing)), "a body that is not JSON (application/json, 47 bytes)");
    // A string that stops early did not start like the envelope: not JSON.
    assert_eq!(message(&answer(200, &[("content-type", "text/plain")], "\"ok")), "a body that is not JSON (text/plain, 3 bytes)");
    assert_eq!(message(&answer(204, &[], "")), "an empty body (no content type)");
    // Complete JSON that is not the envelope.
    assert_eq!(
        message(&answer(200, &json, r#"{"success": "yes"}"#)),
        "JSON that is not Cloudflare's envelope (application/json, 18 bytes)"
    );
    assert_eq!(message(&answer(200, &[], "[1, 2]")), "JSON that is not Cloudflare's envelope (no content type, 6 bytes)");
    // The same descriptions, for callers that need to know the answer was unreadable.
    assert_eq!(responses::unreadable_success(&answer(200, &json, trailing)), "HTTP 200 with a body that is not JSON (application/json, 47 bytes)");
    assert_eq!(responses::unreadable_success(&answer(200, &json, "[1, 2]")), "HTTP 200 with an answer that is not Cloudflare's envelope");
}

#[test]
fn an_error_page_is_described_by_its_title_when_it_has_a_short_one() {
    let html = |title: &str| format!("<!DOCTYPE html><html><head><title>{title}</title></head><body>cloudflare</body></html>");
    let message = |status: u16, body: &str| match parse(&answer(status, &[("content-type", "text/html; charset=UTF-8")], body)) {
        Error::Api(f) | Error::Forbidden(f) | Error::NotFound(f) => f.message,
        other => panic!("{other:?}"),
    };
    let page = html("  520: Web server is returning an unknown error ");
    assert_eq!(
        message(520, &page),
        format!("the response was not Cloudflare's JSON envelope (text/html; charset=UTF-8, {} bytes), page title \"520: Web server is returning an unknown error\"", page.len())
    );
    // Titles of up to 120 characters are quoted; longer or empty ones are left out.
    let at_limit = "x".repeat(120);
    assert!(message(403, &html(&at_limit)).ends_with(&format!(", page title \"{at_limit}\"")));
    for title in ["x".repeat(121), String::new(), "   ".to_string()] {
        let page = html(&title);
        assert_eq!(
            message(404, &page),
            format!("the response was not Cloudflare's JSON envelope (text/html; charset=UTF-8, {} bytes)", page.len()),
            "{title:?}"
        );
    }
    // No title at all.
    assert_eq!(message(500, "Internal Server Error"), "the response was not Cloudflare's JSON envelope (text/html; charset=UTF-8, 21 bytes)");
}

#[test]
fn a_429_page_is_rate_limiting_with_its_retry_after() {
    let resp = answer(429, &[("content-type", "text/html"), ("retry-after", "30")], "<html><title>429 Too Many Requests</title></html>");
    match parse(&resp) {
        Error::RateLimited { retry_after_seconds, message } => {
            assert_eq!(retry_after_seconds, Some(30));
            assert_eq!(message, "the response was not Cloudflare's JSON envelope (text/html, 49 bytes), page title \"429 Too Many Requests\"");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_cf_ray_id_is_quoted_only_when_it_looks_like_one() {
    let cut = |ray: &str| match parse(&answer(200, &[("content-type", "application/json"), ("cf-ray", ray)], "{\"success\"")) {
        Error::Api(f) => f.message,
        other => panic!("{other:?}"),
    };
    assert_eq!(cut(" 8c1f2e3d4c5b6a79-LHR "), "an answer cut short (10 bytes), cf-ray 8c1f2e3d4c5b6a79-LHR");
    let longest = "a".repeat(64);
    assert_eq!(cut(&longest), format!("an answer cut short (10 bytes), cf-ray {longest}"));
    for not_an_id in ["", "   ", &"a".repeat(65), "8c1f 2e3d", "8c1f2e3d4c5b6a79_LHR", "ray\"x"] {
        assert_eq!(cut(not_an_id), "an answer cut short (10 bytes)", "{not_an_id:?}");
    }
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-10-28T12:00:00Z").unwrap().with_timezone(&Utc);
    let with = |value: &str| answer(429, &[("Retry-After", value)], "");
    assert_eq!(responses::retry_after_at(&with(" 17 "), Some(now)), Some(17));
    assert_eq!(responses::retry_after(&with("17")), Some(17));
    assert_eq!(responses::retry_after_at(&with("Wed, 28 Oct 2026 12:01:30 GMT"), Some(now)), Some(90));
    // A date already past means now; without a clock a date cannot be read.
    assert_eq!(responses::retry_after_at(&with("Wed, 28 Oct 2026 11:59:00 GMT"), Some(now)), Some(0));
    assert_eq!(responses::retry_after(&with("Wed, 28 Oct 2026 12:01:30 GMT")), None);
    assert_eq!(responses::retry_after_at(&with("soon"), Some(now)), None);
    assert_eq!(responses::retry_after_at(&answer(429, &[], ""), Some(now)), None);
}
