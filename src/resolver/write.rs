//! The writer side of the resolver: called by the registry only, under its `&mut self`,
//! so there is a single writer. Creating or deleting a function or alias copies one
//! shard; an alias update writes the alias's route slot in place.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwap;

use super::Resolver;
use super::index::{
    AliasEntry, AliasShard, AliasSlot, FunctionEntry, FunctionShard, VersionSet, alias_hash,
    function_hash, shard_of,
};
use super::route::{Route, RouteCell};
use super::sticky::alias_salt;
use crate::names::{AliasName, FunctionName, VersionNumber};

impl Resolver {
    fn update_functions(&self, hash: u64, change: impl FnOnce(&mut FunctionShard)) {
        let shard = &self.shared.functions[shard_of(hash)];
        let mut next = FunctionShard::clone(&shard.load());
        change(&mut next);
        shard.store(Arc::new(next));
    }

    fn update_aliases(&self, hash: u64, change: impl FnOnce(&mut AliasShard)) {
        let shard = &self.shared.aliases[shard_of(hash)];
        let mut next = AliasShard::clone(&shard.load());
        change(&mut next);
        shard.store(Arc::new(next));
    }

    pub(crate) fn function_created(&self, name: &FunctionName, versions: &[VersionNumber]) {
        let bits = VersionSet::of(versions.iter().map(|n| n.get()));
        let entry = FunctionEntry {
            name: Arc::from(name.as_str()),
            versions: Arc::new(ArcSwap::from_pointee(bits)),
            admission: Arc::new(super::FunctionAdmission::new(Arc::clone(
                &self.shared.account,
            ))),
        };
        let hash = self.function_hash(name.as_str());
        let state = &self.shared.hash_state;
        self.update_functions(hash, |s| {
            s.insert_unique(hash, entry, |e| function_hash(state, &e.name));
        });
    }

    /// Removes a function and the aliases it had (their handles answer "gone").
    pub(crate) fn function_deleted<'a>(
        &self,
        name: &FunctionName,
        aliases: impl IntoIterator<Item = &'a AliasName>,
    ) {
        for alias in aliases {
            self.alias_deleted(name, alias);
        }
        let hash = self.function_hash(name.as_str());
        self.update_functions(hash, |s| {
            if let Ok(entry) = s.find_entry(hash, |e| e.is(name.as_str())) {
                entry.remove();
            }
        });
    }

    pub(crate) fn version_published(&self, name: &FunctionName, n: VersionNumber) {
        if let Some(versions) = self.function_versions(name.as_str()) {
            let current = versions.load();
            match current.word(n.get()) {
                Some(w) => {
                    w.fetch_or(1 << (n.get() % 64), Ordering::AcqRel);
                }
                None => versions.store(Arc::new(current.with(n.get()))),
            }
        }
    }

    pub(crate) fn version_deleted(&self, name: &FunctionName, n: VersionNumber) {
        if let Some(versions) = self.function_versions(name.as_str()) {
            let current = versions.load();
            if let Some(w) = current.word(n.get()) {
                let left = w.fetch_and(!(1 << (n.get() % 64)), Ordering::AcqRel);
                // The block emptied: drop empty blocks once they outnumber the full ones,
                // so memory follows the versions that exist.
                if left & !(1 << (n.get() % 64)) == 0
                    && current.blocks.len() > 2 * current.occupied().max(1)
                {
                    let compact = VersionSet {
                        blocks: current
                            .blocks
                            .iter()
                            .filter_map(|(b, w)| {
                                let w = w.load(Ordering::Acquire);
                                (w != 0).then(|| (*b, AtomicU64::new(w)))
                            })
                            .collect(),
                    };
                    versions.store(Arc::new(compact));
                }
            }
        }
    }

    /// Sets the route of an alias, creating its slot if it is new. An update of an
    /// existing alias writes the slot in place: O(1), no index is copied. The names are
    /// those of a stored function and alias (the registry's keys, already validated).
    pub(crate) fn alias_set(&self, function: &str, alias: &str, route: Route) {
        let hash = self.alias_hash(function, alias);
        let shard = &self.shared.aliases[shard_of(hash)];
        if let Some(e) = shard.load().find(hash, |e| e.is(function, alias)) {
            e.slot.route.write(Some(route));
            return;
        }
        let function_arc = self.shared.functions[shard_of(self.function_hash(function))]
            .load()
            .find(self.function_hash(function), |e| e.is(function))
            .map_or_else(|| Arc::from(function), |e| Arc::clone(&e.name));
        let entry = AliasEntry {
            slot: Arc::new(AliasSlot {
                route: RouteCell::new(route),
                salt: alias_salt(function, alias),
                function: function_arc,
                alias: alias.into(),
            }),
        };
        let state = &self.shared.hash_state;
        self.update_aliases(hash, |s| {
            s.insert_unique(hash, entry, |e| {
                alias_hash(state, &e.slot.function, &e.slot.alias)
            });
        });
    }

    pub(crate) fn alias_deleted(&self, name: &FunctionName, alias: &AliasName) {
        let (function, alias) = (name.as_str(), alias.as_str());
        let hash = self.alias_hash(function, alias);
        let mut removed = None;
        self.update_aliases(hash, |s| {
            if let Ok(entry) = s.find_entry(hash, |e| e.is(function, alias)) {
                removed = Some(entry.remove().0.slot);
            }
        });
        // After the index no longer names it, outstanding handles learn it is gone.
        if let Some(slot) = removed {
            slot.route.write(None);
        }
    }
}
