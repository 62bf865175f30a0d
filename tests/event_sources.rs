//! Event source mappings (docs/rules.md, R151–R160, R190, R192): the five operations
//! with the recorded texts, their states, and delivery through the resolver that follows
//! an alias without touching the mapping.

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, CreateEventSourceMappingRequest, DeleteAliasRequest, DeleteFunctionRequest,
    ListEventSourceMappingsRequest, UpdateAliasRequest, UpdateEventSourceMappingRequest,
};
use lambda_versioning::{DeliveryError, ErrorKind, Lifecycle, MappingState, Registry};

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const STREAM: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

fn map(r: &mut Registry, source: &str, function: &str) -> String {
    r.create_event_source_mapping(CreateEventSourceMappingRequest::new(source, function))
        .unwrap()
        .uuid
}

#[test]
fn r151_function_arn_keeps_the_qualifier_as_given() {
    let mut r = setup();
    let cases = [
        ("f", format!("{ARN}:f")),
        (&*format!("{ARN}:f"), format!("{ARN}:f")),
        ("f:$LATEST", format!("{ARN}:f:$LATEST")),
        ("f:1", format!("{ARN}:f:1")),
        (&*format!("{ARN}:f:1"), format!("{ARN}:f:1")),
        ("f:live", format!("{ARN}:f:live")),
        (&*format!("{ARN}:f:live"), format!("{ARN}:f:live")),
    ];
    for (i, (given, reported)) in cases.iter().enumerate() {
        let queue = format!("{QUEUE}-{i}");
        let created = r
            .create_event_source_mapping(CreateEventSourceMappingRequest::new(&queue, *given))
            .unwrap();
        assert_eq!(&created.function_arn, reported, "{given}");
        assert_eq!(created.state, MappingState::Creating);
        assert_eq!(created.uuid.len(), 36);
        assert_eq!(
            created.event_source_mapping_arn,
            format!(
                "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{}",
                created.uuid
            )
        );
        assert_eq!(created.batch_size, 10);
        assert_eq!(created.last_processing_result, "No records processed");
        // Immediate lifecycle: settled after answering.
        assert_eq!(
            r.get_event_source_mapping(&created.uuid).unwrap().state,
            MappingState::Enabled
        );
    }
    let json = serde_json::to_value(
        r.list_event_source_mappings(ListEventSourceMappingsRequest::default())
            .unwrap(),
    )
    .unwrap();
    let first = &json["EventSourceMappings"][0];
    for key in [
        "UUID",
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "EventSourceArn",
        "FunctionArn",
        "LastModified",
        "LastProcessingResult",
        "State",
        "StateTransitionReason",
        "FunctionResponseTypes",
        "EventSourceMappingArn",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert_eq!(first["LastModified"], 1_764_288_000.0);
    assert_eq!(first["StateTransitionReason"], "USER_INITIATED");
}

#[test]
fn r152_missing_function_alias_or_version_is_an_ipve() {
    let mut r = setup();
    for name in ["nope", "f:ghost", "f:9", &format!("{ARN}:nope:live")] {
        assert_err(
            r.create_event_source_mapping(CreateEventSourceMappingRequest::new(QUEUE, name)),
            ErrorKind::InvalidParameterValue,
            "Function does not exist",
        );
    }
    assert!(
        r.list_event_source_mappings(ListEventSourceMappingsRequest::default())
            .unwrap()
            .event_source_mappings
            .is_empty()
    );
}

#[test]
fn r160_other_create_refusals() {
    let mut r = setup();
    let mut no_source = CreateEventSourceMappingRequest::new(QUEUE, "f");
    no_source.event_source_arn = None;
    assert_err(
        r.create_event_source_mapping(no_source),
        ErrorKind::InvalidParameterValue,
        "Unrecognized event source.",
    );
    let mut with_dest = CreateEventSourceMappingRequest::new(QUEUE, "f");
    with_dest.destination_config = Some(lambda_versioning::DestinationConfig::new(
        Some("arn:aws:sqs:us-east-1:123456789012:done"),
        None,
    ));
    assert_err(
        r.create_event_source_mapping(with_dest),
        ErrorKind::InvalidParameterValue,
        "Unsupported DestinationConfig parameter for given event source mapping type.",
    );
    let mut no_function = CreateEventSourceMappingRequest::new(QUEUE, "f");
    no_function.function_name = None;
    assert_err(
        r.create_event_source_mapping(no_function),
        ErrorKind::Validation,
        "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null",
    );
    let mut big = CreateEventSourceMappingRequest::new(QUEUE, "f");
    big.batch_size = Some(10_001);
    assert_err(
        r.create_event_source_mapping(big),
        ErrorKind::Validation,
        &validation(
            "10001",
            "batchSize",
            "Member must have value less than or equal to 10000",
        ),
    );
}

#[test]
fn r156_duplicates_name_the_existing_uuid() {
    let mut r = setup();
    let first = map(&mut r, QUEUE, "f:live");
    assert_err(
        r.create_event_source_mapping(CreateEventSourceMappingRequest::new(QUEUE, "f")),
        ErrorKind::ResourceConflict,
        &format!(
            "An event source mapping with SQS arn (\" {QUEUE} \") and function (\" f \") already exists. Please update or delete the existing mapping with UUID {first}"
        ),
    );
    let stream = map(&mut r, STREAM, "f");
    assert_err(
        r.create_event_source_mapping(CreateEventSourceMappingRequest::new(STREAM, "f:1")),
        ErrorKind::ResourceConflict,
        &format!(
            "The event source arn ({STREAM}) and function (f) provided mapping already exists. Please update or delete the existing mapping with UUID {stream}"
        ),
    );
    assert_eq!(
        r.get_event_source_mapping(&stream).unwrap().batch_size,
        100,
        "streams default to 100"
    );
}

#[test]
fn r157_filters_never_fail_and_pages_continue() {
    let mut r = setup();
    create(&mut r, "g");
    let a = map(&mut r, QUEUE, "f:live");
    let b = map(&mut r, STREAM, "f:1");
    let c = map(&mut r, QUEUE, "g");
    let list = |r: &Registry, source: Option<&str>, function: Option<&str>| -> Vec<String> {
        let mut req = ListEventSourceMappingsRequest::default();
        req.event_source_arn = source.map(str::to_owned);
        req.function_name = function.map(str::to_owned);
        let mut ids: Vec<String> = r
            .list_event_source_mappings(req)
            .unwrap()
            .event_source_mappings
            .into_iter()
            .map(|m| m.uuid)
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        list(&r, None, Some("f")),
        sorted(vec![a.clone(), b.clone()])
    );
    assert_eq!(list(&r, None, Some("f:live")), vec![a.clone()]);
    assert_eq!(
        list(&r, Some(QUEUE), None),
        sorted(vec![a.clone(), c.clone()])
    );
    assert!(list(&r, None, Some("missing")).is_empty());
    assert!(list(&r, None, Some("f:ghost")).is_empty());
    let mut req = ListEventSourceMappingsRequest::default();
    req.max_items = Some(2);
    let first = r.list_event_source_mappings(req.clone()).unwrap();
    assert_eq!(first.event_source_mappings.len(), 2);
    req.marker = first.next_marker.clone();
    let second = r.list_event_source_mappings(req).unwrap();
    assert_eq!(second.event_source_mappings.len(), 1);
    assert_eq!(second.next_marker, None);
}

#[test]
fn r158_unknown_uuid_and_delete_answers_deleting() {
    let mut r = setup();
    let text = "The resource you requested does not exist.";
    let ghost = "00000000-0000-4000-8000-000000000000";
    assert_err(
        r.get_event_source_mapping(ghost),
        ErrorKind::ResourceNotFound,
        text,
    );
    assert_err(
        r.update_event_source_mapping(
            UpdateEventSourceMappingRequest::new(ghost).with_enabled(false),
        ),
        ErrorKind::ResourceNotFound,
        text,
    );
    assert_err(
        r.delete_event_source_mapping(ghost),
        ErrorKind::ResourceNotFound,
        text,
    );
    let id = map(&mut r, QUEUE, "f");
    let deleted = r.delete_event_source_mapping(&id).unwrap();
    assert_eq!(deleted.state, MappingState::Deleting);
    assert_err(
        r.get_event_source_mapping(&id),
        ErrorKind::ResourceNotFound,
        text,
    );
}

#[test]
fn r192_manual_lifecycle_shows_every_intermediate_state() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .lifecycle(Lifecycle::Manual)
        .build();
    create(&mut r, "f");
    r.finish_creation("f").unwrap();
    let id = map(&mut r, QUEUE, "f");
    let mut poller = r.event_source_poller(&id).unwrap();
    assert_eq!(
        r.get_event_source_mapping(&id).unwrap().state,
        MappingState::Creating
    );
    assert_eq!(
        poller.deliver(1),
        Err(DeliveryError::NotEnabled(MappingState::Creating))
    );
    assert_eq!(r.unsettled_event_source_mappings(), vec![id.clone()]);
    assert!(r.finish_event_source_mapping(&id));
    assert_eq!(
        r.get_event_source_mapping(&id).unwrap().state,
        MappingState::Enabled
    );
    assert!(poller.deliver(1).is_ok());
    let updated = r
        .update_event_source_mapping(UpdateEventSourceMappingRequest::new(&id).with_enabled(false))
        .unwrap();
    assert_eq!(updated.state, MappingState::Updating);
    r.finish_event_source_mapping(&id);
    assert_eq!(
        r.get_event_source_mapping(&id).unwrap().state,
        MappingState::Disabled
    );
    assert_eq!(
        poller.deliver(1),
        Err(DeliveryError::NotEnabled(MappingState::Disabled))
    );
    r.delete_event_source_mapping(&id).unwrap();
    assert_eq!(
        r.get_event_source_mapping(&id).unwrap().state,
        MappingState::Deleting
    );
    r.finish_event_source_mapping(&id);
    assert!(r.get_event_source_mapping(&id).is_err());
    assert_eq!(
        poller.deliver(1),
        Err(DeliveryError::NotEnabled(MappingState::Deleting))
    );
}

#[test]
fn r154_an_alias_mapping_follows_every_alias_move_without_an_update() {
    let mut r = setup();
    let id = map(&mut r, QUEUE, "f:live");
    let before = r.get_event_source_mapping(&id).unwrap();
    let mut poller = r.event_source_poller(&id).unwrap();
    let version = |p: &mut lambda_versioning::MappingPoller| {
        p.deliver(10).unwrap().executed_version.to_string()
    };
    assert_eq!(version(&mut poller), "1");
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    assert_eq!(version(&mut poller), "2");
    // A weighted split: both versions receive batches.
    r.update_alias(
        UpdateAliasRequest::new("f", "live")
            .with_function_version("1")
            .with_routing("2", 0.5),
    )
    .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        seen.insert(version(&mut poller));
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["1", "2"]);
    // The mapping itself never changed.
    let after = r.get_event_source_mapping(&id).unwrap();
    assert_eq!(after.function_arn, before.function_arn);
    assert_eq!(after.last_modified, before.last_modified);
    assert_eq!(after.last_processing_result, "OK");
    let delivery = poller.deliver(3).unwrap();
    assert_eq!(delivery.records, 3);
    assert_eq!(delivery.invoked_arn.to_string(), format!("{ARN}:f:live"));
}

#[test]
fn r153_retargeting_moves_the_pollers_too() {
    let mut r = setup();
    let id = map(&mut r, QUEUE, &format!("{ARN}:f:1"));
    let mut poller = r.event_source_poller(&id).unwrap();
    assert_eq!(poller.deliver(1).unwrap().executed_version.to_string(), "1");
    let updated = r
        .update_event_source_mapping(
            UpdateEventSourceMappingRequest::new(&id).with_function_name(format!("{ARN}:f:2")),
        )
        .unwrap();
    assert_eq!(updated.state, MappingState::Updating);
    assert_eq!(updated.uuid, id);
    assert_eq!(updated.function_arn, format!("{ARN}:f:2"));
    assert_eq!(poller.deliver(1).unwrap().executed_version.to_string(), "2");
    assert_err(
        r.update_event_source_mapping(
            UpdateEventSourceMappingRequest::new(&id).with_function_name("f:ghost"),
        ),
        ErrorKind::InvalidParameterValue,
        "Function does not exist",
    );
    assert_eq!(
        r.get_event_source_mapping(&id).unwrap().function_arn,
        format!("{ARN}:f:2")
    );
}

#[test]
fn r155_r190_mappings_outlive_their_target_and_record_the_failure() {
    let mut r = setup();
    let on_alias = map(&mut r, QUEUE, "f:live");
    let on_function = map(&mut r, STREAM, "f");
    let mut alias_poller = r.event_source_poller(&on_alias).unwrap();
    let mut fn_poller = r.event_source_poller(&on_function).unwrap();
    assert!(alias_poller.deliver(1).is_ok());
    // Deleting the alias is allowed (Q45) and the mapping stays; delivery fails.
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(
        alias_poller.deliver(1),
        Err(DeliveryError::FunctionNotFound(
            format!("{ARN}:f:live").parse().unwrap()
        ))
    );
    assert_eq!(
        r.get_event_source_mapping(&on_alias)
            .unwrap()
            .last_processing_result,
        "PROBLEM: Function not found under accountId 123456789012 in database"
    );
    // Re-creating the alias heals it.
    r.create_alias(CreateAliasRequest::new("f", "live", "2"))
        .unwrap();
    assert_eq!(
        alias_poller
            .deliver(1)
            .unwrap()
            .executed_version
            .to_string(),
        "2"
    );
    // Deleting the function keeps both mappings.
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    let kept = r.get_event_source_mapping(&on_function).unwrap();
    assert_eq!(kept.state, MappingState::Enabled);
    assert_eq!(kept.last_processing_result, "No records processed");
    assert!(matches!(
        fn_poller.deliver(1),
        Err(DeliveryError::FunctionNotFound(_))
    ));
    assert!(r.get_event_source_mapping(&on_alias).is_ok());
    r.delete_event_source_mapping(&on_function).unwrap();
}
