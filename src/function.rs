//! The `Function` aggregate: `$LATEST`, the published versions and the aliases of one
//! function, and the rules that concern only that function.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use smallvec::SmallVec;

use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::concurrency::ProvisionedConfig;
use crate::config::FunctionConfig;
use crate::function_url::FunctionUrl;
use crate::invoke_config::EventInvokeConfig;
use crate::names::{AliasName, FunctionName, RevisionId, Version, VersionNumber};
use crate::policy::{Policy, PolicyTarget};
use crate::routing::{
    AliasRouting, AliasTarget, MAX_ADDITIONAL_VERSIONS, RoutingViolation, Weight, check_agreement,
};
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
    /// The wire's `GetAlias` body for this state of the alias, made when first asked for;
    /// every change of the alias starts it afresh (`Registry::store_alias`).
    #[cfg(feature = "wire")]
    pub(crate) rendered: RenderedOnce,
}

/// Bytes made from an alias's state the first time they are asked for, kept until the
/// alias changes (the alias's owner replaces them then). A copy of an alias starts
/// without them: they are made again on demand.
#[cfg(feature = "wire")]
#[derive(Default)]
pub(crate) struct RenderedOnce(std::sync::OnceLock<Box<[u8]>>);

#[cfg(feature = "wire")]
impl RenderedOnce {
    /// The bytes, made by `render` if this is the first time they are asked for.
    pub(crate) fn get_or_render(&self, render: impl FnOnce() -> Vec<u8>) -> &[u8] {
        self.0.get_or_init(|| render().into_boxed_slice())
    }
}

#[cfg(feature = "wire")]
impl Clone for RenderedOnce {
    fn clone(&self) -> Self {
        RenderedOnce::default()
    }
}

#[cfg(feature = "wire")]
impl std::fmt::Debug for RenderedOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "RenderedOnce(made)"
        } else {
            "RenderedOnce(not yet)"
        })
    }
}

impl Alias {
    /// The alias's current target (primary and routing).
    pub(crate) fn target(&self) -> AliasTarget {
        AliasTarget {
            function_version: self.primary,
            routing: self.routing,
        }
    }

    /// Whether this alias sends any traffic (or could, by weight) to version `n` (R62, Q6).
    pub(crate) fn references(&self, n: VersionNumber) -> bool {
        self.primary == Version::Published(n) || self.routing.is_some_and(|r| r.routes_to(n))
    }
}

/// One function with everything it owns.
#[derive(Clone, Debug)]
pub(crate) struct Function {
    pub(crate) name: FunctionName,
    pub(crate) arn: FunctionArn,
    /// The text of `arn`, written once when the function is created (it never changes):
    /// answers copy it instead of writing the ARN part by part.
    pub(crate) arn_text: Box<str>,
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
    /// Asynchronous-invocation settings by qualifier (R140): `Function` stands for the
    /// unqualified function and `$LATEST` alike.
    pub(crate) invoke_configs: BTreeMap<PolicyTarget, EventInvokeConfig>,
    /// Function URLs (R125): of the function (`Function`) or of an alias, never of a
    /// version.
    pub(crate) urls: BTreeMap<PolicyTarget, FunctionUrl>,
    /// Reserved concurrency (R115), function-wide.
    pub(crate) reserved_concurrency: Option<u32>,
    /// Provisioned-concurrency configs (R99): on published versions and aliases only.
    pub(crate) provisioned: BTreeMap<PolicyTarget, ProvisionedConfig>,
    /// Tags (R162): function-level, never versioned.
    pub(crate) tags: BTreeMap<String, String>,
}

impl Function {
    /// The code this function stores: `$LATEST` plus every published version (R28).
    pub(crate) fn stored_bytes(&self) -> u64 {
        self.versions
            .values()
            .map(|v| v.config.code.size())
            .fold(self.latest.config.code.size(), u64::saturating_add)
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

    /// R51, R52: the routing `entries` (keys as written) resolved against this
    /// function's versions, each in agreement with `primary` (role and dead-letter
    /// target). `None` for no entries.
    pub(crate) fn routing_to<K: AsRef<str>>(
        &self,
        entries: &[(K, f64)],
    ) -> Result<Option<AliasRouting>, RoutingViolation> {
        // Inline: a valid routing has at most MAX_ADDITIONAL_VERSIONS entries.
        let mut routed: SmallVec<[(VersionNumber, Weight); MAX_ADDITIONAL_VERSIONS]> =
            SmallVec::new();
        for (key, weight) in entries {
            let key = key.as_ref();
            let n = match key.parse::<VersionNumber>() {
                Ok(n) if self.versions.contains_key(&n) => n,
                _ => return Err(RoutingViolation::MissingVersion(key.to_owned())),
            };
            let weight =
                Weight::new(*weight).map_err(|_| RoutingViolation::WeightOutOfRange(*weight))?;
            routed.push((n, weight));
        }
        Ok(AliasRouting::from_entries(&routed))
    }

    /// R52: every routed version agrees with the primary on execution role and
    /// dead-letter target.
    pub(crate) fn check_routing_agreement(
        &self,
        primary: Version,
        routing: Option<AliasRouting>,
    ) -> Result<(), RoutingViolation> {
        let (Version::Published(p), Some(r)) = (primary, routing) else {
            return Ok(());
        };
        let Some(p) = self.versions.get(&p) else {
            return Ok(());
        };
        for (n, _) in r.entries() {
            if let Some(x) = self.versions.get(&n) {
                check_agreement(&p.config, &x.config)?;
            }
        }
        Ok(())
    }

    /// Whether the version or alias a policy target names exists (the function always
    /// does).
    pub(crate) fn has_policy_target(&self, target: &PolicyTarget) -> bool {
        match target {
            PolicyTarget::Function => true,
            PolicyTarget::Version(n) => self.versions.contains_key(n),
            PolicyTarget::Alias(a) => self.aliases.contains_key(a),
        }
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
    /// R30) and returns that number; `None` once the numbers up to
    /// [`VersionNumber::MAX_PUBLISHED`] are used up.
    pub(crate) fn publish(
        &mut self,
        label: Option<semver::Version>,
        description: Option<String>,
        revision_id: RevisionId,
        latest_revision_id: RevisionId,
        now: Timestamp,
        status: VersionStatus,
    ) -> Option<VersionNumber> {
        let next = self.last_allocated.checked_add(1)?;
        if next > VersionNumber::MAX_PUBLISHED {
            return None;
        }
        let number = VersionNumber::new(next)?;
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
