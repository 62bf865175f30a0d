//! `Invoke` on the wire: statuses and headers by invocation type (R66, R67), payload
//! limits, and the resolver's choice of version.

mod common;
mod wire_common;

use std::time::Duration;

use base64::Engine as _;
use common::{ARN, T0};
use http::Method;
use lambda_versioning::wire::Service;
use lambda_versioning::{ManualClock, Registry};
use wire_common::*;

#[test]
fn r66_invoke_statuses_and_headers() {
    let s = populated();
    send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}}"#,
    );
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..400 {
        let r = send(
            &s,
            Method::POST,
            "/2015-03-31/functions/f/invocations?Qualifier=live",
            "{}",
        );
        assert_eq!(r.status, 200);
        let executed = r.headers["x-amz-executed-version"]
            .to_str()
            .unwrap()
            .to_owned();
        let payload = r.json();
        assert_eq!(payload["executedVersion"], executed.as_str());
        assert_eq!(payload["invokedFunctionArn"], format!("{ARN}:f:live"));
        *seen.entry(executed).or_insert(0) += 1;
    }
    assert_eq!(seen.keys().collect::<Vec<_>>(), ["1", "2"]);
    assert!((140..=260).contains(&seen["2"]), "{seen:?}");

    let latest = send(&s, Method::POST, "/2015-03-31/functions/f/invocations", "");
    assert_eq!(latest.headers["x-amz-executed-version"], "$LATEST");
    let event = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations?Qualifier=1",
        b"{}",
        &[("X-Amz-Invocation-Type", "Event")],
    );
    assert_eq!((event.status, event.body.as_str()), (202, ""));
    assert!(!event.headers.contains_key("x-amz-executed-version"));
    let dry = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        b"",
        &[("X-Amz-Invocation-Type", "DryRun")],
    );
    assert_eq!((dry.status, dry.body.as_str()), (204, ""));
    let tail = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations?Qualifier=2",
        b"",
        &[("X-Amz-Log-Type", "Tail")],
    );
    let log = base64::engine::general_purpose::STANDARD
        .decode(tail.headers["x-amz-log-result"].as_bytes())
        .unwrap();
    assert_eq!(
        String::from_utf8(log).unwrap(),
        "START Version: 2\nlambda-versioning: no code ran\nEND Version: 2\n"
    );

    let bad_type = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        b"",
        &[("X-Amz-Invocation-Type", "Later")],
    );
    assert_error(
        &bad_type,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"}"#,
    );
    let not_json = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        "hello",
    );
    assert_error(
        &not_json,
        400,
        "InvalidRequestContentException",
        r#"{"Type":"User","message":"Could not parse request body into json: Could not parse payload into json: expected value at line 1 column 1"}"#,
    );
    let missing = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations?Qualifier=9",
        "",
    );
    assert_error(
        &missing,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Function not found: {ARN}:f:9"}}"#),
    );
    let no_function = send(&s, Method::POST, "/2015-03-31/functions/g/invocations", "");
    assert_error(
        &no_function,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Function not found: {ARN}:g:$LATEST"}}"#),
    );
    let mismatch = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f%3A1/invocations?Qualifier=2",
        "",
    );
    assert_error(
        &mismatch,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"The derived qualifier from the function name does not match the specified qualifier."}"#,
    );
    let big = vec![b' '; 6_291_457];
    let too_big = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        &big,
        &[],
    );
    assert_error(
        &too_big,
        413,
        "RequestTooLargeException",
        r#"{"Type":"User","message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}"#,
    );
    let big_event = vec![b' '; 1_048_577];
    let too_big = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        &big_event,
        &[("X-Amz-Invocation-Type", "Event")],
    );
    assert_error(
        &too_big,
        413,
        "RequestTooLargeException",
        r#"{"Type":"User","message":"Request must be smaller than 1048576 bytes for the InvokeFunction operation"}"#,
    );
}

/// R23: a function still being created is not invoked (it used to answer 200 with
/// `$LATEST`); once it settles, it is.
#[test]
fn r23_invoking_a_pending_function_is_refused_until_it_settles() {
    let clock = ManualClock::new(lambda_versioning::Timestamp::from_unix_millis(T0));
    let s = Service::builder(Registry::builder().clock(clock.clone()).seed(2).build())
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(100))
        .build();
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).status,
        201
    );
    let refused = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        "{}",
    );
    assert_error(
        &refused,
        409,
        "ResourceConflictException",
        r#"{"Type":"User","message":"The operation cannot be performed at this time. The function is currently in the following state: Pending"}"#,
    );
    clock.advance_millis(100);
    let ok = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        "{}",
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.headers["x-amz-executed-version"], "$LATEST");
}
