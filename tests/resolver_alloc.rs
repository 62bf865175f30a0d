//! The resolver's hot paths allocate nothing, failures included (issue 3): counted with a
//! global allocator that tallies this test binary's allocations.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use lambda_versioning::ResolveError;
use lambda_versioning::registry::CreateAliasRequest;
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
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

    let before = ALLOCATIONS.load(Ordering::SeqCst);
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
    let after = ALLOCATIONS.load(Ordering::SeqCst);
    assert_eq!(after - before, 0, "allocations on the resolve paths");
}
