//! The settle lifecycle on the wire (R23, R69): a service reports `Pending` and
//! `InProgress` until the settle delay has passed on its clock.

mod common;
mod wire_common;

use std::time::Duration;

use common::T0;
use http::Method;
use lambda_versioning::wire::Service;
use lambda_versioning::{Lifecycle, ManualClock, Registry};
use wire_common::*;

#[test]
fn r69_lifecycle_settles_after_the_delay() {
    let clock = ManualClock::new(lambda_versioning::Timestamp::from_unix_millis(T0));
    let registry = Registry::builder()
        .clock(clock.clone())
        .seed(3)
        .lifecycle(Lifecycle::Manual)
        .build();
    let s = Service::builder(registry)
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(500))
        .build();
    let created = send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).json();
    assert_eq!(
        (
            created["State"].as_str(),
            created["StateReasonCode"].as_str()
        ),
        (Some("Pending"), Some("Creating"))
    );
    assert!(created.get("LastUpdateStatus").is_none());
    clock.advance_millis(499);
    let state = |s: &Service| {
        send(s, Method::GET, "/2015-03-31/functions/f", "").json()["Configuration"].clone()
    };
    assert_eq!(state(&s)["State"], "Pending");
    let busy = send(&s, Method::POST, "/2015-03-31/functions/f/versions", "");
    assert_eq!(
        busy.error_type.as_deref(),
        Some("ResourceConflictException")
    );
    clock.advance_millis(1);
    let active = state(&s);
    assert_eq!(
        (
            active["State"].as_str(),
            active["LastUpdateStatus"].as_str()
        ),
        (Some("Active"), Some("Successful"))
    );
    assert_ne!(
        active["RevisionId"], created["RevisionId"],
        "R69: settling changes the RevisionId"
    );

    let updated = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/configuration",
        r#"{"MemorySize":512}"#,
    )
    .json();
    assert_eq!(updated["LastUpdateStatus"], "InProgress");
    assert_eq!(state(&s)["LastUpdateStatus"], "InProgress");
    clock.advance_millis(500);
    assert_eq!(state(&s)["LastUpdateStatus"], "Successful");
    assert_eq!(state(&s)["MemorySize"], 512);
}

/// A service over a registry built with the defaults (`Lifecycle::Immediate`) used to
/// ignore its settle delay and answer as if every function were ready at once, unlike
/// the example server. The service now owns the lifecycle: the same registry gives the
/// same answers as the example's.
#[test]
fn r23_a_default_registry_behind_the_service_settles_after_the_delay() {
    let clock = ManualClock::new(lambda_versioning::Timestamp::from_unix_millis(T0));
    let registry = Registry::builder().clock(clock.clone()).seed(4).build();
    assert_eq!(registry.lifecycle(), Lifecycle::Immediate);
    let s = Service::builder(registry)
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(300))
        .build();
    assert_eq!(s.read(|r| r.lifecycle()), Lifecycle::Manual);
    let created = send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).json();
    assert_eq!(created["State"], "Pending");
    let busy = send(&s, Method::POST, "/2015-03-31/functions/f/versions", "");
    assert_error(
        &busy,
        409,
        "ResourceConflictException",
        r#"{"Type":"User","message":"The operation cannot be performed at this time. The resource arn:aws:lambda:us-east-1:123456789012:function:f is currently in the following state: 'Pending'. StateReasonCode: 'Creating'"}"#,
    );
    clock.advance_millis(300);
    let published = send(&s, Method::POST, "/2015-03-31/functions/f/versions", "");
    assert_eq!(published.status, 201, "{}", published.body);
    assert_eq!(published.json()["Version"], "1");
}

/// `settle_immediately` keeps the registry's immediate lifecycle: the next request
/// already sees the function settled, whatever the settle delay says.
#[test]
fn r69_settle_immediately_answers_pending_then_settles_before_the_next_request() {
    let registry = Registry::builder()
        .seed(5)
        .lifecycle(Lifecycle::Manual)
        .build();
    let s = Service::builder(registry)
        .settle_delay(Duration::from_secs(3600))
        .settle_immediately()
        .build();
    assert_eq!(s.read(|r| r.lifecycle()), Lifecycle::Immediate);
    let created = send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).json();
    assert_eq!(created["State"], "Pending");
    let got = send(&s, Method::GET, "/2015-03-31/functions/f", "").json();
    assert_eq!(got["Configuration"]["State"], "Active");
}

/// `f` and `g`, each with versions 1 and 2, settled, in a `Manual` registry on `clock`.
fn two_settled_functions(clock: &ManualClock) -> Registry {
    let mut r = Registry::builder()
        .clock(clock.clone())
        .seed(5)
        .lifecycle(Lifecycle::Manual)
        .build();
    for name in ["f", "g"] {
        common::create(&mut r, name);
        r.finish_creation(name).unwrap();
        for n in 1..=2 {
            if n > 1 {
                common::update_code(&mut r, name, b"v2");
                r.finish_update(name).unwrap();
            }
            common::publish(&mut r, name);
            r.finish_update(name).unwrap();
        }
    }
    r
}

fn provisioned_status(s: &Service, function: &str, qualifier: &str) -> String {
    let path =
        format!("/2019-09-30/functions/{function}/provisioned-concurrency?Qualifier={qualifier}");
    let answer = send(s, Method::GET, &path, "");
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["Status"].as_str().unwrap().to_owned()
}

#[test]
fn r104_r106_provisioned_configs_settle_after_the_delay_including_ones_the_registry_arrived_with() {
    let clock = ManualClock::new(lambda_versioning::Timestamp::from_unix_millis(T0));
    let mut registry = two_settled_functions(&clock);
    let put = registry
        .put_provisioned_concurrency_config(
            lambda_versioning::registry::PutProvisionedConcurrencyConfigRequest::new("g", "1", 2),
        )
        .unwrap();
    assert_eq!(put.status, lambda_versioning::ProvisionedStatus::InProgress);
    let s = Service::builder(registry)
        .clock(clock.clone())
        .settle_delay(Duration::from_millis(500))
        .build();
    // The config the registry arrived with settles after the delay, with no request
    // touching `g` in between.
    assert_eq!(provisioned_status(&s, "g", "1"), "IN_PROGRESS");
    clock.advance_millis(500);
    assert_eq!(provisioned_status(&s, "g", "1"), "READY");

    // One put through the service: in progress until the delay has passed.
    let alias = r#"{"Name":"live","FunctionVersion":"1"}"#;
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/aliases", alias).status,
        201
    );
    let put = send(
        &s,
        Method::PUT,
        "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
        r#"{"ProvisionedConcurrentExecutions":3}"#,
    );
    assert_eq!(put.status, 202, "{}", put.body);
    clock.advance_millis(499);
    assert_eq!(provisioned_status(&s, "f", "live"), "IN_PROGRESS");
    clock.advance_millis(1);
    assert_eq!(provisioned_status(&s, "f", "live"), "READY");

    // Moving the alias re-allocates its config: in progress again, then ready.
    let moved = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/aliases/live",
        r#"{"FunctionVersion":"2"}"#,
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(provisioned_status(&s, "f", "live"), "IN_PROGRESS");
    clock.advance_millis(500);
    assert_eq!(provisioned_status(&s, "f", "live"), "READY");
}
