//! Event source mappings in the store: one row per mapping in `lv_mappings`, its state
//! in the snapshot format. Mappings are account-wide — they name their function by ARN
//! and outlive it (R155) — so an operation on them runs on a registry holding every
//! function and every mapping of the scope. Changes to mappings are serialized by a
//! transaction-level lock on the scope, and only the rows of the mappings an operation
//! added, changed or removed are written. No mapping operation changes a function, and
//! none is committed from here.

use std::collections::BTreeMap;

use postgres::{Client, NoTls};

use super::shared::SharedRegistry;
use super::{consistent_read, corrupt_state, rows, store_error};
use crate::Registry;
use crate::error::Error;

/// The first key of the advisory lock that serializes mapping changes of one scope (the
/// second is the scope's hash).
const MAPPINGS_LOCK: i32 = 7_340_653;

impl SharedRegistry {
    /// Runs an operation on event source mappings (`CreateEventSourceMapping`,
    /// `UpdateEventSourceMapping`, `DeleteEventSourceMapping`, or a tag change on a
    /// mapping) on a registry holding every function and mapping of this scope, and
    /// commits the mappings it created, changed or deleted when it returns `Ok`. Mapping
    /// changes of every replica take turns, so two of them never interleave.
    ///
    /// # Errors
    ///
    /// `op`'s error; `ServiceException` when the store fails or holds a state the
    /// registry refuses.
    pub fn execute_mappings<T>(
        &mut self,
        op: impl FnOnce(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.on_mappings(true, op)
    }

    /// As [`SharedRegistry::execute_mappings`] for reads (`GetEventSourceMapping`,
    /// `ListEventSourceMappings`): one consistent read, no lock, nothing committed.
    ///
    /// # Errors
    ///
    /// As [`SharedRegistry::execute_mappings`].
    pub fn read_mappings<T>(
        &mut self,
        op: impl FnOnce(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.on_mappings(false, op)
    }

    fn on_mappings<T>(
        &mut self,
        change: bool,
        op: impl FnOnce(&mut Registry) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let se = |e: postgres::Error| store_error(&e);
        if self.client.is_closed() {
            self.client = Client::connect(&self.url, NoTls).map_err(se)?;
        }
        let mut tx = if change {
            let mut tx = self.client.transaction().map_err(se)?;
            tx.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext($2))",
                &[&MAPPINGS_LOCK, &self.scope],
            )
            .map_err(se)?;
            tx
        } else {
            consistent_read(&mut self.client).map_err(se)?
        };
        let functions = rows::read_all(&mut tx, &self.scope).map_err(se)?;
        let states: Vec<serde_json::Value> = tx
            .query(
                "SELECT state FROM lv_mappings WHERE scope = $1",
                &[&self.scope],
            )
            .map_err(se)?
            .into_iter()
            .map(|row| row.get(0))
            .collect();
        let mut registry = (self.make)().build();
        for f in functions {
            rows::install(&mut registry, &f.name, f.meta, f.versions)?;
        }
        registry
            .install_mapping_states(states)
            .map_err(|e| corrupt_state(&e))?;
        let before = registry.mapping_states();
        let result = op(&mut registry);
        if result.is_err() || !change {
            tx.rollback().map_err(se)?;
            return result;
        }
        write_changes(&mut tx, &self.scope, &before, &registry.mapping_states()).map_err(se)?;
        tx.commit().map_err(se)?;
        result
    }
}

/// Writes the mapping rows that differ between `before` and `after` (by UUID).
fn write_changes(
    tx: &mut postgres::Transaction<'_>,
    scope: &str,
    before: &BTreeMap<String, serde_json::Value>,
    after: &BTreeMap<String, serde_json::Value>,
) -> Result<(), postgres::Error> {
    for (uuid, state) in after {
        if before.get(uuid) != Some(state) {
            tx.execute(
                "INSERT INTO lv_mappings (scope, uuid, state) VALUES ($1, $2, $3)
                 ON CONFLICT (scope, uuid) DO UPDATE SET state = $3",
                &[&scope, uuid, state],
            )?;
        }
    }
    for uuid in before.keys().filter(|uuid| !after.contains_key(*uuid)) {
        tx.execute(
            "DELETE FROM lv_mappings WHERE scope = $1 AND uuid = $2",
            &[&scope, uuid],
        )?;
    }
    Ok(())
}
