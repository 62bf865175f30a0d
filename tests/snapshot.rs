//! Snapshot export / import: round trips, strict validation of corrupt snapshots, and a
//! property over single mutations.

mod common;

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, CreateAliasRequest, DeleteFunctionRequest, GetFunctionRequest,
    InvokeRequest,
};
use lambda_versioning::{Lifecycle, Registry, Snapshot, Version};
use proptest::prelude::*;
use rand::SeedableRng as _;
use serde_json::{Value, json};

/// A registry with versions, weighted and plain aliases, policies on every kind of target
/// and the counter of a deleted function.
fn rich() -> Registry {
    let mut r = registry();
    with_versions(&mut r, "f", 3);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.25))
        .unwrap();
    r.create_alias(CreateAliasRequest::new("f", "dev", "$LATEST").with_description("d"))
        .unwrap();
    r.add_permission(AddPermissionRequest::new(
        "f",
        "fn",
        "lambda:InvokeFunction",
        "s3.amazonaws.com",
    ))
    .unwrap();
    r.add_permission(
        AddPermissionRequest::new("f", "v", "lambda:*", "210987654321").with_qualifier("3"),
    )
    .unwrap();
    r.add_permission(
        AddPermissionRequest::new("f", "a", "lambda:InvokeFunction", "*")
            .with_qualifier("live")
            .with_source_arn("arn:aws:s3:::b*"),
    )
    .unwrap();
    with_versions(&mut r, "gone", 2);
    r.delete_function(DeleteFunctionRequest::new("gone"))
        .unwrap();
    update_code(&mut r, "f", b"unpublished");
    r
}

fn to_json(r: &Registry) -> Value {
    serde_json::to_value(r.export()).unwrap()
}

fn import(v: Value) -> Result<Registry, String> {
    let snapshot: Snapshot = serde_json::from_value(v).map_err(|e| format!("serde: {e}"))?;
    Registry::builder()
        .clock(clock())
        .seed(9)
        .build_from_snapshot(snapshot)
        .map_err(|e| e.to_string())
}

#[test]
fn export_import_export_is_identical() {
    let r = rich();
    let json = to_json(&r);
    let text = serde_json::to_string(&json).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r.export());
    let restored = import(json.clone()).unwrap();
    assert_eq!(to_json(&restored), json);
}

#[test]
fn a_restored_registry_keeps_working() {
    let mut restored = import(to_json(&rich())).unwrap();
    // Q1: the deleted function's counter survives; R30 numbering continues.
    create(&mut restored, "gone");
    assert_eq!(publish(&mut restored, "gone").version.to_string(), "3");
    assert_eq!(publish(&mut restored, "f").version.to_string(), "4");
    // The resolver was fed: the weighted alias resolves to 1 or 2.
    let resolver = restored.resolver();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for _ in 0..100 {
        let v = resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version();
        assert!(["1", "2"].contains(&v.to_string().as_str()));
    }
    assert_eq!(
        resolver
            .resolve("f", Some("dev"), &mut rng)
            .unwrap()
            .executed_version(),
        Version::Latest
    );
    let t = restored
        .invoke_target(InvokeRequest::new("f:3"), &mut rng)
        .unwrap();
    assert_eq!(t.executed_version.to_string(), "3");
}

#[test]
fn pending_states_survive_and_can_settle() {
    let mut r = Registry::builder()
        .clock(clock())
        .seed(2)
        .lifecycle(Lifecycle::Manual)
        .build();
    r.create_function(
        lambda_versioning::registry::CreateFunctionRequest::new("f", config(b"x"))
            .with_publish(true),
    )
    .unwrap();
    let json = to_json(&r);
    assert_eq!(json["functions"][0]["latest"]["status"], "creating");
    assert_eq!(json["functions"][0]["versions"][0]["status"], "creating");
    let mut restored = Registry::builder()
        .lifecycle(Lifecycle::Manual)
        .build_from_snapshot(serde_json::from_value(json).unwrap())
        .unwrap();
    assert!(restored.finish_creation("f").unwrap());
    let v1 = restored
        .get_function(GetFunctionRequest::new("f:1"))
        .unwrap()
        .configuration;
    assert_eq!(v1.status.unwrap().state, lambda_versioning::State::Active);
}

#[track_caller]
fn assert_refused(v: Value, expected: &str) {
    match import(v) {
        Ok(_) => panic!("accepted a corrupt snapshot; expected {expected}"),
        Err(e) => assert_eq!(e, expected),
    }
}

#[test]
fn corrupt_snapshots_are_refused_with_a_clear_error() {
    let good = to_json(&rich());
    // The functions are sorted: f, then nothing else ("gone" was deleted).
    fn f(v: &mut Value) -> &mut Value {
        &mut v["functions"][0]
    }

    // Drop a version an alias needs (version 1 is live's primary).
    let mut v = good.clone();
    f(&mut v)["versions"].as_array_mut().unwrap().remove(0);
    assert_refused(
        v,
        "invalid snapshot at functions[0].aliases[1]: alias live points at version 1, which does not exist",
    );

    // Duplicate a version number.
    let mut v = good.clone();
    f(&mut v)["versions"][1]["number"] = json!("1");
    assert_refused(
        v,
        "invalid snapshot at functions[0].versions[1]: version 1 is duplicated or out of order",
    );

    // An alias to an alias: the vocabulary refuses it while parsing.
    let mut v = good.clone();
    f(&mut v)["aliases"][1]["function_version"] = json!("dev");
    let e = import(v).unwrap_err();
    assert!(e.starts_with("serde: invalid version \"dev\""), "{e}");

    // A weight of 2.0.
    let mut v = good.clone();
    f(&mut v)["aliases"][1]["routing"]["weight"] = json!(2.0);
    let e = import(v).unwrap_err();
    assert!(
        e.starts_with("serde: invalid weight \"2\": a weight is a number from 0.0 to 1.0"),
        "{e}"
    );

    // Routing onto the primary.
    let mut v = good.clone();
    f(&mut v)["aliases"][1]["routing"]["additional_version"] = json!("1");
    assert_refused(
        v,
        "invalid snapshot at functions[0].aliases[1]: routing names the primary version 1",
    );

    // A statement whose resource is not its policy's target (a malformed ARN included).
    let mut v = good.clone();
    f(&mut v)["policies"][0]["statements"][0]["Resource"] =
        json!("arn:aws:lambda:us-east-1:123456789012:function:f:bad");
    let e = import(v).unwrap_err();
    assert!(e.starts_with("serde: unknown field `Resource`"), "{e}");
    let mut v = good.clone();
    f(&mut v)["policies"][0]["statements"][0]["resource"] = json!("not an arn");
    assert_refused(
        v,
        &format!(
            "invalid snapshot at functions[0].policies[0].statements[0]: resource not an arn is not the policy's target {ARN}:f"
        ),
    );

    // A version above the counter, and an unknown format.
    let mut v = good.clone();
    f(&mut v)["last_allocated"] = json!(2);
    assert_refused(
        v,
        "invalid snapshot at functions[0].versions[2]: version 3 is above the function's version counter 2",
    );
    let mut v = good.clone();
    v["format"] = json!(2);
    assert_refused(
        v,
        "invalid snapshot at format: unknown format 2, expected 1",
    );

    // A malformed function name or partition never parses.
    let mut v = good.clone();
    f(&mut v)["name"] = json!("bad name");
    assert!(
        import(v)
            .unwrap_err()
            .starts_with("serde: invalid function name")
    );
    let mut v = good;
    v["partition"] = json!("gcp");
    assert!(
        import(v)
            .unwrap_err()
            .starts_with("serde: invalid partition")
    );
}

/// The paths of every leaf and array element of a JSON value.
fn paths(v: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                prefix.push(PathStep::Key(k.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(PathStep::Index(i));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => out.push(prefix.clone()),
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

/// Invariants of a registry built from a snapshot.
fn invariants_hold(r: &Registry) {
    let s = serde_json::to_value(r.export()).unwrap();
    for f in s["functions"].as_array().unwrap() {
        let versions: Vec<&str> = f["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["number"].as_str().unwrap())
            .collect();
        for a in f["aliases"].as_array().unwrap() {
            let primary = a["function_version"].as_str().unwrap();
            assert!(primary == "$LATEST" || versions.contains(&primary));
            if let Some(route) = a["routing"].as_object() {
                let k = route["additional_version"].as_str().unwrap();
                assert!(versions.contains(&k) && k != primary && primary != "$LATEST");
                let w = route["weight"].as_f64().unwrap();
                assert!((0.0..=1.0).contains(&w));
            }
        }
    }
    // And a second round trip is stable.
    let again = Registry::builder().build_from_snapshot(r.export()).unwrap();
    assert_eq!(again.export(), r.export());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any single mutation is either refused or gives a registry whose invariants hold.
    #[test]
    fn single_mutations_are_refused_or_harmless(pick in any::<prop::sample::Index>(), replacement in 0usize..12) {
        let good = to_json(&rich());
        let mut all = Vec::new();
        paths(&good, &mut Vec::new(), &mut all);
        let path = &all[pick.index(all.len())];
        let mut v = good.clone();
        let new = [
            json!(null), json!(0), json!(1), json!(2), json!(99), json!(-1), json!(2.0), json!("1"),
            json!("live"), json!("$LATEST"), json!("arn:bad"), json!(true),
        ][replacement].clone();
        match path.last() {
            Some(PathStep::Index(i)) if replacement % 2 == 0 => {
                let parent = at(&mut v, &path[..path.len() - 1]);
                parent.as_array_mut().unwrap().remove(*i);
            }
            _ => *at(&mut v, path) = new,
        }
        if let Ok(r) = import(v) {
            invariants_hold(&r);
        }
    }
}
