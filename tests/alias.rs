//! Aliases: naming, targets, create / get / update / delete (R33–R44, R63, R71).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteAliasRequest, GetAliasRequest, GetFunctionRequest, UpdateAliasRequest,
};
use lambda_versioning::{ErrorKind, Version, VersionNumber};

fn v(n: u64) -> Version {
    Version::Published(VersionNumber::new(n).unwrap())
}

#[test]
fn r33_all_digit_alias_names_fail_validation() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "2024", "1")),
        ErrorKind::Validation,
        "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
    );
    let dated = r
        .create_alias(CreateAliasRequest::new("f", "2024-01-02", "1"))
        .unwrap();
    assert_eq!(dated.alias_arn.to_string(), format!("{ARN}:f:2024-01-02"));
    // Invocable as f:2024-01-02.
    let got = r
        .get_function(GetFunctionRequest::new("f:2024-01-02"))
        .unwrap();
    assert_eq!(got.configuration.version, v(1));
}

#[test]
fn r34_alias_names_are_unique_per_function() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.create_alias(CreateAliasRequest::new("f", "custom", "1"))
        .unwrap();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "custom", "$LATEST")),
        ErrorKind::ResourceConflict,
        &format!("Alias already exists: {ARN}:f:custom"),
    );
    // Q18: names are case-sensitive.
    assert!(
        r.create_alias(CreateAliasRequest::new("f", "CUSTOM", "1"))
            .is_ok()
    );
    // Another function may use the same name.
    with_versions(&mut r, "g", 1);
    assert!(
        r.create_alias(CreateAliasRequest::new("g", "custom", "1"))
            .is_ok()
    );
}

#[test]
fn r35_alias_target_must_exist() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "live", "10")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:10"),
    );
    // A missing function still names the requested version.
    assert_err(
        r.create_alias(CreateAliasRequest::new("f-unknown", "live", "1")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f-unknown:1"),
    );
    // Aliases cannot point at aliases: the pattern refuses names.
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "other", "live")),
        ErrorKind::Validation,
        r"1 validation error detected: Value 'live' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\$LATEST(\.PUBLISHED)?|[0-9]+)",
    );
    // Q26: a leading zero names no version.
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "zero", "01")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:01"),
    );
}

#[test]
fn r36_alias_may_point_at_latest() {
    let mut r = registry();
    create(&mut r, "f");
    let a = r
        .create_alias(CreateAliasRequest::new("f", "dev", "$LATEST"))
        .unwrap();
    assert_eq!(a.function_version, Version::Latest);
    let got = get(&r, "f:dev");
    assert_eq!(got.version, Version::Latest);
    assert_eq!(got.function_arn.to_string(), format!("{ARN}:f:dev"));
}

#[test]
fn r37_create_alias_response_shape() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    let a = r
        .create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_eq!(a.alias_arn.to_string(), format!("{ARN}:f:live"));
    assert_eq!(a.name.as_str(), "live");
    assert_eq!(a.function_version, v(1));
    assert_eq!(a.description, "");
    assert_eq!(a.routing_config, None);
    let b = r
        .create_alias(
            CreateAliasRequest::new("f", "beta", "1")
                .with_description("beta users")
                .with_routing("2", 0.25),
        )
        .unwrap();
    assert_eq!(b.description, "beta users");
    let routing = b.routing_config.unwrap();
    assert_eq!(routing.additional_version().get(), 2);
    assert_eq!(routing.weight().get(), 0.25);
    let long = "x".repeat(257);
    assert_err(
        r.create_alias(CreateAliasRequest::new("f", "d", "1").with_description(long.clone())),
        ErrorKind::Validation,
        &validation(
            &long,
            "description",
            "Member must have length less than or equal to 256",
        ),
    );
}

#[test]
fn r38_get_alias_and_its_not_found_wording() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    let created = r
        .create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_eq!(
        r.get_alias(GetAliasRequest::new("f", "live")).unwrap(),
        created
    );
    assert_err(
        r.get_alias(GetAliasRequest::new("f", "non-existent")),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:non-existent"),
    );
    // Q14: a missing function.
    assert_err(
        r.get_alias(GetAliasRequest::new("nope", "live")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
}

#[test]
fn r39_update_alias_is_partial_and_always_new_revision() {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    let a = r
        .create_alias(
            CreateAliasRequest::new("f", "live", "1")
                .with_description("d")
                .with_routing("2", 0.5),
        )
        .unwrap();
    let b = r
        .update_alias(UpdateAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(
        (b.function_version, b.description.as_str(), b.routing_config),
        (a.function_version, "d", a.routing_config)
    );
    assert_ne!(b.revision_id, a.revision_id);
    let c = r
        .update_alias(UpdateAliasRequest::new("f", "live").with_function_version("3"))
        .unwrap();
    assert_eq!(c.function_version, v(3));
    assert_eq!(c.routing_config, a.routing_config);
    assert_eq!(c.description, "d");
    let d = r
        .update_alias(UpdateAliasRequest::new("f", "live").without_routing())
        .unwrap();
    assert_eq!(d.routing_config, None);
    assert_eq!(r.get_alias(GetAliasRequest::new("f", "live")).unwrap(), d);
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "non-existent")),
        ErrorKind::ResourceNotFound,
        &format!("Alias not found: {ARN}:f:non-existent"),
    );
}

#[test]
fn r40_update_alias_revision_precondition() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    let a = r
        .create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    assert_err(
        r.update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version("2")
                .with_revision_id("wrong"),
        ),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
    assert_eq!(r.get_alias(GetAliasRequest::new("f", "live")).unwrap(), a);
    let b = r
        .update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version("2")
                .with_revision_id(a.revision_id.to_string()),
        )
        .unwrap();
    assert_eq!(b.function_version, v(2));
}

#[test]
fn r41_promote_by_setting_version_and_clearing_routing() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.3))
        .unwrap();
    let promoted = r
        .update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version("2")
                .without_routing(),
        )
        .unwrap();
    assert_eq!(
        (promoted.function_version, promoted.routing_config),
        (v(2), None)
    );
}

#[test]
fn r42_delete_alias_is_idempotent() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "never-existed"))
        .unwrap();
    assert!(r.get_function(GetFunctionRequest::new("f:1")).is_ok());
    assert_err(
        r.delete_alias(DeleteAliasRequest::new("nope", "live")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
}

#[test]
fn r44_alias_operations_leave_other_revisions_alone() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    let latest = get(&r, "f").revision_id;
    let v1 = get(&r, "f:1").revision_id;
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.1))
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    assert_eq!(get(&r, "f").revision_id, latest);
    assert_eq!(get(&r, "f:1").revision_id, v1);
}

#[test]
fn r63_q23_recreated_alias_starts_fresh() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    let first = r
        .create_alias(
            CreateAliasRequest::new("f", "live", "1")
                .with_description("old")
                .with_routing("2", 0.5),
        )
        .unwrap();
    r.delete_alias(DeleteAliasRequest::new("f", "live"))
        .unwrap();
    let second = r
        .create_alias(CreateAliasRequest::new("f", "live", "2"))
        .unwrap();
    assert_ne!(second.revision_id, first.revision_id);
    assert_eq!(
        (second.description.as_str(), second.routing_config),
        ("", None)
    );
}

#[test]
fn r71_alias_revision_reported_by_get() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    let a = r
        .create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    let b = r
        .update_alias(UpdateAliasRequest::new("f", "live").with_description("x"))
        .unwrap();
    assert_ne!(a.revision_id, b.revision_id);
    assert_eq!(
        r.get_alias(GetAliasRequest::new("f", "live"))
            .unwrap()
            .revision_id,
        b.revision_id
    );
}

#[test]
fn q13_alias_operations_refuse_a_version_suffix() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    assert_err(
        r.create_alias(CreateAliasRequest::new("f:1", "live", "1")),
        ErrorKind::InvalidParameterValue,
        ONLY_LATEST,
    );
    assert!(
        r.create_alias(CreateAliasRequest::new(
            format!("{ARN}:f:$LATEST"),
            "live",
            "1"
        ))
        .is_ok()
    );
}

/// R94: in CreateAlias the name conflict (R34) is decided before the execution-role check
/// of the routing (R52). Found by the model test's deep pass after a refactoring.
#[test]
fn r94_alias_exists_is_checked_before_r52_roles() {
    let mut r = common::registry();
    common::with_versions(&mut r, "f", 1);
    common::set_role(&mut r, "f", common::OTHER_ROLE);
    common::publish(&mut r, "f");
    r.create_alias(lambda_versioning::registry::CreateAliasRequest::new(
        "f", "a0", "1",
    ))
    .unwrap();
    common::assert_err(
        r.create_alias(
            lambda_versioning::registry::CreateAliasRequest::new("f", "a0", "1")
                .with_routing("2", 0.3),
        ),
        lambda_versioning::ErrorKind::ResourceConflict,
        &format!("Alias already exists: {}:f:a0", common::ARN),
    );
}
