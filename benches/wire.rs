//! The wire layer per request (docs/performance.md, target P6): `wire::Service::handle`
//! on prepared `http::Request`s, no sockets, against `wire/floor`, which builds an
//! `http::Response` with a fixed body of the same size as the Invoke answer. Keep the
//! ids stable: `wire/{floor, invoke, get_alias, update_alias, list_versions_50}`.
//!
//! `wire_settling/update_alias_{functions_10, functions_10000}`: `UpdateAlias` on a
//! service that settles transitions after a delay (the default), among 10 and 10 000
//! other functions: the answer must not look at the other functions.
//!
//! After the timings, the bench prints the heap allocations per request of each kind,
//! averaged over [`ALLOCATION_SAMPLE`] requests (counted by this binary's global
//! allocator; the answer's own allocations are included, its drop is not counted).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion, criterion_group, criterion_main};
use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::wire::Service;
use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp};

#[path = "support/wire_setup.rs"]
mod wire_setup;
use wire_setup::{
    MakeRequest, ROLE, floor, get_alias, invoke, list_versions, service, update_alias,
};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn wire(c: &mut Criterion) {
    let service = service();
    let invoke_body = service.handle(invoke()).into_body();
    let mut group = c.benchmark_group("wire");
    group.bench_function("floor", |b| {
        b.iter(|| black_box(floor(black_box(&invoke_body))))
    });
    let requests: [(&str, MakeRequest); 4] = [
        ("invoke", invoke),
        ("get_alias", get_alias),
        ("update_alias", update_alias),
        ("list_versions_50", list_versions),
    ];
    for (id, make) in requests {
        group.bench_function(id, |b| handle_prepared(b, &service, make));
    }
    group.finish();

    for (id, make) in requests {
        // One answer first, so caches filled on first use (the list's rendered
        // versions) are counted as a long run sees them.
        drop(service.handle(make()));
        let prepared: Vec<_> = (0..ALLOCATION_SAMPLE).map(|_| make()).collect();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let mut body_bytes = 0;
        for request in prepared {
            body_bytes = service.handle(request).body().len();
        }
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        println!(
            "wire/{id}: {:.2} allocations per request (mean of {ALLOCATION_SAMPLE}; {body_bytes} body bytes)",
            allocations as f64 / ALLOCATION_SAMPLE as f64
        );
    }
}

/// Times `service.handle` on requests prepared (untimed) in chunks of
/// [`PREPARED_CHUNK`]; each answer is dropped as soon as it is built, inside the timed
/// loop, as `wire/floor`'s is by `Bencher::iter` (and as a server drops it once sent).
fn handle_prepared(b: &mut Bencher<'_>, service: &Service, make: MakeRequest) {
    b.iter_custom(|iterations| {
        let mut timed = Duration::ZERO;
        let mut left = iterations;
        while left > 0 {
            let chunk = left.min(PREPARED_CHUNK);
            let prepared: Vec<_> = (0..chunk).map(|_| make()).collect();
            let start = Instant::now();
            for request in prepared {
                drop(black_box(service.handle(request)));
            }
            timed += start.elapsed();
            left -= chunk;
        }
        timed
    })
}

/// How many requests of each kind the allocation count is averaged over: a multiple of
/// the 16 request ids a thread writes at a time, so each batch's own allocations are
/// shared out as they are in a long run.
const ALLOCATION_SAMPLE: usize = 64;

/// How many requests [`handle_prepared`] builds ahead of one timed loop.
const PREPARED_CHUNK: u64 = 256;

/// A settling service (200 ms delay) with `checkout` (two versions, alias `live`) and
/// `others` more functions.
fn settling_service(others: usize) -> Service {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_764_288_000_000));
    let mut r = Registry::builder().clock(clock.clone()).seed(1).build();
    let config = || FunctionConfig::new(ROLE, Code::from_zip_bytes(b"v1"));
    for i in 0..others {
        r.create_function(CreateFunctionRequest::new(
            format!("other-{i:05}"),
            config(),
        ))
        .expect("create");
    }
    r.create_function(CreateFunctionRequest::new("checkout", config()))
        .expect("create");
    r.publish_version(PublishVersionRequest::new("checkout"))
        .expect("publish");
    r.update_function_code(UpdateFunctionCodeRequest::new(
        "checkout",
        Code::from_zip_bytes(b"v2"),
    ))
    .expect("update");
    r.publish_version(PublishVersionRequest::new("checkout"))
        .expect("publish");
    r.create_alias(CreateAliasRequest::new("checkout", "live", "1").with_routing("2", 0.1))
        .expect("alias");
    Service::builder(r).clock(clock).build()
}

fn wire_settling(c: &mut Criterion) {
    let mut group = c.benchmark_group("wire_settling");
    for others in [10, 10_000] {
        let service = settling_service(others);
        group.bench_function(format!("update_alias_functions_{others}"), |b| {
            handle_prepared(b, &service, update_alias)
        });
    }
    group.finish();
}

criterion_group!(benches, wire, wire_settling);
criterion_main!(benches);
