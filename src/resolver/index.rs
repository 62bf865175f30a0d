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

/// The route slot of one alias.
#[derive(Debug)]
pub(crate) struct AliasSlot {
    pub(super) route: RouteCell,
    pub(super) salt: u64,
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

/// One alias in the alias index, keyed by (function, alias).
#[derive(Clone, Debug)]
pub(super) struct AliasEntry {
    pub(super) function: Arc<str>,
    pub(super) alias: Box<str>,
    pub(super) slot: Arc<AliasSlot>,
}

pub(super) type FunctionShard = HashTable<FunctionEntry>;
pub(super) type AliasShard = HashTable<AliasEntry>;

/// The partition, region and account the resolver's ARNs are built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ArnBase {
    pub(super) partition: Partition,
    pub(super) region: Region,
    pub(super) account: AccountId,
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

pub(super) fn function_hash(state: &foldhash::fast::FixedState, function: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.finish()
}

pub(super) fn alias_hash(state: &foldhash::fast::FixedState, function: &str, alias: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.write_u8(0xff);
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
                base: ArnBase {
                    partition,
                    region,
                    account,
                },
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

    pub(super) fn function_hash(&self, function: &str) -> u64 {
        function_hash(&self.shared.hash_state, function)
    }

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
                .find(hash, |e| &*e.name == function)
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
                .find(hash, |e| &*e.name == function)
                .map(|e| Arc::clone(&e.admission)),
            Shard::Aliases(_) => None,
        })
    }

    pub(super) fn function_exists(&self, function: &str) -> bool {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s.find(hash, |e| &*e.name == function).is_some(),
            Shard::Aliases(_) => false,
        })
    }
}
