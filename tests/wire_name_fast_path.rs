//! Invoke and GetAlias take a shortcut when the path names a stored function exactly: the
//! name checks are skipped and only the qualifier or alias name is checked. These tests
//! hold the shortcut to the full checks (R93, R94, R64–R67): every answer equals the
//! registry's own `invoke_target` (which always runs the full checks), and the answer for
//! `f` equals the answer for the same function named by its ARN (which never takes the
//! shortcut), for valid, missing and invalid qualifiers and alias names.

mod common;
mod wire_common;

use http::Method;
use lambda_versioning::registry::InvokeRequest;
use lambda_versioning::wire::error_response;
use rand::SeedableRng as _;
use wire_common::*;

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

fn qualifiers() -> Vec<Option<String>> {
    let mut q: Vec<Option<String>> = [
        "live", "1", "2", "$LATEST", "99", "nope", "bad!", "", "f", "LIVE", "1.5",
    ]
    .iter()
    .map(|s| Some((*s).to_owned()))
    .collect();
    q.push(None);
    q.push(Some("q".repeat(129)));
    q
}

#[test]
fn r93_r94_invoke_by_a_stored_name_answers_what_the_full_checks_answer() {
    let s = populated();
    let names = [
        "f",
        ARN,
        "123456789012:function:f",
        "f:live",
        "f:1",
        "missing",
        "F",
    ];
    let mut compared = 0;
    for name in names {
        for qualifier in qualifiers() {
            let path = match &qualifier {
                Some(q) => format!("/2015-03-31/functions/{name}/invocations?Qualifier={q}"),
                None => format!("/2015-03-31/functions/{name}/invocations"),
            };
            let answer = send(&s, Method::POST, &path, "{}");
            let expected = s.read(|r| {
                let request = match &qualifier {
                    Some(q) => InvokeRequest::new(name).with_qualifier(q.as_str()),
                    None => InvokeRequest::new(name),
                };
                r.invoke_target(request, &mut rand::rngs::StdRng::seed_from_u64(1))
            });
            match expected {
                Err(e) => {
                    let refusal = error_response(&e);
                    assert_eq!(answer.status, refusal.status().as_u16(), "{path}");
                    assert_eq!(
                        answer.body,
                        String::from_utf8(refusal.into_body()).unwrap(),
                        "{path}"
                    );
                }
                Ok(target) => {
                    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
                    assert_eq!(
                        answer.headers["x-amz-executed-version"],
                        target.executed_version.to_string().as_str(),
                        "{path}"
                    );
                    assert_eq!(
                        answer.json()["invokedFunctionArn"],
                        target.invoked_arn.to_string(),
                        "{path}"
                    );
                }
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 7 * 13);
}

#[test]
fn r38_r93_get_alias_by_a_stored_name_answers_what_the_arn_answers() {
    let s = populated();
    let long = "a".repeat(129);
    let aliases = [
        "live",
        "nope",
        "bad!",
        "1",
        "$LATEST",
        "LIVE",
        long.as_str(),
    ];
    for alias in aliases {
        let by_name = send(
            &s,
            Method::GET,
            &format!("/2015-03-31/functions/f/aliases/{alias}"),
            "",
        );
        let by_arn = send(
            &s,
            Method::GET,
            &format!("/2015-03-31/functions/{ARN}/aliases/{alias}"),
            "",
        );
        assert_eq!(by_name.status, by_arn.status, "{alias}");
        assert_eq!(by_name.error_type, by_arn.error_type, "{alias}");
        assert_eq!(by_name.body, by_arn.body, "{alias}");
    }
    let live = send(&s, Method::GET, "/2015-03-31/functions/f/aliases/live", "");
    assert_eq!(live.status, 200);
    assert_eq!(live.json()["AliasArn"], format!("{ARN}:live"));
    let missing = send(&s, Method::GET, "/2015-03-31/functions/f/aliases/nope", "");
    assert_error(
        &missing,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Cannot find alias arn: {ARN}:nope"}}"#),
    );
}

#[test]
fn r39_r41_r93_update_alias_by_a_stored_name_answers_what_the_arn_answers() {
    // Two services built alike give the same revision ids in the same order, so even the
    // successful answers agree byte for byte.
    let (by_name_service, by_arn_service) = (populated(), populated());
    let long = "a".repeat(129);
    let cases: [(&str, &str); 17] = [
        (
            "live",
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.2}}}"#,
        ),
        ("live", r#"{"FunctionVersion":"2","RoutingConfig":{}}"#),
        ("live", r#"{"FunctionVersion":"9"}"#),
        (
            "live",
            r#"{"FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"9":0.2}}}"#,
        ),
        (
            "live",
            r#"{"FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"1":0.2}}}"#,
        ),
        (
            "live",
            r#"{"FunctionVersion":"$LATEST","RoutingConfig":{"AdditionalVersionWeights":{"2":0.2}}}"#,
        ),
        (
            "live",
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.6,"3":0.6}}}"#,
        ),
        (
            "live",
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":1.5}}}"#,
        ),
        ("live", r#"{"FunctionVersion":"bad!"}"#),
        ("live", r#"{"RevisionId":"stale"}"#),
        ("live", r#"{"Description":"moved by hand"}"#),
        ("live", "{}"),
        ("nope", "{}"),
        (
            "nope",
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.6,"3":0.6}}}"#,
        ),
        ("bad!", "{}"),
        ("LIVE", "{}"),
        (long.as_str(), "{}"),
    ];
    let mut statuses = Vec::new();
    for (alias, body) in cases {
        let by_name = send(
            &by_name_service,
            Method::PUT,
            &format!("/2015-03-31/functions/f/aliases/{alias}"),
            body,
        );
        let by_arn = send(
            &by_arn_service,
            Method::PUT,
            &format!("/2015-03-31/functions/{ARN}/aliases/{alias}"),
            body,
        );
        assert_eq!(by_name.status, by_arn.status, "{alias} {body}");
        assert_eq!(by_name.error_type, by_arn.error_type, "{alias} {body}");
        assert_eq!(by_name.body, by_arn.body, "{alias} {body}");
        statuses.push(by_name.status);
    }
    assert_eq!(
        statuses,
        [
            200, 200, 404, 404, 400, 400, 400, 400, 400, 412, 200, 200, 404, 400, 400, 404, 400
        ]
    );
    let missing_version = send(
        &by_name_service,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"9":0.2}}}"#,
    );
    assert_error(
        &missing_version,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Function not found: {ARN}:9"}}"#),
    );
    let missing_alias = send(
        &by_name_service,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/nope",
        "{}",
    );
    assert_error(
        &missing_alias,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Alias not found: {ARN}:nope"}}"#),
    );
    // The last updates (a description, then nothing) kept version 2; `{}` keeps the
    // description too (a partial update, R41).
    let live = send(
        &by_name_service,
        Method::GET,
        "/2015-03-31/functions/f/aliases/live",
        "",
    );
    assert_eq!(live.json()["FunctionVersion"], "2");
    assert_eq!(live.json()["Description"], "moved by hand");
    let live_by_arn = send(
        &by_arn_service,
        Method::GET,
        "/2015-03-31/functions/f/aliases/live",
        "",
    );
    assert_eq!(live.body, live_by_arn.body);
}
