//! The control plane for one (partition, region, account): API-shaped operations that
//! enforce every rule of the rulebook, in the service's order of checks (R94).
//!
//! Each operation takes a request value (raw strings, as the service receives them) and
//! returns a response value or an [`Error`] carrying the service's exception, status and
//! exact message. A refused request changes nothing.

mod aliases;
mod functions;
#[cfg(feature = "postgres")]
mod install;
mod pagination;
mod permissions;
pub mod requests;
pub mod responses;
mod snapshot;
mod versions;

use std::collections::HashMap;
use std::fmt;

pub use requests::*;
pub use responses::*;
pub use snapshot::{Snapshot, SnapshotError};

pub(crate) use aliases::LATEST_NOT_ROUTABLE;
pub use aliases::{NOTHING_TO_UNDO, WEIGHT_SUM_EXCEEDED};

use crate::arn::FunctionRef;
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::error::{Error, ErrorKind};
use crate::function::Function;
use crate::names::{AccountId, FunctionName, Partition, Region, RevisionId};
use crate::resolver::Resolver;
use crate::revision::{RandomRevisionIds, RevisionIdSource, SeededRevisionIds};
use crate::validate::{
    NamePattern, QUALIFIER_PATTERN, Violations, matches_qualifier_param, max_len_text, pattern_text,
};

/// The `PreconditionFailedException` text for `$LATEST` and alias revisions (R22, R40).
pub(crate) const REVISION_MISMATCH: &str = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

/// R10: code and configuration changes (and, by this crate's choice, the other operations
/// without a `Qualifier` parameter) accept no qualifier but `$LATEST`.
pub(crate) const ONLY_LATEST: &str = "Current operation does not support versions other than $LATEST. Please set the version to $LATEST or do not set a version in your request.";

/// R6.
pub(crate) const QUALIFIER_MISMATCH: &str =
    "The derived qualifier from the function name does not match the specified qualifier.";

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
    partition: Partition,
    region: Region,
    account: AccountId,
    clock: Box<dyn Clock>,
    revision_ids: Box<dyn RevisionIdSource + Sync>,
    lifecycle: Lifecycle,
    numbering: VersionNumbering,
    block_public_access: bool,
    routing_mode: RoutingMode,
    alias_history: usize,
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

    /// How many earlier targets each alias remembers for [`Registry::undo_alias`]
    /// (default 10; 0 turns the history off).
    pub fn alias_history(mut self, depth: usize) -> Self {
        self.alias_history = depth;
        self
    }

    /// The registry, empty.
    pub fn build(self) -> Registry {
        let resolver = Resolver::new(self.partition.clone(), self.region.clone(), self.account);
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
            functions: HashMap::new(),
            retired_counters: HashMap::new(),
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
    resolver: Resolver,
    pub(crate) partition: Partition,
    pub(crate) region: Region,
    pub(crate) account: AccountId,
    clock: Box<dyn Clock>,
    revision_ids: Box<dyn RevisionIdSource + Sync>,
    lifecycle: Lifecycle,
    numbering: VersionNumbering,
    block_public_access: bool,
    pub(crate) routing_mode: RoutingMode,
    pub(crate) alias_history: usize,
    pub(crate) functions: HashMap<FunctionName, Function>,
    /// Highest version number used by deleted functions, by name (Q1).
    retired_counters: HashMap<FunctionName, u64>,
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

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn new_revision_id(&mut self) -> RevisionId {
        self.revision_ids.next_revision_id()
    }

    /// Records a `FunctionName` violation (length, then pattern) and returns the parsed
    /// reference when the member is valid.
    fn check_function_name(
        v: &mut Violations,
        raw: &str,
        pattern: NamePattern,
    ) -> Option<FunctionRef> {
        if !v.check_string(raw, "functionName", 1, pattern.max_len(), None) {
            return None;
        }
        match FunctionRef::parse(raw, pattern) {
            Ok(r) => Some(r),
            Err(_) => {
                v.push(raw, "functionName", &pattern_text(pattern.quoted()));
                None
            }
        }
    }

    /// Records a violation of the `Qualifier` parameter, if any.
    fn check_qualifier_param(v: &mut Violations, qualifier: Option<&str>) {
        if let Some(q) = qualifier {
            v.check_string(
                q,
                "qualifier",
                1,
                128,
                Some((QUALIFIER_PATTERN, matches_qualifier_param(q))),
            );
        }
    }

    /// Records a violation of an optional `Description` member.
    fn check_description(v: &mut Violations, description: Option<&str>) {
        if let Some(d) = description {
            v.check_string(d, "description", 0, 256, None);
        }
    }

    /// R7: an ARN naming another region is not reachable here.
    fn check_region(&self, fref: &FunctionRef) -> Result<(), Error> {
        match fref.region() {
            Some(r) if *r != self.region => Err(Error::not_found(format!(
                "Functions from '{r}' are not reachable in this region ('{}')",
                self.region
            ))),
            _ => Ok(()),
        }
    }

    /// The unqualified ARN text used in messages for `fref` (its own partition and account
    /// when it names them, this registry's otherwise).
    fn arn_text(&self, fref: &FunctionRef) -> String {
        format!(
            "arn:{}:lambda:{}:{}:function:{}",
            fref.partition().unwrap_or(&self.partition),
            self.region,
            fref.account().unwrap_or(self.account),
            fref.name()
        )
    }

    /// The function `fref` names, if it lives in this registry.
    fn lookup(&self, fref: &FunctionRef) -> Option<&Function> {
        if fref.account().is_some_and(|a| a != self.account)
            || fref.partition().is_some_and(|p| *p != self.partition)
        {
            return None;
        }
        self.functions.get(fref.name())
    }

    /// Steps (1) to (3) of R94 for operations without a `Qualifier` parameter: the
    /// recorded violations (R93), the region (R7) and the suffix rule (Q13).
    fn unqualified_target(
        &self,
        violations: Violations,
        fref: Option<FunctionRef>,
    ) -> Result<FunctionRef, Error> {
        violations.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        Self::require_unqualified(&fref)?;
        Ok(fref)
    }

    /// The function `fref` names, or `Function not found: {arn}`.
    fn existing(&self, fref: &FunctionRef) -> Result<&Function, Error> {
        self.lookup(fref)
            .ok_or_else(|| self.function_not_found(fref))
    }

    /// `Function not found: {arn}`.
    fn function_not_found(&self, fref: &FunctionRef) -> Error {
        Error::not_found(format!("Function not found: {}", self.arn_text(fref)))
    }

    /// `Function not found: {arn}:{qualifier}`.
    fn qualified_not_found(&self, fref: &FunctionRef, qualifier: &str) -> Error {
        Error::not_found(format!(
            "Function not found: {}:{qualifier}",
            self.arn_text(fref)
        ))
    }

    /// Q13: operations without a `Qualifier` parameter accept a `:$LATEST` suffix as
    /// unqualified and refuse any other suffix with the R10 text.
    fn require_unqualified(fref: &FunctionRef) -> Result<(), Error> {
        match fref.qualifier() {
            None | Some("$LATEST") => Ok(()),
            Some(_) => Err(Error::invalid_parameter(ONLY_LATEST)),
        }
    }

    /// R6: the suffix and the `Qualifier` parameter must agree; the effective qualifier.
    fn effective_qualifier<'a>(
        fref: &'a FunctionRef,
        param: Option<&'a str>,
    ) -> Result<Option<&'a str>, Error> {
        match (fref.qualifier(), param) {
            (Some(a), Some(b)) if a != b => Err(Error::invalid_parameter(QUALIFIER_MISMATCH)),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// Unwraps a member that framework validation has already accepted. Validation records a
/// violation whenever it returns `None`, so this only fails on a bug in this crate.
fn validated<T>(member: Option<T>) -> Result<T, Error> {
    member.ok_or_else(|| {
        Error::new(
            ErrorKind::Service,
            "internal error: a validated member is missing",
        )
    })
}

/// Records `Member must have length less than or equal to 64` for a bare name that is too
/// long, formatted the way CreateFunction reports it (R1).
fn name_too_long(name: &str) -> Error {
    let mut v = Violations::new();
    v.push(name, "functionName", &max_len_text(64));
    match v.finish() {
        Err(e) => Error::invalid_parameter(e.message().to_owned()),
        Ok(()) => Error::new(ErrorKind::Service, "internal error"),
    }
}
