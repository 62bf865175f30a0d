//! Snapshot import: every invariant the live registry maintains is checked before
//! anything is built, and a violation is a [`SnapshotError`] naming its path. The routing
//! rules are the registry's own checker ([`check_shape`], [`Function::routing_to`],
//! [`Function::check_routing_agreement`]); only the wording differs.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use super::{FORMAT, FunctionSnapshot, RoutingSnapshot, Snapshot, SnapshotError, StatusSnapshot};
use crate::arn::FunctionArn;
use crate::config::FunctionConfig;
use crate::function::{Alias, Function, Latest, PublishedVersion};
use crate::names::{AccountId, AliasName, FunctionName, Partition, Region, Version, VersionNumber};
use crate::policy::{POLICY_SIZE_LIMIT, Policy, document_size};
use crate::registry::checks::{Settings, check_setting_limits, check_settings};
use crate::registry::control::{Registry, RegistryBuilder, RoutingMode};
use crate::resolver::Route;
use crate::routing::{AliasRouting, AliasTarget, RoutingViolation, Weight, check_shape};
use crate::validate::{Violations, java_len};

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
        for (name, counter) in &snapshot.retired_version_counters {
            check_counter(&format!("retired_version_counters.{name}"), *counter)?;
        }
        let arn_base = (&snapshot.partition, &snapshot.region, snapshot.account);
        let mut functions = HashMap::default();
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
                    f.name.as_str(),
                    name.as_str(),
                    Route::new(alias.primary, alias.routing),
                );
            }
        }
        registry.functions = functions;
        super::attachments::index_urls(&mut registry)?;
        let names: Vec<FunctionName> = registry.functions.keys().cloned().collect();
        for name in &names {
            registry.refresh_admission(name);
        }
        super::attachments::import_mappings(&mut registry, &snapshot.event_source_mappings)?;
        // A counter of 0 records nothing the numbering rule needs (Q1).
        registry.retired_counters = snapshot
            .retired_version_counters
            .into_iter()
            .filter(|(_, counter)| *counter > 0)
            .collect();
        Ok(registry)
    }
}

/// A routing violation in snapshot words.
fn routing_problem(violation: RoutingViolation) -> String {
    match violation {
        RoutingViolation::TooManyVersions { count, max } => {
            format!("routing names {count} additional versions; this registry allows {max}")
        }
        RoutingViolation::WeightSumAboveOne => "routing weights add up to more than 1.0".into(),
        RoutingViolation::LatestPrimary => {
            "routing needs a published primary version, not $LATEST".into()
        }
        RoutingViolation::RoutesToPrimary(v) => format!("routing names the primary version {v}"),
        RoutingViolation::Duplicate(v) => format!("routing names version {v} twice"),
        RoutingViolation::MissingVersion(v) => {
            format!("routing names version {v}, which does not exist")
        }
        RoutingViolation::WeightOutOfRange(w) => format!("weight {w} is outside 0.0..=1.0"),
        RoutingViolation::RoleMismatch | RoutingViolation::DeadLetterMismatch => {
            "routing joins versions with different execution roles or dead-letter targets".into()
        }
    }
}

/// Routing entries as the checker reads them: keys as written, weights as numbers.
fn entries_of(entries: &[RoutingSnapshot]) -> Vec<(String, f64)> {
    entries
        .iter()
        .map(|r| (r.additional_version.to_string(), r.weight.get()))
        .collect()
}

/// The rules a routing satisfies on its own (R46, R47, R50, the sum, no repetition), for
/// history entries whose versions may be gone since.
fn check_routing_shape(
    path: &str,
    primary: Version,
    entries: &[RoutingSnapshot],
    mode: RoutingMode,
) -> Result<Option<AliasRouting>, SnapshotError> {
    let as_written = entries_of(entries);
    check_shape(
        Some(&primary.to_string()),
        &as_written,
        mode.max_additional_versions(),
    )
    .map_err(|v| SnapshotError::new(path, routing_problem(v)))?;
    let pairs: Vec<(VersionNumber, Weight)> = entries
        .iter()
        .map(|r| (r.additional_version, r.weight))
        .collect();
    Ok(AliasRouting::from_entries(&pairs))
}

/// Every routing rule of a live alias (R46–R52) on `function`'s versions.
fn import_routing(
    path: &str,
    function: &Function,
    primary: Version,
    entries: &[RoutingSnapshot],
    mode: RoutingMode,
) -> Result<Option<AliasRouting>, SnapshotError> {
    let as_written = entries_of(entries);
    let problem = |v| SnapshotError::new(path, routing_problem(v));
    check_shape(
        Some(&primary.to_string()),
        &as_written,
        mode.max_additional_versions(),
    )
    .map_err(problem)?;
    let routing = function.routing_to(&as_written).map_err(problem)?;
    function
        .check_routing_agreement(primary, routing)
        .map_err(problem)?;
    Ok(routing)
}

/// A version counter no registry produces (above [`VersionNumber::MAX_PUBLISHED`]) is
/// refused: it could only come from a corrupt or hostile snapshot.
fn check_counter(path: &str, counter: u64) -> Result<(), SnapshotError> {
    if counter > VersionNumber::MAX_PUBLISHED {
        return Err(SnapshotError::new(
            path,
            format!(
                "version counter {counter} is above the highest version number a registry publishes ({})",
                VersionNumber::MAX_PUBLISHED
            ),
        ));
    }
    Ok(())
}

fn check_config(path: &str, config: &FunctionConfig) -> Result<(), SnapshotError> {
    let settings = Settings::of(config);
    let mut v = Violations::new();
    check_settings(&mut v, &settings);
    v.finish()
        .and_then(|()| check_setting_limits(&settings))
        .map_err(|e| SnapshotError::new(format!("{path}.config"), e.message().to_owned()))
}

pub(in crate::registry) fn import_function(
    path: &str,
    fs: &FunctionSnapshot,
    (partition, region, account): (&Partition, &Region, AccountId),
    (mode, history_depth): (RoutingMode, usize),
) -> Result<Function, SnapshotError> {
    let arn = FunctionArn::new(partition.clone(), region.clone(), account, fs.name.clone());
    check_counter(&format!("{path}.last_allocated"), fs.last_allocated)?;
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

    let mut function = Function {
        name: fs.name.clone(),
        arn_text: arn.to_string().into_boxed_str(),
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
        aliases: BTreeMap::new(),
        pending_versions,
        policies: BTreeMap::new(),
        invoke_configs: BTreeMap::new(),
        urls: BTreeMap::new(),
        reserved_concurrency: None,
        provisioned: BTreeMap::new(),
        tags: BTreeMap::new(),
    };
    for (j, a) in fs.aliases.iter().enumerate() {
        let aliases = &function.aliases;
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
            && !function.versions.contains_key(&n)
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
        let routing = import_routing(&apath, &function, a.function_version, &entries, mode)?;
        let mut history = VecDeque::new();
        for (k, t) in a.history.iter().take(history_depth).enumerate() {
            let tpath = format!("{apath}.history[{k}]");
            let newest = t
                .routing
                .iter()
                .map(|r| r.additional_version.get())
                .chain(t.function_version.number().map(VersionNumber::get))
                .max();
            if let Some(n) = newest.filter(|n| *n > fs.last_allocated) {
                return Err(SnapshotError::new(
                    tpath,
                    format!(
                        "version {n} is above the function's version counter {}",
                        fs.last_allocated
                    ),
                ));
            }
            history.push_back(AliasTarget {
                function_version: t.function_version,
                routing: check_routing_shape(&tpath, t.function_version, &t.routing, mode)?,
            });
        }
        function.aliases.insert(
            a.name.clone(),
            Alias {
                primary: a.function_version,
                description: a.description.clone(),
                routing,
                revision_id: a.revision_id,
                history,
                #[cfg(feature = "wire")]
                rendered: Default::default(),
            },
        );
    }

    for (j, p) in fs.policies.iter().enumerate() {
        let ppath = format!("{path}.policies[{j}]");
        if !function.has_policy_target(&p.target) {
            return Err(SnapshotError::new(
                ppath,
                "the policy's target does not exist",
            ));
        }
        let resource = p.target.resource(&function.arn).to_string();
        if function.policies.contains_key(&p.target) {
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
        function.policies.insert(
            p.target.clone(),
            Policy {
                statements: p.statements.clone(),
                revision_id: p.revision_id,
            },
        );
    }
    super::attachments::import_attachments(path, &mut function, &fs.invoke_configs, &fs.urls)?;
    if fs.tags.len() > 50 {
        return Err(SnapshotError::new(
            format!("{path}.tags"),
            "more than 50 tags",
        ));
    }
    function.tags = fs.tags.clone();
    super::attachments::import_concurrency(
        path,
        &mut function,
        fs.reserved_concurrency,
        &fs.provisioned,
    )?;

    Ok(function)
}
