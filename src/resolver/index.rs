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

/// Which published versions of a function exist: bit `n` of the words.
#[derive(Debug, Default)]
pub(super) struct VersionBits {
    pub(super) words: Box<[AtomicU64]>,
}

impl VersionBits {
    pub(super) fn contains(&self, n: u64) -> bool {
        let (word, bit) = ((n / 64) as usize, n % 64);
        self.words
            .get(word)
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << bit) != 0)
    }
}

/// One function in the function index.
#[derive(Clone, Debug)]
pub(super) struct FunctionEntry {
    pub(super) name: Arc<str>,
    pub(super) versions: Arc<ArcSwap<VersionBits>>,
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

/// A copy of `bits` with bit `n` set, grown (doubling) if needed.
pub(super) fn with_bit(bits: &VersionBits, n: u64) -> VersionBits {
    let (word, bit) = ((n / 64) as usize, n % 64);
    let len = bits.words.len().max(word + 1).next_power_of_two();
    let words: Box<[AtomicU64]> = (0..len)
        .map(|i| {
            let old = bits.words.get(i).map_or(0, |w| w.load(Ordering::Acquire));
            AtomicU64::new(if i == word { old | (1 << bit) } else { old })
        })
        .collect();
    VersionBits { words }
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
    pub(super) fn function_versions(&self, function: &str) -> Option<Arc<ArcSwap<VersionBits>>> {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s
                .find(hash, |e| &*e.name == function)
                .map(|e| Arc::clone(&e.versions)),
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
