//! N-way routing (beyond the service, opt-in with `RoutingMode::MultiVersion`): an alias
//! splits across up to four versions; the service's mode is unchanged by default.

mod common;

use common::{ARN, OTHER_ROLE, assert_err, publish, set_role, with_versions};
use lambda_versioning::registry::{
    CreateAliasRequest, GetAliasRequest, InvokeRequest, UpdateAliasRequest, WEIGHT_SUM_EXCEEDED,
};
use lambda_versioning::{ErrorKind, Registry, RoutingMode, Version};
use rand::SeedableRng as _;
use std::collections::BTreeMap;

fn multi() -> Registry {
    let mut r = Registry::builder()
        .clock(common::clock())
        .seed(9)
        .routing_mode(RoutingMode::MultiVersion)
        .build();
    with_versions(&mut r, "f", 5);
    r
}

fn weights(entries: &[(&str, f64)]) -> BTreeMap<String, f64> {
    entries.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect()
}

/// Counts the executed versions of `n` resolutions of `f:live` by the resolver, by a
/// handle, and by the registry's `invoke_target`, all seeded.
fn split(r: &Registry, n: u32) -> [BTreeMap<String, u32>; 3] {
    let resolver = r.resolver();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(17);
    let mut by_name = BTreeMap::new();
    let mut by_handle = BTreeMap::new();
    let mut by_registry = BTreeMap::new();
    let mut handle = resolver.handle("f", "live").unwrap().with_local_rng(5);
    for _ in 0..n {
        let v = resolver
            .resolve("f", Some("live"), &mut rng)
            .unwrap()
            .executed_version();
        *by_name.entry(v.to_string()).or_insert(0) += 1;
        let v = handle.resolve().unwrap().executed_version();
        *by_handle.entry(v.to_string()).or_insert(0) += 1;
        let v = r
            .invoke_target(InvokeRequest::new("f:live"), &mut rng)
            .unwrap()
            .executed_version;
        *by_registry.entry(v.to_string()).or_insert(0) += 1;
    }
    [by_name, by_handle, by_registry]
}

#[test]
fn a_four_way_split_routes_in_proportion() {
    let mut r = multi();
    let live = r
        .create_alias(
            CreateAliasRequest::new("f", "live", "1").with_routing_config(weights(&[
                ("2", 0.2),
                ("3", 0.3),
                ("5", 0.1),
            ])),
        )
        .unwrap();
    let routing = live.routing_config.unwrap();
    assert_eq!(routing.len(), 3);
    assert!((routing.total_weight() - 0.6).abs() < 1e-12);
    let entries: Vec<(u64, f64)> = routing.entries().map(|(n, w)| (n.get(), w.get())).collect();
    assert_eq!(entries, [(2, 0.2), (3, 0.3), (5, 0.1)]);
    let n = 300_000u32;
    for counts in split(&r, n) {
        for (version, share) in [("1", 0.4), ("2", 0.2), ("3", 0.3), ("5", 0.1)] {
            let expected = f64::from(n) * share;
            let sigma = (expected * (1.0 - share)).sqrt();
            let got = f64::from(counts.get(version).copied().unwrap_or(0));
            assert!(
                (got - expected).abs() < 4.0 * sigma,
                "version {version}: {got} vs {expected} ({counts:?})"
            );
        }
        assert!(!counts.contains_key("4"));
    }
    // Weights adding up to exactly 1.0 leave the primary nothing.
    r.update_alias(
        UpdateAliasRequest::new("f", "live")
            .with_routing_config(weights(&[("2", 0.5), ("3", 0.5)])),
    )
    .unwrap();
    for counts in split(&r, 20_000) {
        assert!(!counts.contains_key("1"), "{counts:?}");
    }
    // Sticky keys land on a version of the split and stay there.
    let resolver = r.resolver();
    for key in 0..100u32 {
        let a = resolver
            .resolve_sticky("f", Some("live"), &key.to_le_bytes())
            .unwrap()
            .executed_version();
        let b = resolver
            .resolve_sticky("f", Some("live"), &key.to_le_bytes())
            .unwrap()
            .executed_version();
        assert_eq!(a, b);
        assert!(matches!(a, Version::Published(v) if v.get() == 2 || v.get() == 3));
    }
}

#[test]
fn every_routing_rule_applies_to_each_entry() {
    let mut r = multi();
    let create = |entries: &[(&str, f64)]| {
        CreateAliasRequest::new("f", "live", "1").with_routing_config(weights(entries))
    };
    assert_err(
        r.create_alias(create(&[("2", 0.1), ("3", 0.1), ("4", 0.1), ("5", 0.1)])),
        ErrorKind::InvalidParameterValue,
        "Number of items in AdditionalVersionWeights cannot be greater than 3",
    );
    assert_err(
        r.create_alias(create(&[("2", 0.6), ("3", 0.5)])),
        ErrorKind::InvalidParameterValue,
        WEIGHT_SUM_EXCEEDED,
    );
    assert_err(
        r.create_alias(create(&[("1", 0.1), ("2", 0.1)])),
        ErrorKind::InvalidParameterValue,
        "Invalid function version 1. Function version 1 is already included in routing configuration.",
    );
    assert_err(
        r.create_alias(create(&[("2", 0.1), ("9", 0.1)])),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:9"),
    );
    assert_err(
        r.create_alias(
            CreateAliasRequest::new("f", "live", "$LATEST")
                .with_routing_config(weights(&[("2", 0.1), ("3", 0.1)])),
        ),
        ErrorKind::InvalidParameterValue,
        "$LATEST is not supported for an alias pointing to more than 1 version",
    );
    set_role(&mut r, "f", OTHER_ROLE);
    publish(&mut r, "f");
    assert_err(
        r.create_alias(create(&[("2", 0.1), ("6", 0.1)])),
        ErrorKind::InvalidParameterValue,
        "Specified versions must be associated with the same execution role",
    );
    assert!(
        r.get_alias(GetAliasRequest::new("f", "live")).is_err(),
        "nothing was created"
    );
    // A partial update keeps the routing and checks the merged result (Q8).
    r.create_alias(create(&[("2", 0.1), ("3", 0.1)])).unwrap();
    assert_err(
        r.update_alias(UpdateAliasRequest::new("f", "live").with_function_version("3")),
        ErrorKind::InvalidParameterValue,
        "Invalid function version 3. Function version 3 is already included in routing configuration.",
    );
}

#[test]
fn the_service_mode_stays_the_default() {
    let mut r = common::registry();
    with_versions(&mut r, "f", 3);
    assert_eq!(r.routing_mode(), RoutingMode::Aws);
    assert_err(
        r.create_alias(
            CreateAliasRequest::new("f", "live", "1")
                .with_routing_config(weights(&[("2", 0.1), ("3", 0.1)])),
        ),
        ErrorKind::InvalidParameterValue,
        "Number of items in AdditionalVersionWeights cannot be greater than 1",
    );
}

#[test]
fn snapshots_and_the_wire_carry_every_entry() {
    let mut r = multi();
    r.create_alias(
        CreateAliasRequest::new("f", "live", "1")
            .with_routing_config(weights(&[("2", 0.25), ("4", 0.5)])),
    )
    .unwrap();
    let json = serde_json::to_string(&r.export()).unwrap();
    let restored = Registry::builder()
        .routing_mode(RoutingMode::MultiVersion)
        .build_from_snapshot(serde_json::from_str(&json).unwrap())
        .unwrap();
    assert_eq!(restored.export(), r.export());
    let err = Registry::builder()
        .build_from_snapshot(serde_json::from_str(&json).unwrap())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid snapshot at functions[0].aliases[0]: routing names 2 additional versions; this registry allows 1"
    );
    let over = json.replace("\"weight\":0.5", "\"weight\":0.9");
    let err = Registry::builder()
        .routing_mode(RoutingMode::MultiVersion)
        .build_from_snapshot(serde_json::from_str(&over).unwrap())
        .unwrap_err();
    assert_eq!(err.problem(), "routing weights add up to more than 1.0");

    #[cfg(feature = "wire")]
    wire_shows_every_entry(restored);
}

#[cfg(feature = "wire")]
fn wire_shows_every_entry(restored: Registry) {
    let service = lambda_versioning::wire::Service::new(restored);
    let response = service.handle(
        http::Request::get("/2015-03-31/functions/f/aliases/live")
            .body(Vec::new())
            .unwrap(),
    );
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        body["RoutingConfig"],
        serde_json::json!({"AdditionalVersionWeights": {"2": 0.25, "4": 0.5}})
    );
    let v = lambda_versioning::VersionNumber::new(4).unwrap();
    assert!(service.read(|r| {
        r.get_alias(GetAliasRequest::new("f", "live"))
            .unwrap()
            .routing_config
            .unwrap()
            .routes_to(v)
    }));
}

#[test]
fn readers_never_see_a_torn_route_while_it_switches_between_two_and_four_ways() {
    let mut r = multi();
    let one = weights(&[("2", 1.0)]);
    let split = weights(&[("3", 0.5), ("4", 0.5)]);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing_config(one.clone()))
        .unwrap();
    let resolver = r.resolver();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..2u64)
            .map(|seed| {
                let resolver = resolver.clone();
                let stop = &stop;
                s.spawn(move || {
                    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
                    let handle = resolver.handle("f", "live").unwrap();
                    let mut seen = 0u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        for v in [
                            resolver
                                .resolve("f", Some("live"), &mut rng)
                                .unwrap()
                                .executed_version(),
                            handle.resolve(&mut rng).unwrap().executed_version(),
                        ] {
                            let n = v.number().map_or(0, |n| n.get());
                            assert!((2..=4).contains(&n), "torn route gave version {v}");
                            seen += 1;
                        }
                    }
                    seen
                })
            })
            .collect();
        for i in 0..4000 {
            let routing = if i % 2 == 0 {
                split.clone()
            } else {
                one.clone()
            };
            r.update_alias(UpdateAliasRequest::new("f", "live").with_routing_config(routing))
                .unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for reader in readers {
            assert!(reader.join().unwrap() > 0);
        }
    });
}
