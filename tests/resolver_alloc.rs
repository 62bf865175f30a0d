//! The resolver's hot paths allocate nothing, failures included, and its memory follows
//! the versions that exist, not their numbers: counted with a global allocator that
//! tallies each thread's allocations.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::*;
use lambda_versioning::ResolveError;
use lambda_versioning::registry::CreateAliasRequest;
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

struct Counting;

thread_local! {
    /// This thread's allocations and allocated bytes: the test harness allocates on its
    /// own threads while a test runs, which must not count.
    static COUNTS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
}

/// This thread's allocations so far.
fn allocations() -> usize {
    COUNTS.with(|c| c.get().0)
}

/// This thread's allocated bytes so far.
fn bytes() -> usize {
    COUNTS.with(|c| c.get().1)
}

// SAFETY: forwards to the system allocator and only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNTS.try_with(|c| {
            let (n, b) = c.get();
            c.set((n + 1, b + layout.size()));
        });
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn resolving_and_failing_allocate_nothing() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    r.create_alias(CreateAliasRequest::new("f", "live", "1").with_routing("2", 0.5))
        .unwrap();
    let resolver = r.resolver();
    let handle = resolver.handle("f", "live").unwrap();
    let mut rng = SmallRng::seed_from_u64(1);
    // The first resolve by name on a thread builds that thread's caches.
    resolver.resolve("f", Some("live"), &mut rng).unwrap();
    resolver.resolve_fast("f", None).unwrap();

    let before = allocations();
    for _ in 0..1000 {
        assert!(resolver.resolve("f", Some("live"), &mut rng).is_ok());
        assert!(resolver.resolve("f", Some("2"), &mut rng).is_ok());
        assert!(resolver.resolve("f", None, &mut rng).is_ok());
        assert!(resolver.resolve_fast("f", Some("live")).is_ok());
        assert!(resolver.resolve_sticky("f", Some("live"), b"user").is_ok());
        assert!(handle.resolve(&mut rng).is_ok());
        assert_eq!(
            resolver.resolve("f", Some("missing"), &mut rng),
            Err(ResolveError::QualifierNotFound)
        );
        assert_eq!(
            resolver.resolve("f", Some("9"), &mut rng),
            Err(ResolveError::QualifierNotFound)
        );
        assert_eq!(
            resolver.resolve("nope", None, &mut rng),
            Err(ResolveError::FunctionNotFound)
        );
    }
    let after = allocations();
    assert_eq!(after - before, 0, "allocations on the resolve paths");
}

/// R30: a version numbered in the billions costs the resolver a few bytes, not a bitmap
/// sized by its number (the dense version bitmap allocated 512 MiB for this import and a
/// publish after it).
#[test]
fn r30_resolver_memory_follows_the_versions_not_their_numbers() {
    let mut r = registry();
    with_versions(&mut r, "f", 2);
    let json = serde_json::to_string(&r.export())
        .unwrap()
        .replace("\"number\":\"2\"", "\"number\":\"4294967294\"")
        .replace("\"last_allocated\":2", "\"last_allocated\":4294967294");
    let snapshot: lambda_versioning::Snapshot = serde_json::from_str(&json).unwrap();
    let before = bytes();
    let mut imported = lambda_versioning::Registry::builder()
        .build_from_snapshot(snapshot)
        .unwrap();
    update_code(&mut imported, "f", b"last");
    assert_eq!(
        publish(&mut imported, "f").version.to_string(),
        "4294967295"
    );
    let allocated = bytes() - before;
    assert!(allocated < 4 << 20, "{allocated} bytes allocated");
    let resolver = imported.resolver();
    for q in ["1", "4294967294", "4294967295"] {
        assert!(resolver.resolve_fast("f", Some(q)).is_ok(), "{q}");
    }
    assert!(resolver.resolve_fast("f", Some("2")).is_err());
}
