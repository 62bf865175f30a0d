//! The `Function` aggregate: `$LATEST`, the published versions and the aliases of one
//! function, and the rules that concern only that function.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::config::FunctionConfig;
use crate::error::Error;
use crate::names::{AliasName, FunctionName, RevisionId, Version, VersionNumber};
use crate::policy::{Policy, PolicyTarget};
use crate::registry::responses::{AliasConfiguration, AliasTarget, FunctionConfiguration};
use crate::routing::AliasRouting;
use crate::status::VersionStatus;

/// `$LATEST`: the mutable version.
#[derive(Clone, Debug)]
pub(crate) struct Latest {
    pub(crate) config: Arc<FunctionConfig>,
    pub(crate) revision_id: RevisionId,
    pub(crate) last_modified: Timestamp,
    pub(crate) status: VersionStatus,
    /// Changed since the most recent publish (R18, R19): any successful update sets it.
    pub(crate) changed_since_publish: bool,
}

/// A published, immutable version.
#[derive(Clone, Debug)]
pub(crate) struct PublishedVersion {
    pub(crate) config: Arc<FunctionConfig>,
    pub(crate) revision_id: RevisionId,
    pub(crate) last_modified: Timestamp,
    pub(crate) status: VersionStatus,
    /// The semantic-version label attached at publish, unique within the function.
    pub(crate) label: Option<semver::Version>,
}

/// An alias: a primary version and optional weighted routing.
#[derive(Clone, Debug)]
pub(crate) struct Alias {
    pub(crate) primary: Version,
    pub(crate) description: String,
    pub(crate) routing: Option<AliasRouting>,
    pub(crate) revision_id: RevisionId,
    /// Earlier targets, newest first, for undo.
    pub(crate) history: VecDeque<AliasTarget>,
}

impl Alias {
    /// Whether this alias sends any traffic (or could, by weight) to version `n` (R62, Q6).
    pub(crate) fn target(&self) -> AliasTarget {
        AliasTarget {
            function_version: self.primary,
            routing: self.routing,
        }
    }

    pub(crate) fn references(&self, n: VersionNumber) -> bool {
        self.primary == Version::Published(n) || self.routing.is_some_and(|r| r.routes_to(n))
    }
}

/// One function with everything it owns.
#[derive(Clone, Debug)]
pub(crate) struct Function {
    pub(crate) name: FunctionName,
    pub(crate) arn: FunctionArn,
    pub(crate) latest: Latest,
    pub(crate) versions: BTreeMap<VersionNumber, PublishedVersion>,
    /// The highest version number ever allocated to this function (0 before the first).
    pub(crate) last_allocated: u64,
    /// The version the most recent successful publish created.
    pub(crate) last_published: Option<VersionNumber>,
    pub(crate) aliases: BTreeMap<AliasName, Alias>,
    /// Resource policies by target (R73): never one for `$LATEST`.
    pub(crate) policies: BTreeMap<PolicyTarget, Policy>,
    /// Published versions still being created (`State` `Pending`), settled with `$LATEST`.
    pub(crate) pending_versions: Vec<VersionNumber>,
}

/// Refusal texts that concern one function.
pub(crate) mod messages {
    pub(crate) const ROLE_MISMATCH: &str =
        "Specified versions must be associated with the same execution role";
    /// The service's text for this case was not found (Q5); this is the crate's wording.
    pub(crate) const DEAD_LETTER_MISMATCH: &str =
        "Specified versions must be associated with the same dead letter queue configuration";
}

impl Function {
    /// The `FunctionConfiguration` of `$LATEST` reported under `arn`.
    pub(crate) fn latest_view(&self, arn: FunctionArn, with_status: bool) -> FunctionConfiguration {
        FunctionConfiguration {
            function_name: self.name.clone(),
            function_arn: arn,
            version: Version::Latest,
            config: Arc::clone(&self.latest.config),
            last_modified: self.latest.last_modified,
            revision_id: self.latest.revision_id,
            status: with_status.then(|| self.latest.status.clone()),
            label: None,
        }
    }

    /// The `FunctionConfiguration` of published version `n`, if it exists.
    pub(crate) fn version_view(
        &self,
        n: VersionNumber,
        arn: FunctionArn,
        with_status: bool,
    ) -> Option<FunctionConfiguration> {
        let v = self.versions.get(&n)?;
        Some(FunctionConfiguration {
            function_name: self.name.clone(),
            function_arn: arn,
            version: Version::Published(n),
            config: Arc::clone(&v.config),
            last_modified: v.last_modified,
            revision_id: v.revision_id,
            status: with_status.then(|| v.status.clone()),
            label: v.label.clone(),
        })
    }

    /// The view of `version` (either kind) under `arn`.
    pub(crate) fn view(
        &self,
        version: Version,
        arn: FunctionArn,
        with_status: bool,
    ) -> Option<FunctionConfiguration> {
        match version {
            Version::Latest => Some(self.latest_view(arn, with_status)),
            Version::Published(n) => self.version_view(n, arn, with_status),
        }
    }

    /// The `AliasConfiguration` of alias `name`.
    pub(crate) fn alias_view(&self, name: &AliasName, alias: &Alias) -> AliasConfiguration {
        AliasConfiguration {
            alias_arn: self.arn.with_qualifier(name.clone()),
            name: name.clone(),
            function_version: alias.primary,
            description: alias.description.clone(),
            routing_config: alias.routing,
            revision_id: alias.revision_id,
        }
    }

    /// The names of the aliases that reference version `n`, in name order.
    pub(crate) fn aliases_referencing(&self, n: VersionNumber) -> Vec<&AliasName> {
        self.aliases
            .iter()
            .filter(|(_, a)| a.references(n))
            .map(|(name, _)| name)
            .collect()
    }

    /// Whether `version` exists (`$LATEST` always does).
    pub(crate) fn has_version(&self, version: Version) -> bool {
        match version {
            Version::Latest => true,
            Version::Published(n) => self.versions.contains_key(&n),
        }
    }

    /// R52: both versions of a weighted alias share execution role and dead-letter target.
    pub(crate) fn check_routing_pair(
        &self,
        primary: VersionNumber,
        additional: VersionNumber,
    ) -> Result<(), Error> {
        let (Some(a), Some(b)) = (self.versions.get(&primary), self.versions.get(&additional))
        else {
            return Ok(());
        };
        if a.config.role != b.config.role {
            return Err(Error::invalid_parameter(messages::ROLE_MISMATCH));
        }
        if a.config.dead_letter_target != b.config.dead_letter_target {
            return Err(Error::invalid_parameter(messages::DEAD_LETTER_MISMATCH));
        }
        Ok(())
    }

    /// The version that carries `label`, if any.
    pub(crate) fn version_labelled(&self, label: &semver::Version) -> Option<VersionNumber> {
        self.versions
            .iter()
            .find(|(_, v)| v.label.as_ref() == Some(label))
            .map(|(n, _)| *n)
    }

    /// The version a publish right now would return without creating anything (R18), if
    /// this publish is a no-op.
    pub(crate) fn noop_publish_target(&self) -> Option<VersionNumber> {
        if self.latest.changed_since_publish {
            return None;
        }
        // Q2: when the last published version was deleted, publishing creates a new one.
        self.last_published
            .filter(|n| self.versions.contains_key(n))
    }

    /// Freezes `$LATEST` into a new version numbered after every number ever used (R29,
    /// R30) and returns that number; `None` only if the number space is exhausted.
    pub(crate) fn publish(
        &mut self,
        label: Option<semver::Version>,
        description: Option<String>,
        revision_id: RevisionId,
        latest_revision_id: RevisionId,
        now: Timestamp,
        status: VersionStatus,
    ) -> Option<VersionNumber> {
        let number = VersionNumber::new(self.last_allocated.checked_add(1)?)?;
        let config = match description {
            Some(d) if d != self.latest.config.description => {
                let mut c = FunctionConfig::clone(&self.latest.config);
                c.description = d;
                Arc::new(c)
            }
            _ => Arc::clone(&self.latest.config),
        };
        if status.state == crate::status::State::Pending {
            self.pending_versions.push(number);
        }
        self.versions.insert(
            number,
            PublishedVersion {
                config,
                revision_id,
                last_modified: now,
                status,
                label,
            },
        );
        self.last_allocated = number.get();
        self.last_published = Some(number);
        self.latest.changed_since_publish = false;
        self.latest.revision_id = latest_revision_id;
        Some(number)
    }
}
