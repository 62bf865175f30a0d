//! Resolver benchmarks (docs/performance.md, targets P1–P3). Keep the benchmark ids stable
//! so results compare across commits:
//!
//! * `resolve/{floor, cached_handle, handle, by_name, baseline_rwlock}`, and the
//!   concurrent maps a user would otherwise pick, `resolve/{dashmap, papaya, left_right}`
//!   (the same nested table and `rand::rng()` draw as the baseline; `left_right` reads
//!   through the reader handle of its own thread, as that crate requires)
//! * `resolve/cached_handle_4way`: a `RoutingMode::MultiVersion` alias split across four
//!   versions (the same hot-path cost class as `cached_handle`)
//! * `resolve/admit_handle`: `cached_handle` plus admission (the account pool's counter
//!   taken and given back when the permit drops), and `resolve/atomic_pair`, one
//!   compare-and-swap plus one `fetch_sub` on a shared counter: what an exact shared
//!   count costs at least
//! * `resolve/mapping_poller`: one batch delivered by an event source mapping bound to the
//!   same alias (`MappingPoller::deliver`: its state and target loads, then the cached
//!   handle)
//! * `resolve_2threads/{by_name, baseline_rwlock, dashmap, papaya, left_right}`: time per resolution
//!   while two threads resolve at once (each thread's own time; the slower thread is
//!   reported)
//! * `update_alias/{functions_10, functions_100000}`

#[path = "support/resolver_setup.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Barrier, RwLock};
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

/// The same table in the concurrent maps a user would otherwise reach for.
type Dash = dashmap::DashMap<String, HashMap<String, PlainRoute>>;
type Papaya = papaya::HashMap<String, HashMap<String, PlainRoute>>;

fn competitor_tables() -> (Dash, Papaya) {
    let dash = Dash::new();
    let papaya = Papaya::new();
    if let Ok(table) = baseline_table().into_inner() {
        for (name, aliases) in table {
            dash.insert(name.clone(), aliases.clone());
            papaya.pin().insert(name, aliases);
        }
    }
    (dash, papaya)
}

#[inline]
fn dashmap_resolve(table: &Dash, function: &str, alias: &str) -> Option<Version> {
    let aliases = table.get(function)?;
    let route = aliases.get(alias)?;
    Some(pick(route, rand::rng().next_u64()))
}

#[inline]
fn papaya_resolve(table: &Papaya, function: &str, alias: &str) -> Option<Version> {
    let guard = table.pin();
    let route = guard.get(function)?.get(alias)?;
    Some(pick(route, rand::rng().next_u64()))
}

/// The nested table behind `left_right`: the writer appends whole tables (the
/// benchmarks only read).
type Table = HashMap<String, HashMap<String, PlainRoute>>;

struct Replace(Table);

impl left_right::Absorb<Replace> for Table {
    fn absorb_first(&mut self, operation: &mut Replace, _: &Self) {
        self.clone_from(&operation.0);
    }

    fn sync_with(&mut self, first: &Self) {
        self.clone_from(first);
    }
}

/// A `left_right` pair over the table: the write handle (kept alive for the readers) and
/// a factory of per-thread reader handles.
fn left_right_table() -> (
    left_right::WriteHandle<Table, Replace>,
    left_right::ReadHandleFactory<Table>,
) {
    let (mut write, read) = left_right::new::<Table, Replace>();
    if let Ok(table) = baseline_table().into_inner() {
        write.append(Replace(table));
    }
    write.publish();
    (write, read.factory())
}

#[inline]
fn left_right_resolve(
    table: &left_right::ReadHandle<Table>,
    function: &str,
    alias: &str,
) -> Option<Version> {
    let guard = table.enter()?;
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
    let mut registry = common::registry_with_functions(TABLE);
    let resolver = registry.resolver();
    let hot = common::function_name(TABLE / 2);
    let baseline = baseline_table();
    let mapping = registry
        .create_event_source_mapping(
            lambda_versioning::registry::CreateEventSourceMappingRequest::new(
                "arn:aws:sqs:us-east-1:123456789012:bench",
                format!("{hot}:live"),
            ),
        )
        .expect("mapping");
    let mut poller = registry.event_source_poller(&mapping.uuid).expect("poller");
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

    let mut admitting = resolver
        .handle(&hot, "live")
        .expect("handle")
        .with_local_rng(1);
    group.bench_function("admit_handle", |b| {
        b.iter(|| admitting.admit().map(|a| a.executed_version()))
    });

    let counter = std::sync::atomic::AtomicU32::new(0);
    group.bench_function("atomic_pair", |b| {
        b.iter(|| {
            use std::sync::atomic::Ordering;
            let now = counter.load(Ordering::Relaxed);
            let taken = counter
                .compare_exchange_weak(now, now + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok();
            if taken {
                counter.fetch_sub(1, Ordering::Release);
            }
            black_box(taken)
        })
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

    let (dash, papaya) = competitor_tables();
    group.bench_function("dashmap", |b| {
        b.iter(|| dashmap_resolve(&dash, black_box(&hot), black_box("live")))
    });
    group.bench_function("papaya", |b| {
        b.iter(|| papaya_resolve(&papaya, black_box(&hot), black_box("live")))
    });
    let (_writer, readers) = left_right_table();
    let reader = readers.handle();
    group.bench_function("left_right", |b| {
        b.iter(|| left_right_resolve(&reader, black_box(&hot), black_box("live")))
    });

    let multi = common::registry_with_four_way_alias();
    let mut split = multi
        .resolver()
        .handle("split", "live")
        .expect("handle")
        .with_local_rng(4);
    group.bench_function("cached_handle_4way", |b| {
        b.iter(|| split.resolve().map(|r| r.executed_version()))
    });
    group.bench_function("mapping_poller", |b| {
        b.iter(|| poller.deliver(black_box(10)).map(|d| d.executed_version))
    });
    group.finish();
}

/// Runs `iters` operations on each of two threads that start together (a barrier), and
/// returns the longer of the two threads' times: the time per resolution as each thread
/// experiences it while the other resolves too. `make_op` builds each thread's operation
/// (with its own generator) outside the timed region.
fn two_threads<F: FnMut()>(iters: u64, make_op: impl Fn(u64) -> F + Sync) -> Duration {
    let barrier = Barrier::new(2);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..2u64)
            .map(|t| {
                let (barrier, make_op) = (&barrier, &make_op);
                s.spawn(move || {
                    let mut op = make_op(t);
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..iters {
                        op();
                    }
                    start.elapsed()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .max()
            .unwrap_or_default()
    })
}

fn resolve_2threads(c: &mut Criterion) {
    let registry = common::registry_with_functions(TABLE);
    let resolver = registry.resolver();
    let hot = common::function_name(TABLE / 2);
    let baseline = baseline_table();
    let mut group = c.benchmark_group("resolve_2threads");
    group.bench_function("by_name", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |t| {
                let mut rng = SmallRng::seed_from_u64(t);
                let (resolver, hot) = (&resolver, &hot);
                move || {
                    black_box(by_name(resolver, black_box(hot), &mut rng));
                }
            })
        })
    });
    group.bench_function("baseline_rwlock", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                let (baseline, hot) = (&baseline, &hot);
                move || {
                    black_box(baseline_resolve(
                        baseline,
                        black_box(hot),
                        black_box("live"),
                    ));
                }
            })
        })
    });
    let (dash, papaya) = competitor_tables();
    group.bench_function("dashmap", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                let (dash, hot) = (&dash, &hot);
                move || {
                    black_box(dashmap_resolve(dash, black_box(hot), black_box("live")));
                }
            })
        })
    });
    group.bench_function("papaya", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                let (papaya, hot) = (&papaya, &hot);
                move || {
                    black_box(papaya_resolve(papaya, black_box(hot), black_box("live")));
                }
            })
        })
    });
    let (_writer, readers) = left_right_table();
    group.bench_function("left_right", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, |_| {
                let (reader, hot) = (readers.handle(), &hot);
                move || {
                    black_box(left_right_resolve(
                        &reader,
                        black_box(hot),
                        black_box("live"),
                    ));
                }
            })
        })
    });
    group.finish();
}

fn update_alias(c: &mut Criterion) {
    let mut group = c.benchmark_group("update_alias");
    group.sample_size(30);
    for n in [10usize, 100_000] {
        // Under `cargo test --all-targets` the large table is shrunk (same benchmark id).
        let size = if common::measuring() { n } else { n.min(1_000) };
        let mut registry = common::registry_with_functions(size);
        let target = common::function_name(size / 2);
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
