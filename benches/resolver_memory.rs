//! P4: bytes the resolver holds per alias with 100 000 functions x 2 aliases, measured
//! with a counting global allocator. The registry is dropped while a resolver clone is
//! kept, so what is still allocated afterwards is the resolver's.
//!
//! Prints `resolver_bytes_per_alias=<n>`.

#[path = "support/resolver_setup.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator and only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    // Under `cargo test --all-targets` (no `--bench` flag) only a small smoke run.
    let functions = if common::measuring() { 100_000 } else { 1_000 };
    let aliases = functions * 2;
    let before = LIVE.load(Ordering::Relaxed);
    let registry = common::registry_with_functions(functions);
    let resolver = registry.resolver();
    let with_registry = LIVE.load(Ordering::Relaxed) - before;
    drop(registry);
    let resolver_bytes = LIVE.load(Ordering::Relaxed) - before;
    if !common::measuring() {
        println!("smoke run with {functions} functions (run `cargo bench` for the P4 figure)");
    }
    println!("functions={functions} aliases={aliases}");
    println!("registry_and_resolver_bytes={with_registry}");
    println!("resolver_bytes={resolver_bytes}");
    println!(
        "resolver_bytes_per_alias={}",
        resolver_bytes / aliases as isize
    );
    drop(resolver);
}
