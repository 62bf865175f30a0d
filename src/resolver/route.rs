//! One alias's current route, readable without a lock and without writing shared memory.
//!
//! The route is three words (primary, additional version, threshold) behind a sequence
//! counter: the single writer (the registry, under `&mut`) makes the counter odd, writes
//! the words and makes it even again; a reader reads the counter, the words and the
//! counter again, and retries in the rare case a write overlapped. Readers never block
//! the writer and never write to shared memory.

use std::sync::atomic::{AtomicU64, Ordering, fence};

use crate::names::{Version, VersionNumber};
use crate::routing::AliasRouting;

/// `primary` value of an alias that was deleted.
const GONE: u64 = u64::MAX;
/// `primary` value of `$LATEST`.
const LATEST: u64 = 0;

/// A decoded route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) primary: Version,
    /// The additional version and the threshold on the `[0, 2^63]` scale.
    pub(crate) additional: Option<(VersionNumber, u64)>,
}

impl Route {
    pub(crate) fn new(primary: Version, routing: Option<AliasRouting>) -> Route {
        Route {
            primary,
            additional: routing.map(|r| (r.additional_version(), r.weight().threshold())),
        }
    }
}

#[derive(Debug)]
pub(crate) struct RouteCell {
    seq: AtomicU64,
    primary: AtomicU64,
    additional: AtomicU64,
    threshold: AtomicU64,
}

fn encode(route: Option<Route>) -> [u64; 3] {
    match route {
        None => [GONE, 0, 0],
        Some(r) => {
            let primary = r.primary.number().map_or(LATEST, VersionNumber::get);
            let (additional, threshold) = r.additional.map_or((0, 0), |(n, t)| (n.get(), t));
            [primary, additional, threshold]
        }
    }
}

impl RouteCell {
    pub(crate) fn new(route: Route) -> RouteCell {
        let [p, a, t] = encode(Some(route));
        RouteCell {
            seq: AtomicU64::new(0),
            primary: AtomicU64::new(p),
            additional: AtomicU64::new(a),
            threshold: AtomicU64::new(t),
        }
    }

    /// The current route, or `None` once the alias is deleted.
    #[inline]
    pub(crate) fn read(&self) -> Option<Route> {
        loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 0 {
                let p = self.primary.load(Ordering::Relaxed);
                let a = self.additional.load(Ordering::Relaxed);
                let t = self.threshold.load(Ordering::Relaxed);
                fence(Ordering::Acquire);
                if self.seq.load(Ordering::Relaxed) == s1 {
                    return decode(p, a, t);
                }
            }
            std::hint::spin_loop();
        }
    }

    /// Replaces the route (`None`: the alias is gone). Callers guarantee a single writer.
    pub(crate) fn write(&self, route: Option<Route>) {
        let [p, a, t] = encode(route);
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.primary.store(p, Ordering::Relaxed);
        self.additional.store(a, Ordering::Relaxed);
        self.threshold.store(t, Ordering::Relaxed);
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }
}

#[inline]
fn decode(p: u64, a: u64, t: u64) -> Option<Route> {
    if p == GONE {
        return None;
    }
    let primary = VersionNumber::new(p).map_or(Version::Latest, Version::Published);
    let additional = VersionNumber::new(a).map(|n| (n, t));
    Some(Route {
        primary,
        additional,
    })
}
