//! Snapshots carry what is bound to qualifiers (R190): asynchronous-invocation configs,
//! function URLs and event source mappings round-trip, and corrupt entries are refused.

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, CreateEventSourceMappingRequest,
    FunctionEventInvokeConfigRequest, FunctionUrlConfigRequest,
};
use lambda_versioning::{Caller, DestinationConfig, FunctionUrlAuthType, Registry, Snapshot, rand};

fn populated() -> (Registry, String, String) {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r.put_function_event_invoke_config(
        FunctionEventInvokeConfigRequest::new("f:live")
            .with_maximum_retry_attempts(1)
            .with_destination_config(DestinationConfig::new(
                None,
                Some("arn:aws:sqs:us-east-1:123456789012:dlq"),
            )),
    )
    .unwrap();
    r.put_function_event_invoke_config(
        FunctionEventInvokeConfigRequest::new("f:2").with_maximum_event_age_in_seconds(600),
    )
    .unwrap();
    let url = r
        .create_function_url_config(
            FunctionUrlConfigRequest::new("f")
                .with_qualifier("live")
                .with_auth_type(FunctionUrlAuthType::None),
        )
        .unwrap();
    r.add_permission(
        AddPermissionRequest::new("f", "url", "lambda:InvokeFunctionUrl", "*")
            .with_qualifier("live")
            .with_function_url_auth_type(FunctionUrlAuthType::None),
    )
    .unwrap();
    let mapping = r
        .create_event_source_mapping(CreateEventSourceMappingRequest::new(
            "arn:aws:sqs:us-east-1:123456789012:orders",
            "f:live",
        ))
        .unwrap()
        .uuid;
    let id = url.function_url[8..40].to_owned();
    (r, id, mapping)
}

fn json(r: &Registry) -> String {
    serde_json::to_string(&r.export()).unwrap()
}

fn import(text: &str) -> Result<Registry, String> {
    let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Registry::builder()
        .clock(clock())
        .build_from_snapshot(snapshot)
        .map_err(|e| e.to_string())
}

#[test]
fn r190_attachments_round_trip_and_keep_working() {
    let (r, id, mapping) = populated();
    let text = json(&r);
    let restored = import(&text).unwrap();
    assert_eq!(restored.export(), r.export());
    assert_eq!(
        restored.get_function_url_config("f", Some("live")).unwrap(),
        r.get_function_url_config("f", Some("live")).unwrap()
    );
    assert_eq!(
        restored
            .invoke_function_url(&id, &Caller::anonymous(), &mut rand::rng())
            .unwrap()
            .executed_version
            .to_string(),
        "1"
    );
    let mut poller = restored.event_source_poller(&mapping).unwrap();
    assert_eq!(poller.deliver(1).unwrap().executed_version.to_string(), "1");
    assert_eq!(
        restored
            .get_function_event_invoke_config("f", Some("2"))
            .unwrap(),
        r.get_function_event_invoke_config("f", Some("2")).unwrap()
    );
}

#[test]
fn r190_corrupt_attachments_are_refused() {
    let (r, id, mapping) = populated();
    let text = json(&r);
    let cases = [
        (
            text.replace(r#"{"Version":"2"},"config""#, r#"{"Version":"7"},"config""#),
            "invalid snapshot at functions[0].invoke_configs[0]: the config's target does not exist",
        ),
        (
            text.replace(
                r#""maximum_retry_attempts":1"#,
                r#""maximum_retry_attempts":5"#,
            ),
            "invalid snapshot at functions[0].invoke_configs[1]: maximum_retry_attempts is above 2",
        ),
        (
            text.replace(
                r#""target":{"Alias":"live"},"url""#,
                r#""target":{"Version":"1"},"url""#,
            ),
            "invalid snapshot at functions[0].urls[0]: a version has no function URL",
        ),
        (
            text.replace(&id, "NOT-AN-ID"),
            "invalid snapshot at functions[0].urls[0]: url id NOT-AN-ID is not 32 characters of [a-z0-9]",
        ),
        (
            text.replace(&mapping, "not-a-uuid"),
            "invalid snapshot at event_source_mappings[0]: not-a-uuid is not a UUID",
        ),
        (
            text.replace(r#""batch_size":10"#, r#""batch_size":0"#),
            "invalid snapshot at event_source_mappings[0]: batch settings out of range",
        ),
    ];
    for (corrupt, expected) in cases {
        assert_ne!(corrupt, text, "the corruption applies: {expected}");
        assert_eq!(import(&corrupt).err().as_deref(), Some(expected));
    }
}

#[test]
fn r111_r114_concurrency_and_tags_round_trip_and_corruption_is_refused() {
    use lambda_versioning::registry::{
        PutFunctionConcurrencyRequest, PutProvisionedConcurrencyConfigRequest, TagResourceRequest,
    };
    let (mut r, _, _) = populated();
    r.put_function_concurrency(PutFunctionConcurrencyRequest::new("f", 5))
        .unwrap();
    r.put_provisioned_concurrency_config(PutProvisionedConcurrencyConfigRequest::new(
        "f", "live", 3,
    ))
    .unwrap();
    r.tag_resource(TagResourceRequest::new(
        format!("{ARN}:f"),
        [("team".to_owned(), "a".to_owned())].into(),
    ))
    .unwrap();
    let text = json(&r);
    let restored = import(&text).unwrap();
    assert_eq!(restored.export(), r.export());
    // Admission state is rebuilt: 3 provisioned units serve version 1.
    let resolver = restored.resolver();
    let permits: Vec<_> = (0..3)
        .map(|_| resolver.admit("f", Some("1"), &mut rand::rng()).unwrap())
        .collect();
    assert!(
        permits
            .iter()
            .all(|p| p.permit().kind() == lambda_versioning::CapacityKind::Provisioned)
    );
    let cases = [
        (
            text.replace(r#""reserved_concurrency":5"#, r#""reserved_concurrency":2"#),
            "invalid snapshot at functions[0].reserved_concurrency: below the function's total provisioned concurrency",
        ),
        (
            text.replace(
                r#""target":{"Alias":"live"},"config":{"requested""#,
                r#""target":{"Alias":"ghost"},"config":{"requested""#,
            ),
            "invalid snapshot at functions[0].provisioned[0]: the target is not an existing published version or an alias on one",
        ),
        (
            text.replace(r#""requested":3"#, r#""requested":0"#),
            "invalid snapshot at functions[0].provisioned[0]: requested or allocated out of range",
        ),
    ];
    for (corrupt, expected) in cases {
        assert_ne!(corrupt, text, "the corruption applies: {expected}");
        assert_eq!(import(&corrupt).err().as_deref(), Some(expected));
    }
}
