//! The headers of every kind of answer `Service::handle` gives: which names, in which
//! order, and a fresh version-4 UUID as `x-amzn-RequestId` on each (R96 for the error
//! type). Answers start from prepared header maps and take their request ids from
//! per-thread batches; these tests hold both to what answers carried before.

mod common;
mod wire_common;

use std::collections::HashSet;

use http::Method;
use lambda_versioning::wire::Service;
use wire_common::*;

/// `(status, header names in order, request id)` of one answer.
fn headers_of(s: &Service, method: Method, path: &str, body: &str) -> (u16, Vec<String>, String) {
    let request = http::Request::builder()
        .method(method)
        .uri(path)
        .body(body.as_bytes().to_vec())
        .expect("request");
    let response = s.handle(request);
    let names = response.headers().keys().map(|n| n.to_string()).collect();
    let ids: Vec<_> = response
        .headers()
        .get_all("x-amzn-requestid")
        .iter()
        .collect();
    assert_eq!(ids.len(), 1, "{path}: one request id");
    let id = ids[0].to_str().expect("ascii").to_owned();
    (response.status().as_u16(), names, id)
}

#[track_caller]
fn assert_uuid_v4(id: &str) {
    let parsed = uuid::Uuid::parse_str(id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4, "{id}");
    assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{id}");
    assert_eq!(parsed.hyphenated().to_string(), id, "lower-case hyphenated");
}

#[test]
fn r66_r96_each_kind_of_answer_carries_its_headers_in_order_and_a_fresh_request_id() {
    let s = populated();
    let cases: [(Method, &str, &str, u16, &[&str]); 7] = [
        (
            Method::POST,
            "/2015-03-31/functions/f/invocations?Qualifier=live",
            "{}",
            200,
            &["content-type", "x-amz-executed-version", "x-amzn-requestid"],
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/aliases/live",
            "",
            200,
            &["content-type", "x-amzn-requestid"],
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/aliases/live",
            r#"{"FunctionVersion":"2"}"#,
            200,
            &["content-type", "x-amzn-requestid"],
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/versions",
            "",
            200,
            &["content-type", "x-amzn-requestid"],
        ),
        (
            Method::DELETE,
            "/2015-03-31/functions/f/aliases/gone",
            "",
            204,
            &["x-amzn-requestid"],
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/aliases/missing",
            "",
            404,
            &["content-type", "x-amzn-errortype", "x-amzn-requestid"],
        ),
        (
            Method::PATCH,
            "/nowhere",
            "",
            404,
            &["content-type", "x-amzn-errortype", "x-amzn-requestid"],
        ),
    ];
    let mut seen = HashSet::new();
    // Enough rounds to span several of a thread's batches of ids.
    for _ in 0..20 {
        for (method, path, body, status, names) in &cases {
            let (got_status, got_names, id) = headers_of(&s, method.clone(), path, body);
            assert_eq!(got_status, *status, "{method} {path}");
            assert_eq!(got_names, *names, "{method} {path}");
            assert_uuid_v4(&id);
            assert!(seen.insert(id.clone()), "{id} given twice");
        }
    }
    assert_eq!(seen.len(), 20 * cases.len());
}

/// A synchronous invoke that asks for the log tail also carries `X-Amz-Log-Result`.
#[test]
fn r66_invoke_with_the_log_tail_carries_its_log_header_too() {
    let s = populated();
    let answer = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations?Qualifier=live",
        b"{}",
        &[("X-Amz-Log-Type", "Tail")],
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["x-amz-executed-version"], "1");
    let mut names: Vec<_> = answer.headers.keys().map(|n| n.to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "content-type",
            "x-amz-executed-version",
            "x-amz-log-result",
            "x-amzn-requestid"
        ]
    );
    assert_uuid_v4(answer.headers["x-amzn-requestid"].to_str().expect("ascii"));
}
