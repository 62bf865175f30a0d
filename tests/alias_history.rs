//! Alias history and undo (beyond the service): each alias remembers its earlier targets,
//! and `undo_alias` restores the newest one as a normal update.

mod common;

use common::{ARN, REVISION_MISMATCH, assert_err, registry, with_versions};
use lambda_versioning::registry::{
    AliasHistoryRequest, CreateAliasRequest, DeleteFunctionRequest, NOTHING_TO_UNDO,
    UndoAliasRequest, UpdateAliasRequest,
};
use lambda_versioning::{AliasTarget, ErrorKind, Registry, Version, VersionNumber};
use rand::SeedableRng as _;

fn targets(r: &Registry) -> Vec<(String, Option<(u64, f64)>)> {
    r.alias_history(AliasHistoryRequest::new("f", "live"))
        .unwrap()
        .into_iter()
        .map(|t: AliasTarget| common::route_of(t.function_version, t.routing))
        .collect()
}

fn current(r: &Registry) -> (String, Option<(u64, f64)>) {
    common::alias_state(r, "f", "live")
}

fn setup() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 4);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    r
}

#[test]
fn updates_record_the_target_they_replace_newest_first() {
    let mut r = setup();
    assert!(targets(&r).is_empty(), "a new alias has no history");
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.25))
        .unwrap();
    r.update_alias(
        UpdateAliasRequest::new("f", "live")
            .with_function_version("2")
            .without_routing(),
    )
    .unwrap();
    // A description-only update changes no target and records nothing.
    r.update_alias(UpdateAliasRequest::new("f", "live").with_description("promoted"))
        .unwrap();
    assert_eq!(
        targets(&r),
        [("1".into(), Some((2, 0.25))), ("1".into(), None)]
    );
}

#[test]
fn undo_walks_back_as_normal_updates() {
    let mut r = setup();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_routing("2", 0.25))
        .unwrap();
    let promoted = r
        .update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version("2")
                .without_routing(),
        )
        .unwrap();
    let resolver = r.resolver();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(3);

    let undone = r
        .undo_alias(
            UndoAliasRequest::new("f", "live").with_revision_id(promoted.revision_id.to_string()),
        )
        .unwrap();
    assert_ne!(
        undone.revision_id, promoted.revision_id,
        "R71: an undo is an update"
    );
    assert_eq!(current(&r), ("1".into(), Some((2, 0.25))));
    assert_eq!(
        targets(&r),
        [("1".into(), None)],
        "the restored entry is consumed"
    );
    assert_eq!(undone.description, "", "description is kept as it was");

    r.undo_alias(UndoAliasRequest::new("f", "live")).unwrap();
    assert_eq!(current(&r), ("1".into(), None));
    // The resolver follows: only version 1 runs now.
    for _ in 0..1000 {
        let got = resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version();
        assert_eq!(got, Version::Published(VersionNumber::ONE));
    }
    assert_err(
        r.undo_alias(UndoAliasRequest::new("f", "live")),
        ErrorKind::InvalidParameterValue,
        NOTHING_TO_UNDO,
    );
}

#[test]
fn undo_refusals_change_nothing() {
    let mut r = setup();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    let before = r.export();
    assert_err(
        r.undo_alias(UndoAliasRequest::new("f", "live").with_revision_id("stale")),
        ErrorKind::PreconditionFailed,
        REVISION_MISMATCH,
    );
    assert_eq!(r.export(), before);
    // The earlier version is deleted: undo fails with the update's own error and keeps
    // the history entry.
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("3"))
        .unwrap();
    r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("4"))
        .unwrap();
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("3"))
        .unwrap();
    let before = r.export();
    assert_err(
        r.undo_alias(UndoAliasRequest::new("f", "live")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:3"),
    );
    assert_eq!(r.export(), before);
    assert_err(
        r.undo_alias(UndoAliasRequest::new("f", "nope")),
        ErrorKind::ResourceNotFound,
        &format!("Alias not found: {ARN}:f:nope"),
    );
    assert_err(
        r.alias_history(AliasHistoryRequest::new("f", "nope")),
        ErrorKind::ResourceNotFound,
        &format!("Cannot find alias arn: {ARN}:f:nope"),
    );
}

#[test]
fn history_depth_is_bounded_and_survives_snapshots() {
    let mut r = Registry::builder()
        .clock(common::clock())
        .seed(2)
        .alias_history(2)
        .build();
    with_versions(&mut r, "f", 4);
    r.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    for v in ["2", "3", "4"] {
        r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version(v))
            .unwrap();
    }
    assert_eq!(targets(&r), [("3".into(), None), ("2".into(), None)]);
    let json = serde_json::to_string(&r.export()).unwrap();
    let restored = Registry::builder()
        .alias_history(2)
        .build_from_snapshot(serde_json::from_str(&json).unwrap())
        .unwrap();
    assert_eq!(targets(&restored), targets(&r));
    assert_eq!(restored.export(), r.export());

    let off = Registry::builder().alias_history(0).build();
    let mut off = off;
    with_versions(&mut off, "f", 2);
    off.create_alias(CreateAliasRequest::new("f", "live", "1"))
        .unwrap();
    off.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("2"))
        .unwrap();
    assert!(targets(&off).is_empty());
}
