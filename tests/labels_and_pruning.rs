//! Version labels (semantic versions attached at publish) and safe pruning (beyond the
//! service).

mod common;

use common::{ARN, assert_err, registry, update_code, with_versions};
use lambda_versioning::registry::{
    CreateAliasRequest, DeleteFunctionRequest, PruneVersionsRequest, PublishVersionRequest,
    UpdateAliasRequest,
};
use lambda_versioning::{ErrorKind, Registry, VersionNumber};
use semver::{Version as SemVer, VersionReq};

fn sv(s: &str) -> SemVer {
    SemVer::parse(s).unwrap()
}

fn publish_labelled(r: &mut Registry, code: &str, label: &str) -> String {
    update_code(r, "f", code.as_bytes());
    r.publish_version(PublishVersionRequest::new("f").with_label(sv(label)))
        .unwrap()
        .version
        .to_string()
}

fn numbers(v: &[VersionNumber]) -> Vec<u64> {
    v.iter().map(|n| n.get()).collect()
}

#[test]
fn labels_find_versions() {
    let mut r = registry();
    common::create(&mut r, "f");
    assert_eq!(publish_labelled(&mut r, "a", "1.0.0"), "1");
    assert_eq!(publish_labelled(&mut r, "b", "1.4.2"), "2");
    assert_eq!(publish_labelled(&mut r, "c", "2.0.0-rc.1"), "3");
    assert_eq!(publish_labelled(&mut r, "d", "1.10.0"), "4");

    let found = r.version_by_label("f", &sv("1.4.2")).unwrap();
    assert_eq!(
        (found.version.to_string(), found.label),
        ("2".into(), Some(sv("1.4.2")))
    );
    assert_err(
        r.version_by_label("f", &sv("9.9.9")),
        ErrorKind::ResourceNotFound,
        &format!("No version of {ARN}:f has label 9.9.9"),
    );
    let highest = |req: &str| {
        r.highest_version_matching("f", &VersionReq::parse(req).unwrap())
            .unwrap()
            .map(|c| c.version.to_string())
    };
    assert_eq!(
        highest("^1"),
        Some("4".into()),
        "1.10.0 > 1.4.2 (semantic, not text)"
    );
    assert_eq!(highest("~1.4"), Some("2".into()));
    assert_eq!(
        highest(">=2.0.0-rc.0"),
        Some("3".into()),
        "pre-release only when asked for"
    );
    assert_eq!(highest("^2"), None);
    assert_err(
        r.highest_version_matching("nope", &VersionReq::STAR),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:nope"),
    );
}

#[test]
fn labels_are_unique_and_go_with_their_version() {
    let mut r = registry();
    common::create(&mut r, "f");
    publish_labelled(&mut r, "a", "1.0.0");
    update_code(&mut r, "f", b"b");
    let before = r.export();
    assert_err(
        r.publish_version(PublishVersionRequest::new("f").with_label(sv("1.0.0"))),
        ErrorKind::ResourceConflict,
        &format!("Label 1.0.0 is already attached to version 1 of {ARN}:f"),
    );
    assert_eq!(r.export(), before, "a refused publish changes nothing");
    // R18: a publish that changes nothing returns the last version; its label may be
    // repeated, or attached if it had none.
    let v2 = r.publish_version(PublishVersionRequest::new("f")).unwrap();
    assert_eq!(v2.label, None);
    let again = r
        .publish_version(PublishVersionRequest::new("f").with_label(sv("1.1.0")))
        .unwrap();
    assert_eq!(
        (again.version.to_string(), again.label.clone()),
        ("2".into(), Some(sv("1.1.0")))
    );
    let same = r
        .publish_version(PublishVersionRequest::new("f").with_label(sv("1.1.0")))
        .unwrap();
    assert_eq!(same.version.to_string(), "2");
    assert_err(
        r.publish_version(PublishVersionRequest::new("f").with_label(sv("1.2.0"))),
        ErrorKind::InvalidParameterValue,
        "Nothing changed since version 2 was published, and it already has label 1.1.0",
    );
    r.delete_function(DeleteFunctionRequest::new("f").with_qualifier("1"))
        .unwrap();
    assert!(r.version_by_label("f", &sv("1.0.0")).is_err());
    let json = serde_json::to_string(&r.export()).unwrap();
    let restored = Registry::builder()
        .build_from_snapshot(serde_json::from_str(&json).unwrap())
        .unwrap();
    assert_eq!(
        restored
            .version_by_label("f", &sv("1.1.0"))
            .unwrap()
            .version
            .to_string(),
        "2"
    );
}

#[test]
fn a_snapshot_with_a_label_on_two_versions_is_refused() {
    let mut r = registry();
    common::create(&mut r, "f");
    publish_labelled(&mut r, "a", "1.0.0");
    publish_labelled(&mut r, "b", "2.0.0");
    let json = serde_json::to_string(&r.export())
        .unwrap()
        .replace("2.0.0", "1.0.0");
    let err = Registry::builder()
        .build_from_snapshot(serde_json::from_str(&json).unwrap())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid snapshot at functions[0].versions[1]: label 1.0.0 is attached to two versions"
    );
}

#[test]
fn pruning_keeps_the_newest_and_everything_an_alias_needs() {
    let mut r = registry();
    with_versions(&mut r, "f", 8);
    r.create_alias(CreateAliasRequest::new("f", "live", "2").with_routing("3", 0.1))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "old", "1"))
        .unwrap();
    r.update_alias(UpdateAliasRequest::new("f", "old").with_function_version("5"))
        .unwrap();
    let report = r.prune_versions(PruneVersionsRequest::new("f", 2)).unwrap();
    assert_eq!(
        numbers(&report.deleted),
        [1, 4, 6],
        "version 1 is only in the history of `old`"
    );
    assert_eq!(numbers(&report.kept_for_aliases), [2, 3, 5]);
    assert_eq!(numbers(&report.kept_newest), [7, 8]);
    assert_eq!(
        common::version_list(&r, "f"),
        ["$LATEST", "2", "3", "5", "7", "8"]
    );
    // The resolver forgot the deleted versions; numbers are never reused (R30).
    assert!(r.resolver().resolve_fast("f", Some("4")).is_err());
    common::update_code(&mut r, "f", b"next");
    assert_eq!(common::publish(&mut r, "f").version.to_string(), "9");
    // Pruning again with everything protected deletes nothing.
    let again = r
        .prune_versions(PruneVersionsRequest::new("f", 10))
        .unwrap();
    assert!(again.deleted.is_empty());
    assert_err(
        r.prune_versions(PruneVersionsRequest::new("f:live", 1)),
        ErrorKind::InvalidParameterValue,
        common::ONLY_LATEST,
    );
}
