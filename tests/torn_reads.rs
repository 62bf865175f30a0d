//! Stress test of the route slot: readers resolving through alias handles while the
//! registry flips the alias between two routes whose answers do not depend on the draw
//! (every weight is 0 or 1). A read that mixed the words of the two routes answers a
//! version neither route gives, so a torn read is detected, not just tolerated.
//!
//! Run in release mode for a useful number of reads (`.ci/run` does):
//! `cargo test --release --test torn_reads`. `LV_TORN_READ_WRITES` sets the number of
//! route flips (default 20 000).

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{config, publish, update_code};
use lambda_versioning::registry::{CreateAliasRequest, CreateFunctionRequest, UpdateAliasRequest};
use lambda_versioning::{Registry, RoutingMode, Version, VersionNumber};
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

fn writes() -> usize {
    std::env::var("LV_TORN_READ_WRITES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// A multi-version registry with function `f` and versions 1..=8.
fn registry() -> Registry {
    let mut r = Registry::builder()
        .routing_mode(RoutingMode::MultiVersion)
        .seed(3)
        .build();
    r.create_function(CreateFunctionRequest::new("f", config(b"v0")))
        .unwrap();
    for n in 1..=8u8 {
        update_code(&mut r, "f", &[b'v', n]);
        publish(&mut r, "f");
    }
    r
}

/// `(primary, routing)` of one route.
type Target = (&'static str, &'static [(&'static str, f64)]);

fn routing(entries: &[(&str, f64)]) -> BTreeMap<String, f64> {
    entries.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect()
}

/// Flips alias `live` between routes `a` and `b` while two readers resolve it, and
/// checks every answer is `a`'s or `b`'s.
fn flip(a: Target, b: Target, answers: [u64; 2]) {
    let mut r = registry();
    r.create_alias(CreateAliasRequest::new("f", "live", a.0).with_routing_config(routing(a.1)))
        .unwrap();
    let resolver = r.resolver();
    let done = Arc::new(AtomicBool::new(false));
    let legit = answers.map(|n| Version::Published(VersionNumber::new(n).unwrap()));
    let readers: Vec<_> = (0..2u64)
        .map(|seed| {
            let handle = resolver.handle("f", "live").unwrap();
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut rng = SmallRng::seed_from_u64(seed);
                let (mut reads, mut torn) = (0u64, Vec::new());
                while !done.load(Ordering::Relaxed) {
                    for _ in 0..256 {
                        let v = handle.resolve(&mut rng).unwrap().executed_version();
                        if !legit.contains(&v) && torn.len() < 10 {
                            torn.push(v);
                        }
                        reads += 1;
                    }
                }
                (reads, torn)
            })
        })
        .collect();
    for i in 0..writes() {
        let (primary, entries) = if i % 2 == 0 { b } else { a };
        r.update_alias(
            UpdateAliasRequest::new("f", "live")
                .with_function_version(primary)
                .with_routing_config(routing(entries)),
        )
        .unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for reader in readers {
        let (reads, torn) = reader.join().unwrap();
        assert!(reads > 0);
        assert!(torn.is_empty(), "torn reads after {reads} reads: {torn:?}");
    }
}

#[test]
fn two_way_routes_are_never_torn() {
    // Always the additional version 2, or always the primary 3.
    flip(("1", &[("2", 1.0)]), ("3", &[("4", 0.0)]), [2, 3]);
}

#[test]
fn four_way_routes_are_never_torn() {
    // Always the third additional version 4, or always the primary 5.
    flip(
        ("1", &[("2", 0.0), ("3", 0.0), ("4", 1.0)]),
        ("5", &[("6", 0.0), ("7", 0.0), ("8", 0.0)]),
        [4, 5],
    );
}

#[test]
fn switching_between_two_way_and_four_way_routes_is_never_torn() {
    flip(
        ("1", &[("2", 1.0)]),
        ("5", &[("6", 0.0), ("7", 0.0), ("8", 1.0)]),
        [2, 8],
    );
}
