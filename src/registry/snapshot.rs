//! Snapshot export / import: the whole registry as a serde value, and a strict import
//! that checks every invariant the live registry maintains before anything is built.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::functions::check_settings;
use super::{AliasTarget, Registry, RegistryBuilder, RoutingMode};
use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::config::FunctionConfig;
use crate::function::{Alias, Function, Latest, PublishedVersion};
use crate::names::{
    AccountId, AliasName, FunctionName, Partition, Region, RevisionId, Version, VersionNumber,
};
use crate::policy::{POLICY_SIZE_LIMIT, Policy, PolicyTarget, Statement, document_size};
use crate::resolver::Route;
use crate::routing::{AliasRouting, Weight};
use crate::status::VersionStatus;
use crate::validate::{Violations, java_len};

/// The snapshot format this crate writes and reads.
const FORMAT: u32 = 1;

/// The whole state of a [`Registry`]: every function with `$LATEST`, its versions,
/// aliases and policies, plus the version counters of deleted functions (Q1).
///
/// Serialize it with serde (JSON round-trips exactly); rebuild a registry with
/// [`RegistryBuilder::build_from_snapshot`], which refuses a snapshot that breaks any
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
    format: u32,
    partition: Partition,
    region: Region,
    account: AccountId,
    functions: Vec<FunctionSnapshot>,
    retired_version_counters: BTreeMap<FunctionName, u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FunctionSnapshot {
    pub(super) name: FunctionName,
    latest: LatestSnapshot,
    versions: Vec<VersionSnapshot>,
    last_allocated: u64,
    last_published: Option<VersionNumber>,
    aliases: Vec<AliasSnapshot>,
    policies: Vec<PolicySnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LatestSnapshot {
    config: FunctionConfig,
    revision_id: RevisionId,
    last_modified: Timestamp,
    status: StatusSnapshot,
    changed_since_publish: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionSnapshot {
    number: VersionNumber,
    config: FunctionConfig,
    revision_id: RevisionId,
    last_modified: Timestamp,
    status: StatusSnapshot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<semver::Version>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasSnapshot {
    name: AliasName,
    function_version: Version,
    description: String,
    routing: Option<RoutingSnapshot>,
    /// Further additional versions ([`RoutingMode::MultiVersion`](super::RoutingMode)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    more_routing: Vec<RoutingSnapshot>,
    revision_id: RevisionId,
    /// Earlier targets, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    history: Vec<TargetSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSnapshot {
    function_version: Version,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    routing: Vec<RoutingSnapshot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoutingSnapshot {
    additional_version: VersionNumber,
    weight: Weight,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicySnapshot {
    target: PolicyTarget,
    revision_id: RevisionId,
    statements: Vec<Statement>,
}

/// The lifecycle states the registry produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StatusSnapshot {
    Creating,
    Active,
    Updating,
}

impl StatusSnapshot {
    fn of(status: &VersionStatus) -> StatusSnapshot {
        if *status == VersionStatus::creating() {
            StatusSnapshot::Creating
        } else if *status == VersionStatus::updating() {
            StatusSnapshot::Updating
        } else {
            StatusSnapshot::Active
        }
    }

    fn status(self) -> VersionStatus {
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
    pub(super) fn new(path: impl Into<String>, problem: impl Into<String>) -> SnapshotError {
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
        }
    }
}

pub(super) fn export_function(f: &Function) -> FunctionSnapshot {
    FunctionSnapshot {
        name: f.name.clone(),
        latest: LatestSnapshot {
            config: FunctionConfig::clone(&f.latest.config),
            revision_id: f.latest.revision_id,
            last_modified: f.latest.last_modified,
            status: StatusSnapshot::of(&f.latest.status),
            changed_since_publish: f.latest.changed_since_publish,
        },
        versions: f
            .versions
            .iter()
            .map(|(n, v)| VersionSnapshot {
                number: *n,
                config: FunctionConfig::clone(&v.config),
                revision_id: v.revision_id,
                last_modified: v.last_modified,
                status: StatusSnapshot::of(&v.status),
                label: v.label.clone(),
            })
            .collect(),
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

impl RegistryBuilder {
    /// A registry holding `snapshot`'s state, after checking every invariant the live
    /// registry maintains. The snapshot's partition, region and account replace the
    /// builder's; the builder's clock, revision-id source, lifecycle and options apply.
    ///
    /// # Errors
    ///
    /// A [`SnapshotError`] naming the first problem found; nothing is built.
    pub fn build_from_snapshot(self, snapshot: Snapshot) -> Result<Registry, SnapshotError> {
        if snapshot.format != FORMAT {
            return Err(SnapshotError::new(
                "format",
                format!("unknown format {}, expected {FORMAT}", snapshot.format),
            ));
        }
        let arn_base = (&snapshot.partition, &snapshot.region, snapshot.account);
        let mut functions = HashMap::new();
        let mut previous: Option<&FunctionName> = None;
        for (i, fs) in snapshot.functions.iter().enumerate() {
            let path = format!("functions[{i}]");
            if previous.is_some_and(|p| *p >= fs.name) {
                return Err(SnapshotError::new(
                    path,
                    format!("function {} is duplicated or out of order", fs.name),
                ));
            }
            previous = Some(&fs.name);
            let options = (self.routing_mode, self.alias_history);
            functions.insert(
                fs.name.clone(),
                import_function(&path, fs, arn_base, options)?,
            );
        }
        let mut registry = RegistryBuilder {
            partition: snapshot.partition,
            region: snapshot.region,
            account: snapshot.account,
            ..self
        }
        .build();
        for f in functions.values() {
            let versions: Vec<VersionNumber> = f.versions.keys().copied().collect();
            registry.resolver.function_created(&f.name, &versions);
            for (name, alias) in &f.aliases {
                registry.resolver.alias_set(
                    &f.name,
                    name,
                    Route::new(alias.primary, alias.routing),
                );
            }
        }
        registry.functions = functions;
        registry.retired_counters = snapshot.retired_version_counters.into_iter().collect();
        Ok(registry)
    }
}

/// The rules a routing satisfies on its own (R46, R47, R49, R50): a published primary, at
/// most as many entries as `mode` allows, none naming the primary or repeated, weights
/// adding up to at most 1.0.
fn check_routing_shape(
    path: &str,
    primary: Version,
    entries: &[RoutingSnapshot],
    mode: RoutingMode,
) -> Result<Option<AliasRouting>, SnapshotError> {
    if entries.is_empty() {
        return Ok(None);
    }
    let Version::Published(primary) = primary else {
        return Err(SnapshotError::new(
            path,
            "routing needs a published primary version, not $LATEST",
        ));
    };
    let max = mode.max_additional_versions();
    if entries.len() > max {
        return Err(SnapshotError::new(
            path,
            format!(
                "routing names {} additional versions; this registry allows {max}",
                entries.len()
            ),
        ));
    }
    let mut seen = BTreeSet::new();
    for r in entries {
        if r.additional_version == primary {
            return Err(SnapshotError::new(
                path,
                format!("routing names the primary version {primary}"),
            ));
        }
        if !seen.insert(r.additional_version) {
            return Err(SnapshotError::new(
                path,
                format!("routing names version {} twice", r.additional_version),
            ));
        }
    }
    if entries.iter().map(|r| r.weight.get()).sum::<f64>() > 1.0 {
        return Err(SnapshotError::new(
            path,
            "routing weights add up to more than 1.0",
        ));
    }
    let pairs: Vec<(VersionNumber, Weight)> = entries
        .iter()
        .map(|r| (r.additional_version, r.weight))
        .collect();
    Ok(AliasRouting::from_entries(&pairs))
}

/// [`check_routing_shape`], plus: every routed version exists and shares the primary's
/// execution role and dead-letter target (R51, R52).
fn import_routing(
    path: &str,
    primary: Version,
    entries: &[RoutingSnapshot],
    versions: &BTreeMap<VersionNumber, PublishedVersion>,
    mode: RoutingMode,
) -> Result<Option<AliasRouting>, SnapshotError> {
    let routing = check_routing_shape(path, primary, entries, mode)?;
    if let (Version::Published(primary), Some(r)) = (primary, routing) {
        for (n, _) in r.entries() {
            let (Some(p), Some(x)) = (versions.get(&primary), versions.get(&n)) else {
                return Err(SnapshotError::new(
                    path,
                    format!("routing names version {n}, which does not exist"),
                ));
            };
            if p.config.role != x.config.role
                || p.config.dead_letter_target != x.config.dead_letter_target
            {
                return Err(SnapshotError::new(
                    path,
                    "routing joins versions with different execution roles or dead-letter targets",
                ));
            }
        }
    }
    Ok(routing)
}

fn check_config(path: &str, config: &FunctionConfig) -> Result<(), SnapshotError> {
    let mut v = Violations::new();
    check_settings(
        &mut v,
        Some(&config.role),
        config.handler.as_deref(),
        Some(&config.description),
        Some(config.memory_size),
        Some(config.timeout),
    );
    v.finish()
        .map_err(|e| SnapshotError::new(format!("{path}.config"), e.message().to_owned()))
}

pub(super) fn import_function(
    path: &str,
    fs: &FunctionSnapshot,
    (partition, region, account): (&Partition, &Region, AccountId),
    (mode, history_depth): (RoutingMode, usize),
) -> Result<Function, SnapshotError> {
    let arn = FunctionArn::new(partition.clone(), region.clone(), account, fs.name.clone());
    let latest_busy = fs.latest.status != StatusSnapshot::Active;
    check_config(&format!("{path}.latest"), &fs.latest.config)?;

    let mut versions = BTreeMap::new();
    let mut pending_versions = Vec::new();
    for (j, v) in fs.versions.iter().enumerate() {
        let vpath = format!("{path}.versions[{j}]");
        if v.number.get() > fs.last_allocated {
            return Err(SnapshotError::new(
                vpath,
                format!(
                    "version {} is above the function's version counter {}",
                    v.number, fs.last_allocated
                ),
            ));
        }
        if versions.contains_key(&v.number)
            || versions.keys().next_back().is_some_and(|l| *l > v.number)
        {
            return Err(SnapshotError::new(
                vpath,
                format!("version {} is duplicated or out of order", v.number),
            ));
        }
        match v.status {
            StatusSnapshot::Updating => {
                return Err(SnapshotError::new(
                    vpath,
                    "a published version is never updating",
                ));
            }
            StatusSnapshot::Creating if !latest_busy => {
                return Err(SnapshotError::new(
                    vpath,
                    "a version can only be still creating while $LATEST is busy",
                ));
            }
            StatusSnapshot::Creating => pending_versions.push(v.number),
            StatusSnapshot::Active => {}
        }
        check_config(&vpath, &v.config)?;
        if let Some(label) = &v.label
            && versions
                .values()
                .any(|x: &PublishedVersion| x.label.as_ref() == Some(label))
        {
            return Err(SnapshotError::new(
                vpath,
                format!("label {label} is attached to two versions"),
            ));
        }
        versions.insert(
            v.number,
            PublishedVersion {
                config: Arc::new(v.config.clone()),
                revision_id: v.revision_id,
                last_modified: v.last_modified,
                status: v.status.status(),
                label: v.label.clone(),
            },
        );
    }
    if let Some(n) = fs.last_published
        && n.get() > fs.last_allocated
    {
        return Err(SnapshotError::new(
            format!("{path}.last_published"),
            format!(
                "version {n} is above the function's version counter {}",
                fs.last_allocated
            ),
        ));
    }

    let mut aliases = BTreeMap::new();
    for (j, a) in fs.aliases.iter().enumerate() {
        let apath = format!("{path}.aliases[{j}]");
        if aliases.contains_key(&a.name)
            || aliases
                .keys()
                .next_back()
                .is_some_and(|l: &AliasName| *l > a.name)
        {
            return Err(SnapshotError::new(
                apath,
                format!("alias {} is duplicated or out of order", a.name),
            ));
        }
        if let Version::Published(n) = a.function_version
            && !versions.contains_key(&n)
        {
            return Err(SnapshotError::new(
                apath,
                format!(
                    "alias {} points at version {n}, which does not exist",
                    a.name
                ),
            ));
        }
        if java_len(&a.description) > 256 {
            return Err(SnapshotError::new(
                apath,
                "description is longer than 256 characters",
            ));
        }
        if a.routing.is_none() && !a.more_routing.is_empty() {
            return Err(SnapshotError::new(apath, "more_routing without routing"));
        }
        let entries: Vec<RoutingSnapshot> =
            a.routing.iter().chain(&a.more_routing).copied().collect();
        let routing = import_routing(&apath, a.function_version, &entries, &versions, mode)?;
        let mut history = std::collections::VecDeque::new();
        for (k, t) in a.history.iter().take(history_depth).enumerate() {
            let tpath = format!("{apath}.history[{k}]");
            history.push_back(AliasTarget {
                function_version: t.function_version,
                routing: check_routing_shape(&tpath, t.function_version, &t.routing, mode)?,
            });
        }
        aliases.insert(
            a.name.clone(),
            Alias {
                primary: a.function_version,
                description: a.description.clone(),
                routing,
                revision_id: a.revision_id,
                history,
            },
        );
    }

    let mut policies = BTreeMap::new();
    for (j, p) in fs.policies.iter().enumerate() {
        let ppath = format!("{path}.policies[{j}]");
        let resource = match &p.target {
            PolicyTarget::Function => arn.to_string(),
            PolicyTarget::Version(n) if versions.contains_key(n) => {
                arn.with_qualifier(*n).to_string()
            }
            PolicyTarget::Alias(a) if aliases.contains_key(a) => {
                arn.with_qualifier(a.clone()).to_string()
            }
            _ => {
                return Err(SnapshotError::new(
                    ppath,
                    "the policy's target does not exist",
                ));
            }
        };
        if policies.contains_key(&p.target) {
            return Err(SnapshotError::new(
                ppath,
                "a second policy for the same target",
            ));
        }
        if p.statements.is_empty() {
            return Err(SnapshotError::new(ppath, "a policy without statements"));
        }
        let mut sids = BTreeSet::new();
        for (k, s) in p.statements.iter().enumerate() {
            let spath = format!("{ppath}.statements[{k}]");
            if !sids.insert(&s.sid) {
                return Err(SnapshotError::new(
                    spath,
                    format!("statement id {} is duplicated", s.sid),
                ));
            }
            if s.resource != resource {
                return Err(SnapshotError::new(
                    spath,
                    format!(
                        "resource {} is not the policy's target {resource}",
                        s.resource
                    ),
                ));
            }
            if !crate::validate::matches_action(&s.action) {
                return Err(SnapshotError::new(
                    spath,
                    format!("action {} is not a Lambda action", s.action),
                ));
            }
        }
        let size = document_size(&p.statements);
        if size > POLICY_SIZE_LIMIT {
            return Err(SnapshotError::new(
                ppath,
                format!("the policy is {size} bytes, above the limit of {POLICY_SIZE_LIMIT}"),
            ));
        }
        policies.insert(
            p.target.clone(),
            Policy {
                statements: p.statements.clone(),
                revision_id: p.revision_id,
            },
        );
    }

    Ok(Function {
        name: fs.name.clone(),
        arn,
        latest: Latest {
            config: Arc::new(fs.latest.config.clone()),
            revision_id: fs.latest.revision_id,
            last_modified: fs.latest.last_modified,
            status: fs.latest.status.status(),
            changed_since_publish: fs.latest.changed_since_publish,
        },
        versions,
        last_allocated: fs.last_allocated,
        last_published: fs.last_published,
        aliases,
        pending_versions,
        policies,
    })
}
