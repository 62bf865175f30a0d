//! Concurrency on the wire (R98, R102, R115, R119, R123): the provisioned and reserved
//! concurrency operations' paths, statuses and bodies, and the throttle a client sees.

mod common;
mod wire_common;

use common::*;
use http::Method;
use wire_common::*;

const THROTTLE: &str = r#"{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}"#;

#[test]
fn r98_r102_provisioned_operations_on_the_wire() {
    let s = populated();
    let put = send(
        &s,
        Method::PUT,
        "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
        r#"{"ProvisionedConcurrentExecutions":2}"#,
    );
    assert_eq!(put.status, 202, "{}", put.body);
    assert_eq!(put.json()["Status"], "IN_PROGRESS");
    let got = send(
        &s,
        Method::GET,
        "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
        "",
    );
    assert_eq!(
        (got.status, got.json()["Status"].as_str()),
        (200, Some("READY"))
    );
    let list = send(
        &s,
        Method::GET,
        "/2019-09-30/functions/f/provisioned-concurrency?List=ALL",
        "",
    );
    assert_eq!(
        list.json()["ProvisionedConcurrencyConfigs"][0]["FunctionArn"],
        format!("{ARN}:f:live")
    );
    let missing = send(
        &s,
        Method::GET,
        "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=2",
        "",
    );
    assert_error(
        &missing,
        404,
        "ProvisionedConcurrencyConfigNotFoundException",
        r#"{"Type":"User","message":"No Provisioned Concurrency Config found for this function"}"#,
    );
    let no_qualifier = send(
        &s,
        Method::GET,
        "/2019-09-30/functions/f/provisioned-concurrency",
        "",
    );
    assert_error(
        &no_qualifier,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null"}"#,
    );
    let deleted = send(
        &s,
        Method::DELETE,
        "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
        "",
    );
    assert_eq!((deleted.status, deleted.body.as_str()), (204, ""));
}

#[test]
fn r115_r119_r123_reserved_concurrency_and_the_throttle() {
    let s = populated();
    let none = send(&s, Method::GET, "/2019-09-30/functions/f/concurrency", "");
    assert_eq!((none.status, none.body.as_str()), (200, "{}"));
    let zero = send(
        &s,
        Method::PUT,
        "/2017-10-31/functions/f/concurrency",
        r#"{"ReservedConcurrentExecutions":0}"#,
    );
    assert_eq!(
        (zero.status, zero.body.as_str()),
        (200, r#"{"ReservedConcurrentExecutions":0}"#)
    );
    let got = send(&s, Method::GET, "/2015-03-31/functions/f", "");
    assert_eq!(
        got.json()["Concurrency"],
        serde_json::json!({"ReservedConcurrentExecutions": 0})
    );
    for path in [
        "/2015-03-31/functions/f/invocations",
        "/2015-03-31/functions/f:live/invocations",
    ] {
        let invoked = send(&s, Method::POST, path, "{}");
        assert_error(&invoked, 429, "TooManyRequestsException", THROTTLE);
    }
    let event = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        b"{}",
        &[("x-amz-invocation-type", "Event")],
    );
    assert_eq!(event.status, 202, "asynchronous invocations are accepted");
    let qualified = send(
        &s,
        Method::PUT,
        "/2017-10-31/functions/f%3A%24LATEST/concurrency",
        r#"{"ReservedConcurrentExecutions":1}"#,
    );
    assert_eq!(qualified.status, 400);
    assert_eq!(
        send(
            &s,
            Method::DELETE,
            "/2017-10-31/functions/f/concurrency",
            ""
        )
        .status,
        204
    );
    assert_eq!(
        send(
            &s,
            Method::POST,
            "/2015-03-31/functions/f/invocations",
            "{}"
        )
        .status,
        200
    );
    let got = send(&s, Method::GET, "/2015-03-31/functions/f", "");
    assert!(got.json().get("Concurrency").is_none());
}

#[test]
fn r137_function_url_requests_are_throttled_too() {
    let s = populated();
    let created = send(
        &s,
        Method::POST,
        "/2021-10-31/functions/f/url",
        r#"{"AuthType":"NONE"}"#,
    )
    .json();
    let grant = r#"{"StatementId":"u","Action":"lambda:InvokeFunctionUrl","Principal":"*","FunctionUrlAuthType":"NONE"}"#;
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/policy", grant).status,
        201
    );
    let host = created["FunctionUrl"].as_str().unwrap()[8..]
        .trim_end_matches('/')
        .to_owned();
    let ok = send_bytes(&s, Method::GET, "/", b"", &[("host", &host)]);
    assert_eq!(ok.status, 200);
    send(
        &s,
        Method::PUT,
        "/2017-10-31/functions/f/concurrency",
        r#"{"ReservedConcurrentExecutions":0}"#,
    );
    let throttled = send_bytes(&s, Method::GET, "/", b"", &[("host", &host)]);
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.error_type.as_deref(),
        Some("TooManyRequestsException")
    );
}

#[test]
fn r179_another_accounts_arn_answers_403_with_a_null_message() {
    let s = populated();
    let other = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A210987654321%3Afunction%3Af",
        "",
    );
    assert_error(&other, 403, "AccessDeniedException", r#"{"Message":null}"#);
}
