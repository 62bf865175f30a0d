//! The data plane: which version runs for an invocation, answered without locks.
//!
//! A [`Resolver`] is a cheap, `Send + Sync` view that the [`Registry`](crate::Registry)
//! keeps current: every mutation that changes routing is visible to every resolve that
//! starts after the mutation returns.
//!
//! # Structure
//!
//! * Functions live in 256 shards, each an immutable map behind an `ArcSwap`. Creating or
//!   deleting a function, or creating or deleting an alias, copies one shard (about
//!   1/256 of the functions, cloning reference-counted pointers only); nothing copies
//!   the whole table.
//! * Each alias has a *route slot*: its primary version, additional version(s) and
//!   integer thresholds behind a sequence counter. An alias update writes the slot in place — O(1)
//!   in the number of functions and aliases — and readers read it with plain loads,
//!   retrying only if a write overlapped their read. Readers take no lock and write no
//!   shared memory.
//! * Resolving by name reads the shard through a per-thread `arc_swap::Cache`, which
//!   costs a pointer comparison when nothing changed, then two hash-map lookups and the
//!   slot. An [`AliasHandle`] holds the slot itself and skips the lookups.
//!
//! # Handles and deletion
//!
//! A handle keeps answering for its alias while the alias exists. Once the deletion of
//! the alias (or of its function) is visible, it answers [`ResolveError::AliasGone`] and
//! never a version from before the deletion; an alias created again under the same name
//! is a new alias, reached through a new handle.
//!
//! # Per-thread caches
//!
//! The first resolve by name on a thread creates that thread's caches for this resolver;
//! they keep the shard versions they last read alive until the thread reads those shards
//! again, exits, or calls [`Resolver::clear_thread_cache`]. A thread that resolved once
//! and then only idles can hold on to an old copy of the index; call
//! `clear_thread_cache` there if that matters.
//!
//! # What the resolver does not check
//!
//! Names are looked up, not validated (anything malformed is simply not found), the
//! function is named by its bare name, and lifecycle states are not consulted: the
//! resolver answers which version runs, not whether it is ready.
//!
//! # Randomness
//!
//! Every resolve takes any [`rand::Rng`]; with a seeded generator a sequence of
//! resolutions is reproducible. The `*_fast` methods use a thread-local `SmallRng`.
//! Sticky resolution hashes a caller-supplied key instead (see [`sticky_point`]).

mod handle;
mod route;
mod sticky;

use std::cell::RefCell;
use std::fmt;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use arc_swap::{ArcSwap, Cache};
use hashbrown::HashTable;
use rand::SeedableRng as _;
use rand::rngs::SmallRng;

pub use handle::{AliasHandle, HandleResolution, LocalAliasHandle};
pub(crate) use route::Route;
use route::RouteCell;
pub use sticky::{alias_salt, sticky_point};

use crate::arn::FunctionArn;
use crate::error::Error;
use crate::names::{
    AccountId, AliasName, FunctionName, Partition, Qualifier, Region, Version, VersionNumber,
};
use crate::routing::RouteReason;

const SHARDS: usize = 256;

/// The route slot of one alias.
#[derive(Debug)]
pub(crate) struct AliasSlot {
    route: RouteCell,
    salt: u64,
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
struct VersionBits {
    words: Box<[AtomicU64]>,
}

impl VersionBits {
    fn contains(&self, n: u64) -> bool {
        let (word, bit) = ((n / 64) as usize, n % 64);
        self.words
            .get(word)
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << bit) != 0)
    }
}

/// One function in the function index.
#[derive(Clone, Debug)]
struct FunctionEntry {
    name: Arc<str>,
    versions: Arc<ArcSwap<VersionBits>>,
}

/// One alias in the alias index, keyed by (function, alias).
#[derive(Clone, Debug)]
struct AliasEntry {
    function: Arc<str>,
    alias: Box<str>,
    slot: Arc<AliasSlot>,
}

type FunctionShard = HashTable<FunctionEntry>;
type AliasShard = HashTable<AliasEntry>;

/// The partition, region and account the resolver's ARNs are built with.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ArnBase {
    partition: Partition,
    region: Region,
    account: AccountId,
}

struct Shared {
    id: u64,
    base: ArnBase,
    hash_state: foldhash::fast::FixedState,
    functions: Box<[Arc<ArcSwap<FunctionShard>>]>,
    aliases: Box<[Arc<ArcSwap<AliasShard>>]>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

type ShardCache<T> = Cache<Arc<ArcSwap<T>>, Arc<T>>;

/// Per-thread caches of one resolver's shards.
struct LocalShards {
    id: u64,
    owner: Weak<Shared>,
    functions: Box<[ShardCache<FunctionShard>]>,
    aliases: Box<[ShardCache<AliasShard>]>,
}

impl LocalShards {
    fn new(shared: &Arc<Shared>) -> LocalShards {
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
    static LOCAL_SHARDS: RefCell<Vec<LocalShards>> = const { RefCell::new(Vec::new()) };
    static FAST_RNG: RefCell<SmallRng> = RefCell::new(SmallRng::from_rng(&mut rand::rng()));
}

/// Which index a lookup reads.
#[derive(Clone, Copy)]
enum Index {
    Functions,
    Aliases,
}

/// A shard of either index.
enum Shard<'a> {
    Functions(&'a FunctionShard),
    Aliases(&'a AliasShard),
}

#[cold]
#[inline(never)]
fn cold<T>(f: impl FnOnce() -> T) -> T {
    f()
}

fn function_hash(state: &foldhash::fast::FixedState, function: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.finish()
}

fn alias_hash(state: &foldhash::fast::FixedState, function: &str, alias: &str) -> u64 {
    let mut h = state.build_hasher();
    h.write(function.as_bytes());
    h.write_u8(0xff);
    h.write(alias.as_bytes());
    h.finish()
}

/// The shard of a hash: bits 32..40, independent of the bits the tables use for bucket
/// positions (low bits) and control bytes (top bits).
#[inline]
fn shard_of(hash: u64) -> usize {
    ((hash >> 32) as usize) % SHARDS
}

/// Why a resolution failed. Small and `Copy`: the failure path allocates nothing; the
/// service's message is built on demand by [`ResolveError::into_error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolveError {
    /// No such function.
    FunctionNotFound,
    /// The function exists but the qualifier names no version or alias.
    QualifierNotFound,
    /// The handle's alias was deleted.
    AliasGone,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResolveError::FunctionNotFound => "function not found",
            ResolveError::QualifierNotFound => "qualifier not found",
            ResolveError::AliasGone => "alias deleted",
        })
    }
}

impl std::error::Error for ResolveError {}

impl ResolveError {
    /// The service's error for this failure of `resolver.resolve(function, qualifier, …)`
    /// (R65): `ResourceNotFoundException` `Function not found: {arn}:{qualifier}`, with
    /// `$LATEST` for an unqualified call. Built on demand; the hot path never formats.
    pub fn into_error(self, resolver: &Resolver, function: &str, qualifier: Option<&str>) -> Error {
        let base = &resolver.shared.base;
        Error::not_found(format!(
            "Function not found: arn:{}:lambda:{}:{}:function:{function}:{}",
            base.partition,
            base.region,
            base.account,
            qualifier.unwrap_or(Version::LATEST_STR)
        ))
    }
}

/// Which version runs for one invocation, why, and the ARN the caller used (R64–R68).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolution<'a> {
    executed_version: Version,
    reason: RouteReason,
    function: &'a str,
    qualifier: Option<&'a str>,
    base: &'a ArnBase,
}

impl Resolution<'_> {
    /// `ExecutedVersion`.
    pub fn executed_version(&self) -> Version {
        self.executed_version
    }

    /// Why this version was chosen.
    pub fn reason(&self) -> RouteReason {
        self.reason
    }

    /// The invoked ARN: the unqualified function ARN for an unqualified call, otherwise
    /// the ARN qualified the way the caller qualified it (R67). Built on demand.
    pub fn invoked_arn(&self) -> FunctionArn {
        let name = FunctionName::new_unchecked(self.function);
        let arn = FunctionArn::new(
            self.base.partition.clone(),
            self.base.region.clone(),
            self.base.account,
            name,
        );
        match self.qualifier.and_then(|q| q.parse::<Qualifier>().ok()) {
            Some(q) => arn.with_qualifier(q),
            None => arn,
        }
    }
}

/// Answers "which version runs?" for one (partition, region, account), kept current by
/// the [`Registry`](crate::Registry) that created it. Cheap to clone; `Send + Sync`.
///
/// ```
/// use lambda_versioning::registry::{CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest};
/// use lambda_versioning::{Code, FunctionConfig, Registry, Version};
/// use rand::SeedableRng as _;
///
/// let mut registry = Registry::builder().build();
/// let config = FunctionConfig::new("arn:aws:iam::123456789012:role/r", Code::from_zip_bytes(b"x"));
/// registry.create_function(CreateFunctionRequest::new("f", config))?;
/// registry.publish_version(PublishVersionRequest::new("f"))?;
/// registry.create_alias(CreateAliasRequest::new("f", "live", "1"))?;
///
/// let resolver = registry.resolver();
/// let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
/// let r = resolver.resolve("f", Some("live"), &mut rng).unwrap();
/// assert_eq!(r.executed_version().to_string(), "1");
/// assert_eq!(r.invoked_arn().to_string(), "arn:aws:lambda:us-east-1:123456789012:function:f:live");
/// assert_eq!(resolver.resolve("f", None, &mut rng).unwrap().executed_version(), Version::Latest);
/// # Ok::<(), lambda_versioning::Error>(())
/// ```
#[derive(Clone)]
pub struct Resolver {
    shared: Arc<Shared>,
}

impl fmt::Debug for Resolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("partition", &self.shared.base.partition)
            .field("region", &self.shared.base.region)
            .field("account", &self.shared.base.account)
            .finish_non_exhaustive()
    }
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

    fn function_hash(&self, function: &str) -> u64 {
        function_hash(&self.shared.hash_state, function)
    }

    fn alias_hash(&self, function: &str, alias: &str) -> u64 {
        alias_hash(&self.shared.hash_state, function, alias)
    }

    /// This thread's caches for this resolver, created on first use.
    #[inline]
    fn local<'l>(&self, locals: &'l mut Vec<LocalShards>) -> &'l mut LocalShards {
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
    fn with_shard<T>(&self, i: usize, index: Index, mut f: impl FnMut(Shard<'_>) -> T) -> T {
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
    fn function_versions(&self, function: &str) -> Option<Arc<ArcSwap<VersionBits>>> {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s
                .find(hash, |e| &*e.name == function)
                .map(|e| Arc::clone(&e.versions)),
            Shard::Aliases(_) => None,
        })
    }

    fn function_exists(&self, function: &str) -> bool {
        let hash = self.function_hash(function);
        self.with_shard(shard_of(hash), Index::Functions, |shard| match shard {
            Shard::Functions(s) => s.find(hash, |e| &*e.name == function).is_some(),
            Shard::Aliases(_) => false,
        })
    }

    /// Which version an invocation of `function` (a bare name) with `qualifier` runs:
    /// unqualified means `$LATEST` (R15); a version number runs itself; an alias runs its
    /// primary or, with the weight's probability, its additional version (R55), drawn
    /// from `rng`.
    ///
    /// Inputs are not validated: anything that names nothing is not found.
    ///
    /// # Errors
    ///
    /// [`ResolveError::FunctionNotFound`] or [`ResolveError::QualifierNotFound`].
    #[inline]
    pub fn resolve<'a, R: rand::Rng + ?Sized>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        rng: &mut R,
    ) -> Result<Resolution<'a>, ResolveError> {
        self.resolve_with(function, qualifier, |slot: &AliasSlot| {
            slot.pick(|| rng.next_u64() >> 1)
        })
    }

    /// As [`Resolver::resolve`], with this thread's fast generator.
    ///
    /// # Errors
    ///
    /// As [`Resolver::resolve`].
    #[inline]
    pub fn resolve_fast<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
    ) -> Result<Resolution<'a>, ResolveError> {
        FAST_RNG.with_borrow_mut(|rng| self.resolve(function, qualifier, rng))
    }

    /// Sticky resolution: the same `key` gets the same version while the weights are
    /// unchanged, and raising the additional version's weight only moves keys from the
    /// primary to the additional version (see [`sticky_point`]).
    ///
    /// # Errors
    ///
    /// As [`Resolver::resolve`].
    pub fn resolve_sticky<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        key: &[u8],
    ) -> Result<Resolution<'a>, ResolveError> {
        self.resolve_with(function, qualifier, |slot: &AliasSlot| {
            let salt = slot.salt;
            slot.pick(|| sticky_point(salt, key) >> 1)
        })
    }

    #[inline]
    fn resolve_with<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        pick: impl FnMut(&AliasSlot) -> Option<(Version, bool)>,
    ) -> Result<Resolution<'a>, ResolveError> {
        let (version, reason) = self.resolve_slot(function, qualifier, pick)?;
        self.resolution(function, qualifier, version, reason)
    }

    fn resolution<'a>(
        &'a self,
        function: &'a str,
        qualifier: Option<&'a str>,
        executed_version: Version,
        reason: RouteReason,
    ) -> Result<Resolution<'a>, ResolveError> {
        Ok(Resolution {
            executed_version,
            reason,
            function,
            qualifier,
            base: &self.shared.base,
        })
    }

    /// Looks the qualifier up: a direct version, or an alias's route picked by `pick`.
    #[inline]
    fn resolve_slot(
        &self,
        function: &str,
        qualifier: Option<&str>,
        mut pick: impl FnMut(&AliasSlot) -> Option<(Version, bool)>,
    ) -> Result<(Version, RouteReason), ResolveError> {
        let direct = |found: bool, v: Version, reason| {
            if found {
                Ok((v, reason))
            } else {
                Err(ResolveError::FunctionNotFound)
            }
        };
        let Some(q) = qualifier else {
            return direct(
                self.function_exists(function),
                Version::Latest,
                RouteReason::Unqualified,
            );
        };
        if q == Version::LATEST_STR {
            return direct(
                self.function_exists(function),
                Version::Latest,
                RouteReason::Latest,
            );
        }
        if q.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            let bits = self
                .function_versions(function)
                .ok_or(ResolveError::FunctionNotFound)?;
            return match q.parse::<VersionNumber>() {
                Ok(n) if bits.load().contains(n.get()) => {
                    Ok((Version::Published(n), RouteReason::DirectVersion))
                }
                _ => Err(ResolveError::QualifierNotFound),
            };
        }
        let hash = self.alias_hash(function, q);
        let picked = self.with_shard(shard_of(hash), Index::Aliases, |shard| match shard {
            Shard::Aliases(s) => s
                .find(hash, |e| &*e.alias == q && &*e.function == function)
                .map(|e| pick(&e.slot)),
            Shard::Functions(_) => None,
        });
        match picked {
            Some(Some((v, true))) => Ok((v, RouteReason::AliasAdditional)),
            Some(Some((v, false))) => Ok((v, RouteReason::AliasPrimary)),
            // Not in the index (or deleted while read): tell a missing function apart.
            _ if self.function_exists(function) => Err(ResolveError::QualifierNotFound),
            _ => Err(ResolveError::FunctionNotFound),
        }
    }

    /// Drops this thread's caches for this resolver (they are rebuilt on the next resolve
    /// by name on this thread).
    pub fn clear_thread_cache(&self) {
        let id = self.shared.id;
        let _ = LOCAL_SHARDS.try_with(|cell| {
            if let Ok(mut locals) = cell.try_borrow_mut() {
                locals.retain(|l| l.id != id && l.owner.strong_count() > 0);
            }
        });
    }

    /// A handle on alias `alias` of `function` that resolves without any map lookup.
    ///
    /// # Errors
    ///
    /// [`ResolveError::FunctionNotFound`] or [`ResolveError::QualifierNotFound`].
    pub fn handle(&self, function: &str, alias: &str) -> Result<AliasHandle, ResolveError> {
        let hash = self.alias_hash(function, alias);
        let slot = self.shared.aliases[shard_of(hash)]
            .load()
            .find(hash, |e| &*e.alias == alias && &*e.function == function)
            .map(|e| Arc::clone(&e.slot));
        let slot = match slot {
            Some(slot) => slot,
            None if self.function_exists(function) => return Err(ResolveError::QualifierNotFound),
            None => return Err(ResolveError::FunctionNotFound),
        };
        let function = FunctionName::new_unchecked(function);
        let alias = AliasName::new_unchecked(alias);
        let base = &self.shared.base;
        let arn = FunctionArn::new(
            base.partition.clone(),
            base.region.clone(),
            base.account,
            function,
        )
        .with_qualifier(alias);
        Ok(AliasHandle::new(slot, arn))
    }

    // ---- writer side: called by the registry only, under its `&mut self` ----

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
        let bits = versions
            .iter()
            .fold(VersionBits::default(), |b, n| with_bit(&b, n.get()));
        let entry = FunctionEntry {
            name: Arc::from(name.as_str()),
            versions: Arc::new(ArcSwap::from_pointee(bits)),
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
            if let Ok(entry) = s.find_entry(hash, |e| &*e.name == name.as_str()) {
                entry.remove();
            }
        });
    }

    pub(crate) fn version_published(&self, name: &FunctionName, n: VersionNumber) {
        if let Some(versions) = self.function_versions(name.as_str()) {
            let current = versions.load();
            let (word, bit) = ((n.get() / 64) as usize, n.get() % 64);
            match current.words.get(word) {
                Some(w) => {
                    w.fetch_or(1 << bit, Ordering::AcqRel);
                }
                None => versions.store(Arc::new(with_bit(&current, n.get()))),
            }
        }
    }

    pub(crate) fn version_deleted(&self, name: &FunctionName, n: VersionNumber) {
        if let Some(versions) = self.function_versions(name.as_str()) {
            let current = versions.load();
            let (word, bit) = ((n.get() / 64) as usize, n.get() % 64);
            if let Some(w) = current.words.get(word) {
                w.fetch_and(!(1 << bit), Ordering::AcqRel);
            }
        }
    }

    /// Sets the route of an alias, creating its slot if it is new. An update of an
    /// existing alias writes the slot in place: O(1), no index is copied.
    pub(crate) fn alias_set(&self, name: &FunctionName, alias: &AliasName, route: Route) {
        let (function, alias) = (name.as_str(), alias.as_str());
        let hash = self.alias_hash(function, alias);
        let shard = &self.shared.aliases[shard_of(hash)];
        if let Some(e) = shard
            .load()
            .find(hash, |e| &*e.alias == alias && &*e.function == function)
        {
            e.slot.route.write(Some(route));
            return;
        }
        let function_arc = self.shared.functions[shard_of(self.function_hash(function))]
            .load()
            .find(self.function_hash(function), |e| &*e.name == function)
            .map_or_else(|| Arc::from(function), |e| Arc::clone(&e.name));
        let entry = AliasEntry {
            function: function_arc,
            alias: alias.into(),
            slot: Arc::new(AliasSlot {
                route: RouteCell::new(route),
                salt: alias_salt(function, alias),
            }),
        };
        let state = &self.shared.hash_state;
        self.update_aliases(hash, |s| {
            s.insert_unique(hash, entry, |e| alias_hash(state, &e.function, &e.alias));
        });
    }

    pub(crate) fn alias_deleted(&self, name: &FunctionName, alias: &AliasName) {
        let (function, alias) = (name.as_str(), alias.as_str());
        let hash = self.alias_hash(function, alias);
        let mut removed = None;
        self.update_aliases(hash, |s| {
            if let Ok(entry) =
                s.find_entry(hash, |e| &*e.alias == alias && &*e.function == function)
            {
                removed = Some(entry.remove().0.slot);
            }
        });
        // After the index no longer names it, outstanding handles learn it is gone.
        if let Some(slot) = removed {
            slot.route.write(None);
        }
    }
}

/// A copy of `bits` with bit `n` set, grown (doubling) if needed.
fn with_bit(bits: &VersionBits, n: u64) -> VersionBits {
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
