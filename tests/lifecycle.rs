//! Lifecycle states and their effect on publishing and updating (R23–R26, R69).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{
    Code, ErrorKind, LastUpdateStatus, Lifecycle, Registry, State, Version, VersionNumber,
};

fn manual() -> Registry {
    Registry::builder()
        .clock(clock())
        .seed(9)
        .lifecycle(Lifecycle::Manual)
        .build()
}

fn state_of(r: &Registry, name: &str) -> (State, Option<LastUpdateStatus>) {
    let c = get(r, name);
    let s = c.status.unwrap();
    (s.state, s.last_update_status)
}

/// Publishing and both updates are refused with `msg` (R23).
#[track_caller]
fn assert_busy(r: &mut Registry, msg: &str) {
    assert_err(
        r.publish_version(PublishVersionRequest::new("f")),
        ErrorKind::ResourceConflict,
        msg,
    );
    assert_err(
        r.update_function_code(UpdateFunctionCodeRequest::new(
            "f",
            Code::from_zip_bytes(b"x"),
        )),
        ErrorKind::ResourceConflict,
        msg,
    );
    assert_err(
        r.update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_timeout(4),
        ),
        ErrorKind::ResourceConflict,
        msg,
    );
}

#[test]
fn r23_pending_function_refuses_publish_and_updates() {
    let mut r = manual();
    let created = create(&mut r, "f");
    let s = created.status.unwrap();
    assert_eq!(s.state, State::Pending);
    assert_eq!(s.state_reason, Some("The function is being created."));
    assert_eq!(s.state_reason_code, Some("Creating"));
    assert_eq!(s.last_update_status, None);
    let msg = format!(
        "The operation cannot be performed at this time. The resource {ARN}:f is currently in the following state: 'Pending'. StateReasonCode: 'Creating'"
    );
    assert_busy(&mut r, &msg);
    assert!(r.finish_creation("f").unwrap());
    assert!(!r.finish_creation("f").unwrap());
    assert_eq!(
        state_of(&r, "f"),
        (State::Active, Some(LastUpdateStatus::Successful))
    );
    assert_eq!(publish(&mut r, "f").version.to_string(), "1");
}

#[test]
fn r23_update_in_progress_refuses_publish_and_updates() {
    let mut r = manual();
    create(&mut r, "f");
    r.finish_creation("f").unwrap();
    let updating = r
        .update_function_configuration(
            UpdateFunctionConfigurationRequest::new("f").with_timeout(10),
        )
        .unwrap();
    let s = updating.status.unwrap();
    assert_eq!(
        (s.state, s.last_update_status),
        (State::Active, Some(LastUpdateStatus::InProgress))
    );
    let msg = format!(
        "The operation cannot be performed at this time. An update is in progress for resource: {ARN}:f"
    );
    assert_busy(&mut r, &msg);
    // Q19: the 409 comes before a precondition failure.
    assert_err(
        r.publish_version(PublishVersionRequest::new("f").with_revision_id("stale")),
        ErrorKind::ResourceConflict,
        &msg,
    );
    assert!(r.finish_update("f").unwrap());
    assert!(!r.finish_update("f").unwrap());
    assert_eq!(publish(&mut r, "f").version.to_string(), "1");
}

#[test]
fn r24_create_with_publish_reports_version_1_with_unqualified_arn() {
    let mut r = manual();
    let created = r
        .create_function(CreateFunctionRequest::new("f", config(b"x")).with_publish(true))
        .unwrap();
    assert_eq!(created.version, Version::Published(VersionNumber::ONE));
    assert_eq!(created.function_arn.to_string(), format!("{ARN}:f"));
    let v1 = get(&r, "f:1");
    assert_eq!(v1.status.clone().unwrap().state, State::Pending);
    r.finish_creation("f").unwrap();
    let v1_after = get(&r, "f:1");
    assert_eq!(v1_after.status.unwrap().state, State::Active);
    // R26: the version's RevisionId stays when it becomes Active.
    assert_eq!(v1_after.revision_id, v1.revision_id);
    let latest = get(&r, "f");
    assert_eq!(latest.version, Version::Latest);
}

#[test]
fn r25_update_code_with_publish_answers_with_the_pending_version() {
    let mut r = manual();
    create(&mut r, "f");
    r.finish_creation("f").unwrap();
    let published = r
        .update_function_code(
            UpdateFunctionCodeRequest::new("f", Code::from_zip_bytes(b"two")).with_publish(true),
        )
        .unwrap();
    assert_eq!(published.version.to_string(), "1");
    assert_eq!(published.function_arn.to_string(), format!("{ARN}:f:1"));
    assert_eq!(published.config.code, Code::from_zip_bytes(b"two"));
    let s = published.status.clone().unwrap();
    assert_eq!((s.state, s.last_update_status), (State::Pending, None));
    assert_eq!(s.state_reason_code, Some("Creating"));
    assert_eq!(
        state_of(&r, "f"),
        (State::Active, Some(LastUpdateStatus::InProgress))
    );
    r.finish_update("f").unwrap();
    let v1 = get(&r, "f:1");
    assert_eq!(v1.status.unwrap().state, State::Active);
    assert_eq!(v1.revision_id, published.revision_id);
    assert_eq!(
        state_of(&r, "f"),
        (State::Active, Some(LastUpdateStatus::Successful))
    );
}

#[test]
fn r69_immediate_lifecycle_reports_then_settles() {
    let mut r = registry();
    let created = create(&mut r, "f");
    assert_eq!(created.status.clone().unwrap().state, State::Pending);
    let now = get(&r, "f");
    assert_eq!(now.status.unwrap().state, State::Active);
    assert_ne!(now.revision_id, created.revision_id);
    let updating = update_code(&mut r, "f", b"x");
    assert_eq!(
        updating.status.unwrap().last_update_status,
        Some(LastUpdateStatus::InProgress)
    );
    assert_eq!(
        state_of(&r, "f"),
        (State::Active, Some(LastUpdateStatus::Successful))
    );
}

#[test]
fn lifecycle_transitions_need_an_existing_function() {
    let mut r = manual();
    assert_err(
        r.finish_creation("nope"),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
    assert_err(
        r.finish_update("nope"),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
}
