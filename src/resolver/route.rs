//! One alias's current route, readable without a lock and without writing shared memory.
//!
//! The route is the primary and up to three pairs of additional version and cumulative
//! threshold, behind a sequence word. The first pair lives in the slot; the second and
//! third live in a block allocated the first time the alias needs them (multi-version
//! routing only). The single writer (the registry, under `&mut`) sets the sequence
//! word's "writing" bit, writes the words (each a release store) and stores a new
//! counter value; a reader reads the sequence word, the words, an acquire fence and the
//! sequence word again, and retries in the rare case a write overlapped: a reader that
//! saw any word of a write synchronizes with it through the fence, so it also sees that
//! write's "writing" bit and retries. Readers never block the writer and never write to
//! shared memory. A flag in the sequence word tells whether the route has more than one
//! additional version, so an alias in the service's mode reads three words.
//!
//! With the internal cargo feature `loom-model` the atomics are loom's, and the model
//! tests at the end of this file explore every interleaving of a reader and a writer.

use std::sync::OnceLock;

#[cfg(feature = "loom-model")]
use loom::{
    hint::spin_loop,
    sync::atomic::{AtomicU64, Ordering, fence},
};
#[cfg(not(feature = "loom-model"))]
use std::{
    hint::spin_loop,
    sync::atomic::{AtomicU64, Ordering, fence},
};

use crate::names::{Version, VersionNumber};
use crate::routing::{AliasRouting, MAX_ADDITIONAL_VERSIONS, pick_cumulative};

/// `primary` value of an alias that was deleted.
const GONE: u64 = u64::MAX;
/// `primary` value of `$LATEST`.
const LATEST: u64 = 0;
const PAIRS: usize = MAX_ADDITIONAL_VERSIONS;

/// A decoded route: the primary and the additional versions with cumulative thresholds
/// on the `[0, 2^63]` scale (version 0 ends the list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) primary: Version,
    additional: [(u64, u64); PAIRS],
}

impl Route {
    pub(crate) fn new(primary: Version, routing: Option<AliasRouting>) -> Route {
        Route {
            primary,
            additional: routing.map_or([(0, 0); PAIRS], |r| r.cumulative()),
        }
    }
}

/// Bit 0 of the sequence word: a write is in progress.
const WRITING: u64 = 1;
/// Bit 1 of the sequence word: the route has more than one additional version.
const MORE_PAIRS: u64 = 2;

/// The sequence word after a write from `base`: a new value (the counter lives in bits 2
/// and up), with [`MORE_PAIRS`] set when the second pair is used.
fn next_seq(base: u64, more: bool) -> u64 {
    base.wrapping_add(4) | if more { MORE_PAIRS } else { 0 }
}

/// The primary version a `primary` word (not [`GONE`]) stands for.
#[inline]
fn primary_of(p: u64) -> Version {
    VersionNumber::new(p).map_or(Version::Latest, Version::Published)
}

/// The answer of a pick: the additional version it chose, or the primary.
#[inline(always)]
fn decide(p: u64, additional: Option<VersionNumber>) -> (Version, bool) {
    match additional {
        Some(n) => (Version::Published(n), true),
        None => (primary_of(p), false),
    }
}

/// The second and third pairs of a multi-version route, allocated the first time an
/// alias has more than one additional version.
type MorePairs = [(AtomicU64, AtomicU64); PAIRS - 1];

#[derive(Debug)]
pub(crate) struct RouteCell {
    seq: AtomicU64,
    primary: AtomicU64,
    first: (AtomicU64, AtomicU64),
    more: OnceLock<Box<MorePairs>>,
}

fn encode(route: Option<Route>) -> (u64, [(u64, u64); PAIRS]) {
    match route {
        None => (GONE, [(0, 0); PAIRS]),
        Some(r) => (
            r.primary.number().map_or(LATEST, VersionNumber::get),
            r.additional,
        ),
    }
}

impl RouteCell {
    pub(crate) fn new(route: Route) -> RouteCell {
        let (p, pairs) = encode(Some(route));
        let cell = RouteCell {
            seq: AtomicU64::new(0),
            primary: AtomicU64::new(p),
            first: (AtomicU64::new(pairs[0].0), AtomicU64::new(pairs[0].1)),
            more: OnceLock::new(),
        };
        if pairs[1].0 != 0 {
            cell.write(Some(route));
        }
        cell
    }

    /// Reads the route and picks a version in the same pass: `Some((version, true))` for
    /// an additional version, `Some((primary, false))` for the primary, `None` once the
    /// alias is deleted. `point` (a uniform draw shifted right by one) is asked for at
    /// most once, and only when the route is weighted; additional versions are compared
    /// in order against their cumulative thresholds and the reader stops at the first
    /// that takes the point or at the first empty pair.
    #[inline(always)]
    pub(crate) fn pick(&self, point: impl FnOnce() -> u64) -> Option<(Version, bool)> {
        let (a1, t1) = &self.first;
        let (p, a, t) = loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & (WRITING | MORE_PAIRS) == 0 {
                // The service's mode: three words, as before multi-version routing.
                let p = self.primary.load(Ordering::Relaxed);
                let a = a1.load(Ordering::Relaxed);
                let t = t1.load(Ordering::Relaxed);
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    break (p, a, t);
                }
            } else if s1 & MORE_PAIRS != 0 {
                return self.pick_multi(point);
            }
            spin_loop();
        };
        if p == GONE {
            return None;
        }
        Some(decide(p, pick_cumulative(&[(a, t)], point)))
    }

    /// [`RouteCell::pick`] for a route with more than one additional version, kept out
    /// of line so that the common path stays small.
    #[inline(never)]
    fn pick_multi(&self, point: impl FnOnce() -> u64) -> Option<(Version, bool)> {
        let (p, pairs) = loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & WRITING == 0 {
                let p = self.primary.load(Ordering::Relaxed);
                let load = |(v, t): &(AtomicU64, AtomicU64)| {
                    (v.load(Ordering::Relaxed), t.load(Ordering::Relaxed))
                };
                let mut pairs = [(0, 0); PAIRS];
                pairs[0] = load(&self.first);
                if let Some(more) = self.more.get() {
                    for (slot, pair) in pairs[1..].iter_mut().zip(more.iter()) {
                        *slot = load(pair);
                    }
                }
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    break (p, pairs);
                }
            }
            spin_loop();
        };
        if p == GONE {
            return None;
        }
        Some(decide(p, pick_cumulative(&pairs, point)))
    }

    /// Whether the alias is deleted.
    pub(crate) fn is_gone(&self) -> bool {
        self.primary.load(Ordering::Acquire) == GONE
    }

    /// Replaces the route (`None`: the alias is gone). Callers guarantee a single writer.
    pub(crate) fn write(&self, route: Option<Route>) {
        let (p, pairs) = encode(route);
        let base = self.seq.load(Ordering::Relaxed) & !(WRITING | MORE_PAIRS);
        self.seq.store(base | WRITING, Ordering::Relaxed);
        // Release stores: a reader that loads any of these words and then passes its
        // acquire fence also sees the "writing" bit stored above, and retries.
        self.primary.store(p, Ordering::Release);
        self.first.0.store(pairs[0].0, Ordering::Release);
        self.first.1.store(pairs[0].1, Ordering::Release);
        let more = if pairs[1].0 != 0 {
            Some(self.more.get_or_init(Default::default))
        } else {
            self.more.get()
        };
        if let Some(more) = more {
            for ((v, t), (nv, nt)) in more.iter().zip(&pairs[1..]) {
                v.store(*nv, Ordering::Release);
                t.store(*nt, Ordering::Release);
            }
        }
        self.seq
            .store(next_seq(base, pairs[1].0 != 0), Ordering::Release);
    }
}

/// Model tests of the route slot under loom: a reader racing one write never decides
/// from a mix of the two routes. Run with
/// `cargo test --release --features loom-model --lib loom_model`.
#[cfg(all(test, feature = "loom-model"))]
mod loom_model {
    use std::sync::Arc;

    use super::{Route, RouteCell};
    use crate::names::{Version, VersionNumber};
    use crate::routing::{AliasRouting, Weight};

    fn v(n: u64) -> VersionNumber {
        VersionNumber::new(n).expect("non-zero")
    }

    /// A route whose pick does not depend on the draw: weights 0 or 1 only.
    fn route(primary: u64, additional: &[(u64, f64)]) -> Route {
        let entries: Vec<(VersionNumber, Weight)> = additional
            .iter()
            .map(|&(n, w)| (v(n), Weight::new(w).expect("weight")))
            .collect();
        Route::new(
            Version::Published(v(primary)),
            AliasRouting::from_entries(&entries),
        )
    }

    /// Runs a reader against one write from `before` to `after`, in every interleaving
    /// loom explores, and checks the reader's pick is one of the two routes' answers.
    fn race(before: Route, after: Route, legit: [u64; 2]) {
        loom::model(move || {
            let cell = Arc::new(RouteCell::new(before));
            let writer = {
                let cell = Arc::clone(&cell);
                loom::thread::spawn(move || cell.write(Some(after)))
            };
            let picked = cell.pick(|| 0).map(|(version, _)| version);
            writer.join().expect("writer");
            let ok = legit.map(|n| Some(Version::Published(v(n))));
            assert!(ok.contains(&picked), "torn read: {picked:?}");
        });
    }

    #[test]
    fn two_way_route_is_never_torn() {
        // Before: always the additional version 2; after: always the primary 3.
        race(route(1, &[(2, 1.0)]), route(3, &[(4, 0.0)]), [2, 3]);
    }

    #[test]
    fn four_way_route_is_never_torn() {
        // Before: always the third additional version 4; after: always the primary 5.
        race(
            route(1, &[(2, 0.0), (3, 0.0), (4, 1.0)]),
            route(5, &[(6, 0.0), (7, 0.0), (8, 0.0)]),
            [4, 5],
        );
    }

    #[test]
    fn switching_from_two_way_to_four_way_is_never_torn() {
        race(
            route(1, &[(2, 1.0)]),
            route(5, &[(6, 0.0), (7, 0.0), (8, 1.0)]),
            [2, 8],
        );
    }
}
