//! The REST API on the wire: every operation is bound to its method and path, and
//! answers with the service's success status (R95) and exact body (R31, R37, R54).

mod common;
mod wire_common;

use base64::Engine as _;
use common::{ARN, ROLE};
use http::Method;
use lambda_versioning::wire::{Operation, route};
use wire_common::*;

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
    // R98, R115, R124, R139, R151, R161, R167: the attached-resource bindings and dates.
    let attached = [
        (
            Method::GET,
            "/2015-03-31/functions/",
            Operation::ListFunctions,
        ),
        (
            Method::POST,
            "/2015-03-31/event-source-mappings",
            Operation::CreateEventSourceMapping,
        ),
        (
            Method::PUT,
            "/2015-03-31/event-source-mappings/u",
            Operation::UpdateEventSourceMapping,
        ),
        (
            Method::PUT,
            "/2019-09-25/functions/f/event-invoke-config",
            Operation::PutFunctionEventInvokeConfig,
        ),
        (
            Method::GET,
            "/2019-09-25/functions/f/event-invoke-config/list",
            Operation::ListFunctionEventInvokeConfigs,
        ),
        (
            Method::POST,
            "/2021-10-31/functions/f/url",
            Operation::CreateFunctionUrlConfig,
        ),
        (
            Method::GET,
            "/2021-10-31/functions/f/urls",
            Operation::ListFunctionUrlConfigs,
        ),
        (
            Method::PUT,
            "/2019-09-30/functions/f/provisioned-concurrency",
            Operation::PutProvisionedConcurrencyConfig,
        ),
        (
            Method::PUT,
            "/2017-10-31/functions/f/concurrency",
            Operation::PutFunctionConcurrency,
        ),
        (
            Method::GET,
            "/2019-09-30/functions/f/concurrency",
            Operation::GetFunctionConcurrency,
        ),
        (
            Method::DELETE,
            "/2017-10-31/functions/f/concurrency",
            Operation::DeleteFunctionConcurrency,
        ),
        (
            Method::POST,
            "/2017-03-31/tags/arn%3Aaws%3Alambda",
            Operation::TagResource,
        ),
        (
            Method::DELETE,
            "/2017-03-31/tags/arn",
            Operation::UntagResource,
        ),
        (Method::GET, "/2017-03-31/tags/arn", Operation::ListTags),
    ];
    for (method, path, op) in cases.into_iter().chain(attached) {
        assert_eq!(
            route(&method, path).map(|r| r.operation),
            Some(op),
            "{method} {path}"
        );
    }
    for (method, path) in [
        (Method::PUT, "/2015-03-31/functions"),
        (Method::PATCH, "/2015-03-31/functions/f"),
        (Method::GET, "/2017-10-31/functions/f/concurrency"),
        (Method::PUT, "/2019-09-30/functions/f/concurrency"),
        (Method::PATCH, "/2017-03-31/tags/x"),
        (Method::GET, "/2015-03-31/event-source-mappings/a/b"),
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
                // R185: the runtime version of the version, outside list entries.
                r#""RuntimeVersionConfig":{{"RuntimeVersionArn":"arn:aws:lambda:us-east-1::runtime:42f2b28d8258c41a63374ac4365007738900f66a9b62a7eb1a2041a2e091d41b"}},"#,
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
