//! The wire bindings of function URLs, asynchronous-invocation configs and event source
//! mappings (R124, R139, R151–R158): paths, statuses, bodies and error bodies, function
//! URL requests addressed by `Host`, and `Event` invocations into the destination log.

mod common;
mod wire_common;

use std::time::Duration;

use common::*;
use http::Method;
use lambda_versioning::wire::Service;
use lambda_versioning::{ManualClock, Registry, Timestamp};
use wire_common::*;

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:dlq";

#[test]
fn r124_r127_r128_url_operations_on_the_wire() {
    let s = populated();
    let created = send(
        &s,
        Method::POST,
        "/2021-10-31/functions/f/url?Qualifier=live",
        r#"{"AuthType":"NONE"}"#,
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let json = created.json();
    assert_eq!(json["FunctionArn"], format!("{ARN}:f:live"));
    assert_eq!(json["AuthType"], "NONE");
    assert!(json.get("LastModifiedTime").is_none());
    let again = send(
        &s,
        Method::POST,
        "/2021-10-31/functions/f/url?Qualifier=live",
        r#"{"AuthType":"NONE"}"#,
    );
    assert_error(
        &again,
        409,
        "ResourceConflictException",
        &format!(
            r#"{{"Type":"User","message":"Failed to create function url config for [functionArn = {ARN}:f:live]. Error message:  FunctionUrlConfig exists for this Lambda function"}}"#
        ),
    );
    let got = send(
        &s,
        Method::GET,
        "/2021-10-31/functions/f/url?Qualifier=live",
        "",
    );
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["InvokeMode"], "BUFFERED");
    let version = send(
        &s,
        Method::GET,
        "/2021-10-31/functions/f/url?Qualifier=1",
        "",
    );
    assert_error(
        &version,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)"}"#,
    );
    let missing = send(&s, Method::GET, "/2021-10-31/functions/f/url", "");
    assert_error(
        &missing,
        404,
        "ResourceNotFoundException",
        r#"{"Type":"User","Message":"The resource you requested does not exist."}"#,
    );
    let updated = send(
        &s,
        Method::PUT,
        "/2021-10-31/functions/f/url?Qualifier=live",
        r#"{"InvokeMode":"RESPONSE_STREAM"}"#,
    );
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["InvokeMode"], "RESPONSE_STREAM");
    let bad_mode = send(
        &s,
        Method::PUT,
        "/2021-10-31/functions/f/url?Qualifier=live",
        r#"{"InvokeMode":"UNKNOWN"}"#,
    );
    assert_eq!(bad_mode.status, 400);
    let list = send(
        &s,
        Method::GET,
        "/2021-10-31/functions/f/urls?MaxItems=1",
        "",
    );
    assert_eq!(list.status, 200);
    assert_eq!(
        list.json()["FunctionUrlConfigs"].as_array().unwrap().len(),
        1
    );
    let deleted = send(
        &s,
        Method::DELETE,
        "/2021-10-31/functions/f/url?Qualifier=live",
        "",
    );
    assert_eq!((deleted.status, deleted.body.as_str()), (204, ""));
}

fn host_request(s: &Service, host: &str, body: &str) -> Answer {
    send_bytes(
        s,
        Method::POST,
        "/anything?x=1",
        body.as_bytes(),
        &[("host", host)],
    )
}

#[test]
fn r134_r135_function_url_requests_by_host() {
    let s = populated();
    let created = send(
        &s,
        Method::POST,
        "/2021-10-31/functions/f/url?Qualifier=live",
        r#"{"AuthType":"NONE"}"#,
    )
    .json();
    let url = created["FunctionUrl"].as_str().unwrap().to_owned();
    let host = url
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned();
    let id = host.split('.').next().unwrap().to_owned();
    let forbidden = host_request(&s, &host, "{}");
    assert_eq!(forbidden.status, 403);
    assert_eq!(
        forbidden.error_type.as_deref(),
        Some("AccessDeniedException")
    );
    assert_eq!(
        forbidden.body,
        r#"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#
    );
    let grant = r#"{"StatementId":"url","Action":"lambda:InvokeFunctionUrl","Principal":"*","FunctionUrlAuthType":"NONE"}"#;
    assert_eq!(
        send(
            &s,
            Method::POST,
            "/2015-03-31/functions/f/policy?Qualifier=live",
            grant
        )
        .status,
        201
    );
    // Loopback spelling of the host, with a port.
    let ok = host_request(
        &s,
        &format!("{id}.lambda-url.localhost:9001"),
        r#"{"hello":1}"#,
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body, r#"{"hello":1}"#);
    assert_eq!(ok.headers["x-amz-executed-version"], "1");
    let alias = r#"{"FunctionVersion":"2"}"#;
    assert_eq!(
        send(
            &s,
            Method::PUT,
            "/2015-03-31/functions/f/aliases/live",
            alias
        )
        .status,
        200
    );
    assert_eq!(
        host_request(&s, &host, "").headers["x-amz-executed-version"],
        "2"
    );
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
    let gone = host_request(&s, &host, "");
    assert_eq!(
        (gone.status, gone.body.as_str()),
        (403, r#"{"Message":null}"#)
    );
    let unknown = host_request(
        &s,
        "0123456789abcdefghijklmnopqrstuv.lambda-url.us-east-1.on.aws",
        "",
    );
    assert_eq!(
        (unknown.status, unknown.body.as_str()),
        (403, r#"{"Message":null}"#)
    );
}

#[test]
fn r139_r143_r145_invoke_config_operations_on_the_wire() {
    let s = populated();
    let put = send(
        &s,
        Method::PUT,
        "/2019-09-25/functions/f/event-invoke-config?Qualifier=live",
        &format!(
            r#"{{"MaximumRetryAttempts":0,"DestinationConfig":{{"OnFailure":{{"Destination":"{DLQ}"}}}}}}"#
        ),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(
        put.body,
        format!(
            r#"{{"LastModified":1764288000.0,"FunctionArn":"{ARN}:f:live","MaximumRetryAttempts":0,"DestinationConfig":{{"OnSuccess":{{}},"OnFailure":{{"Destination":"{DLQ}"}}}}}}"#
        )
    );
    let update = send(
        &s,
        Method::POST,
        "/2019-09-25/functions/f:live/event-invoke-config",
        r#"{"MaximumEventAgeInSeconds":120}"#,
    );
    assert_eq!(update.status, 200);
    assert_eq!(update.json()["MaximumRetryAttempts"], 0);
    assert_eq!(update.json()["MaximumEventAgeInSeconds"], 120);
    let nothing = send(
        &s,
        Method::PUT,
        "/2019-09-25/functions/f/event-invoke-config",
        "{}",
    );
    assert_error(
        &nothing,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"You must specify at least one of error handling or destination setting."}"#,
    );
    let missing = send(
        &s,
        Method::GET,
        "/2019-09-25/functions/f/event-invoke-config",
        "",
    );
    assert_error(
        &missing,
        404,
        "ResourceNotFoundException",
        &format!(
            r#"{{"Type":"User","Message":"The function {ARN}:f:$LATEST doesn't have an EventInvokeConfig"}}"#
        ),
    );
    let list = send(
        &s,
        Method::GET,
        "/2019-09-25/functions/f/event-invoke-config/list",
        "",
    );
    assert_eq!(
        list.json()["FunctionEventInvokeConfigs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An Event invocation through the alias: the default outcome is success, and the
    // config has no OnSuccess destination, so nothing is logged.
    let event = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f:live/invocations",
        br#"{"n":1}"#,
        &[("x-amz-invocation-type", "Event")],
    );
    assert_eq!((event.status, event.body.as_str()), (202, ""));
    assert!(s.read(|r| r.destination_log().is_empty()));
    let deleted = send(
        &s,
        Method::DELETE,
        "/2019-09-25/functions/f/event-invoke-config?Qualifier=live",
        "",
    );
    assert_eq!(deleted.status, 204);
}

#[test]
fn r150_event_invocations_reach_the_destination_log() {
    let registry = Registry::builder()
        .clock(clock())
        .seed(1)
        .async_outcome(|_: &lambda_versioning::AsyncAttempt<'_>| {
            lambda_versioning::InvocationOutcome::failure("nope")
        })
        .build();
    let log = registry.destination_log();
    let s = Service::builder(registry).settle_immediately().build();
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).status,
        201
    );
    let body = format!(
        r#"{{"MaximumRetryAttempts":1,"DestinationConfig":{{"OnFailure":{{"Destination":"{DLQ}"}}}}}}"#
    );
    assert_eq!(
        send(
            &s,
            Method::PUT,
            "/2019-09-25/functions/f/event-invoke-config",
            &body
        )
        .status,
        200
    );
    let event = send_bytes(
        &s,
        Method::POST,
        "/2015-03-31/functions/f/invocations",
        br#"{"order":9}"#,
        &[("x-amz-invocation-type", "Event")],
    );
    assert_eq!(event.status, 202);
    let records = log.records_for(DLQ);
    assert_eq!(records.len(), 1);
    let json = records[0].to_json();
    assert_eq!(
        json["requestContext"]["functionArn"],
        format!("{ARN}:f:$LATEST")
    );
    assert_eq!(json["requestContext"]["approximateInvokeCount"], 2);
    assert_eq!(json["requestPayload"], serde_json::json!({"order": 9}));
}

#[test]
fn r151_r158_mapping_operations_and_settling_on_the_service_clock() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let registry = Registry::builder().clock(clock.clone()).seed(1).build();
    let s = Service::builder(registry)
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(100))
        .build();
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).status,
        201
    );
    clock.advance_millis(100);
    let created = send(
        &s,
        Method::POST,
        "/2015-03-31/event-source-mappings",
        &format!(r#"{{"EventSourceArn":"{QUEUE}","FunctionName":"f:$LATEST","BatchSize":5}}"#),
    );
    assert_eq!(created.status, 202, "{}", created.body);
    let json = created.json();
    assert_eq!(json["State"], "Creating");
    assert_eq!(json["FunctionArn"], format!("{ARN}:f:$LATEST"));
    assert_eq!(json["BatchSize"], 5);
    let uuid = json["UUID"].as_str().unwrap().to_owned();
    let path = format!("/2015-03-31/event-source-mappings/{uuid}");
    assert_eq!(send(&s, Method::GET, &path, "").json()["State"], "Creating");
    clock.advance_millis(100);
    assert_eq!(send(&s, Method::GET, &path, "").json()["State"], "Enabled");
    let dup = send(
        &s,
        Method::POST,
        "/2015-03-31/event-source-mappings",
        &format!(r#"{{"EventSourceArn":"{QUEUE}","FunctionName":"f"}}"#),
    );
    assert_error(
        &dup,
        409,
        "ResourceConflictException",
        &format!(
            r#"{{"Type":"User","message":"An event source mapping with SQS arn (\" {QUEUE} \") and function (\" f \") already exists. Please update or delete the existing mapping with UUID {uuid}"}}"#
        ),
    );
    let missing = send(
        &s,
        Method::POST,
        "/2015-03-31/event-source-mappings",
        &format!(r#"{{"EventSourceArn":"{QUEUE}-2","FunctionName":"nope"}}"#),
    );
    assert_error(
        &missing,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Function does not exist"}"#,
    );
    let updated = send(&s, Method::PUT, &path, r#"{"Enabled":false}"#);
    assert_eq!(
        (updated.status, updated.json()["State"].as_str()),
        (202, Some("Updating"))
    );
    clock.advance_millis(100);
    assert_eq!(send(&s, Method::GET, &path, "").json()["State"], "Disabled");
    let list = send(
        &s,
        Method::GET,
        "/2015-03-31/event-source-mappings?FunctionName=f",
        "",
    );
    assert_eq!(
        list.json()["EventSourceMappings"].as_array().unwrap().len(),
        1
    );
    let deleted = send(&s, Method::DELETE, &path, "");
    assert_eq!(
        (deleted.status, deleted.json()["State"].as_str()),
        (202, Some("Deleting"))
    );
    clock.advance_millis(100);
    assert_error(
        &send(&s, Method::GET, &path, ""),
        404,
        "ResourceNotFoundException",
        r#"{"Type":"User","Message":"The resource you requested does not exist."}"#,
    );
    let unparsable = send(
        &s,
        Method::POST,
        "/2015-03-31/event-source-mappings",
        r#"{"BatchSize":"ten"}"#,
    );
    assert_eq!(unparsable.status, 400);
    assert_eq!(
        unparsable.error_type.as_deref(),
        Some("InvalidRequestContentException")
    );
}
