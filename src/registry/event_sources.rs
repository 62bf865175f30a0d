//! CreateEventSourceMapping, GetEventSourceMapping, UpdateEventSourceMapping,
//! DeleteEventSourceMapping, ListEventSourceMappings (R151–R160), their settling, and
//! the poller handle of the data plane.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::checks::validated;
use super::control::{Lifecycle, Registry};
use super::pagination::{self, MarkerKind};
use crate::arn::FunctionRef;
use crate::error::Error;
use crate::event_source::{
    EventSourceMapping, MappingPoller, MappingShared, MappingState, MappingTarget,
    ProcessingResult, SourceKind,
};
use crate::invoke_config::{DestinationConfig, epoch_seconds};
use crate::names::Qualifier;
use crate::validate::{NamePattern, Violations};

/// R152: the refusal of a mapping to a function, version or alias that does not exist.
const FUNCTION_DOES_NOT_EXIST: &str = "Function does not exist";
/// R158.
const NO_SUCH_MAPPING: &str = "The resource you requested does not exist.";
/// The most mappings one `ListEventSourceMappings` page holds.
const MAPPING_PAGE_LIMIT: usize = 100;

/// `CreateEventSourceMapping` (R151); a request body deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct CreateEventSourceMappingRequest {
    /// `EventSourceArn`: an SQS queue, Kinesis or DynamoDB stream, Kafka cluster or MQ
    /// broker.
    pub event_source_arn: Option<String>,
    /// `FunctionName`: a name, `name:qualifier`, or an ARN (the qualifier is kept exactly
    /// as given, R151).
    pub function_name: Option<String>,
    /// `Enabled` (default true).
    pub enabled: Option<bool>,
    /// `BatchSize` (1–10000; default 10 for queues, 100 for streams).
    pub batch_size: Option<i64>,
    /// `MaximumBatchingWindowInSeconds` (0–300).
    pub maximum_batching_window_in_seconds: Option<i64>,
    /// `StartingPosition` for streams: `TRIM_HORIZON`, `LATEST` or `AT_TIMESTAMP`.
    pub starting_position: Option<String>,
    /// `DestinationConfig` (streams only, R160).
    pub destination_config: Option<DestinationConfig>,
}

impl CreateEventSourceMappingRequest {
    /// A mapping from `event_source_arn` to `function_name`.
    pub fn new(event_source_arn: impl Into<String>, function_name: impl Into<String>) -> Self {
        CreateEventSourceMappingRequest {
            event_source_arn: Some(event_source_arn.into()),
            function_name: Some(function_name.into()),
            ..Default::default()
        }
    }
}

/// `UpdateEventSourceMapping` (R153); a request body deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct UpdateEventSourceMappingRequest {
    /// `UUID` (from the path).
    #[serde(skip)]
    pub uuid: String,
    /// `FunctionName`: a new target.
    pub function_name: Option<String>,
    /// `Enabled`.
    pub enabled: Option<bool>,
    /// `BatchSize`.
    pub batch_size: Option<i64>,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_in_seconds: Option<i64>,
}

impl UpdateEventSourceMappingRequest {
    /// An update of mapping `uuid`.
    pub fn new(uuid: impl Into<String>) -> Self {
        UpdateEventSourceMappingRequest {
            uuid: uuid.into(),
            ..Default::default()
        }
    }

    /// Re-targets the mapping.
    pub fn with_function_name(mut self, function_name: impl Into<String>) -> Self {
        self.function_name = Some(function_name.into());
        self
    }

    /// Enables or disables the mapping.
    pub fn with_enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }
}

/// `ListEventSourceMappings` (R157).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListEventSourceMappingsRequest {
    /// `EventSourceArn` filter.
    pub event_source_arn: Option<String>,
    /// `FunctionName` filter: unqualified matches every mapping of the function, qualified
    /// only the mappings with exactly that qualifier (Q45).
    pub function_name: Option<String>,
    /// `Marker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–10000; at most 100 per page).
    pub max_items: Option<i64>,
}

/// `EventSourceMappingConfiguration` as the operations answer it; serializes to the
/// service's JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct EventSourceMappingConfiguration {
    /// `UUID`.
    #[serde(rename = "UUID")]
    pub uuid: String,
    /// `StartingPosition` (streams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_position: Option<String>,
    /// `BatchSize`.
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`.
    pub maximum_batching_window_in_seconds: u32,
    /// `EventSourceArn`.
    pub event_source_arn: String,
    /// `FunctionArn`: the qualifier exactly as given (R151).
    pub function_arn: String,
    /// `LastModified`: epoch seconds (R159).
    pub last_modified: f64,
    /// `LastProcessingResult`.
    pub last_processing_result: String,
    /// `State`.
    pub state: MappingState,
    /// `StateTransitionReason`: `USER_INITIATED`.
    pub state_transition_reason: String,
    /// `FunctionResponseTypes`: always empty here.
    pub function_response_types: Vec<String>,
    /// `EventSourceMappingArn` (R159).
    pub event_source_mapping_arn: String,
}

/// The answer of `ListEventSourceMappings`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListEventSourceMappingsResponse {
    /// `EventSourceMappings`, in UUID order.
    pub event_source_mappings: Vec<EventSourceMappingConfiguration>,
    /// `NextMarker`, while more remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl Registry {
    fn mapping_view(&self, m: &EventSourceMapping) -> EventSourceMappingConfiguration {
        let target = m.shared.target.load();
        EventSourceMappingConfiguration {
            uuid: m.uuid.clone(),
            starting_position: m.starting_position.clone(),
            batch_size: m.batch_size,
            maximum_batching_window_in_seconds: m.batching_window,
            event_source_arn: m.source.clone(),
            function_arn: target.arn.to_string(),
            last_modified: epoch_seconds(m.last_modified),
            last_processing_result: m.shared.last_result().text(self.account),
            state: m.shared.state(),
            state_transition_reason: "USER_INITIATED".into(),
            function_response_types: Vec::new(),
            event_source_mapping_arn: format!(
                "arn:{}:lambda:{}:{}:event-source-mapping:{}",
                self.partition, self.region, self.account, m.uuid
            ),
        }
    }

    /// The target a `FunctionName` names, or R152's refusal. The qualifier is kept as
    /// written; one that names no version or alias is refused like a missing function
    /// (Q45).
    fn mapping_target(&self, fref: &FunctionRef) -> Result<MappingTarget, Error> {
        self.check_region(fref)?;
        let missing = || Error::invalid_parameter(FUNCTION_DOES_NOT_EXIST);
        let f = self.lookup(fref).ok_or_else(missing)?;
        let qualifier = match fref.qualifier() {
            None => None,
            Some(q) => {
                let q: Qualifier = q.parse().map_err(|_| missing())?;
                let exists = match &q {
                    Qualifier::Latest => true,
                    Qualifier::Version(n) => f.versions.contains_key(n),
                    Qualifier::Alias(a) => f.aliases.contains_key(a),
                };
                if !exists {
                    return Err(missing());
                }
                Some(q)
            }
        };
        let arn = match &qualifier {
            None => f.arn.clone(),
            Some(q) => f.arn.with_qualifier(q.clone()),
        };
        Ok(MappingTarget {
            function: f.name.clone(),
            qualifier_text: qualifier.as_ref().map(ToString::to_string),
            qualifier,
            arn: Arc::new(arn),
        })
    }

    fn check_batching(v: &mut Violations, batch: Option<i64>, window: Option<i64>) {
        if let Some(n) = batch {
            v.check_range(n, "batchSize", 1, 10_000);
        }
        if let Some(n) = window {
            v.check_range(n, "maximumBatchingWindowInSeconds", 0, 300);
        }
    }

    /// `CreateEventSourceMapping` (202, `Creating`, R151–R156, R160).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a missing `FunctionName`, bad name, out-of-range batch
    /// settings or an unknown `StartingPosition`; `InvalidParameterValueException`
    /// `Unrecognized event source.` without (or with an unsupported) `EventSourceArn`,
    /// `Unsupported DestinationConfig parameter for given event source mapping type.`
    /// for destinations on a queue, `Function does not exist` for a missing function,
    /// version or alias (R152); `ResourceConflictException` for a second mapping of the
    /// same source and function (R156).
    pub fn create_event_source_mapping(
        &mut self,
        req: CreateEventSourceMappingRequest,
    ) -> Result<EventSourceMappingConfiguration, Error> {
        let mut v = Violations::new();
        let fref = match req.function_name.as_deref() {
            None => {
                v.push_null("functionName");
                None
            }
            Some(name) => Self::check_function_name(&mut v, name, NamePattern::Namespaced),
        };
        Self::check_batching(
            &mut v,
            req.batch_size,
            req.maximum_batching_window_in_seconds,
        );
        if let Some(p) = req.starting_position.as_deref()
            && !matches!(p, "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP")
        {
            v.push(
                p,
                "startingPosition",
                "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
            );
        }
        if let Some(arn) = req.event_source_arn.as_deref() {
            v.check_string(arn, "eventSourceArn", 12, 1024, None);
        }
        v.finish()?;
        let kind = req
            .event_source_arn
            .as_deref()
            .and_then(SourceKind::of)
            .ok_or_else(|| Error::invalid_parameter("Unrecognized event source."))?;
        let source = req.event_source_arn.clone().unwrap_or_default();
        if kind == SourceKind::Queue && req.destination_config.is_some() {
            return Err(Error::invalid_parameter(
                "Unsupported DestinationConfig parameter for given event source mapping type.",
            ));
        }
        let fref = validated(fref)?;
        let target = self.mapping_target(&fref)?;
        if let Some(existing) = self
            .mappings
            .values()
            .find(|m| m.source == source && m.shared.target.load().function == target.function)
        {
            let f = fref.name();
            return Err(Error::conflict(match kind {
                SourceKind::Queue => format!(
                    "An event source mapping with SQS arn (\" {source} \") and function (\" {f} \") already exists. Please update or delete the existing mapping with UUID {}",
                    existing.uuid
                ),
                SourceKind::Stream => format!(
                    "The event source arn ({source}) and function ({f}) provided mapping already exists. Please update or delete the existing mapping with UUID {}",
                    existing.uuid
                ),
            }));
        }
        let uuid = loop {
            let id = self.new_revision_id().to_string();
            if !self.mappings.contains_key(&id) {
                break id;
            }
        };
        let mapping = EventSourceMapping {
            uuid: uuid.clone(),
            source,
            kind,
            enabled: req.enabled.unwrap_or(true),
            batch_size: req
                .batch_size
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(kind.default_batch_size()),
            batching_window: req
                .maximum_batching_window_in_seconds
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            starting_position: req.starting_position,
            last_modified: self.now(),
            shared: Arc::new(MappingShared::new(
                target,
                MappingState::Creating,
                ProcessingResult::NoRecordsProcessed,
            )),
            tags: Default::default(),
        };
        let answer = self.mapping_view(&mapping);
        self.mappings.insert(uuid.clone(), mapping);
        self.settle_if_immediate(&uuid);
        Ok(answer)
    }

    fn existing_mapping(&self, uuid: &str) -> Result<&EventSourceMapping, Error> {
        self.mappings
            .get(uuid)
            .ok_or_else(|| Error::not_found(NO_SUCH_MAPPING))
    }

    /// `GetEventSourceMapping` (R158).
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `The resource you requested does not exist.` for an
    /// unknown UUID.
    pub fn get_event_source_mapping(
        &self,
        uuid: &str,
    ) -> Result<EventSourceMappingConfiguration, Error> {
        Ok(self.mapping_view(self.existing_mapping(uuid)?))
    }

    /// `UpdateEventSourceMapping` (202, `Updating`, R153): a new `FunctionName`
    /// re-targets the mapping; its pollers deliver to the new target from their next
    /// batch.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_event_source_mapping`], plus the validation and R152 refusals
    /// of [`Registry::create_event_source_mapping`].
    pub fn update_event_source_mapping(
        &mut self,
        req: UpdateEventSourceMappingRequest,
    ) -> Result<EventSourceMappingConfiguration, Error> {
        let mut v = Violations::new();
        let fref = req
            .function_name
            .as_deref()
            .map(|name| Self::check_function_name(&mut v, name, NamePattern::Namespaced));
        Self::check_batching(
            &mut v,
            req.batch_size,
            req.maximum_batching_window_in_seconds,
        );
        v.finish()?;
        self.existing_mapping(&req.uuid)?;
        let target = match fref {
            Some(fref) => Some(self.mapping_target(&validated(fref)?)?),
            None => None,
        };
        let now = self.now();
        let m = self
            .mappings
            .get_mut(&req.uuid)
            .ok_or_else(|| Error::not_found(NO_SUCH_MAPPING))?;
        if let Some(target) = target {
            m.shared.target.store(Arc::new(target));
        }
        if let Some(enabled) = req.enabled {
            m.enabled = enabled;
        }
        if let Some(n) = req.batch_size.and_then(|n| u32::try_from(n).ok()) {
            m.batch_size = n;
        }
        if let Some(n) = req
            .maximum_batching_window_in_seconds
            .and_then(|n| u32::try_from(n).ok())
        {
            m.batching_window = n;
        }
        m.last_modified = now;
        m.shared.set_state(MappingState::Updating);
        let answer = self.mapping_view(self.existing_mapping(&req.uuid)?);
        self.settle_if_immediate(&req.uuid);
        Ok(answer)
    }

    /// `DeleteEventSourceMapping` (202, `Deleting`, R158): the mapping goes away when it
    /// settles; its pollers stop delivering at once.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_event_source_mapping`].
    pub fn delete_event_source_mapping(
        &mut self,
        uuid: &str,
    ) -> Result<EventSourceMappingConfiguration, Error> {
        let m = self.existing_mapping(uuid)?;
        m.shared.set_state(MappingState::Deleting);
        let answer = self.mapping_view(m);
        self.settle_if_immediate(uuid);
        Ok(answer)
    }

    /// `ListEventSourceMappings` (R157): filters never fail on resources that do not
    /// exist; mappings in UUID order.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad `FunctionName` filter or `MaxItems`;
    /// `InvalidParameterValueException` for a marker this registry did not issue.
    pub fn list_event_source_mappings(
        &self,
        req: ListEventSourceMappingsRequest,
    ) -> Result<ListEventSourceMappingsResponse, Error> {
        let mut v = Violations::new();
        let fref = req
            .function_name
            .as_deref()
            .map(|name| Self::check_function_name(&mut v, name, NamePattern::Namespaced));
        if let Some(n) = req.max_items {
            v.check_range(n, "maxItems", 1, 10_000);
        }
        v.finish()?;
        let filter = fref.map(validated).transpose()?;
        let start = req
            .marker
            .as_deref()
            .map(|m| pagination::decode::<String>(MarkerKind::Mapping, m))
            .transpose()?;
        let size = req
            .max_items
            .and_then(|n| usize::try_from(n).ok())
            .map_or(MAPPING_PAGE_LIMIT, |n| n.min(MAPPING_PAGE_LIMIT));
        let matches = |m: &EventSourceMapping| {
            let source_ok = req
                .event_source_arn
                .as_deref()
                .is_none_or(|s| s == m.source);
            let target = m.shared.target.load();
            let function_ok = filter.as_ref().is_none_or(|f| {
                f.name() == target.function.as_str()
                    && f.qualifier()
                        .is_none_or(|q| target.qualifier_text.as_deref() == Some(q))
            });
            source_ok && function_ok
        };
        let mut items = self
            .mappings
            .range(start.unwrap_or_default()..)
            .map(|(_, m)| m)
            .filter(|m| matches(m));
        let page: Vec<EventSourceMappingConfiguration> = items
            .by_ref()
            .take(size)
            .map(|m| self.mapping_view(m))
            .collect();
        let next_marker = items
            .next()
            .map(|m| pagination::encode(MarkerKind::Mapping, &m.uuid));
        Ok(ListEventSourceMappingsResponse {
            event_source_mappings: page,
            next_marker,
        })
    }

    /// A poller for mapping `uuid`: the data-plane handle that answers which version runs
    /// each batch (see [`MappingPoller`]). It keeps working across re-targeting, and
    /// reports `Deleting` once the mapping is deleted.
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` for an unknown UUID.
    pub fn event_source_poller(&self, uuid: &str) -> Result<MappingPoller, Error> {
        let m = self.existing_mapping(uuid)?;
        let seed = uuid.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Ok(MappingPoller::new(
            Arc::clone(&m.shared),
            self.resolver(),
            seed,
        ))
    }

    /// The UUIDs of mappings still `Creating`, `Updating` or `Deleting`.
    pub fn unsettled_event_source_mappings(&self) -> Vec<String> {
        self.mappings
            .values()
            .filter(|m| {
                matches!(
                    m.shared.state(),
                    MappingState::Creating | MappingState::Updating | MappingState::Deleting
                )
            })
            .map(|m| m.uuid.clone())
            .collect()
    }

    /// Finishes the transition of mapping `uuid` ([`Lifecycle::Manual`]): `Creating` and
    /// `Updating` become `Enabled` or `Disabled`, `Deleting` removes it (R192). Returns
    /// whether there was anything to finish.
    pub fn finish_event_source_mapping(&mut self, uuid: &str) -> bool {
        let Some(m) = self.mappings.get(uuid) else {
            return false;
        };
        match m.shared.state() {
            MappingState::Creating | MappingState::Updating => {
                m.shared.set_state(if m.enabled {
                    MappingState::Enabled
                } else {
                    MappingState::Disabled
                });
                true
            }
            MappingState::Deleting => {
                self.mappings.remove(uuid);
                true
            }
            MappingState::Enabled | MappingState::Disabled => false,
        }
    }

    fn settle_if_immediate(&mut self, uuid: &str) {
        if self.lifecycle == Lifecycle::Immediate {
            self.finish_event_source_mapping(uuid);
        }
    }
}
