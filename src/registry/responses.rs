//! Response values of the registry's operations (the service's `FunctionConfiguration`,
//! `AliasConfiguration` and list shapes, as typed Rust values).

use std::sync::Arc;

use crate::arn::FunctionArn;
use crate::clock::Timestamp;
use crate::config::FunctionConfig;
use crate::function::{Alias, Function};
use crate::names::{AliasName, FunctionName, RevisionId, Version, VersionNumber};
use crate::routing::{AliasRouting, RouteReason};
use crate::status::VersionStatus;

/// One version's configuration as the service reports it (`FunctionConfiguration`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FunctionConfiguration {
    /// `FunctionName`: always the bare name.
    pub function_name: FunctionName,
    /// `FunctionArn`: unqualified, `…:$LATEST`, `…:N` or the alias ARN, depending on the
    /// operation and request (R24, R25, R31, R64).
    pub function_arn: FunctionArn,
    /// `Version`: `$LATEST` or the number.
    pub version: Version,
    /// The version-level settings (shared, never copied, for published versions).
    pub config: Arc<FunctionConfig>,
    /// `LastModified`.
    pub last_modified: Timestamp,
    /// `RevisionId`.
    pub revision_id: RevisionId,
    /// `State`, `LastUpdateStatus` and their reasons; `None` in list results (R31).
    pub status: Option<VersionStatus>,
    /// The semantic-version label attached at publish (beyond the service; never on the
    /// wire).
    pub label: Option<semver::Version>,
}

/// What `GetFunction` answers: the configuration and, for an unqualified request, the
/// function's reserved concurrency (R122, Q47). The code location is not modelled.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GetFunctionResponse {
    /// `Configuration`.
    pub configuration: FunctionConfiguration,
    /// `Concurrency.ReservedConcurrentExecutions`: only on an unqualified request, and
    /// only when a reservation is set.
    pub reserved_concurrency: Option<u32>,
    /// `Tags`: only on an unqualified request (R164, Q47); empty when untagged.
    pub tags: std::collections::BTreeMap<String, String>,
    /// `Code` (R172).
    pub code: CodeLocation,
}

/// `GetFunction.Code` (R172): where the version's code lives.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodeLocation {
    /// A deployment package (`RepositoryType: S3`). No package is stored, so `Location` is
    /// a placeholder under the reserved `.invalid` domain:
    /// `https://lambda-versioning.invalid/code/{region}/{account}/{function}/{version}`
    /// (docs/decisions.md).
    Zip {
        /// `Location`.
        location: String,
    },
    /// A container image (`RepositoryType: ECR`).
    Image {
        /// `ImageUri` as given.
        image_uri: String,
        /// `ResolvedImageUri`: `{repository}@sha256:{digest}`.
        resolved_image_uri: String,
    },
}

/// An alias as the service reports it (`AliasConfiguration`, R37).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AliasConfiguration {
    /// `AliasArn`: `{function arn}:{name}`.
    pub alias_arn: FunctionArn,
    /// `Name`.
    pub name: AliasName,
    /// `FunctionVersion`: the primary version.
    pub function_version: Version,
    /// `Description` (`""` when none was given).
    pub description: String,
    /// `RoutingConfig`, only when an additional version is set (R37, R53).
    pub routing_config: Option<AliasRouting>,
    /// `RevisionId`.
    pub revision_id: RevisionId,
}

/// What [`Registry::prune_versions`](crate::Registry::prune_versions) did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneReport {
    /// The versions deleted, ascending.
    pub deleted: Vec<VersionNumber>,
    /// Older versions kept because an alias references them (as primary or additional
    /// version), ascending.
    pub kept_for_aliases: Vec<VersionNumber>,
    /// The newest versions kept by the `keep_newest` count, ascending.
    pub kept_newest: Vec<VersionNumber>,
}

/// One page of `ListVersionsByFunction` (R31, R32).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ListVersionsByFunctionResponse {
    /// `Versions`: `$LATEST` first, then published versions in ascending order.
    pub versions: Vec<FunctionConfiguration>,
    /// `NextMarker`, present while more items remain.
    pub next_marker: Option<String>,
}

/// One page of `ListAliases` (R43).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListAliasesResponse {
    /// `Aliases`, in alias-name order.
    pub aliases: Vec<AliasConfiguration>,
    /// `NextMarker`, present while more items remain.
    pub next_marker: Option<String>,
}

/// Which version runs for an invocation, and under which ARN (R66, R67).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvokeTarget {
    /// `ExecutedVersion`, the `X-Amz-Executed-Version` header of a synchronous invoke.
    pub executed_version: Version,
    /// The ARN the caller used (the function's invoked ARN inside its context).
    pub invoked_arn: FunctionArn,
    /// Why this version was chosen.
    pub reason: RouteReason,
}

/// What `AddPermission` answers (201): the new statement as compact JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddPermissionResponse {
    /// `Statement`.
    pub statement: String,
    /// The statement as a value.
    pub parsed: crate::policy::Statement,
}

/// What `GetPolicy` answers (200): the document as JSON text and its revision.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetPolicyResponse {
    /// `Policy`: `{"Version":"2012-10-17","Id":"default","Statement":[…]}`.
    pub policy: String,
    /// `RevisionId` of the policy.
    pub revision_id: RevisionId,
    /// The statements, in insertion order.
    pub statements: Vec<crate::policy::Statement>,
}

impl FunctionConfiguration {
    /// The view of `$LATEST` reported under `arn`.
    pub(crate) fn of_latest(f: &Function, arn: FunctionArn, with_status: bool) -> Self {
        FunctionConfiguration {
            function_name: f.name.clone(),
            function_arn: arn,
            version: Version::Latest,
            config: Arc::clone(&f.latest.config),
            last_modified: f.latest.last_modified,
            revision_id: f.latest.revision_id,
            status: with_status.then(|| f.latest.status.clone()),
            label: None,
        }
    }

    /// The view of published version `n` reported under `arn`, if it exists.
    pub(crate) fn of_version(
        f: &Function,
        n: VersionNumber,
        arn: FunctionArn,
        with_status: bool,
    ) -> Option<Self> {
        let v = f.versions.get(&n)?;
        Some(FunctionConfiguration {
            function_name: f.name.clone(),
            function_arn: arn,
            version: Version::Published(n),
            config: Arc::clone(&v.config),
            last_modified: v.last_modified,
            revision_id: v.revision_id,
            status: with_status.then(|| v.status.clone()),
            label: v.label.clone(),
        })
    }

    /// The view of `version` (either kind) reported under `arn`, if it exists.
    pub(crate) fn of(
        f: &Function,
        version: Version,
        arn: FunctionArn,
        with_status: bool,
    ) -> Option<Self> {
        match version {
            Version::Latest => Some(Self::of_latest(f, arn, with_status)),
            Version::Published(n) => Self::of_version(f, n, arn, with_status),
        }
    }
}

impl AliasConfiguration {
    /// The view of alias `name` of `f`.
    pub(crate) fn of(f: &Function, name: &AliasName, alias: &Alias) -> Self {
        AliasConfiguration {
            alias_arn: f.arn.with_qualifier(name.clone()),
            name: name.clone(),
            function_version: alias.primary,
            description: alias.description.clone(),
            routing_config: alias.routing,
            revision_id: alias.revision_id,
        }
    }
}
