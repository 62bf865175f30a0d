//! `$LATEST`, publishing and version numbering (R10–R30, R69, R70, R72).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, DeleteFunctionRequest,
    GetFunctionConfigurationRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{
    Code, ErrorKind, LastUpdateStatus, Registry, State, Timestamp, Version, VersionNumber,
    VersionNumbering,
};

fn v(n: u64) -> Version {
    Version::Published(VersionNumber::new(n).unwrap())
}

#[test]
fn r10_code_and_config_updates_refuse_versions_and_aliases() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    for name in ["f:1", "f:live", &format!("{ARN}:f:1")] {
        assert_err(
            r.update_function_code(UpdateFunctionCodeRequest::new(
                name,
                Code::from_zip_bytes(b"x"),
            )),
            ErrorKind::InvalidParameterValue,
            ONLY_LATEST,
        );
        assert_err(
            r.update_function_configuration(
                UpdateFunctionConfigurationRequest::new(name).with_timeout(9),
            ),
            ErrorKind::InvalidParameterValue,
            ONLY_LATEST,
        );
    }
    // `:$LATEST` is allowed.
    let updated = r
        .update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f:$LATEST").with_timeout(9),
        )
        .unwrap();
    assert_eq!(updated.config.timeout, 9);
}

#[test]
fn r11_published_versions_are_frozen() {
    let mut r = registry();
    create(&mut r, "f");
    let v1 = r
        .publish_version(PublishVersionRequest::new("f").with_description("one"))
        .unwrap();
    update_code(&mut r, "f", b"new code");
    r.update_function_configuration(
        UpdateFunctionConfigurationRequest::new("f")
            .with_description("changed")
            .with_memory_size(1024)
            .with_role(OTHER_ROLE),
    )
    .unwrap();
    let got = get(&r, "f:1");
    assert_eq!(got.revision_id, v1.revision_id);
    assert_eq!(got.config, v1.config);
    assert_eq!(got.config.description, "one");
    assert_eq!(got.config.code, Code::from_zip_bytes(b"v0"));
    assert_eq!(got.config.memory_size, 128);
    let latest = get(&r, "f");
    assert_eq!(latest.config.code, Code::from_zip_bytes(b"new code"));
    assert_eq!(latest.config.memory_size, 1024);
}

#[test]
fn r15_r64_unqualified_reads_describe_latest() {
    let mut r = registry();
    create(&mut r, "f");
    publish(&mut r, "f");
    let got = r
        .get_function_configuration(GetFunctionConfigurationRequest::new("f"))
        .unwrap();
    assert_eq!(got.version, Version::Latest);
    assert_eq!(got.function_arn.to_string(), format!("{ARN}:f"));
    let got = r
        .get_function_configuration(
            GetFunctionConfigurationRequest::new("f").with_qualifier("$LATEST"),
        )
        .unwrap();
    assert_eq!(got.function_arn.to_string(), format!("{ARN}:f:$LATEST"));
}

#[test]
fn r16_publish_copies_latest_into_a_new_numbered_version() {
    let mut r = registry();
    create(&mut r, "f");
    let latest = get(&r, "f");
    let v1 = publish(&mut r, "f");
    assert_eq!(v1.version, v(1));
    assert_eq!(v1.function_arn.to_string(), format!("{ARN}:f:1"));
    assert_eq!(v1.function_name.as_str(), "f");
    assert_eq!(v1.config.code.sha256(), latest.config.code.sha256());
    assert_eq!(v1.config.code.size(), 2);
    assert_ne!(v1.revision_id, latest.revision_id);
}

#[test]
fn r17_description_override_applies_to_the_version_only() {
    let mut r = registry();
    r.create_function(CreateFunctionRequest::new(
        "f",
        config(b"x").with_description("latest desc"),
    ))
    .unwrap();
    let v1 = r
        .publish_version(PublishVersionRequest::new("f").with_description("release one"))
        .unwrap();
    assert_eq!(v1.config.description, "release one");
    let latest = get(&r, "f");
    assert_eq!(latest.config.description, "latest desc");
    update_code(&mut r, "f", b"y");
    let v2 = publish(&mut r, "f");
    assert_eq!(v2.config.description, "latest desc");
}

#[test]
fn r18_publishing_an_unchanged_latest_returns_the_last_version() {
    let mut r = registry();
    create(&mut r, "f");
    let v1 = publish(&mut r, "f");
    let latest_before = get(&r, "f");
    let again = r
        .publish_version(PublishVersionRequest::new("f").with_description("ignored"))
        .unwrap();
    assert_eq!(again, v1);
    assert_eq!(again.config.description, "");
    let latest_after = get(&r, "f");
    assert_eq!(latest_after.revision_id, latest_before.revision_id);
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1"]);
}

#[test]
fn r18_r24_noop_publish_after_create_with_publish() {
    let mut r = registry();
    let created = r
        .create_function(CreateFunctionRequest::new("f", config(b"x")).with_publish(true))
        .unwrap();
    assert_eq!(created.version, v(1));
    let again = publish(&mut r, "f");
    assert_eq!(again.version, v(1));
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1"]);
}

#[test]
fn r19_any_configuration_update_makes_the_next_publish_new() {
    let mut r = registry();
    create(&mut r, "f");
    publish(&mut r, "f");
    r.update_function_configuration(
        UpdateFunctionConfigurationRequest::new("f").with_description("d"),
    )
    .unwrap();
    assert_eq!(publish(&mut r, "f").version, v(2));
    // Q3: change detection is by event, even an update that changes nothing counts.
    r.update_function_configuration(UpdateFunctionConfigurationRequest::new("f"))
        .unwrap();
    assert_eq!(publish(&mut r, "f").version, v(3));
    update_code(&mut r, "f", b"v0");
    assert_eq!(publish(&mut r, "f").version, v(4));
}

#[test]
fn r20_first_publish_always_creates_version_1() {
    let mut r = registry();
    create(&mut r, "f");
    assert_eq!(publish(&mut r, "f").version, v(1));
}

#[test]
fn r21_code_sha256_precondition() {
    let mut r = registry();
    create(&mut r, "f");
    let current = Code::from_zip_bytes(b"v0").sha256().to_owned();
    for given in ["somenonexistentsha256", &"a".repeat(64)] {
        assert_err(
            r.publish_version(PublishVersionRequest::new("f").with_code_sha256(given)),
            ErrorKind::InvalidParameterValue,
            &format!(
                "CodeSHA256 ({given}) is different from current CodeSHA256 in $LATEST ({current}). Please try again with the CodeSHA256 in $LATEST."
            ),
        );
    }
    assert_eq!(version_list(&r, "f"), ["$LATEST"]);
    let v1 = r
        .publish_version(PublishVersionRequest::new("f").with_code_sha256(current.clone()))
        .unwrap();
    assert_eq!(v1.version, v(1));
    // A matching hash still obeys the no-op rule; Q21: an empty hash counts as absent.
    let again = r
        .publish_version(PublishVersionRequest::new("f").with_code_sha256(current))
        .unwrap();
    assert_eq!(again.version, v(1));
    let again = r
        .publish_version(PublishVersionRequest::new("f").with_code_sha256(""))
        .unwrap();
    assert_eq!(again.version, v(1));
}

#[test]
fn r22_r72_revision_precondition_on_publish_and_updates() {
    let mut r = registry();
    create(&mut r, "f");
    let latest = get(&r, "f");
    let stale = "00000000-0000-4000-8000-000000000000";
    assert_err(
        r.publish_version(PublishVersionRequest::new("f").with_revision_id(stale)),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
    assert_err(
        r.update_function_code(
            UpdateFunctionCodeRequest::new("f", Code::from_zip_bytes(b"x")).with_revision_id(stale),
        ),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
    assert_err(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f")
                .with_timeout(5)
                .with_revision_id(stale),
        ),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
    // Nothing changed.
    assert_eq!(get(&r, "f"), latest);
    let v1 = r
        .publish_version(
            PublishVersionRequest::new("f").with_revision_id(latest.revision_id.to_string()),
        )
        .unwrap();
    assert_eq!(v1.version, v(1));
}

#[test]
fn r94_q19_revision_is_checked_before_code_sha256() {
    let mut r = registry();
    create(&mut r, "f");
    assert_err(
        r.publish_version(
            PublishVersionRequest::new("f")
                .with_revision_id("00000000-0000-4000-8000-000000000000")
                .with_code_sha256("wrong"),
        ),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
}

#[test]
fn r26_fields_of_a_fresh_version() {
    let clock = clock();
    let mut r = Registry::builder().clock(clock.clone()).seed(3).build();
    create(&mut r, "f");
    clock.advance_millis(60_000);
    let v1 = publish(&mut r, "f");
    let status = v1.status.clone().unwrap();
    assert_eq!(status.state, State::Active);
    assert_eq!(
        status.last_update_status,
        Some(LastUpdateStatus::Successful)
    );
    assert_eq!(v1.last_modified, Timestamp::from_unix_millis(T0 + 60_000));
    assert_eq!(v1.last_modified.to_string(), "2025-11-28T00:01:00.000+0000");
    let latest = get(&r, "f");
    assert_eq!(
        latest.last_modified.to_string(),
        "2025-11-28T00:00:00.000+0000"
    );
}

#[test]
fn r27_a_real_publish_bumps_latest_revision() {
    let mut r = registry();
    create(&mut r, "f");
    let before = get(&r, "f").revision_id;
    publish(&mut r, "f");
    let after = get(&r, "f").revision_id;
    assert_ne!(before, after);
}

#[test]
fn r29_r30_numbers_increase_and_are_never_reused() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1", "2", "3"]);
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("3"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2"))
        .unwrap();
    update_code(&mut r, "f", b"again");
    assert_eq!(publish(&mut r, "f").version, v(4));
    assert_eq!(version_list(&r, "f"), ["$LATEST", "1", "4"]);
}

#[test]
fn r30_q1_numbering_continues_after_recreate_by_default() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    create(&mut r, "f");
    assert_eq!(publish(&mut r, "f").version, v(3));

    let mut r = Registry::builder()
        .clock(clock())
        .seed(1)
        .version_numbering(VersionNumbering::RestartAfterRecreate)
        .build();
    with_versions(&mut r, "f", 2);
    r.delete_function(DeleteFunctionRequest::new("f")).unwrap();
    create(&mut r, "f");
    assert_eq!(publish(&mut r, "f").version, v(1));
}

#[test]
fn q2_publishing_after_deleting_the_last_version_creates_a_new_one() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("2"))
        .unwrap();
    assert_eq!(publish(&mut r, "f").version, v(3));
}

#[test]
fn r69_latest_revision_changes_on_update_and_on_completion() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(5)
        .lifecycle(lambda_versioning::Lifecycle::Manual)
        .build();
    let created = create(&mut r, "f");
    r.finish_creation("f").unwrap();
    let active = get(&r, "f");
    assert_ne!(created.revision_id, active.revision_id);
    let updating = update_code(&mut r, "f", b"x");
    assert_ne!(updating.revision_id, active.revision_id);
    assert_eq!(
        updating.status.as_ref().unwrap().last_update_status,
        Some(LastUpdateStatus::InProgress)
    );
    r.finish_update("f").unwrap();
    let done = get(&r, "f");
    assert_ne!(done.revision_id, updating.revision_id);
    assert_eq!(
        done.status.unwrap().last_update_status,
        Some(LastUpdateStatus::Successful)
    );
}

#[test]
fn r70_version_revision_is_stable() {
    let mut r = registry();
    create(&mut r, "f");
    let v1 = publish(&mut r, "f");
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    update_code(&mut r, "f", b"z");
    publish(&mut r, "f");
    let got = get(&r, "f:1");
    assert_eq!(got.revision_id, v1.revision_id);
}

#[test]
fn publish_validation_and_missing_function() {
    let mut r = registry();
    assert_err(
        r.publish_version(PublishVersionRequest::new("missing")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:missing"),
    );
    create(&mut r, "f");
    let long = "d".repeat(257);
    assert_err(
        r.publish_version(PublishVersionRequest::new("f").with_description(long.clone())),
        ErrorKind::Validation,
        &validation(
            &long,
            "description",
            "Member must have length less than or equal to 256",
        ),
    );
    // Q13: a version or alias suffix is refused, `:$LATEST` is fine.
    assert_err(
        r.publish_version(PublishVersionRequest::new("f:1")),
        ErrorKind::InvalidParameterValue,
        ONLY_LATEST,
    );
    assert_eq!(publish(&mut r, "f:$LATEST").version, v(1));
}

#[test]
fn create_function_conflicts_and_validation() {
    let mut r = registry();
    create(&mut r, "f");
    assert_err(
        r.create_function(CreateFunctionRequest::new("f", config(b"x"))),
        ErrorKind::ResourceConflict,
        "Function already exist: f",
    );
    let bad = config(b"x").with_memory_size(64).with_timeout(0);
    let mut bad = bad;
    bad.role = "not-a-role".to_owned();
    assert_err(
        r.create_function(CreateFunctionRequest::new("g!", bad)),
        ErrorKind::Validation,
        &format!(
            "4 validation errors detected: Value 'g!' at 'functionName' failed to satisfy constraint: {CLASSIC_PATTERN}; \
Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{{12}}:role/?[a-zA-Z_0-9+=,.@\\-_/]+; \
Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; \
Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ),
    );
    assert_eq!(r.function_count(), 1);
}
