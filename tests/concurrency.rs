//! Provisioned and reserved concurrency (docs/rules-concurrency.md, R98–R123): the seven
//! operations with the recorded texts, their lifecycle with aliases and versions, and
//! admission through the resolver (permits, throttles).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteAliasRequest, DeleteFunctionRequest,
    FunctionEventInvokeConfigRequest, GetFunctionRequest, InvokeRequest,
    ListProvisionedConcurrencyConfigsRequest, PutFunctionConcurrencyRequest,
    PutProvisionedConcurrencyConfigRequest, UpdateAliasRequest,
};
use lambda_versioning::{
    AdmitError, CapacityKind, Condition, DestinationConfig, ErrorKind, Lifecycle,
    ProvisionedStatus, Registry, Version, rand,
};

const FUNCTIONS_ONLY: &str = "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.";

fn setup_with(lifecycle: Lifecycle) -> Registry {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .lifecycle(lifecycle)
        .build();
    create(&mut r, "f");
    if lifecycle == Lifecycle::Manual {
        r.finish_creation("f").unwrap();
    }
    for code in [&b"one"[..], b"two"] {
        update_code(&mut r, "f", code);
        if lifecycle == Lifecycle::Manual {
            r.finish_update("f").unwrap();
        }
        publish(&mut r, "f");
    }
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

fn setup() -> Registry {
    setup_with(Lifecycle::Immediate)
}

fn put(
    r: &mut Registry,
    q: &str,
    n: i64,
) -> Result<lambda_versioning::registry::ProvisionedConcurrencyConfig, lambda_versioning::Error> {
    r.put_provisioned_concurrency_config(PutProvisionedConcurrencyConfigRequest::new("f", q, n))
}

#[test]
fn r103_r98_framework_validation_first() {
    let mut r = setup();
    assert_err(
        r.put_provisioned_concurrency_config(PutProvisionedConcurrencyConfigRequest::new(
            "nope", "1", 0,
        )),
        ErrorKind::Validation,
        "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    let mut no_qualifier = PutProvisionedConcurrencyConfigRequest::new("f", "1", 1);
    no_qualifier.qualifier = None;
    assert_err(
        r.put_provisioned_concurrency_config(no_qualifier),
        ErrorKind::Validation,
        "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null",
    );
}

#[test]
fn r100_latest_texts_differ_by_operation() {
    let mut r = setup();
    assert_err(
        put(&mut r, "$LATEST", 1),
        ErrorKind::InvalidParameterValue,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
    );
    let read = "The function resource provided must be an alias or a published version.";
    assert_err(
        r.get_provisioned_concurrency_config("f", "$LATEST"),
        ErrorKind::InvalidParameterValue,
        read,
    );
    assert_err(
        r.delete_provisioned_concurrency_config("f", "$LATEST"),
        ErrorKind::InvalidParameterValue,
        read,
    );
}

#[test]
fn r101_not_found_text_follows_the_qualifier_kind() {
    let mut r = setup();
    assert_err(
        put(&mut r, "10", 1),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:10"),
    );
    assert_err(
        r.put_provisioned_concurrency_config(PutProvisionedConcurrencyConfigRequest::new(
            "doesnotexist",
            "1",
            1,
        )),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist:1"),
    );
    assert_err(
        r.get_provisioned_concurrency_config("f", "noalias"),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:noalias"),
    );
    assert_err(
        r.get_provisioned_concurrency_config("doesnotexist", "noalias"),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:doesnotexist:noalias"),
    );
    assert_err(
        r.list_provisioned_concurrency_configs(ListProvisionedConcurrencyConfigsRequest::new(
            "doesnotexist",
        )),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist"),
    );
}

#[test]
fn r102_existing_target_without_config() {
    let mut r = setup();
    assert_err(
        r.get_provisioned_concurrency_config("f", "1"),
        ErrorKind::ProvisionedConcurrencyConfigNotFound,
        "No Provisioned Concurrency Config found for this function",
    );
    r.delete_provisioned_concurrency_config("f", "1").unwrap();
    let list = r
        .list_provisioned_concurrency_configs(ListProvisionedConcurrencyConfigsRequest::new("f"))
        .unwrap();
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"{"ProvisionedConcurrencyConfigs":[]}"#
    );
}

#[test]
fn r104_r105_r106_put_answers_in_progress_then_settles() {
    let mut r = setup_with(Lifecycle::Manual);
    let put = put(&mut r, "1", 5).unwrap();
    assert_eq!(
        serde_json::to_string(&put).unwrap(),
        r#"{"RequestedProvisionedConcurrentExecutions":5,"AvailableProvisionedConcurrentExecutions":0,"AllocatedProvisionedConcurrentExecutions":0,"Status":"IN_PROGRESS","LastModified":"2025-11-28T00:00:00+0000"}"#
    );
    assert_eq!(
        r.unsettled_provisioned_concurrency(),
        vec![("f".parse().unwrap(), "1".to_owned())]
    );
    assert!(r.finish_provisioned_concurrency("f", "1", Ok(())).unwrap());
    let ready = r.get_provisioned_concurrency_config("f", "1").unwrap();
    assert_eq!(ready.status, ProvisionedStatus::Ready);
    assert_eq!(
        (
            ready.allocated_provisioned_concurrent_executions,
            ready.available_provisioned_concurrent_executions
        ),
        (5, 5)
    );
    // Put replaces the request and starts again.
    assert_eq!(
        put_again(&mut r, "1", 2).status,
        ProvisionedStatus::InProgress
    );
    r.finish_provisioned_concurrency("f", "1", Err("FUNCTION_ERROR_INIT_FAILURE".into()))
        .unwrap();
    let failed =
        serde_json::to_value(r.get_provisioned_concurrency_config("f", "1").unwrap()).unwrap();
    assert_eq!(failed["Status"], "FAILED");
    assert_eq!(failed["StatusReason"], "FUNCTION_ERROR_INIT_FAILURE");
    assert_eq!(failed["AllocatedProvisionedConcurrentExecutions"], 0);
}

fn put_again(
    r: &mut Registry,
    q: &str,
    n: i64,
) -> lambda_versioning::registry::ProvisionedConcurrencyConfig {
    put(r, q, n).unwrap()
}

#[test]
fn r107_an_alias_and_its_version_cannot_both_hold_one() {
    let mut r = setup();
    put(&mut r, "1", 1).unwrap();
    let before = r.export();
    assert_err(
        put(&mut r, "live", 1),
        ErrorKind::ResourceConflict,
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    );
    assert_eq!(r.export(), before);
    r.delete_provisioned_concurrency_config("f", "1").unwrap();
    put(&mut r, "live", 1).unwrap();
    assert_err(
        put(&mut r, "1", 1),
        ErrorKind::ResourceConflict,
        "Version is pointed by a Provisioned Concurrency alias",
    );
    // Q33: a second alias on the same version.
    r.create_alias(CreateAliasRequest::new("f", "other", "1"))
        .unwrap();
    assert_err(
        put(&mut r, "other", 1),
        ErrorKind::ResourceConflict,
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    );
}

#[test]
fn r108_weighted_aliases_are_refused() {
    let mut r = setup();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.1))
        .unwrap();
    assert_err(
        put(&mut r, "live", 1),
        ErrorKind::InvalidParameterValue,
        "Alias with weights can not be used with Provisioned Concurrency",
    );
}

#[test]
fn r109_the_config_follows_its_alias() {
    let mut r = setup_with(Lifecycle::Manual);
    put(&mut r, "live", 3).unwrap();
    r.finish_provisioned_concurrency("f", "live", Ok(()))
        .unwrap();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    let moving = r.get_provisioned_concurrency_config("f", "live").unwrap();
    assert_eq!(moving.status, ProvisionedStatus::InProgress);
    assert_eq!(
        moving.allocated_provisioned_concurrent_executions, 3,
        "the old allocation still counted"
    );
    assert_err(
        r.get_provisioned_concurrency_config("f", "2"),
        ErrorKind::ProvisionedConcurrencyConfigNotFound,
        "No Provisioned Concurrency Config found for this function",
    );
    r.finish_provisioned_concurrency("f", "live", Ok(()))
        .unwrap();
    // Invocations of version 2 now run on the alias's provisioned capacity (R110).
    let resolver = r.resolver();
    let admitted = resolver.admit("f", Some("2"), &mut rand::rng()).unwrap();
    assert_eq!(admitted.permit().kind(), CapacityKind::Provisioned);
    let old = resolver.admit("f", Some("1"), &mut rand::rng()).unwrap();
    assert_eq!(old.permit().kind(), CapacityKind::Unreserved);
}

#[test]
fn r111_deleting_the_alias_or_version_deletes_the_config() {
    let mut r = setup();
    put(&mut r, "live", 1).unwrap();
    put(&mut r, "2", 1).unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_err(
        r.get_provisioned_concurrency_config("f", "live"),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:live"),
    );
    // Q32: deleting a version with its own config deletes the config.
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2"))
        .unwrap();
    let list = r
        .list_provisioned_concurrency_configs(ListProvisionedConcurrencyConfigsRequest::new("f"))
        .unwrap();
    assert!(list.provisioned_concurrency_configs.is_empty());
    assert_eq!(r.resolver().unreserved_capacity(), 1000);
}

#[test]
fn r112_list_items_carry_the_target_arn() {
    let mut r = setup();
    put(&mut r, "2", 4).unwrap();
    put(&mut r, "live", 3).unwrap();
    let list = r
        .list_provisioned_concurrency_configs(ListProvisionedConcurrencyConfigsRequest::new("f"))
        .unwrap();
    let items: Vec<(Option<String>, u32, ProvisionedStatus)> = list
        .provisioned_concurrency_configs
        .iter()
        .map(|c| {
            (
                c.function_arn.clone(),
                c.requested_provisioned_concurrent_executions,
                c.status,
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (Some(format!("{ARN}:f:2")), 4, ProvisionedStatus::Ready),
            (Some(format!("{ARN}:f:live")), 3, ProvisionedStatus::Ready),
        ]
    );
}

#[test]
fn r113_r118_account_limits() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .account_concurrency(150, 100)
        .build();
    with_versions(&mut r, "f", 1);
    create(&mut r, "g");
    assert_err(
        put(&mut r, "1", 151),
        ErrorKind::InvalidParameterValue,
        "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [150].",
    );
    let err = put(&mut r, "1", 51).unwrap_err();
    assert_eq!(
        err.message(),
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
    );
    assert_eq!(err.fault_type(), None, "recorded without Type");
    put(&mut r, "1", 50).unwrap();
    assert_eq!(r.resolver().unreserved_capacity(), 100);
    let err = r
        .put_function_concurrency(PutFunctionConcurrencyRequest::new("g", 1))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.message(), err.fault_type()),
        (
            ErrorKind::InvalidParameterValue,
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
            None
        )
    );
    // R119: zero is always accepted.
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("g", 0))
        .unwrap();
}

#[test]
fn r114_r120_provisioned_fits_in_the_reservation() {
    let mut r = setup();
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 2))
        .unwrap();
    put(&mut r, "1", 2).unwrap();
    let text = "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function";
    assert_err(put(&mut r, "2", 1), ErrorKind::InvalidParameterValue, text);
    assert_err(put(&mut r, "1", 3), ErrorKind::InvalidParameterValue, text);
    let err = r
        .put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 1))
        .unwrap_err();
    assert_eq!(
        err.message(),
        " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2]."
    );
    assert_eq!(err.fault_type(), None);
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 2))
        .unwrap();
}

#[test]
fn r115_r116_r117_r122_reserved_concurrency_operations() {
    let mut r = setup();
    assert_eq!(
        serde_json::to_string(&r.get_function_concurrency("f").unwrap()).unwrap(),
        "{}"
    );
    assert_err(
        r.put_function_concurrency(PutFunctionConcurrencyRequest::new(
            format!("{ARN}:f:$LATEST"),
            1,
        )),
        ErrorKind::InvalidParameterValue,
        FUNCTIONS_ONLY,
    );
    assert_err(
        r.put_function_concurrency(PutFunctionConcurrencyRequest::new("doesnotexist", 0)),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist:$LATEST"),
    );
    // Q36.
    assert_err(
        r.get_function_concurrency("f:live"),
        ErrorKind::InvalidParameterValue,
        FUNCTIONS_ONLY,
    );
    assert_err(
        r.delete_function_concurrency("doesnotexist"),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:doesnotexist"),
    );
    assert_err(
        r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", -1)),
        ErrorKind::Validation,
        &validation(
            "-1",
            "reservedConcurrentExecutions",
            "Member must have value greater than or equal to 0",
        ),
    );
    let set = r
        .put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 7))
        .unwrap();
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"{"ReservedConcurrentExecutions":7}"#
    );
    let got = r.get_function(GetFunctionRequest::new("f")).unwrap();
    assert_eq!(got.reserved_concurrency, Some(7));
    // Q47: not on a qualified request.
    let qualified = r.get_function(GetFunctionRequest::new("f:live")).unwrap();
    assert_eq!(qualified.reserved_concurrency, None);
    r.delete_function_concurrency("f").unwrap();
    assert_eq!(
        r.get_function_concurrency("f")
            .unwrap()
            .reserved_concurrent_executions,
        None
    );
    r.delete_function_concurrency("f").unwrap();
}

#[test]
fn r119_zero_reserved_throttles_every_invocation() {
    let mut r = setup();
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 0))
        .unwrap();
    let resolver = r.resolver();
    let mut rng = rand::rng();
    for q in [None, Some("$LATEST"), Some("1"), Some("live")] {
        assert_eq!(
            resolver.admit("f", q, &mut rng).err(),
            Some(AdmitError::Throttled),
            "{q:?}"
        );
    }
    let handle = resolver.handle("f", "live").unwrap();
    let err = handle
        .admit(&mut rng)
        .unwrap_err()
        .into_error(&resolver, "f", Some("live"));
    assert_eq!(
        (err.kind(), err.message()),
        (ErrorKind::TooManyRequests, "Rate Exceeded.")
    );
    assert_eq!(
        err.reason(),
        Some("ReservedFunctionConcurrentInvocationLimitExceeded")
    );
    // Asynchronous: accepted, then failed at once to the on-failure destination.
    let dlq = "arn:aws:sqs:us-east-1:123456789012:dlq";
    r.put_function_event_invoke_config(
        FunctionEventInvokeConfigRequest::new("f")
            .with_destination_config(DestinationConfig::new(None, Some(dlq))),
    )
    .unwrap();
    let done = r
        .invoke_async(InvokeRequest::new("f"), &serde_json::json!({}), &mut rng)
        .unwrap();
    assert_eq!(
        (done.condition, done.attempts),
        (Condition::ZeroReservedConcurrency, 0)
    );
    let record = r.destination_log().records_for(dlq)[0].to_json();
    assert_eq!(
        record["requestContext"]["condition"],
        "ZeroReservedConcurrency"
    );
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 0);
    assert_eq!(
        record["requestContext"]["functionArn"],
        format!("{ARN}:f:$LATEST")
    );
}

#[test]
fn r110_r121_admission_capacity_and_permits() {
    let mut r = setup();
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 3))
        .unwrap();
    put(&mut r, "live", 2).unwrap();
    let resolver = r.resolver();
    let mut rng = rand::rng();
    // Version 1 (through the alias or directly) runs on the alias's provisioned capacity.
    let a = resolver.admit("f", Some("live"), &mut rng).unwrap();
    let b = resolver.admit("f", Some("1"), &mut rng).unwrap();
    assert_eq!(
        (a.permit().kind(), b.permit().kind()),
        (CapacityKind::Provisioned, CapacityKind::Provisioned)
    );
    // Spill-over and everything else share the reservation left: 3 - 2 = 1.
    let c = resolver.admit("f", Some("live"), &mut rng).unwrap();
    assert_eq!(c.permit().kind(), CapacityKind::Reserved);
    assert_eq!(
        resolver.admit("f", None, &mut rng).err(),
        Some(AdmitError::Throttled)
    );
    drop(c);
    let latest = resolver.admit("f", None, &mut rng).unwrap();
    assert_eq!(latest.executed_version(), Version::Latest);
    assert_eq!(latest.permit().kind(), CapacityKind::Reserved);
    // R121: with the whole reservation provisioned, $LATEST is throttled, the version is not.
    drop((a, b, latest));
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 2))
        .unwrap();
    assert_eq!(
        resolver.admit("f", Some("$LATEST"), &mut rng).err(),
        Some(AdmitError::Throttled)
    );
    assert!(resolver.admit("f", Some("live"), &mut rng).is_ok());
    // A function without reservation draws on the account's pool; permits give it back.
    r.delete_provisioned_concurrency_config("f", "live")
        .unwrap();
    r.delete_function_concurrency("f").unwrap();
    let permits: Vec<_> = (0..5)
        .map(|_| resolver.admit("f", None, &mut rng).unwrap())
        .collect();
    assert_eq!(resolver.unreserved_in_use(), 5);
    drop(permits);
    assert_eq!(resolver.unreserved_in_use(), 0);
}

#[test]
fn r119_the_account_pool_runs_out() {
    let r = {
        let mut r = Registry::builder()
            .clock(clock())
            .seed(1)
            .account_concurrency(2, 0)
            .build();
        create(&mut r, "f");
        r
    };
    let resolver = r.resolver();
    let mut handle_rng = rand::rng();
    let one = resolver.admit("f", None, &mut handle_rng).unwrap();
    let two = resolver.admit("f", None, &mut handle_rng).unwrap();
    assert_eq!(one.permit().kind(), CapacityKind::Unreserved);
    assert_eq!(
        resolver.admit("f", None, &mut handle_rng).err(),
        Some(AdmitError::Throttled)
    );
    drop((one, two));
    assert!(resolver.admit("f", None, &mut handle_rng).is_ok());
}

#[test]
fn r120_zero_below_the_provisioned_total_is_refused_too() {
    // Found by the model-based test: accepting it left a state no snapshot could hold.
    let mut r = setup();
    put(&mut r, "1", 1).unwrap();
    assert_err(
        r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 0)),
        ErrorKind::InvalidParameterValue,
        " ReservedConcurrentExecutions  0 should not be lower than function's total provisioned concurrency [1].",
    );
    assert!(Registry::builder().build_from_snapshot(r.export()).is_ok());
}

/// Regression: a handle's refused admission gave back a unit it never took (the permit
/// for the refused unit was built, then dropped), so every throttle let one more
/// invocation in later, and a throttle on an idle gate wrapped its count.
#[test]
fn r119_r121_a_throttled_handle_admission_takes_and_gives_back_nothing() {
    let mut r = setup();
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 2))
        .unwrap();
    let resolver = r.resolver();
    let handle = resolver.handle("f", "live").unwrap();
    let mut local = handle.clone().with_local_rng(3);
    let mut rng = rand::rng();
    let first = handle.admit(&mut rng).unwrap();
    let second = handle.admit(&mut rng).unwrap();
    assert_eq!(first.permit().kind(), CapacityKind::Reserved);
    for _ in 0..3 {
        assert_eq!(handle.admit(&mut rng).err(), Some(AdmitError::Throttled));
        assert_eq!(local.admit().err(), Some(AdmitError::Throttled));
    }
    drop(first);
    let third = local.admit().unwrap();
    assert_eq!(handle.admit(&mut rng).err(), Some(AdmitError::Throttled));
    drop((second, third));
    // Idle again: exactly two units free, not more.
    let a = handle.admit(&mut rng).unwrap();
    let b = handle.admit(&mut rng).unwrap();
    assert_eq!(handle.admit(&mut rng).err(), Some(AdmitError::Throttled));
    drop((a, b));
}
