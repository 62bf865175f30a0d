//! Hostile input must not exhaust memory, panic or over-grant: one regression test per
//! finding of the adversarial pass (each failed on the code before its fix).
//!
//! Rules: R1–R9 (names), R28 (code storage), R45 (alias quota), R30 and Q1 (numbering),
//! R86 (authorization), R93 (member constraints), R23 (states).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, DeleteFunctionRequest, InvokeRequest,
    PublishVersionRequest, UpdateFunctionCodeRequest, UpdateFunctionConfigurationRequest,
};
use lambda_versioning::rollout::{Schedule, ScheduleError};
use lambda_versioning::{
    Caller, Code, ErrorKind, FunctionConfig, Lifecycle, Registry, Snapshot, VersionNumber,
};
use proptest::prelude::*;

/// A registry with `f` (versions 1 and 2) exported as JSON.
fn snapshot_json() -> String {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    serde_json::to_string(&r.export()).unwrap()
}

fn import(json: &str) -> Result<Registry, String> {
    let snapshot: Snapshot = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Registry::builder()
        .build_from_snapshot(snapshot)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- 1: version numbers

#[test]
fn r30_snapshot_version_counter_beyond_what_a_registry_publishes_is_refused() {
    // Version 2^36 and a counter to match: the dense version bitmap took 16 GiB here.
    let json = snapshot_json()
        .replace("\"number\":\"2\"", "\"number\":\"68719476736\"")
        .replace("\"last_allocated\":2", "\"last_allocated\":68719476736");
    assert_eq!(
        import(&json).unwrap_err(),
        "invalid snapshot at functions[0].last_allocated: version counter 68719476736 is above the highest version number a registry publishes (4294967295)"
    );
    // A counter near 2^62 with ordinary versions: the first publish used to abort.
    let json = snapshot_json().replace(
        "\"last_allocated\":2",
        "\"last_allocated\":4611686018427387904",
    );
    assert_eq!(
        import(&json).unwrap_err(),
        "invalid snapshot at functions[0].last_allocated: version counter 4611686018427387904 is above the highest version number a registry publishes (4294967295)"
    );
}

#[test]
fn q1_snapshot_retired_counter_beyond_what_a_registry_publishes_is_refused() {
    let json = snapshot_json().replace(
        "\"retired_version_counters\":{}",
        "\"retired_version_counters\":{\"gone\":4611686018427387904}",
    );
    assert_eq!(
        import(&json).unwrap_err(),
        "invalid snapshot at retired_version_counters.gone: version counter 4611686018427387904 is above the highest version number a registry publishes (4294967295)"
    );
}

#[test]
fn r30_the_highest_version_number_is_published_once_and_then_refused() {
    let json = snapshot_json()
        .replace("\"number\":\"2\"", "\"number\":\"4294967294\"")
        .replace("\"last_allocated\":2", "\"last_allocated\":4294967294")
        .replace(
            "\"last_published\":\"2\"",
            "\"last_published\":\"4294967294\"",
        );
    let mut r = import(&json).unwrap();
    update_code(&mut r, "f", b"one more");
    let last = publish(&mut r, "f");
    assert_eq!(last.version.to_string(), "4294967295");
    assert_eq!(
        r.resolver()
            .resolve_fast("f", Some("4294967295"))
            .unwrap()
            .executed_version(),
        last.version
    );
    update_code(&mut r, "f", b"and another");
    assert_err(
        r.publish_version(PublishVersionRequest::new("f")),
        ErrorKind::Service,
        "internal error: version numbers are exhausted for this function",
    );
    assert_eq!(VersionNumber::MAX_PUBLISHED, 4_294_967_295);
}

#[test]
fn q1_a_deleted_function_that_never_published_leaves_no_counter() {
    let mut r = registry();
    create(&mut r, "scratch");
    r.delete_function(DeleteFunctionRequest::new("scratch"))
        .unwrap();
    let json = serde_json::to_string(&r.export()).unwrap();
    assert!(json.contains("\"retired_version_counters\":{}"), "{json}");
    // A published function's counter is still kept (Q1).
    with_versions(&mut r, "kept", 1);
    r.delete_function(DeleteFunctionRequest::new("kept"))
        .unwrap();
    let json = serde_json::to_string(&r.export()).unwrap();
    assert!(
        json.contains("\"retired_version_counters\":{\"kept\":1}"),
        "{json}"
    );
}

// ---------------------------------------------------------------- 2: configuration caps

fn update(r: &mut Registry, req: UpdateFunctionConfigurationRequest) -> lambda_versioning::Error {
    r.update_function_configuration(req).unwrap_err()
}

#[test]
fn r93_timeout_above_900_seconds_is_refused() {
    let mut r = registry();
    create(&mut r, "f");
    assert_err(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_timeout(901),
        ),
        ErrorKind::Validation,
        &validation(
            "901",
            "timeout",
            "Member must have value less than or equal to 900",
        ),
    );
    assert!(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_timeout(900)
        )
        .is_ok()
    );
}

#[test]
fn r93_environment_variable_names_follow_the_model_pattern() {
    let mut r = registry();
    create(&mut r, "f");
    for bad in ["1A", "A", "A-B", "_A"] {
        let e = update(
            &mut r,
            UpdateFunctionConfigurationRequest::new("f").with_environment_variable(bad, "x"),
        );
        assert_eq!(e.kind(), ErrorKind::Validation, "{bad}");
        assert_eq!(
            e.message(),
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"
        );
    }
    assert!(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_environment_variable("A1_b", "x")
        )
        .is_ok()
    );
}

#[test]
fn environment_over_4_kb_is_refused_with_the_measured_string() {
    let mut r = registry();
    create(&mut r, "f");
    // {"BIG":"xxx…"} is 10 bytes of JSON around the value.
    let fits = "x".repeat(4096 - 10);
    assert!(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f")
                .with_environment_variable("BIG", fits.as_str())
        )
        .is_ok()
    );
    let over = "x".repeat(4096 - 9);
    let before = r.export();
    assert_err(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f")
                .with_environment_variable("BIG", over.as_str()),
        ),
        ErrorKind::InvalidParameterValue,
        &format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {{\"BIG\":\"{over}\"}}"
        ),
    );
    assert_eq!(r.export(), before, "a refusal changes nothing");
    // A 7 MiB environment, which used to be accepted forty times over.
    let huge = "y".repeat(7 << 20);
    let e = r
        .create_function(CreateFunctionRequest::new(
            "g",
            config(b"g").with_environment_variable("HUGE", huge.as_str()),
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidParameterValue);
    assert_eq!(r.function_count(), 1);
}

#[test]
fn more_than_five_layers_are_refused() {
    let mut r = registry();
    create(&mut r, "f");
    let layer = |i: u32| format!("arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1");
    let five: Vec<String> = (1..=5).map(layer).collect();
    assert!(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_layers(five)
        )
        .is_ok()
    );
    let six: Vec<String> = (1..=6).map(layer).collect();
    assert_err(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_layers(six),
        ),
        ErrorKind::InvalidParameterValue,
        "A function can use at most 5 layers; the request names 6",
    );
}

#[test]
fn r93_layer_arns_runtime_and_ephemeral_storage_follow_the_model() {
    let mut r = registry();
    create(&mut r, "f");
    let e = update(
        &mut r,
        UpdateFunctionConfigurationRequest::new("f").with_layer("not-a-layer"),
    );
    assert_eq!(
        e.message(),
        r"1 validation error detected: Value '[not-a-layer]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]"
    );
    let e = update(
        &mut r,
        UpdateFunctionConfigurationRequest::new("f").with_runtime("cobol85"),
    );
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(
        e.message().starts_with(
            "1 validation error detected: Value 'cobol85' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, nodejs4.3,"
        ),
        "{}",
        e.message()
    );
    assert!(e.message().ends_with(", custom]"));
    let e = update(
        &mut r,
        UpdateFunctionConfigurationRequest::new("f").with_ephemeral_storage(10241),
    );
    assert_eq!(
        e.message(),
        validation(
            "10241",
            "ephemeralStorage.size",
            "Member must have value less than or equal to 10240"
        )
    );
    let ok = r
        .update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_ephemeral_storage(10240),
        )
        .unwrap();
    assert_eq!(ok.config.ephemeral_storage, 10240);
}

#[test]
fn snapshot_import_applies_the_same_member_constraints() {
    let json = snapshot_json().replace("\"timeout\":3", "\"timeout\":901");
    assert_eq!(
        import(&json).unwrap_err(),
        "invalid snapshot at functions[0].latest.config: 1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"
    );
}

// ---------------------------------------------------------------- 3: quotas

#[test]
fn r28_code_storage_quota_refuses_create_update_and_publish() {
    // 10 bytes of code in $LATEST; each published version stores another copy.
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .code_storage_limit(25)
        .build();
    r.create_function(CreateFunctionRequest::new("f", config(b"0123456789")))
        .unwrap();
    publish(&mut r, "f");
    assert_eq!(r.code_storage_used(), 20);
    let before = r.export();
    assert_err(
        r.update_function_code(
            UpdateFunctionCodeRequest::new("f", Code::from_zip_bytes(b"0123456789abcdef"))
                .with_publish(true),
        ),
        ErrorKind::CodeStorageExceeded,
        "Code storage limit exceeded: 20 bytes are stored, this request adds 22, the limit is 25",
    );
    assert_err(
        r.create_function(CreateFunctionRequest::new("g", config(b"0123456789"))),
        ErrorKind::CodeStorageExceeded,
        "Code storage limit exceeded: 20 bytes are stored, this request adds 10, the limit is 25",
    );
    assert_eq!(r.export(), before);
    // Smaller code frees room; publishing it fits.
    update_code(&mut r, "f", b"12345");
    assert_eq!(r.code_storage_used(), 15);
    publish(&mut r, "f");
    assert_eq!(r.code_storage_used(), 20);
    update_code(&mut r, "f", b"123456");
    assert_err(
        r.publish_version(PublishVersionRequest::new("f")),
        ErrorKind::CodeStorageExceeded,
        "Code storage limit exceeded: 21 bytes are stored, this request adds 6, the limit is 25",
    );
}

#[test]
fn r45_alias_quota_refuses_one_alias_too_many() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .max_aliases_per_function(2)
        .build();
    with_versions(&mut r, "f", 1);
    for a in ["a", "b"] {
        r.create_alias(CreateAliasRequest::new("f", a, "1"))
            .unwrap();
    }
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "c", "1")),
        ErrorKind::AliasLimitExceeded,
        &format!("Alias limit exceeded: {ARN}:f already has 2 aliases, the limit is 2"),
    );
    // The name conflict is still reported first.
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "a", "1")),
        ErrorKind::ResourceConflict,
        &format!("Alias already exists: {ARN}:f:a"),
    );
}

#[test]
fn version_quota_refuses_a_publish_past_it() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .max_versions_per_function(2)
        .build();
    with_versions(&mut r, "f", 2);
    update_code(&mut r, "f", b"three");
    assert_err(
        r.publish_version(PublishVersionRequest::new("f")),
        ErrorKind::CodeStorageExceeded,
        &format!(
            "Version limit exceeded: {ARN}:f already has 2 published versions, the limit is 2"
        ),
    );
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1"))
        .unwrap();
    assert_eq!(publish(&mut r, "f").version.to_string(), "3");
}

// ---------------------------------------------------------------- 4: schedules

#[test]
fn linear_schedules_that_overflow_a_duration_are_refused() {
    assert_eq!(
        Schedule::linear(1, Duration::MAX).unwrap_err(),
        ScheduleError::TooLong {
            increments: 100,
            interval: Duration::MAX
        }
    );
    let interval = Duration::from_secs(u64::MAX / 5);
    assert_eq!(
        Schedule::linear(10, interval).unwrap_err().to_string(),
        format!("10 intervals of {interval:?} do not fit in a duration")
    );
    let longest = Duration::MAX / 100;
    assert_eq!(
        Schedule::linear(1, longest).unwrap().completes_after(),
        longest * 100
    );
}

proptest! {
    /// Every constructor answers its documented error or a schedule, for any input, and
    /// every schedule it builds can be printed and queried.
    #[test]
    fn schedule_constructors_never_panic(
        percent in any::<u32>(),
        secs in any::<u64>(),
        nanos in 0u32..1_000_000_000,
        at_secs in any::<u64>(),
    ) {
        let interval = Duration::new(secs, nanos);
        for schedule in [Schedule::linear(percent, interval), Schedule::canary(percent, interval)]
            .into_iter()
            .flatten()
        {
            let _ = schedule.timeline().to_string();
            let w = schedule.weight_at(Duration::from_secs(at_secs));
            prop_assert!((0.0..=1.0).contains(&w));
            prop_assert!(schedule.full_weight_after() <= schedule.completes_after());
        }
    }
}

// ---------------------------------------------------------------- 5: account principals

#[test]
fn r86_an_account_grant_matches_only_well_formed_iam_arns_of_the_partition() {
    use lambda_versioning::registry::AddPermissionRequest;
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.add_permission(AddPermissionRequest::new(
        "f",
        "acct",
        "lambda:InvokeFunction",
        "111122223333",
    ))
    .unwrap();
    let resource = format!("{ARN}:f").parse().unwrap();
    let allowed = |caller: Caller| {
        r.authorize(&caller, "lambda:InvokeFunction", &resource)
            .is_allowed()
    };
    assert!(allowed(Caller::iam("arn:aws:iam::111122223333:role/x")));
    assert!(allowed(Caller::iam(
        "arn:aws:sts::111122223333:assumed-role/x/session"
    )));
    assert!(allowed(Caller::account("111122223333".parse().unwrap())));
    for loose in [
        "arn:aws-us-gov:iam::111122223333:role/x",
        "x:y:z:w:111122223333:whatever",
        "arn:aws:s3::111122223333:bucket",
        "arn:aws:iam:us-east-1:111122223333:role/x",
        "arn:aws:iam::111122223333:",
        "arn:aws:iam::1111222233334:role/x",
    ] {
        assert!(!allowed(Caller::iam(loose)), "{loose}");
    }
}

// ---------------------------------------------------------------- 6: invoking what is not ready

#[test]
fn r23_a_pending_function_or_version_is_not_invoked() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .lifecycle(Lifecycle::Manual)
        .build();
    create(&mut r, "f");
    let mut rng = lambda_versioning::rand::rng();
    let pending = "The operation cannot be performed at this time. The function is currently in the following state: Pending";
    assert_err(
        r.invoke_target(InvokeRequest::new("f"), &mut rng),
        ErrorKind::ResourceConflict,
        pending,
    );
    r.finish_creation("f").unwrap();
    assert!(r.invoke_target(InvokeRequest::new("f"), &mut rng).is_ok());
    // A version published with the code update stays Pending until the update settles.
    let v = r
        .update_function_code(
            UpdateFunctionCodeRequest::new("f", Code::from_zip_bytes(b"v1")).with_publish(true),
        )
        .unwrap();
    assert_eq!(v.version.to_string(), "1");
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    for q in ["f:1", "f:live"] {
        assert_err(
            r.invoke_target(InvokeRequest::new(q), &mut rng),
            ErrorKind::ResourceConflict,
            pending,
        );
    }
    r.finish_update("f").unwrap();
    for q in ["f:1", "f:live", "f"] {
        assert!(
            r.invoke_target(InvokeRequest::new(q), &mut rng).is_ok(),
            "{q}"
        );
    }
}

// ---------------------------------------------------------------- 7: duplicate JSON keys

#[test]
fn duplicate_keys_in_a_snapshot_map_are_refused() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    let json = serde_json::to_string(&r.export())
        .unwrap()
        .replace("{\"f\":1}", "{\"f\":1,\"f\":9}");
    let err = import(&json).unwrap_err();
    assert!(err.starts_with("duplicate key \"f\""), "{err}");
    let mut env = BTreeMap::new();
    env.insert("A1".to_owned(), "x".to_owned());
    let mut r = registry();
    r.create_function(CreateFunctionRequest::new(
        "g",
        FunctionConfig::new(ROLE, Code::from_zip_bytes(b"g")).with_environment(env),
    ))
    .unwrap();
    let json = serde_json::to_string(&r.export())
        .unwrap()
        .replace("{\"A1\":\"x\"}", "{\"A1\":\"x\",\"A1\":\"y\"}");
    let err = import(&json).unwrap_err();
    assert!(err.starts_with("duplicate key \"A1\""), "{err}");
}
