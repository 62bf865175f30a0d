//! The resolver's index: functions and aliases in 256 shards each, every shard an
//! immutable hash table behind an `ArcSwap`, read through per-thread `arc_swap::Cache`s;
//! each alias's route slot; and the version set of each function.

use std::cell::RefCell;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use arc_swap::{ArcSwap, Cache};
use hashbrown::HashTable;
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

use super::Resolver;
use super::route::RouteCell;
use crate::names::{AccountId, Partition, Region, Version};

pub(super) const SHARDS: usize = 256;

/// The route slot of one alias, with the names it is found under.
#[derive(Debug)]
pub(crate) struct AliasSlot {
    pub(super) route: RouteCell,
    pub(super) salt: u64,
    pub(super) function: Arc<str>,
    pub(super) alias: Box<str>,
}

impl AliasSlot {
    /// Picks a version from the alias's current route (see [`RouteCell::pick`]); `None`
    /// once the alias is deleted.
    #[inline(always)]
    pub(crate) fn pick(&self, point: impl FnOnce() -> u64) -> Option<(Version, bool)> {
        self.route.pick(point)
    }

    /// Whether the alias is deleted.
    pub(crate) fn is_gone(&self) -> bool {
        self.route.is_gone()
    }

    /// The alias's sticky-routing salt.
    pub(crate) fn salt(&self) -> u64 {
        self.salt
    }

    /// Whether this is the slot of alias `alias` of `function`.
    #[inline(always)]
    pub(super) fn is(&self, function: &str, alias: &str) -> bool {
        same_bytes(self.alias.as_bytes(), alias.as_bytes())
            && same_bytes(self.function.as_bytes(), function.as_bytes())
    }
}

/// Which published versions of a function exist: a sparse bitmap of 64-number blocks,
/// one `(block, word)` pair for each block that holds a version, sorted by block.
/// Memory is proportional to the number of versions, whatever their numbers; a
/// publish or delete inside an existing block flips a bit in place, and a new block (at
/// most one per 64 consecutive versions) copies the pairs.
#[derive(Debug, Default)]
pub(super) struct VersionSet {
    pub(super) blocks: Box<[(u64, AtomicU64)]>,
}

impl VersionSet {
    /// The word holding version `n`, if its block is present.
    pub(super) fn word(&self, n: u64) -> Option<&AtomicU64> {
        let block = n / 64;
        self.blocks
            .binary_search_by_key(&block, |(b, _)| *b)
            .ok()
            .map(|i| &self.blocks[i].1)
    }

    pub(super) fn contains(&self, n: u64) -> bool {
        self.word(n)
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << (n % 64)) != 0)
    }

    /// The set of `numbers` (in any order).
    pub(super) fn of(numbers: impl IntoIterator<Item = u64>) -> VersionSet {
        let mut blocks: Vec<(u64, u64)> = Vec::new();
        let mut sorted: Vec<u64> = numbers.into_iter().collect();
        sorted.sort_unstable();
        for n in sorted {
            let (block, bit) = (n / 64, 1u64 << (n % 64));
            match blocks.last_mut() {
                Some((b, w)) if *b == block => *w |= bit,
                _ => blocks.push((block, bit)),
            }
        }
        VersionSet {
            blocks: blocks
                .into_iter()
                .map(|(b, w)| (b, AtomicU64::new(w)))
                .collect(),
        }
    }

    /// A copy with version `n` added (its block inserted in order) and blocks left
    /// empty by deletions dropped.
    pub(super) fn with(&self, n: u64) -> VersionSet {
        let (block, bit) = (n / 64, 1u64 << (n % 64));
        let mut blocks: Vec<(u64, u64)> = self
            .blocks
            .iter()
            .map(|(b, w)| (*b, w.load(Ordering::Acquire)))
            .filter(|(_, w)| *w != 0)
            .collect();
        match blocks.binary_search_by_key(&block, |(b, _)| *b) {
            Ok(i) => blocks[i].1 |= bit,
            Err(i) => blocks.insert(i, (block, bit)),
        }
        VersionSet {
            blocks: blocks
                .into_iter()
                .map(|(b, w)| (b, AtomicU64::new(w)))
                .collect(),
        }
    }

    /// How many blocks hold at least one version.
    pub(super) fn occupied(&self) -> usize {
        self.blocks
            .iter()
            .filter(|(_, w)| w.load(Ordering::Acquire) != 0)
            .count()
    }
}

/// One function in the function index.
#[derive(Clone, Debug)]
pub(super) struct FunctionEntry {
    pub(super) name: Arc<str>,
    pub(super) versions: Arc<ArcSwap<VersionSet>>,
    pub(super) admission: Arc<super::FunctionAdmission>,
}

/// One alias in the alias index, keyed by (function, alias) (the names are the slot's).
#[derive(Clone, Debug)]
pub(super) struct AliasEntry {
    pub(super) slot: Arc<AliasSlot>,
}

impl FunctionEntry {
    /// Whether this is the entry of `function`.
    #[inline(always)]
    pub(super) fn is(&self, function: &str) -> bool {
        same_bytes(self.name.as_bytes(), function.as_bytes())
    }
}

impl AliasEntry {
    /// Whether this is the entry of alias `alias` of `function`.
    #[inline(always)]
    pub(super) fn is(&self, function: &str, alias: &str) -> bool {
        self.slot.is(function, alias)
    }
}

/// Byte equality for the short keys of the index (names of at most a few hundred
/// bytes), compared a word at a time in line: for names this short a call into the C
/// library's `memcmp` costs more than the comparison itself. The last word overlaps the
/// one before it, so no byte is compared alone unless the name is under four bytes.
#[inline(always)]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word_at(a, i) != word_at(b, i) {
                return false;
            }
            i += 8;
        }
        word_at(a, n - 8) == word_at(b, n - 8)
    } else {
        short_word(a) == short_word(b)
    }
}

/// The eight bytes of `bytes` from `at` (the caller keeps `at + 8` within bounds).
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The bytes of a name under eight bytes in one word (with the length, so that names
/// of different lengths differ): the first and last four bytes from four bytes up,
/// otherwise the first, middle and last byte.
#[inline(always)]
pub(super) fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let half = |at: usize| {
        let mut word = [0; 4];
        word.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(word))
    };
    let body = if n >= 4 {
        half(0) | (half(n - 4) << 32)
    } else if n > 0 {
        u64::from(bytes[0]) | (u64::from(bytes[n / 2]) << 8) | (u64::from(bytes[n - 1]) << 16)
    } else {
        0
    };
    body ^ ((n as u64) << 56)
}

/// The last eight bytes of a name (all of it, with its length, if shorter).
#[inline(always)]
pub(super) fn tail_word(bytes: &[u8]) -> u64 {
    match bytes.len() {
        n if n >= 8 => word_at(bytes, n - 8),
        _ => short_word(bytes),
    }
}

/// The first eight bytes of a name (all of it, with its length, if shorter).
#[inline(always)]
pub(super) fn head_word(bytes: &[u8]) -> u64 {
    match bytes.len() {
        n if n >= 8 => word_at(bytes, 0),
        _ => short_word(bytes),
    }
}

pub(super) type FunctionShard = HashTable<FunctionEntry>;
pub(super) type AliasShard = HashTable<AliasEntry>;

/// The partition, region and account the resolver's ARNs are built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ArnBase {
    pub(super) partition: Partition,
    pub(super) region: Region,
    pub(super) account: AccountId,
    /// `arn:{partition}:lambda:{region}:{account}:function:`, written once, so that an
    /// invoked ARN is this text, the function's name and its qualifier.
    pub(super) function_prefix: Box<str>,
}

impl ArnBase {
    pub(super) fn new(partition: Partition, region: Region, account: AccountId) -> ArnBase {
        let mut prefix = Vec::new();
        crate::arn::push_unqualified_arn(&mut prefix, &partition, &region, account, "");
        ArnBase {
            partition,
            region,
            account,
            // Every part is the text of a `str`; the fallback is never taken.
            function_prefix: String::from_utf8(prefix)
                .unwrap_or_default()
                .into_boxed_str(),
        }
    }
}

pub(super) struct Shared {
    pub(super) id: u64,
    pub(super) base: ArnBase,
    pub(super) hash_state: foldhash::fast::FixedState,
    pub(super) functions: Box<[Arc<ArcSwap<FunctionShard>>]>,
    pub(super) aliases: Box<[Arc<ArcSwap<AliasShard>>]>,
    /// The account's unreserved concurrency pool (admission).
    pub(super) account: Arc<super::Gate>,
}

pub(super) static NEXT_ID: AtomicU64 = AtomicU64::new(0);

pub(super) type ShardCache<T> = Cache<Arc<ArcSwap<T>>, Arc<T>>;

/// Per-thread caches of one resolver's shards.
pub(super) struct LocalShards {
    pub(super) id: u64,
    pub(super) owner: Weak<Shared>,
    pub(super) functions: Box<[ShardCache<FunctionShard>]>,
    pub(super) aliases: Box<[ShardCache<AliasShard>]>,
}

impl LocalShards {
    pub(super) fn new(shared: &Arc<Shared>) -> LocalShards {
        LocalShards {
            id: shared.id,
            owner: Arc::downgrade(shared),
            functions: shared
                .functions
                .iter()
                .map(|s| Cache::new(Arc::clone(s)))
                .collect(),
            aliases: shared
                .aliases
                .iter()
                .map(|s| Cache::new(Arc::clone(s)))
                .collect(),
        }
    }
}

thread_local! {
    pub(super) static LOCAL_SHARDS: RefCell<Vec<LocalShards>> = const { RefCell::new(Vec::new()) };
    pub(super) static FAST_RNG: RefCell<SmallRng> = RefCell::new(SmallRng::from_rng(&mut rand::rng()));
}

/// Which index a lookup reads.
#[derive(Clone, Copy)]
pub(super) enum Index {
    Functions,
    Aliases,
}

/// A shard of either index.
pub(super) enum Shard<'a> {
    Functions(&'a FunctionShard),
    Aliases(&'a AliasShard),
}

#[cold]
#[inline(never)]
pub(super) fn cold<T>(f: impl FnOnce() -> T) -> T {
    f()
}

#[inline]
pub(super) fn function_hash(state: &foldhash::fast::FixedState, function: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.finish()
}

#[inline]
pub(super) fn alias_hash(state: &foldhash::fast::FixedState, function: &str, alias: &str) -> u64 {
    // foldhash rotates its state by each write's length, so (function, alias) pairs
    // that concatenate alike still hash apart; no separator byte (it would cost one
    // more multiply on every lookup).
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.write(alias.as_bytes());
    h.finish()
}

/// The shard of a hash: bits 32..40, independent of the bits the tables use for bucket
/// positions (low bits) and control bytes (top bits).
#[inline]
pub(super) fn shard_of(hash: u64) -> usize {
    ((hash >> 32) as usize) % SHARDS
}

impl Resolver {
    pub(crate) fn new(partition: Partition, region: Region, account: AccountId) -> Resolver {
        Resolver {
            shared: Arc::new(Shared {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                base: ArnBase::new(partition, region, account),
                hash_state: foldhash::fast::FixedState::with_seed(0x6c61_6d62_6461),
                functions: (0..SHARDS)
                    .map(|_| Arc::new(ArcSwap::from_pointee(FunctionShard::new())))
                    .collect(),
                aliases: (0..SHARDS)
                    .map(|_| Arc::new(ArcSwap::from_pointee(AliasShard::new())))
                    .collect(),
                account: Arc::new(super::Gate::new(u32::MAX)),
            }),
        }
    }

    #[inline]
    pub(super) fn function_hash(&self, function: &str) -> u64 {
        function_hash(&self.shared.hash_state, function)
    }

    #[inline]
    pub(super) fn alias_hash(&self, function: &str, alias: &str) -> u64 {
        alias_hash(&self.shared.hash_state, function, alias)
    }

    /// This thread's caches for this resolver, created on first use.
    #[inline]
    pub(super) fn local<'l>(&self, locals: &'l mut Vec<LocalShards>) -> &'l mut LocalShards {
        let id = self.shared.id;
        let pos = match locals.iter().position(|l| l.id == id) {
            Some(pos) => pos,
            None => {
                locals.retain(|l| l.owner.strong_count() > 0);
                locals.push(LocalShards::new(&self.shared));
                locals.len() - 1
            }
        };
        &mut locals[pos]
    }

    /// Runs `f` on the current shard `i` of `index`, read through this thread's cache (a
    /// pointer comparison when the shard did not change).
    #[inline(always)]
    pub(super) fn with_shard<T>(
        &self,
        i: usize,
        index: Index,
        mut f: impl FnMut(Shard<'_>) -> T,
    ) -> T {
        let cached = LOCAL_SHARDS.try_with(|cell| {
            let mut locals = cell.try_borrow_mut().ok()?;
            let local = self.local(&mut locals);
            Some(match index {
                Index::Functions => f(Shard::Functions(local.functions[i].load())),
                Index::Aliases => f(Shard::Aliases(local.aliases[i].load())),
            })
        });
        match cached {
            Ok(Some(out)) => out,
            // Thread teardown or a re-entrant call: read the shard directly.
            _ => cold(|| match index {
                Index::Functions => f(Shard::Functions(&self.shared.functions[i].load())),
                Index::Aliases => f(Shard::Aliases(&self.shared.aliases[i].load())),
            }),
        }
    }

    /// The version bits of `function`, if it exists.
    pub(super) fn function_versions(&self, function: &str) -> Option<Arc<ArcSwap<VersionSet>>> {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s
                .find(hash, |e| e.is(function))
                .map(|e| Arc::clone(&e.versions)),
            Shard::Aliases(_) => None,
        })
    }

    /// The admission state of `function`, if it exists.
    pub(crate) fn function_admission(
        &self,
        function: &str,
    ) -> Option<Arc<super::FunctionAdmission>> {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s
                .find(hash, |e| e.is(function))
                .map(|e| Arc::clone(&e.admission)),
            Shard::Aliases(_) => None,
        })
    }

    #[cfg(feature = "wire")]
    /// Runs `f` on the admission state of `function`, if it exists, without taking a
    /// reference to it.
    pub(crate) fn with_function_admission<T>(
        &self,
        function: &str,
        f: impl FnOnce(&super::FunctionAdmission) -> T,
    ) -> Option<T> {
        let hash = self.function_hash(function);
        let mut f = Some(f);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s
                .find(hash, |e| e.is(function))
                .and_then(|e| f.take().map(|f| f(&e.admission))),
            Shard::Aliases(_) => None,
        })
    }

    pub(super) fn function_exists(&self, function: &str) -> bool {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s.find(hash, |e| e.is(function)).is_some(),
            Shard::Aliases(_) => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::same_bytes;

    proptest! {
        /// The word-at-a-time comparison agrees with `==` on every length and every
        /// position of a difference.
        #[test]
        fn same_bytes_agrees_with_slice_equality(
            a in proptest::collection::vec(any::<u8>(), 0..70),
            flip in any::<proptest::sample::Index>(),
            bit in 0u8..8,
            cut in any::<proptest::sample::Index>(),
        ) {
            prop_assert!(same_bytes(&a, &a.clone()));
            if !a.is_empty() {
                let mut b = a.clone();
                b[flip.index(a.len())] ^= 1 << bit;
                prop_assert!(!same_bytes(&a, &b));
                let shorter = &a[..cut.index(a.len())];
                prop_assert_eq!(same_bytes(&a, shorter), false);
            }
        }
    }
}
