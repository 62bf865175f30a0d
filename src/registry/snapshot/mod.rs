//! Snapshots: the whole registry as a serde value (the format and the export). The
//! strict import that checks every invariant before anything is built is in `import`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::control::Registry;
use crate::clock::Timestamp;
use crate::config::FunctionConfig;
use crate::function::Function;
use crate::names::{
    AccountId, AliasName, FunctionName, Partition, Region, RevisionId, Version, VersionNumber,
};
use crate::policy::{PolicyTarget, Statement};
use crate::routing::{AliasRouting, Weight};
use crate::status::VersionStatus;

pub(super) mod attachments;
pub(super) mod import;

use attachments::{InvokeConfigSnapshot, MappingSnapshot, ProvisionedSnapshot, UrlSnapshot};

/// The snapshot format this crate writes and reads.
pub(super) const FORMAT: u32 = 1;

/// The whole state of a [`Registry`]: every function with `$LATEST`, its versions,
/// aliases and policies, plus the version counters of deleted functions (Q1).
///
/// Serialize it with serde (JSON round-trips exactly); rebuild a registry with
/// [`RegistryBuilder::build_from_snapshot`](crate::RegistryBuilder::build_from_snapshot), which refuses a snapshot that breaks any
/// invariant.
///
/// ```
/// use lambda_versioning::registry::{CreateFunctionRequest, PublishVersionRequest};
/// use lambda_versioning::{Code, FunctionConfig, Registry, Snapshot};
///
/// let mut registry = Registry::builder().build();
/// let config = FunctionConfig::new("arn:aws:iam::123456789012:role/r", Code::from_zip_bytes(b"x"));
/// registry.create_function(CreateFunctionRequest::new("f", config))?;
/// registry.publish_version(PublishVersionRequest::new("f"))?;
///
/// let json = serde_json::to_string(&registry.export()).unwrap();
/// let snapshot: Snapshot = serde_json::from_str(&json).unwrap();
/// let restored = Registry::builder().build_from_snapshot(snapshot).unwrap();
/// assert_eq!(restored.export(), registry.export());
///
/// let corrupt = json.replace("\"last_allocated\":1", "\"last_allocated\":0");
/// let err = Registry::builder()
///     .build_from_snapshot(serde_json::from_str(&corrupt).unwrap())
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid snapshot at functions[0].versions[0]: version 1 is above the function's version counter 0"
/// );
/// # Ok::<(), lambda_versioning::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub(super) format: u32,
    pub(super) partition: Partition,
    pub(super) region: Region,
    pub(super) account: AccountId,
    pub(super) functions: Vec<FunctionSnapshot>,
    #[serde(deserialize_with = "crate::json_map::unique_keys")]
    pub(super) retired_version_counters: BTreeMap<FunctionName, u64>,
    /// Event source mappings, in UUID order (they outlive their function, R155).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) event_source_mappings: Vec<MappingSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FunctionSnapshot {
    pub(super) name: FunctionName,
    pub(super) latest: LatestSnapshot,
    pub(super) versions: Vec<VersionSnapshot>,
    pub(super) last_allocated: u64,
    pub(super) last_published: Option<VersionNumber>,
    pub(super) aliases: Vec<AliasSnapshot>,
    pub(super) policies: Vec<PolicySnapshot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) invoke_configs: Vec<InvokeConfigSnapshot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) urls: Vec<UrlSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) reserved_concurrency: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) provisioned: Vec<ProvisionedSnapshot>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LatestSnapshot {
    pub(super) config: FunctionConfig,
    pub(super) revision_id: RevisionId,
    pub(super) last_modified: Timestamp,
    pub(super) status: StatusSnapshot,
    pub(super) changed_since_publish: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VersionSnapshot {
    pub(super) number: VersionNumber,
    pub(super) config: FunctionConfig,
    pub(super) revision_id: RevisionId,
    pub(super) last_modified: Timestamp,
    pub(super) status: StatusSnapshot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) label: Option<semver::Version>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AliasSnapshot {
    pub(super) name: AliasName,
    pub(super) function_version: Version,
    pub(super) description: String,
    pub(super) routing: Option<RoutingSnapshot>,
    /// Further additional versions ([`RoutingMode::MultiVersion`](super::RoutingMode)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) more_routing: Vec<RoutingSnapshot>,
    pub(super) revision_id: RevisionId,
    /// Earlier targets, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) history: Vec<TargetSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TargetSnapshot {
    pub(super) function_version: Version,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) routing: Vec<RoutingSnapshot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoutingSnapshot {
    pub(super) additional_version: VersionNumber,
    pub(super) weight: Weight,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicySnapshot {
    pub(super) target: PolicyTarget,
    pub(super) revision_id: RevisionId,
    pub(super) statements: Vec<Statement>,
}

/// The lifecycle states the registry produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum StatusSnapshot {
    Creating,
    Active,
    Updating,
}

impl StatusSnapshot {
    pub(super) fn of(status: &VersionStatus) -> StatusSnapshot {
        if *status == VersionStatus::creating() {
            StatusSnapshot::Creating
        } else if *status == VersionStatus::updating() {
            StatusSnapshot::Updating
        } else {
            StatusSnapshot::Active
        }
    }

    pub(super) fn status(self) -> VersionStatus {
        match self {
            StatusSnapshot::Creating => VersionStatus::creating(),
            StatusSnapshot::Active => VersionStatus::active(),
            StatusSnapshot::Updating => VersionStatus::updating(),
        }
    }
}

/// A snapshot was refused: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid snapshot at {path}: {problem}")]
pub struct SnapshotError {
    path: String,
    problem: String,
}

impl SnapshotError {
    pub(crate) fn new(path: impl Into<String>, problem: impl Into<String>) -> SnapshotError {
        SnapshotError {
            path: path.into(),
            problem: problem.into(),
        }
    }

    /// Where in the snapshot the problem is (`functions[0].aliases[1]`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for StatusSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StatusSnapshot::Creating => "creating",
            StatusSnapshot::Active => "active",
            StatusSnapshot::Updating => "updating",
        })
    }
}

impl Registry {
    /// The registry's whole state, in a deterministic order (functions, versions and
    /// aliases sorted), so that export → import → export is identical.
    pub fn export(&self) -> Snapshot {
        let mut functions: Vec<&Function> = self.functions.values().collect();
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        Snapshot {
            format: FORMAT,
            partition: self.partition.clone(),
            region: self.region.clone(),
            account: self.account,
            functions: functions.into_iter().map(export_function).collect(),
            retired_version_counters: self
                .retired_counters
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            event_source_mappings: attachments::export_mappings(self),
        }
    }
}

/// One published version's snapshot.
pub(super) fn export_version(
    number: VersionNumber,
    v: &crate::function::PublishedVersion,
) -> VersionSnapshot {
    VersionSnapshot {
        number,
        config: FunctionConfig::clone(&v.config),
        revision_id: v.revision_id,
        last_modified: v.last_modified,
        status: StatusSnapshot::of(&v.status),
        label: v.label.clone(),
    }
}

/// A function's snapshot without its published versions (which a store keeps apart).
#[cfg(feature = "postgres")]
pub(super) fn export_function_meta(f: &Function) -> FunctionSnapshot {
    export_function_with(f, false)
}

pub(super) fn export_function(f: &Function) -> FunctionSnapshot {
    export_function_with(f, true)
}

fn export_function_with(f: &Function, with_versions: bool) -> FunctionSnapshot {
    FunctionSnapshot {
        name: f.name.clone(),
        latest: LatestSnapshot {
            config: FunctionConfig::clone(&f.latest.config),
            revision_id: f.latest.revision_id,
            last_modified: f.latest.last_modified,
            status: StatusSnapshot::of(&f.latest.status),
            changed_since_publish: f.latest.changed_since_publish,
        },
        versions: if with_versions {
            f.versions
                .iter()
                .map(|(n, v)| export_version(*n, v))
                .collect()
        } else {
            Vec::new()
        },
        last_allocated: f.last_allocated,
        last_published: f.last_published,
        aliases: f
            .aliases
            .iter()
            .map(|(name, a)| {
                let mut routing = routing_snapshot(a.routing).into_iter();
                AliasSnapshot {
                    name: name.clone(),
                    function_version: a.primary,
                    description: a.description.clone(),
                    routing: routing.next(),
                    more_routing: routing.collect(),
                    revision_id: a.revision_id,
                    history: a
                        .history
                        .iter()
                        .map(|t| TargetSnapshot {
                            function_version: t.function_version,
                            routing: routing_snapshot(t.routing),
                        })
                        .collect(),
                }
            })
            .collect(),
        policies: f
            .policies
            .iter()
            .map(|(target, p)| PolicySnapshot {
                target: target.clone(),
                revision_id: p.revision_id,
                statements: p.statements.clone(),
            })
            .collect(),
        invoke_configs: attachments::export_invoke_configs(f),
        urls: attachments::export_urls(f),
        reserved_concurrency: f.reserved_concurrency,
        provisioned: attachments::export_provisioned(f),
        tags: f.tags.clone(),
    }
}

fn routing_snapshot(routing: Option<AliasRouting>) -> Vec<RoutingSnapshot> {
    routing.map_or_else(Vec::new, |r| {
        r.entries()
            .map(|(additional_version, weight)| RoutingSnapshot {
                additional_version,
                weight,
            })
            .collect()
    })
}
