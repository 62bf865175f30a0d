//! Error answers on the wire: the exception's status, header and body casing (R96),
//! framework validation of absent and mistyped members (R93), unknown paths and
//! oversized bodies.

mod common;
mod wire_common;

use common::{ARN, ROLE};
use http::Method;
use lambda_versioning::Registry;
use lambda_versioning::wire::Service;
use wire_common::*;

#[test]
fn r96_error_bodies_use_each_exception_casing() {
    let s = populated();
    // message (lower case) with Type User.
    let conflict = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"live","FunctionVersion":"2"}"#,
    );
    assert_error(
        &conflict,
        409,
        "ResourceConflictException",
        &format!(r#"{{"Type":"User","message":"Alias already exists: {ARN}:f:live"}}"#),
    );
    let stale = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"RevisionId":"0"}"#,
    );
    assert_error(
        &stale,
        412,
        "PreconditionFailedException",
        r#"{"Type":"User","message":"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}"#,
    );
    let two = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.1,"3":0.1}}}"#,
    );
    assert_error(
        &two,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Number of items in AdditionalVersionWeights cannot be greater than 1"}"#,
    );
    // The one recorded IPVE without Type.
    let latest = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"edge","FunctionVersion":"$LATEST","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}}"#,
    );
    assert_error(
        &latest,
        400,
        "InvalidParameterValueException",
        r#"{"message":"$LATEST is not supported for an alias pointing to more than 1 version"}"#,
    );
    // Message (upper case).
    let missing = send(&s, Method::GET, "/2015-03-31/functions/f/aliases/nope", "");
    assert_error(
        &missing,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Cannot find alias arn: {ARN}:f:nope"}}"#),
    );
    // ValidationException: no Type (R93 text).
    let invalid = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"2024","FunctionVersion":"live"}"#,
    );
    assert_error(
        &invalid,
        400,
        "ValidationException",
        r#"{"message":"2 validation errors detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+); Value 'live' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST(\\.PUBLISHED)?|[0-9]+)"}"#,
    );
    // PublicPolicyException: Message.
    let blocked = Service::builder(
        Registry::builder()
            .seed(1)
            .block_public_access(true)
            .build(),
    )
    .settle_immediately()
    .build();
    send(
        &blocked,
        Method::POST,
        "/2015-03-31/functions",
        &create_body("f"),
    );
    send(
        &blocked,
        Method::POST,
        "/2015-03-31/functions/f/versions",
        "",
    );
    let public = send(
        &blocked,
        Method::POST,
        "/2015-03-31/functions/f/policy?Qualifier=1",
        r#"{"StatementId":"all","Action":"lambda:InvokeFunction","Principal":"*"}"#,
    );
    assert_eq!(public.status, 400);
    assert_eq!(public.error_type.as_deref(), Some("PublicPolicyException"));
    assert!(public.json()["Message"].is_string() && public.json().get("message").is_none());
}

#[test]
fn r93_required_members_and_types() {
    let s = service();
    let no_members = send(&s, Method::POST, "/2015-03-31/functions", "{}");
    assert_error(
        &no_members,
        400,
        "ValidationException",
        r#"{"message":"3 validation errors detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null; Value null at 'role' failed to satisfy constraint: Member must not be null; Value null at 'code' failed to satisfy constraint: Member must not be null"}"#,
    );
    let alias = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"live"}"#,
    );
    assert_error(
        &alias,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null"}"#,
    );
    let negative = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/configuration",
        r#"{"Timeout":-5}"#,
    );
    assert_error(
        &negative,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value '-5' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"}"#,
    );
    let arch = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/code",
        r#"{"Architectures":["sparc"]}"#,
    );
    assert_error(
        &arch,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value '[sparc]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]"}"#,
    );
    let auth = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/policy",
        r#"{"StatementId":"a","Action":"lambda:InvokeFunctionUrl","Principal":"*","FunctionUrlAuthType":"OPEN"}"#,
    );
    assert_error(
        &auth,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value 'OPEN' at 'functionUrlAuthType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]"}"#,
    );
    // Wrong JSON types and malformed JSON.
    let wrong_type = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":5,"FunctionVersion":"1"}"#,
    );
    assert_error(
        &wrong_type,
        400,
        "InvalidRequestContentException",
        r#"{"Type":"User","message":"Could not parse request body into json: invalid type: integer `5`, expected a string at line 1 column 9"}"#,
    );
    let truncated = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/versions",
        r#"{"Description":"#,
    );
    assert_error(
        &truncated,
        400,
        "InvalidRequestContentException",
        r#"{"Type":"User","message":"Could not parse request body into json: EOF while parsing a value at line 1 column 15"}"#,
    );
    let array = send(&s, Method::POST, "/2015-03-31/functions/f/versions", "[1]");
    assert_eq!(
        array.error_type.as_deref(),
        Some("InvalidRequestContentException")
    );
    let max_items = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/f/versions?MaxItems=ten",
        "",
    );
    assert_error(
        &max_items,
        400,
        "InvalidRequestContentException",
        r#"{"Type":"User","message":"MaxItems must be an integer, got 'ten'"}"#,
    );
    // Code problems.
    let s3 = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &format!(r#"{{"FunctionName":"f","Role":"{ROLE}","Code":{{"S3Bucket":"b","S3Key":"k"}}}}"#),
    );
    assert_error(
        &s3,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"This endpoint accepts function code only as ZipFile or ImageUri; S3Bucket and S3Key need a code source (ServiceBuilder::code_source)."}"#,
    );
    let not_zip = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &format!(
            r#"{{"FunctionName":"f","Role":"{ROLE}","Code":{{"ZipFile":"{}"}}}}"#,
            zip_b64(b"hello")
        ),
    );
    assert_error(
        &not_zip,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Could not unzip uploaded file. Please check your file, then try to upload again."}"#,
    );
    let not_base64 = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &format!(r#"{{"FunctionName":"f","Role":"{ROLE}","Code":{{"ZipFile":"@@@"}}}}"#),
    );
    assert_eq!(
        not_base64.error_type.as_deref(),
        Some("InvalidRequestContentException")
    );
    assert_eq!(s.read(|r| r.function_count()), 0, "nothing was created");
}

#[test]
fn unknown_paths_and_oversized_bodies() {
    let s = Service::builder(Registry::builder().seed(1).build())
        .max_body_bytes(64)
        .build();
    let unknown = send(&s, Method::GET, "/2015-03-31/layers", "");
    assert_error(
        &unknown,
        404,
        "UnknownOperationException",
        r#"{"Message":"No operation is bound to GET /2015-03-31/layers"}"#,
    );
    let patch = send(&s, Method::PATCH, "/2015-03-31/functions/f", "");
    assert_error(
        &patch,
        404,
        "UnknownOperationException",
        r#"{"Message":"No operation is bound to PATCH /2015-03-31/functions/f"}"#,
    );
    let big = send(&s, Method::POST, "/2015-03-31/functions", &create_body("f"));
    assert_error(
        &big,
        413,
        "RequestTooLargeException",
        r#"{"Type":"User","message":"Request must be smaller than 64 bytes"}"#,
    );
    assert_eq!(s.read(|r| r.function_count()), 0);
    // A name that is not UTF-8 after decoding fails validation, not the server.
    let bad = send(&s, Method::GET, "/2015-03-31/functions/%FF", "");
    assert_eq!(bad.error_type.as_deref(), Some("ValidationException"));
    assert!(
        bad.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("1 validation error detected: Value '\u{fffd}' at 'functionName'")
    );
}

/// A server whose framework refuses oversized bodies itself (it never hands the body to
/// the service) and one that routes some paths itself answer exactly as `handle` would.
#[test]
fn refusal_answers_for_servers_that_stop_before_the_service() {
    let s = Service::builder(Registry::builder().seed(1).build())
        .max_body_bytes(64)
        .build();
    let answer = |r: http::Response<Vec<u8>>| {
        assert!(r.headers().contains_key("x-amzn-requestid"));
        (
            r.status().as_u16(),
            r.headers()["x-amzn-errortype"].to_str().unwrap().to_owned(),
            r.headers()["content-type"].to_str().unwrap().to_owned(),
            String::from_utf8(r.into_body()).unwrap(),
        )
    };
    let handled = s.handle(
        http::Request::post("/2015-03-31/functions")
            .body(vec![b' '; 65])
            .unwrap(),
    );
    assert_eq!(answer(s.body_too_large()), answer(handled));
    assert_eq!(
        answer(s.body_too_large()),
        (
            413,
            "RequestTooLargeException".to_owned(),
            "application/json".to_owned(),
            r#"{"Type":"User","message":"Request must be smaller than 64 bytes"}"#.to_owned()
        )
    );
    let handled = s.handle(http::Request::get("/health").body(Vec::new()).unwrap());
    assert_eq!(
        answer(s.unknown_operation(&Method::GET, "/health")),
        answer(handled)
    );
    let err = lambda_versioning::wire::unknown_operation(&Method::GET, "/health");
    assert_eq!(err.message(), "No operation is bound to GET /health");
    assert_eq!(err.fault_type(), None);
    let err = lambda_versioning::wire::request_too_large(10);
    assert_eq!(
        (err.http_status(), err.message()),
        (413, "Request must be smaller than 10 bytes")
    );
}

/// A JSON object naming a key twice is refused rather than resolved to one of them
/// (the service's parser is unrecorded; docs/decisions.md), and changes nothing.
#[test]
fn duplicate_json_keys_are_refused() {
    let s = populated();
    let before = snapshot(&s);
    let twice = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/aliases",
        r#"{"Name":"split","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.1,"2":0.9}}}"#,
    );
    assert_error(
        &twice,
        400,
        "InvalidRequestContentException",
        r#"{"Type":"User","message":"Could not parse request body into json: duplicate key \"2\" at line 1 column 99"}"#,
    );
    let env = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/configuration",
        r#"{"Environment":{"Variables":{"AB":"1","AB":"2"}}}"#,
    );
    assert_eq!(
        env.error_type.as_deref(),
        Some("InvalidRequestContentException")
    );
    assert!(env.body.contains(r#"duplicate key \"AB\""#), "{}", env.body);
    assert_eq!(snapshot(&s), before);
}
