//! One alias's current route, readable without a lock and without writing shared memory.
//!
//! The route is up to seven words (primary, then up to three pairs of additional version
//! and cumulative threshold) behind a sequence counter: the single writer (the registry,
//! under `&mut`) makes the counter odd, writes the words and makes it even again; a
//! reader reads the counter, the words and the counter again, and retries in the rare
//! case a write overlapped. Readers never block the writer and never write to shared
//! memory. A reader stops at the first empty pair, so an alias with one additional
//! version (the service's mode) costs one load more than one without.

use std::sync::atomic::{AtomicU64, Ordering, fence};

use crate::names::{Version, VersionNumber};
use crate::routing::{AliasRouting, MAX_ADDITIONAL_VERSIONS};

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
        let mut additional = [(0, 0); PAIRS];
        if let Some(r) = routing {
            let mut bound = 0u64;
            for (slot, (v, w)) in additional.iter_mut().zip(r.entries()) {
                bound = bound.saturating_add(w.threshold());
                *slot = (v.get(), bound);
            }
        }
        Route {
            primary,
            additional,
        }
    }

    /// Whether the route has an additional version (a draw is needed).
    #[inline]
    pub(crate) fn is_weighted(&self) -> bool {
        self.additional[0].0 != 0
    }

    /// The version `point` (a draw shifted right by one) selects, and whether it is an
    /// additional version.
    #[inline]
    pub(crate) fn pick(&self, point: u64) -> (Version, bool) {
        for (v, bound) in self.additional {
            let Some(n) = VersionNumber::new(v) else {
                break;
            };
            if point < bound {
                return (Version::Published(n), true);
            }
        }
        (self.primary, false)
    }
}

#[derive(Debug)]
pub(crate) struct RouteCell {
    seq: AtomicU64,
    primary: AtomicU64,
    additional: [(AtomicU64, AtomicU64); PAIRS],
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
        RouteCell {
            seq: AtomicU64::new(0),
            primary: AtomicU64::new(p),
            additional: pairs.map(|(v, t)| (AtomicU64::new(v), AtomicU64::new(t))),
        }
    }

    /// The current route, or `None` once the alias is deleted.
    #[inline]
    pub(crate) fn read(&self) -> Option<Route> {
        loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 0 {
                let p = self.primary.load(Ordering::Relaxed);
                let mut additional = [(0, 0); PAIRS];
                for (slot, (v, t)) in additional.iter_mut().zip(&self.additional) {
                    let v = v.load(Ordering::Relaxed);
                    if v == 0 {
                        break;
                    }
                    *slot = (v, t.load(Ordering::Relaxed));
                }
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    return decode(p, additional);
                }
            }
            std::hint::spin_loop();
        }
    }

    /// Replaces the route (`None`: the alias is gone). Callers guarantee a single writer.
    pub(crate) fn write(&self, route: Option<Route>) {
        let (p, pairs) = encode(route);
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.primary.store(p, Ordering::Relaxed);
        for ((v, t), (nv, nt)) in self.additional.iter().zip(pairs) {
            v.store(nv, Ordering::Relaxed);
            t.store(nt, Ordering::Relaxed);
        }
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }
}

#[inline]
fn decode(p: u64, additional: [(u64, u64); PAIRS]) -> Option<Route> {
    if p == GONE {
        return None;
    }
    let primary = VersionNumber::new(p).map_or(Version::Latest, Version::Published);
    Some(Route {
        primary,
        additional,
    })
}
