//! The REST API on the wire (`lambda_versioning::wire`): statuses (R95), error bodies
//! (R96), member presence (R31, R37), framework validation (R93), robustness against bad
//! input, the settle lifecycle, and Invoke (R66).

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::{ARN, ROLE, T0, clock};
use http::Method;
use lambda_versioning::wire::{Operation, Service, route};
use lambda_versioning::{Lifecycle, ManualClock, Registry};
use proptest::prelude::*;

/// An empty zip archive (end-of-central-directory record only).
const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

struct Answer {
    status: u16,
    error_type: Option<String>,
    headers: http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

fn send(service: &Service, method: Method, path: &str, body: &str) -> Answer {
    send_bytes(service, method, path, body.as_bytes(), &[])
}

fn send_bytes(
    service: &Service,
    method: Method,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Answer {
    let mut builder = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = service.handle(builder.body(body.to_vec()).unwrap());
    assert!(response.headers().contains_key("x-amzn-requestid"));
    Answer {
        status: response.status().as_u16(),
        error_type: response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned()),
        headers: response.headers().clone(),
        body: String::from_utf8(response.into_body()).unwrap(),
    }
}

#[track_caller]
fn assert_error(answer: &Answer, status: u16, exception: &str, body: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.error_type.as_deref(), Some(exception));
    assert_eq!(answer.body, body);
}

fn zip_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn create_body(name: &str) -> String {
    format!(
        r#"{{"FunctionName":"{name}","Role":"{ROLE}","Runtime":"python3.12","Handler":"app.handler","Code":{{"ZipFile":"{}"}}}}"#,
        zip_b64(EMPTY_ZIP)
    )
}

fn service() -> Service {
    Service::builder(Registry::builder().clock(clock()).seed(1).build())
        .settle_immediately()
        .build()
}

/// A function `f` with versions 1 and 2 (different code) and alias `live` on 1.
fn populated() -> Service {
    let s = service();
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).status,
        201
    );
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/versions", "").status,
        201
    );
    let code = format!(r#"{{"ZipFile":"{}"}}"#, zip_b64(b"PK\x03\x04v2"));
    assert_eq!(
        send(&s, Method::PUT, "/2015-03-31/functions/f/code", &code).status,
        200
    );
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/versions", "{}").status,
        201
    );
    let alias = r#"{"Name":"live","FunctionVersion":"1"}"#;
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/aliases", alias).status,
        201
    );
    s
}

fn snapshot(service: &Service) -> String {
    service.read(|r| serde_json::to_string(&r.export()).unwrap())
}

#[test]
fn r95_routes_bind_every_operation() {
    let cases = [
        (
            Method::POST,
            "/2015-03-31/functions",
            Operation::CreateFunction,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/",
            Operation::CreateFunction,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f",
            Operation::GetFunction,
        ),
        (
            Method::DELETE,
            "/2015-03-31/functions/f",
            Operation::DeleteFunction,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/configuration",
            Operation::GetFunctionConfiguration,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/configuration",
            Operation::UpdateFunctionConfiguration,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/code",
            Operation::UpdateFunctionCode,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/versions",
            Operation::PublishVersion,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/versions",
            Operation::ListVersionsByFunction,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/aliases",
            Operation::CreateAlias,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/aliases",
            Operation::ListAliases,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/aliases/a",
            Operation::GetAlias,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/aliases/a",
            Operation::UpdateAlias,
        ),
        (
            Method::DELETE,
            "/2015-03-31/functions/f/aliases/a",
            Operation::DeleteAlias,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/policy",
            Operation::AddPermission,
        ),
        (
            Method::GET,
            "/2015-03-31/functions/f/policy",
            Operation::GetPolicy,
        ),
        (
            Method::DELETE,
            "/2015-03-31/functions/f/policy/sid",
            Operation::RemovePermission,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/invocations",
            Operation::Invoke,
        ),
    ];
    for (method, path, op) in cases {
        assert_eq!(
            route(&method, path).map(|r| r.operation),
            Some(op),
            "{method} {path}"
        );
    }
    for (method, path) in [
        (Method::GET, "/2015-03-31/functions"),
        (Method::PATCH, "/2015-03-31/functions/f"),
        (Method::GET, "/2015-03-31/functions/f/unknown"),
        (Method::GET, "/2015-03-31/functions//versions"),
        (Method::GET, "/2015-03-31/functions/f/aliases/a/b"),
        (Method::GET, "/2020-01-01/functions/f"),
        (Method::GET, ""),
    ] {
        assert_eq!(route(&method, path), None, "{method} {path}");
    }
    let r = route(&Method::DELETE, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/policy/s%2D1").unwrap();
    assert_eq!(
        r.function_name.as_deref(),
        Some("arn:aws:lambda:us-east-1:123456789012:function:f")
    );
    assert_eq!(r.resource.as_deref(), Some("s-1"));
}

#[test]
fn r95_success_statuses_and_exact_bodies() {
    let s = populated();
    let alias = send(&s, Method::GET, "/2015-03-31/functions/f/aliases/live", "");
    assert_eq!(alias.status, 200);
    let revision = alias.json()["RevisionId"].as_str().unwrap().to_owned();
    // R37: no RoutingConfig member without routing; Description "" is present.
    assert_eq!(
        alias.body,
        format!(
            r#"{{"AliasArn":"{ARN}:f:live","Name":"live","FunctionVersion":"1","Description":"","RevisionId":"{revision}"}}"#
        )
    );

    let weighted = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}}"#,
    );
    assert_eq!(weighted.status, 200);
    assert_eq!(
        weighted.json()["RoutingConfig"],
        serde_json::json!({"AdditionalVersionWeights": {"2": 0.25}})
    );

    let config = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/f/configuration?Qualifier=1",
        "",
    );
    assert_eq!(config.status, 200);
    let c = config.json();
    let sha = base64::engine::general_purpose::STANDARD
        .encode(<sha2::Sha256 as sha2::Digest>::digest(EMPTY_ZIP));
    assert_eq!(
        config.body,
        format!(
            concat!(
                r#"{{"FunctionName":"f","FunctionArn":"{arn}:f:1","Runtime":"python3.12","Role":"{role}","#,
                r#""Handler":"app.handler","CodeSize":22,"Description":"","Timeout":3,"MemorySize":128,"#,
                r#""LastModified":"2025-11-28T00:00:00.000+0000","CodeSha256":"{sha}","Version":"1","#,
                r#""TracingConfig":{{"Mode":"PassThrough"}},"RevisionId":"{rev}","State":"Active","#,
                r#""LastUpdateStatus":"Successful","PackageType":"Zip","Architectures":["x86_64"],"#,
                r#""EphemeralStorage":{{"Size":512}},"SnapStart":{{"ApplyOn":"None","OptimizationStatus":"Off"}},"#,
                r#""LoggingConfig":{{"LogFormat":"Text","LogGroup":"/aws/lambda/f"}}}}"#
            ),
            arn = ARN,
            role = ROLE,
            sha = sha,
            rev = c["RevisionId"].as_str().unwrap()
        )
    );

    // R31: list entries carry no state members; NextMarker absent on the last page.
    let list = send(&s, Method::GET, "/2015-03-31/functions/f/versions", "");
    assert_eq!(list.status, 200);
    let versions = list.json();
    assert_eq!(
        versions.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["Versions"]
    );
    for v in versions["Versions"].as_array().unwrap() {
        for member in [
            "State",
            "StateReason",
            "StateReasonCode",
            "LastUpdateStatus",
        ] {
            assert!(v.get(member).is_none(), "{member} in {v}");
        }
    }
    let page = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/f/versions?MaxItems=1",
        "",
    );
    assert!(page.json()["NextMarker"].is_string());

    let get = send(&s, Method::GET, "/2015-03-31/functions/f%3Alive", "");
    assert_eq!(get.status, 200);
    assert_eq!(
        get.json()["Configuration"]["FunctionArn"],
        format!("{ARN}:f:live")
    );
    assert_eq!(
        send(
            &s,
            Method::GET,
            "/2015-03-31/functions/f/aliases?FunctionVersion=1",
            ""
        )
        .json()["Aliases"][0]["Name"],
        "live"
    );

    let added = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/policy?Qualifier=live",
        r#"{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}"#,
    );
    assert_eq!(added.status, 201);
    assert_eq!(
        added.body,
        format!(
            r#"{{"Statement":"{{\"Sid\":\"s3\",\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"s3.amazonaws.com\"}},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"{ARN}:f:live\"}}"}}"#
        )
    );
    let policy = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/f/policy?Qualifier=live",
        "",
    );
    assert_eq!(policy.status, 200);
    assert!(
        policy.json()["Policy"]
            .as_str()
            .unwrap()
            .starts_with(r#"{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3""#)
    );
    let removed = send(
        &s,
        Method::DELETE,
        "/2015-03-31/functions/f/policy/s3?Qualifier=live",
        "",
    );
    assert_eq!((removed.status, removed.body.as_str()), (204, ""));

    assert_eq!(
        send(
            &s,
            Method::DELETE,
            "/2015-03-31/functions/f/aliases/live",
            ""
        )
        .status,
        204
    );
    assert_eq!(
        send(
            &s,
            Method::DELETE,
            "/2015-03-31/functions/f?Qualifier=1",
            ""
        )
        .status,
        204
    );
    assert_eq!(
        send(&s, Method::DELETE, "/2015-03-31/functions/f", "").status,
        204
    );
    let config = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/g/configuration",
        r#"{"Timeout":5}"#,
    );
    assert_error(
        &config,
        404,
        "ResourceNotFoundException",
        &format!(r#"{{"Type":"User","Message":"Function not found: {ARN}:g"}}"#),
    );
}

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
        r#"{"Type":"User","message":"This endpoint accepts function code only as ZipFile; S3Bucket, S3Key, S3ObjectVersion and ImageUri are not supported."}"#,
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

#[test]
fn r69_lifecycle_settles_after_the_delay() {
    let clock = ManualClock::new(lambda_versioning::Timestamp::from_unix_millis(T0));
    let registry = Registry::builder()
        .clock(clock.clone())
        .seed(3)
        .lifecycle(Lifecycle::Manual)
        .build();
    let s = Service::builder(registry)
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(500))
        .build();
    let created = send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).json();
    assert_eq!(
        (
            created["State"].as_str(),
            created["StateReasonCode"].as_str()
        ),
        (Some("Pending"), Some("Creating"))
    );
    assert!(created.get("LastUpdateStatus").is_none());
    clock.advance_millis(499);
    let state = |s: &Service| {
        send(s, Method::GET, "/2015-03-31/functions/f", "").json()["Configuration"].clone()
    };
    assert_eq!(state(&s)["State"], "Pending");
    let busy = send(&s, Method::POST, "/2015-03-31/functions/f/versions", "");
    assert_eq!(
        busy.error_type.as_deref(),
        Some("ResourceConflictException")
    );
    clock.advance_millis(1);
    let active = state(&s);
    assert_eq!(
        (
            active["State"].as_str(),
            active["LastUpdateStatus"].as_str()
        ),
        (Some("Active"), Some("Successful"))
    );
    assert_ne!(
        active["RevisionId"], created["RevisionId"],
        "R69: settling changes the RevisionId"
    );

    let updated = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/configuration",
        r#"{"MemorySize":512}"#,
    )
    .json();
    assert_eq!(updated["LastUpdateStatus"], "InProgress");
    assert_eq!(state(&s)["LastUpdateStatus"], "InProgress");
    clock.advance_millis(500);
    assert_eq!(state(&s)["LastUpdateStatus"], "Successful");
    assert_eq!(state(&s)["MemorySize"], 512);
}

#[test]
fn refused_requests_change_nothing() {
    let s = populated();
    let before = snapshot(&s);
    let refusals: [(Method, &str, &str); 8] = [
        (
            Method::POST,
            "/2015-03-31/functions/f/aliases",
            r#"{"Name":"live","FunctionVersion":"2"}"#,
        ),
        (
            Method::POST,
            "/2015-03-31/functions/f/aliases",
            r#"{"Name":"x","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":2.0}}}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/aliases/live",
            r#"{"FunctionVersion":"2","RevisionId":"stale"}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/configuration",
            r#"{"Timeout":"long"}"#,
        ),
        (
            Method::PUT,
            "/2015-03-31/functions/f/code",
            r#"{"ZipFile":"aGVsbG8="}"#,
        ),
        (Method::DELETE, "/2015-03-31/functions/f?Qualifier=1", ""),
        (
            Method::POST,
            "/2015-03-31/functions/f/versions",
            r#"{"CodeSha256":"nope"}"#,
        ),
        (Method::POST, "/2015-03-31/functions", &create_body("f")),
    ];
    for (method, path, body) in refusals {
        let answer = send(&s, method.clone(), path, body);
        assert!(
            answer.status >= 400,
            "{method} {path} {body}: {}",
            answer.body
        );
        assert_eq!(
            snapshot(&s),
            before,
            "{method} {path} {body} changed the registry"
        );
    }
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
    ]
}

fn path_strategy() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("f".to_owned()),
        Just("f%3Alive".to_owned()),
        Just("versions".to_owned()),
        Just("aliases".to_owned()),
        Just("policy".to_owned()),
        Just("invocations".to_owned()),
        Just("live".to_owned()),
        "[a-zA-Z0-9%:$._-]{0,12}",
    ];
    (
        proptest::collection::vec(segment, 0..4),
        "(\\?[A-Za-z]{1,10}=[a-z0-9%$]{0,6})?",
    )
        .prop_map(|(segments, query)| {
            let mut path = "/2015-03-31/functions".to_owned();
            for s in segments {
                path.push('/');
                path.push_str(&s);
            }
            path + &query
        })
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(br#"{"Name":"x","FunctionVersion":"1"}"#.to_vec()),
        Just(br#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}}"#.to_vec()),
        Just(br#"{"StatementId":"s","Action":"lambda:*","Principal":"*"}"#.to_vec()),
        Just(br#"{"Description":null,"Timeout":1e99}"#.to_vec()),
        "\\{\"[A-Za-z]{1,12}\":(null|true|1|\"[a-z0-9$]{0,5}\"|\\[\\]|\\{\\})\\}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    /// Any request gets an answer with a JSON error body or a success; a refusal changes
    /// nothing.
    #[test]
    fn any_request_is_answered_and_refusals_change_nothing(
        method in method_strategy(),
        path in path_strategy(),
        body in body_strategy(),
    ) {
        let s = populated();
        let before = snapshot(&s);
        let answer = send_bytes(&s, method, &path, &body, &[]);
        if answer.status >= 400 {
            prop_assert!(answer.error_type.is_some());
            let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
            prop_assert!(json.get("message").or(json.get("Message")).is_some_and(|m| m.is_string()));
            prop_assert_eq!(snapshot(&s), before);
        }
    }
}
