//! A per-thread memo of the aliases a thread resolved by name most recently: a small
//! direct-mapped table from (function, alias) to the alias's route slot, so a repeated
//! resolution of the same alias skips the index's hash, its shard cache and its probe
//! (one multiply to find the entry, one comparison of the names, the slot). The entry
//! is chosen from the last word of the function name and the first word of the alias
//! name, where names that share a prefix or a suffix usually differ.
//!
//! Why a memoized slot is safe to use without checking the index: a slot belongs to one
//! alias for its whole life. An alias update writes the slot in place; deleting the
//! alias (or its function) removes the slot from the index and then marks it gone, and
//! an alias created again under the same name gets a new slot. So a memoized slot is
//! either the alias's current slot or a gone one, and a gone slot sends the caller to
//! the full lookup (which then memoizes the new slot, if any).
//!
//! The memo holds a reference to each slot it names (at most [`ENTRIES`] per thread,
//! across all resolvers), so a deleted alias's slot can outlive the alias on a thread
//! until that entry is replaced or [`forget`] runs for its resolver.

use std::cell::RefCell;
use std::sync::Arc;

use super::index::{AliasSlot, head_word, tail_word};

/// Entries per thread.
pub(super) const ENTRIES: usize = 64;

struct Entry {
    /// The resolver the slot was found in (`Shared::id`, never reused).
    resolver: u64,
    slot: Arc<AliasSlot>,
}

thread_local! {
    static MEMO: RefCell<[Option<Entry>; ENTRIES]> =
        const { RefCell::new([const { None }; ENTRIES]) };
}

/// The entry (function, alias) maps to.
#[inline(always)]
fn position(function: &str, alias: &str) -> usize {
    let key = tail_word(function.as_bytes()) ^ head_word(alias.as_bytes()).rotate_left(29);
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize % ENTRIES
}

/// Runs `pick` on the memoized slot of alias `alias` of `function` in `resolver`, if
/// this thread has it and the slot is not gone; `None` sends the caller to the index.
#[inline(always)]
pub(super) fn pick<T>(
    resolver: u64,
    function: &str,
    alias: &str,
    pick: impl FnOnce(&AliasSlot) -> Option<T>,
) -> Option<T> {
    MEMO.try_with(|memo| {
        let memo = memo.try_borrow().ok()?;
        let entry = memo[position(function, alias)].as_ref()?;
        if entry.resolver == resolver && entry.slot.is(function, alias) {
            pick(&entry.slot)
        } else {
            None
        }
    })
    .ok()
    .flatten()
}

/// Remembers `slot`, found in `resolver`, in this thread's memo.
#[inline]
pub(super) fn remember(resolver: u64, slot: &Arc<AliasSlot>) {
    let _ = MEMO.try_with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut() {
            let entry = &mut memo[position(&slot.function, &slot.alias)];
            let current = entry
                .as_ref()
                .is_some_and(|e| e.resolver == resolver && Arc::ptr_eq(&e.slot, slot));
            if !current {
                *entry = Some(Entry {
                    resolver,
                    slot: Arc::clone(slot),
                });
            }
        }
    });
}

/// Drops this thread's entries for `resolver`.
pub(super) fn forget(resolver: u64) {
    let _ = MEMO.try_with(|memo| {
        if let Ok(mut memo) = memo.try_borrow_mut() {
            for entry in memo.iter_mut() {
                if entry.as_ref().is_some_and(|e| e.resolver == resolver) {
                    *entry = None;
                }
            }
        }
    });
}

/// How many of this thread's entries name a slot of `resolver` (for tests).
#[cfg(test)]
pub(super) fn entries_of(resolver: u64) -> usize {
    MEMO.with_borrow(|memo| {
        memo.iter()
            .filter(|e| e.as_ref().is_some_and(|e| e.resolver == resolver))
            .count()
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{ENTRIES, entries_of, forget, pick, remember};
    use crate::names::Version;
    use crate::resolver::index::AliasSlot;
    use crate::resolver::route::{Route, RouteCell};

    fn slot(function: &str, alias: &str) -> Arc<AliasSlot> {
        Arc::new(AliasSlot {
            route: RouteCell::new(Route::new(Version::Latest, None)),
            salt: 0,
            function: Arc::from(function),
            alias: alias.into(),
        })
    }

    /// An id no resolver has (resolvers count up from 0).
    const RESOLVER: u64 = u64::MAX - 7;

    #[test]
    fn the_memo_is_bounded_answers_only_its_resolver_and_forgets() {
        assert_eq!(entries_of(RESOLVER), 0);
        let live = slot("f", "live");
        remember(RESOLVER, &live);
        assert_eq!(entries_of(RESOLVER), 1);
        let hit = pick(RESOLVER, "f", "live", |s| Some(std::ptr::eq(s, &*live)));
        assert_eq!(hit, Some(true));
        assert_eq!(pick(RESOLVER - 1, "f", "live", |_| Some(())), None);
        assert_eq!(pick(RESOLVER, "f", "livf", |_| Some(())), None);
        assert_eq!(pick(RESOLVER, "g", "live", |_| Some(())), None);
        for i in 0..200 {
            remember(RESOLVER, &slot("f", &format!("a{i}")));
        }
        let held = entries_of(RESOLVER);
        assert!((2..=ENTRIES).contains(&held), "{held} entries");
        forget(RESOLVER);
        assert_eq!(entries_of(RESOLVER), 0);
    }
}
