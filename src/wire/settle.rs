//! The settle scheduler: functions created or updated through the service finish their
//! lifecycle transition (`Active`, `Successful`) once the settle delay has passed on the
//! service's clock, applied when the next request arrives.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::Registry;
use crate::clock::{Clock, Timestamp};
use crate::names::FunctionName;

/// Functions with a lifecycle transition to finish, and when.
pub(super) struct Settler {
    clock: Box<dyn Clock>,
    delay_ms: i64,
    pending: Mutex<BTreeMap<FunctionName, Timestamp>>,
}

impl Settler {
    pub(super) fn new(clock: Box<dyn Clock>, delay_ms: i64) -> Settler {
        Settler {
            clock,
            delay_ms,
            pending: Mutex::new(BTreeMap::new()),
        }
    }

    pub(super) fn delay_ms(&self) -> i64 {
        self.delay_ms
    }

    /// The functions whose delay has passed, removed from the schedule.
    pub(super) fn take_due(&self) -> Vec<FunctionName> {
        let now = self.clock.now();
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let due: Vec<FunctionName> = pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(name, _)| name.clone())
            .collect();
        for name in &due {
            pending.remove(name);
        }
        due
    }

    /// Finishes the transitions of `due` on `registry`.
    pub(super) fn finish(registry: &mut Registry, due: Vec<FunctionName>) {
        for name in due {
            // A function deleted meanwhile has nothing to finish.
            let _ = registry.finish_creation(name.as_str());
            let _ = registry.finish_update(name.as_str());
        }
    }

    /// Schedules `name` to settle after the delay.
    pub(super) fn schedule(&self, name: &FunctionName) {
        let at = Timestamp::from_unix_millis(
            self.clock.now().unix_millis().saturating_add(self.delay_ms),
        );
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.clone(), at);
    }
}
