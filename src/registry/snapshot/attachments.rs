//! What is bound to a function's qualifiers in a snapshot — asynchronous-invocation
//! configs and function URLs — and the registry's event source mappings: the format,
//! the export and the checked import.

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::SnapshotError;
use crate::clock::Timestamp;
use crate::concurrency::ProvisionedConfig;
use crate::event_source::{
    EventSourceMapping, MappingShared, MappingState, MappingTarget, ProcessingResult, SourceKind,
};
use crate::function::Function;
use crate::function_url::{FunctionUrl, is_url_id};
use crate::invoke_config::EventInvokeConfig;
use crate::names::{FunctionName, Qualifier};
use crate::policy::PolicyTarget;
use crate::registry::control::Registry;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::registry) struct InvokeConfigSnapshot {
    pub(super) target: PolicyTarget,
    pub(super) config: EventInvokeConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::registry) struct UrlSnapshot {
    pub(super) target: PolicyTarget,
    pub(super) url: FunctionUrl,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::registry) struct ProvisionedSnapshot {
    pub(super) target: PolicyTarget,
    pub(super) config: ProvisionedConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::registry) struct MappingSnapshot {
    pub(in crate::registry) uuid: String,
    pub(super) event_source_arn: String,
    pub(super) kind: SourceKind,
    pub(super) function: FunctionName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) qualifier: Option<Qualifier>,
    pub(super) enabled: bool,
    pub(super) batch_size: u32,
    pub(super) batching_window: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) starting_position: Option<String>,
    pub(super) state: MappingState,
    pub(super) last_modified: Timestamp,
    pub(super) last_processing_result: ProcessingResult,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub(super) tags: std::collections::BTreeMap<String, String>,
}

pub(super) fn export_invoke_configs(f: &Function) -> Vec<InvokeConfigSnapshot> {
    f.invoke_configs
        .iter()
        .map(|(target, config)| InvokeConfigSnapshot {
            target: target.clone(),
            config: config.clone(),
        })
        .collect()
}

pub(super) fn export_urls(f: &Function) -> Vec<UrlSnapshot> {
    f.urls
        .iter()
        .map(|(target, url)| UrlSnapshot {
            target: target.clone(),
            url: url.clone(),
        })
        .collect()
}

pub(super) fn export_provisioned(f: &Function) -> Vec<ProvisionedSnapshot> {
    f.provisioned
        .iter()
        .map(|(target, config)| ProvisionedSnapshot {
            target: target.clone(),
            config: config.clone(),
        })
        .collect()
}

/// Checks and installs the concurrency settings of one function (R99, R107, R114).
pub(super) fn import_concurrency(
    path: &str,
    f: &mut Function,
    reserved: Option<u32>,
    provisioned: &[ProvisionedSnapshot],
) -> Result<(), SnapshotError> {
    f.reserved_concurrency = reserved;
    let mut served = std::collections::BTreeSet::new();
    for (j, p) in provisioned.iter().enumerate() {
        let ppath = format!("{path}.provisioned[{j}]");
        let version = match &p.target {
            PolicyTarget::Function => None,
            PolicyTarget::Version(n) => f.versions.contains_key(n).then_some(n.get()),
            PolicyTarget::Alias(a) => f
                .aliases
                .get(a)
                .and_then(|a| a.primary.number())
                .map(|n| n.get()),
        };
        let Some(version) = version else {
            return Err(SnapshotError::new(
                ppath,
                "the target is not an existing published version or an alias on one",
            ));
        };
        if !served.insert(version) {
            return Err(SnapshotError::new(
                ppath,
                format!("version {version} has two provisioned configs"),
            ));
        }
        if p.config.requested == 0 || p.config.allocated > p.config.requested {
            return Err(SnapshotError::new(
                ppath,
                "requested or allocated out of range",
            ));
        }
        let config = ProvisionedConfig {
            gate: Default::default(),
            ..p.config.clone()
        };
        if f.provisioned.insert(p.target.clone(), config).is_some() {
            return Err(SnapshotError::new(
                ppath,
                "a second config for the same target",
            ));
        }
    }
    let total: u64 = f.provisioned.values().map(|c| u64::from(c.requested)).sum();
    if reserved.is_some_and(|r| total > u64::from(r)) {
        return Err(SnapshotError::new(
            format!("{path}.reserved_concurrency"),
            "below the function's total provisioned concurrency",
        ));
    }
    Ok(())
}

pub(in crate::registry) fn export_mappings(registry: &Registry) -> Vec<MappingSnapshot> {
    registry
        .mappings
        .values()
        .map(|m| {
            let target = m.shared.target.load();
            MappingSnapshot {
                uuid: m.uuid.clone(),
                event_source_arn: m.source.clone(),
                kind: m.kind,
                function: target.function.clone(),
                qualifier: target.qualifier.clone(),
                enabled: m.enabled,
                batch_size: m.batch_size,
                batching_window: m.batching_window,
                starting_position: m.starting_position.clone(),
                state: m.shared.state(),
                last_modified: m.last_modified,
                last_processing_result: m.shared.last_result(),
                tags: m.tags.clone(),
            }
        })
        .collect()
}

/// Whether `target` exists in `f` (a version or alias it names).
fn target_exists(f: &Function, target: &PolicyTarget) -> bool {
    match target {
        PolicyTarget::Function => true,
        PolicyTarget::Version(n) => f.versions.contains_key(n),
        PolicyTarget::Alias(a) => f.aliases.contains_key(a),
    }
}

/// Checks and installs the invoke configs and URLs of one function.
pub(super) fn import_attachments(
    path: &str,
    f: &mut Function,
    configs: &[InvokeConfigSnapshot],
    urls: &[UrlSnapshot],
) -> Result<(), SnapshotError> {
    for (j, c) in configs.iter().enumerate() {
        let cpath = format!("{path}.invoke_configs[{j}]");
        if !target_exists(f, &c.target) {
            return Err(SnapshotError::new(
                cpath,
                "the config's target does not exist",
            ));
        }
        if c.config.maximum_retry_attempts.is_some_and(|n| n > 2) {
            return Err(SnapshotError::new(
                cpath,
                "maximum_retry_attempts is above 2",
            ));
        }
        if c.config
            .maximum_event_age_in_seconds
            .is_some_and(|n| !(60..=21_600).contains(&n))
        {
            return Err(SnapshotError::new(
                cpath,
                "maximum_event_age_in_seconds is outside 60..=21600",
            ));
        }
        if f.invoke_configs
            .insert(c.target.clone(), c.config.clone())
            .is_some()
        {
            return Err(SnapshotError::new(
                cpath,
                "a second config for the same target",
            ));
        }
    }
    for (j, u) in urls.iter().enumerate() {
        let upath = format!("{path}.urls[{j}]");
        if matches!(u.target, PolicyTarget::Version(_)) {
            return Err(SnapshotError::new(upath, "a version has no function URL"));
        }
        if !target_exists(f, &u.target) {
            return Err(SnapshotError::new(upath, "the URL's alias does not exist"));
        }
        if !is_url_id(&u.url.url_id) {
            return Err(SnapshotError::new(
                upath,
                format!("url id {} is not 32 characters of [a-z0-9]", u.url.url_id),
            ));
        }
        if f.urls.insert(u.target.clone(), u.url.clone()).is_some() {
            return Err(SnapshotError::new(
                upath,
                "a second URL for the same target",
            ));
        }
    }
    Ok(())
}

/// Checks every URL id is used once across the registry, and indexes them.
pub(super) fn index_urls(registry: &mut Registry) -> Result<(), SnapshotError> {
    let mut names: Vec<&FunctionName> = registry.functions.keys().collect();
    names.sort();
    let mut index = std::collections::HashMap::new();
    for name in names {
        let Some(f) = registry.functions.get(name) else {
            continue;
        };
        for (target, url) in &f.urls {
            if index
                .insert(url.url_id.clone(), (name.clone(), target.clone()))
                .is_some()
            {
                return Err(SnapshotError::new(
                    format!("functions.{name}.urls"),
                    format!("url id {} is used twice", url.url_id),
                ));
            }
        }
    }
    registry.url_index = index;
    Ok(())
}

/// Checks and installs the event source mappings.
pub(in crate::registry) fn import_mappings(
    registry: &mut Registry,
    mappings: &[MappingSnapshot],
) -> Result<(), SnapshotError> {
    let mut seen = HashSet::new();
    let mut previous: Option<&str> = None;
    for (i, m) in mappings.iter().enumerate() {
        let path = format!("event_source_mappings[{i}]");
        if m.uuid.parse::<crate::names::RevisionId>().is_err() {
            return Err(SnapshotError::new(
                path,
                format!("{} is not a UUID", m.uuid),
            ));
        }
        if !seen.insert(&m.uuid) || previous.is_some_and(|p| p >= m.uuid.as_str()) {
            return Err(SnapshotError::new(
                path,
                format!("mapping {} is duplicated or out of order", m.uuid),
            ));
        }
        previous = Some(&m.uuid);
        if !(1..=10_000).contains(&m.batch_size) || m.batching_window > 300 {
            return Err(SnapshotError::new(path, "batch settings out of range"));
        }
        let base = crate::arn::FunctionArn::new(
            registry.partition.clone(),
            registry.region.clone(),
            registry.account,
            m.function.clone(),
        );
        let arn = match &m.qualifier {
            None => base,
            Some(q) => base.with_qualifier(q.clone()),
        };
        let target = MappingTarget {
            function: m.function.clone(),
            qualifier: m.qualifier.clone(),
            qualifier_text: m.qualifier.as_ref().map(ToString::to_string),
            arn: Arc::new(arn),
        };
        registry.mappings.insert(
            m.uuid.clone(),
            EventSourceMapping {
                uuid: m.uuid.clone(),
                source: m.event_source_arn.clone(),
                kind: m.kind,
                enabled: m.enabled,
                batch_size: m.batch_size,
                batching_window: m.batching_window,
                starting_position: m.starting_position.clone(),
                last_modified: m.last_modified,
                shared: Arc::new(MappingShared::new(
                    target,
                    m.state,
                    m.last_processing_result,
                )),
                tags: m.tags.clone(),
            },
        );
    }
    Ok(())
}
