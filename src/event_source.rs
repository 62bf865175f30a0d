//! Event source mappings (R151–R160): a queue or stream bound to a function, a version or
//! an alias, and the data-plane side of one — a [`MappingPoller`] that answers, batch by
//! batch, which version runs it, without a lock.
//!
//! A mapping bound to an alias is resolved when each batch is delivered, so moving the
//! alias (an update, a weighted split, a rollback) moves the mapping's traffic with no
//! change to the mapping (R154).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use arc_swap::ArcSwap;

use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::names::{AccountId, FunctionName, Qualifier, Version};
use crate::resolver::{LocalAliasHandle, Resolver};

/// `State` of an event source mapping (R151, R153, R158).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum MappingState {
    /// Just created; settles to `Enabled` or `Disabled`.
    Creating,
    /// Delivering batches.
    Enabled,
    /// Not delivering.
    Disabled,
    /// Just updated; settles to `Enabled` or `Disabled`.
    Updating,
    /// Being deleted; goes away when it settles.
    Deleting,
}

impl MappingState {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            MappingState::Creating => "Creating",
            MappingState::Enabled => "Enabled",
            MappingState::Disabled => "Disabled",
            MappingState::Updating => "Updating",
            MappingState::Deleting => "Deleting",
        }
    }

    fn code(self) -> u8 {
        match self {
            MappingState::Creating => 0,
            MappingState::Enabled => 1,
            MappingState::Disabled => 2,
            MappingState::Updating => 3,
            MappingState::Deleting => 4,
        }
    }

    fn of_code(code: u8) -> MappingState {
        match code {
            0 => MappingState::Creating,
            1 => MappingState::Enabled,
            2 => MappingState::Disabled,
            3 => MappingState::Updating,
            _ => MappingState::Deleting,
        }
    }
}

impl fmt::Display for MappingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `LastProcessingResult` of a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ProcessingResult {
    /// `No records processed` (recorded): nothing delivered yet.
    NoRecordsProcessed,
    /// `OK`: the last batch was handed to a version (this crate's text; the service's
    /// text for success is unrecorded).
    Ok,
    /// `PROBLEM: Function not found under accountId {account} in database` (field
    /// report, R155): the mapping's function, version or alias is gone.
    FunctionNotFound,
}

impl ProcessingResult {
    fn code(self) -> u8 {
        match self {
            ProcessingResult::NoRecordsProcessed => 0,
            ProcessingResult::Ok => 1,
            ProcessingResult::FunctionNotFound => 2,
        }
    }

    fn of_code(code: u8) -> ProcessingResult {
        match code {
            0 => ProcessingResult::NoRecordsProcessed,
            1 => ProcessingResult::Ok,
            _ => ProcessingResult::FunctionNotFound,
        }
    }

    /// The text `GetEventSourceMapping` reports.
    pub fn text(self, account: AccountId) -> String {
        match self {
            ProcessingResult::NoRecordsProcessed => "No records processed".into(),
            ProcessingResult::Ok => "OK".into(),
            ProcessingResult::FunctionNotFound => {
                format!("PROBLEM: Function not found under accountId {account} in database")
            }
        }
    }
}

/// Where a mapping delivers: a function and the qualifier exactly as it was given
/// (none, `$LATEST`, a version or an alias, R151).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MappingTarget {
    pub(crate) function: FunctionName,
    pub(crate) qualifier: Option<Qualifier>,
    /// The qualifier as text, made once, so a delivery to a version allocates nothing.
    pub(crate) qualifier_text: Option<String>,
    /// The ARN the mapping reports as `FunctionArn` and invokes (shared with every
    /// delivery, so a batch costs no allocation).
    pub(crate) arn: Arc<FunctionArn>,
}

/// What a mapping shares with its pollers: the target, the state and the last result,
/// all readable without a lock.
#[derive(Debug)]
pub(crate) struct MappingShared {
    pub(crate) target: ArcSwap<MappingTarget>,
    state: AtomicU8,
    last_result: AtomicU8,
}

impl MappingShared {
    pub(crate) fn new(
        target: MappingTarget,
        state: MappingState,
        last: ProcessingResult,
    ) -> MappingShared {
        MappingShared {
            target: ArcSwap::from_pointee(target),
            state: AtomicU8::new(state.code()),
            last_result: AtomicU8::new(last.code()),
        }
    }

    pub(crate) fn state(&self) -> MappingState {
        MappingState::of_code(self.state.load(Ordering::Acquire))
    }

    pub(crate) fn set_state(&self, state: MappingState) {
        self.state.store(state.code(), Ordering::Release);
    }

    pub(crate) fn last_result(&self) -> ProcessingResult {
        ProcessingResult::of_code(self.last_result.load(Ordering::Relaxed))
    }

    fn record(&self, result: ProcessingResult) {
        // Only a change is written, so steady delivery does not bounce the cache line.
        if self.last_result.load(Ordering::Relaxed) != result.code() {
            self.last_result.store(result.code(), Ordering::Relaxed);
        }
    }
}

/// The kind of event source, from its ARN's service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SourceKind {
    /// An SQS queue.
    Queue,
    /// A Kinesis or DynamoDB stream (or another streaming source).
    Stream,
}

impl SourceKind {
    pub(crate) fn of(arn: &str) -> Option<SourceKind> {
        let mut fields = arn.split(':');
        if fields.next() != Some("arn") {
            return None;
        }
        match fields.nth(1)? {
            "sqs" => Some(SourceKind::Queue),
            "kinesis" | "dynamodb" | "kafka" | "mq" => Some(SourceKind::Stream),
            _ => None,
        }
    }

    pub(crate) fn default_batch_size(self) -> u32 {
        match self {
            SourceKind::Queue => 10,
            SourceKind::Stream => 100,
        }
    }
}

/// One event source mapping as the registry keeps it.
#[derive(Debug)]
pub(crate) struct EventSourceMapping {
    pub(crate) uuid: String,
    pub(crate) source: String,
    pub(crate) kind: SourceKind,
    pub(crate) enabled: bool,
    pub(crate) batch_size: u32,
    pub(crate) batching_window: u32,
    pub(crate) starting_position: Option<String>,
    pub(crate) last_modified: Timestamp,
    pub(crate) shared: Arc<MappingShared>,
    /// Tags (R161).
    pub(crate) tags: std::collections::BTreeMap<String, String>,
}

/// Why a batch was not delivered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The mapping is not `Enabled` (it is being created, updated or deleted, or it is
    /// disabled): the service does not poll it.
    #[error("the event source mapping is {0}, not Enabled")]
    NotEnabled(MappingState),
    /// The mapping's function, version or alias does not exist (any more); the mapping
    /// records `PROBLEM: Function not found …` as its last processing result (R155).
    #[error("function not found: {0}")]
    FunctionNotFound(FunctionArn),
}

/// One batch handed to a version.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The version that runs the batch.
    pub executed_version: Version,
    /// The ARN the mapping invokes (its `FunctionArn`).
    pub invoked_arn: Arc<FunctionArn>,
    /// The number of records in the batch.
    pub records: usize,
}

/// The data-plane side of one event source mapping, for the platform's poller thread:
/// [`MappingPoller::deliver`] answers which version runs a batch, resolved at that
/// moment, with no lock and no map lookup for an alias target (it keeps an alias handle
/// and re-acquires it only when the mapping is re-targeted or the alias is re-created).
///
/// Obtain one with [`Registry::event_source_poller`](crate::Registry::event_source_poller).
pub struct MappingPoller {
    shared: Arc<MappingShared>,
    resolver: Resolver,
    /// The target the handle was made for, and the handle (alias targets only).
    cached: Option<(Arc<MappingTarget>, LocalAliasHandle)>,
    seed: u64,
}

impl fmt::Debug for MappingPoller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappingPoller")
            .field("target", &self.shared.target.load().arn)
            .field("state", &self.shared.state())
            .finish_non_exhaustive()
    }
}

impl MappingPoller {
    pub(crate) fn new(shared: Arc<MappingShared>, resolver: Resolver, seed: u64) -> MappingPoller {
        MappingPoller {
            shared,
            resolver,
            cached: None,
            seed,
        }
    }

    /// The mapping's state as the poller sees it now.
    pub fn state(&self) -> MappingState {
        self.shared.state()
    }

    /// Delivers a batch of `records`: the version that runs it, chosen now — an alias
    /// target resolves through the alias's current routing (R154), a version target runs
    /// that version, an unqualified or `$LATEST` target runs `$LATEST`.
    ///
    /// # Errors
    ///
    /// [`DeliveryError::NotEnabled`] unless the mapping is `Enabled`;
    /// [`DeliveryError::FunctionNotFound`] when the target is gone (recorded as the
    /// mapping's `LastProcessingResult`).
    pub fn deliver(&mut self, records: usize) -> Result<Delivery, DeliveryError> {
        let state = self.shared.state();
        if state != MappingState::Enabled {
            return Err(DeliveryError::NotEnabled(state));
        }
        let target = self.shared.target.load();
        let executed = match &target.qualifier {
            Some(Qualifier::Alias(alias)) => self.through_alias(&target, alias.as_str()),
            _ => self
                .resolver
                .resolve_fast(target.function.as_str(), target.qualifier_text.as_deref())
                .ok()
                .map(|r| r.executed_version()),
        };
        match executed {
            Some(executed_version) => {
                self.shared.record(ProcessingResult::Ok);
                Ok(Delivery {
                    executed_version,
                    invoked_arn: Arc::clone(&target.arn),
                    records,
                })
            }
            None => {
                self.shared.record(ProcessingResult::FunctionNotFound);
                Err(DeliveryError::FunctionNotFound(FunctionArn::clone(
                    &target.arn,
                )))
            }
        }
    }

    fn through_alias(&mut self, target: &Arc<MappingTarget>, alias: &str) -> Option<Version> {
        let current = self
            .cached
            .as_ref()
            .is_some_and(|(t, h)| Arc::ptr_eq(t, target) && !h.handle().is_gone());
        if !current {
            self.cached = None;
            let handle = self
                .resolver
                .handle(target.function.as_str(), alias)
                .ok()?
                .with_local_rng(self.seed);
            self.seed = self.seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            self.cached = Some((Arc::clone(target), handle));
        }
        let (_, handle) = self.cached.as_mut()?;
        handle.resolve().ok().map(|r| r.executed_version())
    }
}
