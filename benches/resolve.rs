//! Resolver benchmarks (issue 3; DESIGN.md targets P1–P3). Keep the benchmark ids stable
//! so results compare across commits:
//!
//! * `resolve/{floor, cached_handle, handle, by_name, baseline_rwlock}`
//! * `resolve_2threads/{by_name, baseline_rwlock}`: time per resolution while two threads
//!   resolve at once
//! * `update_alias/{functions_10, functions_100000}`

#[path = "common.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use lambda_versioning::registry::UpdateAliasRequest;
use lambda_versioning::{Resolver, Version, VersionNumber};
use rand::rngs::SmallRng;
use rand::{Rng as _, SeedableRng as _};

/// Functions in the read benchmarks' table.
const TABLE: usize = 1000;

/// The route shape of the floor and the baseline: primary, additional, threshold.
#[derive(Clone, Copy)]
struct PlainRoute {
    primary: Version,
    additional: Version,
    threshold: u64,
}

fn plain_route() -> PlainRoute {
    PlainRoute {
        primary: Version::Published(VersionNumber::ONE),
        additional: Version::Published(VersionNumber::new(2).expect("2")),
        threshold: (0.1 * 9_223_372_036_854_775_808.0) as u64,
    }
}

#[inline]
fn pick(route: &PlainRoute, draw: u64) -> Version {
    if (draw >> 1) < route.threshold {
        route.additional
    } else {
        route.primary
    }
}

type Baseline = RwLock<HashMap<String, HashMap<String, PlainRoute>>>;

fn baseline_table() -> Baseline {
    let mut table = HashMap::new();
    for i in 0..TABLE {
        let aliases = HashMap::from([
            ("live".to_owned(), plain_route()),
            ("stable".to_owned(), plain_route()),
        ]);
        table.insert(common::function_name(i), aliases);
    }
    RwLock::new(table)
}

#[inline]
fn baseline_resolve(table: &Baseline, function: &str, alias: &str) -> Option<Version> {
    let guard = table.read().ok()?;
    let route = guard.get(function)?.get(alias)?;
    Some(pick(route, rand::rng().next_u64()))
}

#[inline]
fn by_name(resolver: &Resolver, function: &str, rng: &mut SmallRng) -> Version {
    resolver
        .resolve(function, Some("live"), rng)
        .map(|r| r.executed_version())
        .unwrap_or(Version::Latest)
}

fn resolve(c: &mut Criterion) {
    let registry = common::registry_with_functions(TABLE);
    let resolver = registry.resolver();
    let hot = common::function_name(TABLE / 2);
    let baseline = baseline_table();
    let mut group = c.benchmark_group("resolve");

    let floor = Arc::new(plain_route());
    let mut rng = SmallRng::seed_from_u64(1);
    group.bench_function("floor", |b| {
        b.iter(|| pick(black_box(&floor), rng.next_u64()))
    });

    let mut local = resolver
        .handle(&hot, "live")
        .expect("handle")
        .with_local_rng(1);
    group.bench_function("cached_handle", |b| {
        b.iter(|| local.resolve().map(|r| r.executed_version()))
    });

    let handle = resolver.handle(&hot, "live").expect("handle");
    let mut rng = SmallRng::seed_from_u64(2);
    group.bench_function("handle", |b| {
        b.iter(|| {
            black_box(&handle)
                .resolve(&mut rng)
                .map(|r| r.executed_version())
        })
    });

    let mut rng = SmallRng::seed_from_u64(3);
    group.bench_function("by_name", |b| {
        b.iter(|| by_name(&resolver, black_box(&hot), &mut rng))
    });

    group.bench_function("baseline_rwlock", |b| {
        b.iter(|| baseline_resolve(&baseline, black_box(&hot), black_box("live")))
    });
    group.finish();
}

/// Runs `op` `iters` times on each of two threads at once; returns the wall time divided
/// by `iters`, i.e. the time per resolution as each thread experiences it.
fn two_threads(iters: u64, op: impl Fn(u64) + Sync) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..2 {
            let op = &op;
            s.spawn(move || {
                for i in 0..iters {
                    op(i ^ t);
                }
            });
        }
    });
    start.elapsed()
}

fn resolve_2threads(c: &mut Criterion) {
    let registry = common::registry_with_functions(TABLE);
    let resolver = registry.resolver();
    let hot = common::function_name(TABLE / 2);
    let baseline = baseline_table();
    let mut group = c.benchmark_group("resolve_2threads");
    group.bench_function("by_name", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                black_box(
                    resolver
                        .resolve_fast(black_box(&hot), Some("live"))
                        .map(|r| r.executed_version()),
                )
                .ok();
            })
        })
    });
    group.bench_function("baseline_rwlock", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                black_box(baseline_resolve(
                    &baseline,
                    black_box(&hot),
                    black_box("live"),
                ));
            })
        })
    });
    group.finish();
}

fn update_alias(c: &mut Criterion) {
    let mut group = c.benchmark_group("update_alias");
    group.sample_size(30);
    for n in [10usize, 100_000] {
        let mut registry = common::registry_with_functions(n);
        let target = common::function_name(n / 2);
        let mut flip = false;
        group.bench_function(format!("functions_{n}"), |b| {
            b.iter(|| {
                flip = !flip;
                let weight = if flip { 0.2 } else { 0.1 };
                registry
                    .update_alias(
                        UpdateAliasRequest::new(target.clone(), "live").with_routing("2", weight),
                    )
                    .expect("update_alias")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, resolve, resolve_2threads, update_alias);
criterion_main!(benches);
