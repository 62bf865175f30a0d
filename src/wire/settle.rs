//! The settle scheduler: functions created or updated through the service finish their
//! lifecycle transition (`Active`, `Successful`) once the settle delay has passed on the
//! service's clock, applied when the next request arrives.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::Registry;
use crate::clock::{Clock, Timestamp};
use crate::names::FunctionName;

/// What has a transition to finish: a function, or an event source mapping by UUID.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Settling {
    Function(FunctionName),
    Mapping(String),
    /// A provisioned-concurrency config: function and qualifier.
    Provisioned(FunctionName, String),
}

/// Functions and mappings with a lifecycle transition to finish, and when.
pub(super) struct Settler {
    clock: Box<dyn Clock>,
    delay_ms: i64,
    pending: Mutex<BTreeMap<Settling, Timestamp>>,
    /// How many transitions `pending` holds, updated under its lock: while it is zero,
    /// a request does not read the clock or take the lock (the common case, and no write
    /// to memory the other request threads share).
    count: AtomicUsize,
}

impl Settler {
    pub(super) fn new(clock: Box<dyn Clock>, delay_ms: i64) -> Settler {
        Settler {
            clock,
            delay_ms,
            pending: Mutex::new(BTreeMap::new()),
            count: AtomicUsize::new(0),
        }
    }

    pub(super) fn delay_ms(&self) -> i64 {
        self.delay_ms
    }

    /// The functions and mappings whose delay has passed, removed from the schedule.
    pub(super) fn take_due(&self) -> Vec<Settling> {
        if self.count.load(Ordering::Acquire) == 0 {
            return Vec::new();
        }
        let now = self.clock.now();
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let due: Vec<Settling> = pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(name, _)| name.clone())
            .collect();
        for name in &due {
            pending.remove(name);
        }
        self.count.store(pending.len(), Ordering::Release);
        due
    }

    /// Finishes the transitions of `due` on `registry`.
    pub(super) fn finish(registry: &mut Registry, due: Vec<Settling>) {
        for item in due {
            match item {
                Settling::Function(name) => {
                    // A function deleted meanwhile has nothing to finish.
                    let _ = registry.finish_creation(name.as_str());
                    let _ = registry.finish_update(name.as_str());
                }
                Settling::Mapping(uuid) => {
                    registry.finish_event_source_mapping(&uuid);
                }
                Settling::Provisioned(name, qualifier) => {
                    let _ =
                        registry.finish_provisioned_concurrency(name.as_str(), &qualifier, Ok(()));
                }
            }
        }
    }

    /// Schedules `item` to settle after the delay.
    pub(super) fn schedule(&self, item: Settling) {
        let at = Timestamp::from_unix_millis(
            self.clock.now().unix_millis().saturating_add(self.delay_ms),
        );
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.entry(item).or_insert(at);
        self.count.store(pending.len(), Ordering::Release);
    }
}
