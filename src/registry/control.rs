//! The [`Registry`] value, its [`RegistryBuilder`] and the options that shape it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock, Timestamp};
use crate::function::Function;
use crate::invoke_config::{AsyncOutcome, DestinationLog, always_succeeds};
use crate::names::{AccountId, FunctionName, Partition, Region, RevisionId};
use crate::policy::PolicyTarget;
use crate::resolver::Resolver;
use crate::revision::{RandomRevisionIds, RevisionIdSource, SeededRevisionIds};

/// The limits a registry enforces ([`RegistryBuilder::code_storage_limit`] and friends);
/// all off by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Quotas {
    pub(crate) code_storage: Option<u64>,
    pub(crate) aliases_per_function: Option<usize>,
    pub(crate) versions_per_function: Option<usize>,
}

/// The account's concurrency settings (R118): the limit and the minimum that must stay
/// unreserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ConcurrencyLimits {
    pub(crate) limit: u32,
    pub(crate) minimum_unreserved: u32,
}

impl Default for ConcurrencyLimits {
    fn default() -> Self {
        ConcurrencyLimits {
            limit: 1000,
            minimum_unreserved: 100,
        }
    }
}

/// How lifecycle transitions (R23, R25, R69) are driven.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lifecycle {
    /// Every operation reports the state the service reports in its response (`Pending`,
    /// `InProgress`), then the registry settles it before returning, as if the code were
    /// ready at once. Settling changes `$LATEST`'s `RevisionId` as the service does (R69).
    #[default]
    Immediate,
    /// States stay `Pending` / `InProgress` until the embedding platform calls
    /// [`Registry::finish_creation`] or [`Registry::finish_update`]; meanwhile publishing
    /// and updating are refused (R23).
    Manual,
}

/// What happens to version numbers when a function is deleted and created again (Q1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VersionNumbering {
    /// Numbers continue after the highest number the deleted function ever used (the only
    /// written statement of the service's behaviour).
    #[default]
    ContinueAfterRecreate,
    /// A re-created function starts again at version 1.
    RestartAfterRecreate,
}

/// How many versions an alias may split its traffic across (R46).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoutingMode {
    /// The service's rule: a primary and at most one additional version.
    #[default]
    Aws,
    /// Beyond the service, opt-in: a primary and up to
    /// [`MAX_ADDITIONAL_VERSIONS`](crate::MAX_ADDITIONAL_VERSIONS) additional
    /// versions, whose weights add up to at most 1.0 (the primary takes the rest). Every
    /// other routing rule (R47–R52) applies to each additional version. Resolution costs
    /// the same class as a two-way split: one draw and at most three compares.
    MultiVersion,
}

impl RoutingMode {
    /// The largest number of additional versions an alias may have.
    pub const fn max_additional_versions(self) -> usize {
        match self {
            RoutingMode::Aws => 1,
            RoutingMode::MultiVersion => crate::routing::MAX_ADDITIONAL_VERSIONS,
        }
    }
}

/// Builds a [`Registry`].
///
/// ```
/// use lambda_versioning::{Lifecycle, ManualClock, Registry, Timestamp};
/// let registry = Registry::builder()
///     .region("eu-west-1".parse().unwrap())
///     .account("111122223333".parse().unwrap())
///     .clock(ManualClock::new(Timestamp::from_unix_millis(0)))
///     .seed(42)
///     .lifecycle(Lifecycle::Manual)
///     .build();
/// assert_eq!(registry.region().as_str(), "eu-west-1");
/// ```
pub struct RegistryBuilder {
    pub(super) partition: Partition,
    pub(super) region: Region,
    pub(super) account: AccountId,
    pub(super) clock: Box<dyn Clock>,
    pub(super) revision_ids: Box<dyn RevisionIdSource + Sync>,
    pub(super) lifecycle: Lifecycle,
    pub(super) numbering: VersionNumbering,
    pub(super) block_public_access: bool,
    pub(super) routing_mode: RoutingMode,
    pub(super) alias_history: usize,
    pub(super) quotas: Quotas,
    pub(super) async_outcome: Arc<dyn AsyncOutcome>,
    pub(super) destinations: DestinationLog,
    pub(super) concurrency: ConcurrencyLimits,
}

impl RegistryBuilder {
    /// The partition (default `aws`).
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partition = partition;
        self
    }

    /// The region this registry serves (default `us-east-1`).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// The account this registry serves (default `123456789012`).
    pub fn account(mut self, account: AccountId) -> Self {
        self.account = account;
        self
    }

    /// The clock for `LastModified` (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// The source of new revision ids (default: random).
    pub fn revision_ids(mut self, source: impl RevisionIdSource + Sync + 'static) -> Self {
        self.revision_ids = Box::new(source);
        self
    }

    /// Shorthand for `revision_ids(SeededRevisionIds::new(seed))`: with a fixed clock too,
    /// the same calls give the same responses on every run.
    pub fn seed(self, seed: u64) -> Self {
        self.revision_ids(SeededRevisionIds::new(seed))
    }

    /// How lifecycle transitions are driven (default [`Lifecycle::Immediate`]).
    pub fn lifecycle(mut self, lifecycle: Lifecycle) -> Self {
        self.lifecycle = lifecycle;
        self
    }

    /// Version numbering across delete and re-create (default
    /// [`VersionNumbering::ContinueAfterRecreate`]).
    pub fn version_numbering(mut self, numbering: VersionNumbering) -> Self {
        self.numbering = numbering;
        self
    }

    /// Lambda block public access (R90): when on, `AddPermission` refuses a statement that
    /// grants `*` without a `SourceAccount`, `SourceArn` or `PrincipalOrgID` condition
    /// (default off).
    pub fn block_public_access(mut self, on: bool) -> Self {
        self.block_public_access = on;
        self
    }

    /// How many versions an alias may split across (default [`RoutingMode::Aws`]).
    pub fn routing_mode(mut self, mode: RoutingMode) -> Self {
        self.routing_mode = mode;
        self
    }

    /// The most code, in bytes, the registry stores: every function's `$LATEST` plus
    /// every published version counts its `CodeSize` (R28). Over it, `CreateFunction`,
    /// `UpdateFunctionCode` and `PublishVersion` are refused with
    /// `CodeStorageExceededException`. Default: no limit (the service's default quota is
    /// 75 GB per region). With a limit set, each of those calls sums the stored code
    /// (proportional to the number of versions).
    pub fn code_storage_limit(mut self, bytes: u64) -> Self {
        self.quotas.code_storage = Some(bytes);
        self
    }

    /// The most aliases one function may have; one more is refused with
    /// `AliasLimitExceededException` (R45). Default: no limit (the service's number is
    /// not published, Q15).
    pub fn max_aliases_per_function(mut self, aliases: usize) -> Self {
        self.quotas.aliases_per_function = Some(aliases);
        self
    }

    /// The most published versions one function may hold at once; a publish past it is
    /// refused with `CodeStorageExceededException` (versions are what uses code storage).
    /// Beyond the service, which bounds versions only through storage. Default: no
    /// limit.
    pub fn max_versions_per_function(mut self, versions: usize) -> Self {
        self.quotas.versions_per_function = Some(versions);
        self
    }

    /// How many earlier targets each alias remembers for [`Registry::undo_alias`]
    /// (default 10; 0 turns the history off).
    pub fn alias_history(mut self, depth: usize) -> Self {
        self.alias_history = depth;
        self
    }

    /// Decides the outcome of each attempt of an asynchronous invocation
    /// ([`Registry::invoke_async`]); default: every attempt succeeds.
    ///
    /// ```
    /// use lambda_versioning::{AsyncAttempt, InvocationOutcome, Registry, Version};
    /// // Version 3 fails every time; everything else succeeds.
    /// let registry = Registry::builder()
    ///     .async_outcome(|a: &AsyncAttempt<'_>| match a.executed_version {
    ///         Version::Published(n) if n.get() == 3 => InvocationOutcome::failure("boom"),
    ///         _ => InvocationOutcome::success(),
    ///     })
    ///     .build();
    /// # let _ = registry;
    /// ```
    pub fn async_outcome(mut self, outcome: impl AsyncOutcome + 'static) -> Self {
        self.async_outcome = Arc::new(outcome);
        self
    }

    /// The account's concurrency limit (`AccountLimit.ConcurrentExecutions`, default
    /// 1000) and the minimum that must stay unreserved (default 100) (R118, Q37). Every
    /// invocation admitted through the resolver counts against them.
    pub fn account_concurrency(mut self, limit: u32, minimum_unreserved: u32) -> Self {
        self.concurrency = ConcurrencyLimits {
            limit,
            minimum_unreserved,
        };
        self
    }

    /// Where the records of asynchronous invocations go (default: a log of the newest
    /// 10 000 records); keep a clone to read them.
    pub fn destination_log(mut self, log: DestinationLog) -> Self {
        self.destinations = log;
        self
    }

    /// The registry, empty.
    pub fn build(self) -> Registry {
        let resolver = Resolver::new(self.partition.clone(), self.region.clone(), self.account);
        resolver.set_account_capacity(self.concurrency.limit);
        Registry {
            resolver,
            partition: self.partition,
            region: self.region,
            account: self.account,
            clock: self.clock,
            revision_ids: self.revision_ids,
            lifecycle: self.lifecycle,
            numbering: self.numbering,
            block_public_access: self.block_public_access,
            routing_mode: self.routing_mode,
            alias_history: self.alias_history,
            quotas: self.quotas,
            functions: HashMap::default(),
            retired_counters: HashMap::new(),
            mappings: BTreeMap::new(),
            url_index: HashMap::new(),
            async_outcome: self.async_outcome,
            destinations: self.destinations,
            concurrency: self.concurrency,
        }
    }
}

impl fmt::Debug for RegistryBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryBuilder")
            .field("partition", &self.partition)
            .field("region", &self.region)
            .field("account", &self.account)
            .field("lifecycle", &self.lifecycle)
            .field("numbering", &self.numbering)
            .field("routing_mode", &self.routing_mode)
            .field("alias_history", &self.alias_history)
            .finish_non_exhaustive()
    }
}

/// The control plane of one (partition, region, account).
///
/// Mutations take `&mut self` (a single writer); a platform serving concurrent requests
/// wraps the registry in a mutex. See the crate documentation for an end-to-end example.
pub struct Registry {
    pub(super) resolver: Resolver,
    pub(crate) partition: Partition,
    pub(crate) region: Region,
    pub(crate) account: AccountId,
    pub(super) clock: Box<dyn Clock>,
    pub(super) revision_ids: Box<dyn RevisionIdSource + Sync>,
    pub(super) lifecycle: Lifecycle,
    pub(super) numbering: VersionNumbering,
    pub(super) block_public_access: bool,
    pub(crate) routing_mode: RoutingMode,
    pub(crate) alias_history: usize,
    pub(super) quotas: Quotas,
    /// The functions by name. Hashed with foldhash (randomly seeded per map, as std's
    /// SipHash is), which takes a few nanoseconds where SipHash took about twenty: every
    /// operation starts with this lookup.
    pub(crate) functions: HashMap<FunctionName, Function, foldhash::fast::RandomState>,
    /// Highest version number used by deleted functions, by name (Q1).
    pub(super) retired_counters: HashMap<FunctionName, u64>,
    /// Event source mappings by UUID: they outlive their function (R155).
    pub(super) mappings: BTreeMap<String, crate::event_source::EventSourceMapping>,
    /// Function URLs by URL id: the function and the target (function or alias).
    pub(super) url_index: HashMap<String, (FunctionName, PolicyTarget)>,
    pub(super) async_outcome: Arc<dyn AsyncOutcome>,
    pub(super) destinations: DestinationLog,
    pub(super) concurrency: ConcurrencyLimits,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("partition", &self.partition)
            .field("region", &self.region)
            .field("account", &self.account)
            .field("lifecycle", &self.lifecycle)
            .field("functions", &self.functions.len())
            .finish_non_exhaustive()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builder().build()
    }
}

impl Registry {
    /// A builder with the defaults: partition `aws`, region `us-east-1`, account
    /// `123456789012`, system clock, random revision ids, [`Lifecycle::Immediate`].
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder {
            partition: Partition::AWS,
            region: Region::US_EAST_1,
            account: AccountId::EXAMPLE,
            clock: Box::new(SystemClock),
            revision_ids: Box::new(RandomRevisionIds),
            lifecycle: Lifecycle::Immediate,
            numbering: VersionNumbering::ContinueAfterRecreate,
            block_public_access: false,
            routing_mode: RoutingMode::Aws,
            alias_history: 10,
            quotas: Quotas::default(),
            async_outcome: Arc::new(always_succeeds),
            destinations: DestinationLog::default(),
            concurrency: ConcurrencyLimits::default(),
        }
    }

    /// The data-plane view of this registry: a lock-free [`Resolver`] that every
    /// mutation keeps current. Clones share the same state.
    pub fn resolver(&self) -> Resolver {
        self.resolver.clone()
    }

    /// The partition this registry serves.
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// The region this registry serves.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The account this registry serves.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The lifecycle mode.
    pub fn lifecycle(&self) -> Lifecycle {
        self.lifecycle
    }

    /// The routing mode.
    pub fn routing_mode(&self) -> RoutingMode {
        self.routing_mode
    }

    /// The names of all functions, in name order.
    pub fn function_names(&self) -> Vec<FunctionName> {
        let mut names: Vec<FunctionName> = self.functions.keys().cloned().collect();
        names.sort();
        names
    }

    /// The number of functions.
    pub fn function_count(&self) -> usize {
        self.functions.len()
    }

    /// The code this registry stores, in bytes: every function's `$LATEST` and every
    /// published version count their `CodeSize` (R28). Proportional to the number of
    /// versions.
    pub fn code_storage_used(&self) -> u64 {
        self.functions
            .values()
            .map(Function::stored_bytes)
            .fold(0, u64::saturating_add)
    }

    /// The log the records of asynchronous invocations land in (a clone shares it).
    pub fn destination_log(&self) -> DestinationLog {
        self.destinations.clone()
    }

    pub(super) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(super) fn new_revision_id(&mut self) -> RevisionId {
        self.revision_ids.next_revision_id()
    }
}
