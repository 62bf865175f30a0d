//! Asynchronous-invocation configs (docs/rules.md, R139–R150): the five operations with
//! the recorded texts, their lifecycle, and asynchronous invocations that follow them
//! into the destination log.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteAliasRequest, DeleteFunctionRequest,
    FunctionEventInvokeConfigRequest, InvokeRequest, ListFunctionEventInvokeConfigsRequest,
    PruneVersionsRequest,
};
use lambda_versioning::{
    AsyncAttempt, Condition, DestinationConfig, DestinationLog, ErrorKind, InvocationOutcome,
    ManualClock, Registry, Timestamp, Version, rand,
};

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:failures";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:successes";
const DEST_PATTERN: &str = r"Member must satisfy regular expression pattern: $|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)";
const MISMATCH: &str =
    "The derived qualifier from the function name does not match the specified qualifier.";

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

fn retries(name: &str, n: i64) -> FunctionEventInvokeConfigRequest {
    FunctionEventInvokeConfigRequest::new(name).with_maximum_retry_attempts(n)
}

fn no_config(q: &str) -> String {
    format!("The function {ARN}:{q} doesn't have an EventInvokeConfig")
}

#[test]
fn r140_each_qualifier_has_its_own_config_and_a_qualified_arn() {
    let mut r = setup();
    let latest = r.put_function_event_invoke_config(retries("f", 0)).unwrap();
    assert_eq!(latest.function_arn, format!("{ARN}:f:$LATEST"));
    // Unqualified and explicit $LATEST address the same config.
    let same = r
        .get_function_event_invoke_config("f", Some("$LATEST"))
        .unwrap();
    assert_eq!(same, latest);
    let version = r
        .put_function_event_invoke_config(retries("f:1", 1))
        .unwrap();
    assert_eq!(version.function_arn, format!("{ARN}:f:1"));
    let alias = r
        .put_function_event_invoke_config(retries(&format!("{ARN}:f"), 2).with_qualifier("live"))
        .unwrap();
    assert_eq!(alias.function_arn, format!("{ARN}:f:live"));
    let list = r
        .list_function_event_invoke_configs(ListFunctionEventInvokeConfigsRequest::new("f"))
        .unwrap();
    let arns: Vec<&str> = list
        .function_event_invoke_configs
        .iter()
        .map(|c| c.function_arn.as_str())
        .collect();
    assert_eq!(
        arns,
        [
            format!("{ARN}:f:$LATEST"),
            format!("{ARN}:f:1"),
            format!("{ARN}:f:live")
        ]
    );
}

#[test]
fn r141_suffix_and_qualifier_must_agree_before_lookup() {
    let mut r = setup();
    for (name, q) in [("f:1", "$LATEST"), ("f:$LATEST", "1"), ("f:1", "live")] {
        assert_err(
            r.put_function_event_invoke_config(retries(name, 0).with_qualifier(q)),
            ErrorKind::InvalidParameterValue,
            MISMATCH,
        );
    }
    assert_err(
        r.put_function_event_invoke_config(
            retries(&format!("{ARN}:f:live"), 0).with_qualifier("ghost"),
        ),
        ErrorKind::InvalidParameterValue,
        MISMATCH,
    );
    r.put_function_event_invoke_config(retries("f:live", 0).with_qualifier("live"))
        .unwrap();
}

#[test]
fn r142_put_needs_a_setting_even_for_a_missing_function() {
    let mut r = setup();
    let text = "You must specify at least one of error handling or destination setting.";
    assert_err(
        r.put_function_event_invoke_config(FunctionEventInvokeConfigRequest::new("nope")),
        ErrorKind::InvalidParameterValue,
        text,
    );
    // Q43: Update too.
    assert_err(
        r.update_function_event_invoke_config(FunctionEventInvokeConfigRequest::new("f")),
        ErrorKind::InvalidParameterValue,
        text,
    );
}

#[test]
fn r143_not_found_texts() {
    let mut r = setup();
    let missing = "The function doesn't exist.";
    assert_err(
        r.put_function_event_invoke_config(retries("nope", 0)),
        ErrorKind::ResourceNotFound,
        missing,
    );
    assert_err(
        r.put_function_event_invoke_config(retries(&format!("{ARN}:nope"), 0)),
        ErrorKind::ResourceNotFound,
        missing,
    );
    assert_err(
        r.put_function_event_invoke_config(retries("f", 0).with_qualifier("ghost")),
        ErrorKind::ResourceNotFound,
        missing,
    );
    // Q42: a missing version, by analogy.
    assert_err(
        r.put_function_event_invoke_config(retries("f", 0).with_qualifier("9")),
        ErrorKind::ResourceNotFound,
        missing,
    );
    assert_err(
        r.update_function_event_invoke_config(retries("nope", 0)),
        ErrorKind::ResourceNotFound,
        missing,
    );
    assert_err(
        r.list_function_event_invoke_configs(ListFunctionEventInvokeConfigsRequest::new("nope")),
        ErrorKind::ResourceNotFound,
        missing,
    );
    assert_err(
        r.get_function_event_invoke_config("nope", None),
        ErrorKind::ResourceNotFound,
        &format!("The function {ARN}:nope:$LATEST doesn't have an EventInvokeConfig"),
    );
    assert_err(
        r.get_function_event_invoke_config("f", Some("ghost")),
        ErrorKind::ResourceNotFound,
        &no_config("f:ghost"),
    );
    assert_err(
        r.get_function_event_invoke_config("f", Some("1")),
        ErrorKind::ResourceNotFound,
        &no_config("f:1"),
    );
    assert_err(
        r.delete_function_event_invoke_config("f", None),
        ErrorKind::ResourceNotFound,
        &no_config("f:$LATEST"),
    );
    assert_err(
        r.update_function_event_invoke_config(retries("f", 0)),
        ErrorKind::ResourceNotFound,
        &no_config("f:$LATEST"),
    );
    assert_err(
        r.update_function_event_invoke_config(retries("f:live", 0)),
        ErrorKind::ResourceNotFound,
        &no_config("f:live"),
    );
}

#[test]
fn r144_put_replaces_update_merges() {
    let mut r = setup();
    r.put_function_event_invoke_config(retries("f", 2).with_maximum_event_age_in_seconds(60))
        .unwrap();
    let put = r.put_function_event_invoke_config(retries("f", 0)).unwrap();
    assert_eq!(put.maximum_retry_attempts, Some(0));
    assert_eq!(put.maximum_event_age_in_seconds, None);
    r.put_function_event_invoke_config(retries("f", 2).with_maximum_event_age_in_seconds(60))
        .unwrap();
    let merged = r
        .update_function_event_invoke_config(retries("f", 0))
        .unwrap();
    assert_eq!(merged.maximum_retry_attempts, Some(0));
    assert_eq!(merged.maximum_event_age_in_seconds, Some(60));
    // Identical repeat accepted.
    assert_eq!(
        r.update_function_event_invoke_config(retries("f", 0))
            .unwrap(),
        merged
    );
}

#[test]
fn r145_response_shape() {
    let mut r = setup();
    let put = r
        .put_function_event_invoke_config(
            FunctionEventInvokeConfigRequest::new("f")
                .with_maximum_retry_attempts(0)
                .with_destination_config(DestinationConfig::new(None, None)),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_string(&put).unwrap(),
        format!(
            r#"{{"LastModified":1764288000.0,"FunctionArn":"{ARN}:f:$LATEST","MaximumRetryAttempts":0,"DestinationConfig":{{"OnSuccess":{{}},"OnFailure":{{}}}}}}"#
        )
    );
    let with_dest = r
        .put_function_event_invoke_config(
            FunctionEventInvokeConfigRequest::new("f")
                .with_destination_config(DestinationConfig::new(Some(TOPIC), None)),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_value(&with_dest).unwrap()["DestinationConfig"],
        serde_json::json!({"OnSuccess": {"Destination": TOPIC}, "OnFailure": {}})
    );
}

#[test]
fn r139_ranges_are_validation_errors() {
    let mut r = setup();
    assert_err(
        r.put_function_event_invoke_config(retries("f", 3)),
        ErrorKind::Validation,
        &validation(
            "3",
            "maximumRetryAttempts",
            "Member must have value less than or equal to 2",
        ),
    );
    assert_err(
        r.put_function_event_invoke_config(
            FunctionEventInvokeConfigRequest::new("f").with_maximum_event_age_in_seconds(59),
        ),
        ErrorKind::Validation,
        &validation(
            "59",
            "maximumEventAgeInSeconds",
            "Member must have value greater than or equal to 60",
        ),
    );
}

#[test]
fn r146_destination_refusals() {
    let mut r = setup();
    let put = |r: &mut Registry, success: Option<&str>, failure: Option<&str>| {
        r.put_function_event_invoke_config(
            FunctionEventInvokeConfigRequest::new("f")
                .with_destination_config(DestinationConfig::new(success, failure)),
        )
    };
    let bad = "arn:aws:_-/!lambda:us-east-1:123456789012:function:f";
    assert_err(
        put(&mut r, None, Some(bad)),
        ErrorKind::Validation,
        &validation(bad, "destinationConfig.onFailure.destination", DEST_PATTERN),
    );
    let ghost = format!("{ARN}:doesnotexist");
    assert_err(
        put(&mut r, Some(&ghost), None),
        ErrorKind::InvalidParameterValue,
        &format!("The destination ARN {ghost} is invalid."),
    );
    assert_err(
        put(&mut r, Some(&format!("{ARN}:f")), None),
        ErrorKind::InvalidParameterValue,
        "You can't specify the function as a destination for itself.",
    );
    let iam = "arn:aws:iam:us-east-1:123456789012:function:f";
    assert_err(
        put(&mut r, Some(iam), None),
        ErrorKind::InvalidParameterValue,
        &format!(
            "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination={iam}), onFailure=null) is invalid."
        ),
    );
    // S3 only on failure.
    let bucket = "arn:aws:s3:::failed-events";
    assert!(put(&mut r, None, Some(bucket)).is_ok());
    assert!(put(&mut r, Some(bucket), None).is_err());
    // Another function of the registry, and Q44: a qualified ARN of the function itself.
    create(&mut r, "other");
    assert!(put(&mut r, Some(&format!("{ARN}:other")), None).is_ok());
    assert!(put(&mut r, Some(&format!("{ARN}:f:live")), None).is_ok());
}

#[test]
fn r147_r148_versions_start_without_configs_and_deletes_cascade() {
    let mut r = setup();
    r.put_function_event_invoke_config(retries("f", 1)).unwrap();
    publish_new(&mut r);
    assert_err(
        r.get_function_event_invoke_config("f", Some("3")),
        ErrorKind::ResourceNotFound,
        &no_config("f:3"),
    );
    // A published version's config can change at any time.
    r.put_function_event_invoke_config(retries("f:1", 0))
        .unwrap();
    r.update_function_event_invoke_config(retries("f:1", 2))
        .unwrap();
    r.put_function_event_invoke_config(retries("f:live", 0))
        .unwrap();
    r.put_function_event_invoke_config(retries("f:2", 0))
        .unwrap();
    r.delete_function_event_invoke_config("f", None).unwrap();
    assert_err(
        r.delete_function_event_invoke_config("f", None),
        ErrorKind::ResourceNotFound,
        &no_config("f:$LATEST"),
    );
    // Deleting the alias and the version discards theirs.
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2"))
        .unwrap();
    let left = r
        .list_function_event_invoke_configs(ListFunctionEventInvokeConfigsRequest::new("f"))
        .unwrap();
    let arns: Vec<&str> = left
        .function_event_invoke_configs
        .iter()
        .map(|c| c.function_arn.as_str())
        .collect();
    assert_eq!(arns, [format!("{ARN}:f:1")]);
    // Pruning a version discards its config too.
    r.prune_versions(PruneVersionsRequest::new("f", 0)).unwrap();
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .ok();
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    with_versions(&mut r, "f", 1);
    assert!(
        r.list_function_event_invoke_configs(ListFunctionEventInvokeConfigsRequest::new("f"))
            .unwrap()
            .function_event_invoke_configs
            .is_empty()
    );
}

fn publish_new(r: &mut Registry) {
    update_code(r, "f", b"three");
    publish(r, "f");
}

#[test]
fn r149_paging() {
    let mut r = setup();
    r.put_function_event_invoke_config(retries("f", 0)).unwrap();
    r.put_function_event_invoke_config(retries("f:1", 0))
        .unwrap();
    r.put_function_event_invoke_config(retries("f:live", 0))
        .unwrap();
    let mut req = ListFunctionEventInvokeConfigsRequest::new("f");
    req.max_items = Some(2);
    let first = r.list_function_event_invoke_configs(req.clone()).unwrap();
    assert_eq!(first.function_event_invoke_configs.len(), 2);
    req.marker = first.next_marker;
    let second = r.list_function_event_invoke_configs(req).unwrap();
    assert_eq!(second.function_event_invoke_configs.len(), 1);
    assert_eq!(second.next_marker, None);
}

fn failing_on_version(n: u64, log: DestinationLog, calls: Arc<AtomicU32>) -> Registry {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .destination_log(log)
        .async_outcome(move |a: &AsyncAttempt<'_>| {
            calls.fetch_add(1, Ordering::SeqCst);
            match a.executed_version {
                Version::Published(v) if v.get() == n => InvocationOutcome::failure("boom"),
                _ => InvocationOutcome::Success {
                    response: serde_json::json!({"ok": a.attempt}),
                },
            }
        })
        .build();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

#[test]
fn r150_async_invocations_use_the_invoked_qualifiers_config_and_record_outcomes() {
    let log = DestinationLog::default();
    let calls = Arc::new(AtomicU32::new(0));
    let mut r = failing_on_version(2, log.clone(), Arc::clone(&calls));
    let event = serde_json::json!({"order": 7});
    r.put_function_event_invoke_config(
        FunctionEventInvokeConfigRequest::new("f:live")
            .with_maximum_retry_attempts(1)
            .with_destination_config(DestinationConfig::new(Some(TOPIC), Some(QUEUE))),
    )
    .unwrap();
    let ok = r
        .invoke_async(InvokeRequest::new("f:live"), &event, &mut rand::rng())
        .unwrap();
    assert_eq!(ok.condition, Condition::Success);
    assert_eq!(ok.attempts, 1);
    assert_eq!(ok.destination.as_deref(), Some(TOPIC));
    let record = &log.records_for(TOPIC)[0];
    let json = record.to_json();
    assert_eq!(json["version"], "1.0");
    assert_eq!(json["timestamp"], "2025-11-28T00:00:00.000Z");
    assert_eq!(
        json["requestContext"]["functionArn"],
        format!("{ARN}:f:live")
    );
    assert_eq!(json["requestContext"]["condition"], "Success");
    assert_eq!(json["requestContext"]["approximateInvokeCount"], 1);
    assert_eq!(json["requestContext"]["requestId"], ok.request_id.as_str());
    assert_eq!(json["requestPayload"], event);
    assert_eq!(
        json["responseContext"],
        serde_json::json!({"statusCode": 200, "executedVersion": "1"})
    );
    assert_eq!(json["responsePayload"], serde_json::json!({"ok": 1}));

    // Move the alias to the failing version: one retry, then the failure destination.
    r.update_alias(
        lambda_versioning::registry::UpdateAliasRequest::new("f", "live")
            .with_function_version("2"),
    )
    .unwrap();
    calls.store(0, Ordering::SeqCst);
    let failed = r
        .invoke_async(
            InvokeRequest::new("f").with_qualifier("live"),
            &event,
            &mut rand::rng(),
        )
        .unwrap();
    assert_eq!(failed.condition, Condition::RetriesExhausted);
    assert_eq!(failed.attempts, 2);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let json = log.records_for(QUEUE)[0].to_json();
    assert_eq!(json["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(json["requestContext"]["approximateInvokeCount"], 2);
    assert_eq!(json["responseContext"]["functionError"], "Unhandled");
    assert_eq!(json["responseContext"]["executedVersion"], "2");
    assert_eq!(json["responsePayload"]["errorMessage"], "boom");

    // Q41: an unqualified call uses the function's config (none here: defaults, 3
    // attempts on failure, no destination) and reports `:$LATEST`.
    let plain = r
        .invoke_async(InvokeRequest::new("f:2"), &event, &mut rand::rng())
        .unwrap();
    assert_eq!(
        (plain.condition, plain.attempts, plain.destination),
        (Condition::RetriesExhausted, 3, None)
    );
    let latest = r
        .invoke_async(InvokeRequest::new("f"), &event, &mut rand::rng())
        .unwrap();
    assert_eq!(latest.invoked_arn.to_string(), format!("{ARN}:f:$LATEST"));
    assert_eq!(log.len(), 2);
}

#[test]
fn r150_event_age_stops_retries() {
    let clock = ManualClock::new(Timestamp::from_unix_millis(T0));
    let tick = clock.clone();
    let log = DestinationLog::default();
    let mut r = Registry::builder()
        .clock(clock)
        .seed(1)
        .destination_log(log.clone())
        .async_outcome(move |_: &AsyncAttempt<'_>| {
            // Each attempt takes 40 seconds.
            tick.advance_millis(40_000);
            InvocationOutcome::failure("slow")
        })
        .build();
    create(&mut r, "f");
    r.put_function_event_invoke_config(
        FunctionEventInvokeConfigRequest::new("f")
            .with_maximum_event_age_in_seconds(60)
            .with_destination_config(DestinationConfig::new(None, Some(QUEUE))),
    )
    .unwrap();
    let done = r
        .invoke_async(
            InvokeRequest::new("f"),
            &serde_json::Value::Null,
            &mut rand::rng(),
        )
        .unwrap();
    assert_eq!(done.condition, Condition::EventAgeExceeded);
    assert_eq!(done.attempts, 2);
    assert_eq!(
        log.records()[0].to_json()["requestContext"]["condition"],
        "EventAgeExceeded"
    );
}
