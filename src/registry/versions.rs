//! PublishVersion and ListVersionsByFunction.

use std::ops::Bound;

use super::FunctionConfiguration;
use super::checks::{check_not_busy, check_revision, exhausted, vanished};
use super::control::Registry;
use super::pagination::{self, MarkerKind};
use super::{
    ListVersionsByFunctionRequest, ListVersionsByFunctionResponse, PruneReport,
    PruneVersionsRequest, PublishVersionRequest,
};
use crate::error::Error;
use crate::function::Function;
use crate::names::{Qualifier, VersionNumber};
use crate::policy::PolicyTarget;
use crate::status::VersionStatus;
use crate::validate::{NamePattern, Violations};

impl Registry {
    /// `PublishVersion` (201): freezes `$LATEST` into the next version number (R16, R29,
    /// R30). With nothing changed since the last publish it creates nothing and answers
    /// with the most recently published version (R18); the first publish always creates
    /// version 1 (R20). A successful publish gives `$LATEST` a new `RevisionId` (R27).
    ///
    /// # Errors
    ///
    /// `ValidationException` for malformed members; `InvalidParameterValueException` for a
    /// version or alias suffix (Q13) or a `CodeSha256` that is not `$LATEST`'s (R21);
    /// `ResourceNotFoundException` for a missing function; `ResourceConflictException`
    /// while `$LATEST` is busy (R23); `PreconditionFailedException` for a stale
    /// `RevisionId` (R22). The `RevisionId` is checked before the `CodeSha256` (Q19).
    pub fn publish_version(
        &mut self,
        req: PublishVersionRequest,
    ) -> Result<FunctionConfiguration, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        Self::check_description(&mut v, req.description.as_deref());
        let fref = self.unqualified_target(v, fref)?;
        let f = self.existing(&fref)?;
        check_not_busy(f)?;
        check_revision(req.revision_id.as_deref(), &f.latest.revision_id)?;
        // Q21: an empty CodeSha256 counts as absent.
        if let Some(sha) = req.code_sha256.as_deref().filter(|s| !s.is_empty()) {
            let current = f.latest.config.code.sha256();
            if sha != current {
                return Err(Error::invalid_parameter(format!(
                    "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({current}). Please try again with the CodeSHA256 in $LATEST."
                )));
            }
        }
        let labelled = req.label.as_ref().and_then(|l| f.version_labelled(l));
        let noop = f.noop_publish_target();
        if let (Some(label), Some(holder)) = (&req.label, labelled)
            && Some(holder) != noop
        {
            return Err(Error::conflict(format!(
                "Label {label} is already attached to version {holder} of {}",
                f.arn
            )));
        }
        if let Some(n) = noop {
            // R18: nothing to publish. A label goes on the returned version if it has none.
            let key = f.name.clone();
            if let Some(label) = req.label {
                let current = f.versions.get(&n).and_then(|v| v.label.as_ref());
                match current {
                    Some(existing) if *existing != label => {
                        return Err(Error::invalid_parameter(format!(
                            "Nothing changed since version {n} was published, and it already has label {existing}"
                        )));
                    }
                    Some(_) => {}
                    None => {
                        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
                        if let Some(v) = f.versions.get_mut(&n) {
                            v.label = Some(label);
                        }
                    }
                }
            }
            let f = self.functions.get(&key).ok_or_else(vanished)?;
            return FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), true)
                .ok_or_else(exhausted);
        }
        self.check_code_storage(f.latest.config.code.size())?;
        self.check_version_quota(&f.arn, f.versions.len(), 1)?;
        let key = f.name.clone();

        let now = self.now();
        let version_revision = self.new_revision_id();
        let latest_revision = self.new_revision_id();
        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
        let n = f
            .publish(
                req.label,
                req.description,
                version_revision,
                latest_revision,
                now,
                VersionStatus::active(),
            )
            .ok_or_else(exhausted)?;
        self.resolver.version_published(&key, n);
        FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), true).ok_or_else(exhausted)
    }

    /// `ListVersionsByFunction` (200): `$LATEST` (with its qualified ARN) first, then the
    /// published versions in ascending order, without state fields (R31); at most 50 per
    /// page, `$LATEST` counting toward the first (R32).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a malformed name or a `MaxItems` outside 1–10000 (R91);
    /// `InvalidParameterValueException` for a version or alias suffix (Q13) or a marker
    /// this registry did not issue; `ResourceNotFoundException` for a missing function.
    pub fn list_versions_by_function(
        &self,
        req: ListVersionsByFunctionRequest,
    ) -> Result<ListVersionsByFunctionResponse, Error> {
        let page = self.version_page(req)?;
        let f = page.function;
        let mut versions = Vec::with_capacity(page.numbers.len() + usize::from(page.with_latest));
        if page.with_latest {
            versions.push(FunctionConfiguration::of_latest(
                f,
                f.arn.with_qualifier(Qualifier::Latest),
                false,
            ));
        }
        versions.extend(page.numbers.iter().filter_map(|&n| {
            FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), false)
        }));
        Ok(ListVersionsByFunctionResponse {
            versions,
            next_marker: page.next_marker,
        })
    }

    /// The page `ListVersionsByFunction` answers, borrowed from the registry: the checks
    /// and the paging of [`Registry::list_versions_by_function`], without building the
    /// views (for a caller that renders the versions from what it already holds).
    pub(crate) fn version_page(
        &self,
        req: ListVersionsByFunctionRequest,
    ) -> Result<VersionPage<'_>, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Namespaced);
        pagination::check_max_items(&mut v, req.max_items);
        let fref = self.unqualified_target(v, fref)?;
        let f = self.existing(&fref)?;
        let page = pagination::page_size(req.max_items);

        // The marker holds the first version number of the next page; no marker starts at
        // `$LATEST`.
        let start = req
            .marker
            .as_deref()
            .map(|marker| pagination::decode::<VersionNumber>(MarkerKind::Version, marker))
            .transpose()?;
        let with_latest = start.is_none();
        let room = page.saturating_sub(usize::from(with_latest));
        let mut numbers = Vec::with_capacity(room.min(f.versions.len()));
        let lower = start.map_or(Bound::Unbounded, Bound::Included);
        let mut next_marker = None;
        for &n in f.versions.range((lower, Bound::Unbounded)).map(|(n, _)| n) {
            if numbers.len() == room {
                next_marker = Some(pagination::encode(MarkerKind::Version, &n.to_string()));
                break;
            }
            numbers.push(n);
        }
        Ok(VersionPage {
            function: f,
            with_latest,
            numbers,
            next_marker,
        })
    }
}

/// One page of `ListVersionsByFunction`, borrowed from the registry.
pub(crate) struct VersionPage<'a> {
    /// The function listed.
    pub(crate) function: &'a Function,
    /// Whether the page starts with `$LATEST` (the first page).
    pub(crate) with_latest: bool,
    /// The published versions on the page, ascending.
    pub(crate) numbers: Vec<VersionNumber>,
    /// `NextMarker`, while more versions remain.
    pub(crate) next_marker: Option<String>,
}

/// Version labels and pruning: beyond the service.
impl Registry {
    /// The function named by a `FunctionName` without qualifier (classic pattern).
    fn unqualified_function(&self, function_name: &str) -> Result<&Function, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        let fref = self.unqualified_target(v, fref)?;
        self.existing(&fref)
    }

    /// The published version that carries `label` (attached with
    /// [`PublishVersionRequest::with_label`]).
    ///
    /// # Errors
    ///
    /// The errors of a `FunctionName` lookup; `ResourceNotFoundException`
    /// `No version of {arn} has label {label}` (this crate's wording).
    pub fn version_by_label(
        &self,
        function_name: &str,
        label: &semver::Version,
    ) -> Result<FunctionConfiguration, Error> {
        let f = self.unqualified_function(function_name)?;
        f.version_labelled(label)
            .and_then(|n| FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), true))
            .ok_or_else(|| Error::not_found(format!("No version of {} has label {label}", f.arn)))
    }

    /// The published version with the highest label matching `requirement` (Cargo's
    /// rules: `^1.2`, `~1.2.3`, `>=1, <2`, …; pre-releases match only a requirement that
    /// names a pre-release of the same `major.minor.patch`). `None` when no label matches.
    ///
    /// # Errors
    ///
    /// The errors of a `FunctionName` lookup.
    pub fn highest_version_matching(
        &self,
        function_name: &str,
        requirement: &semver::VersionReq,
    ) -> Result<Option<FunctionConfiguration>, Error> {
        let f = self.unqualified_function(function_name)?;
        Ok(f.versions
            .iter()
            .filter_map(|(n, v)| v.label.as_ref().map(|l| (l, *n)))
            .filter(|(l, _)| requirement.matches(l))
            .max_by(|a, b| a.0.cmp(b.0))
            .and_then(|(_, n)| {
                FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), true)
            }))
    }

    /// Deletes every published version except the `keep_newest` newest, never one an
    /// alias references as primary or additional version, and never one still being
    /// created. Each deletion is a `DeleteFunction` of that version: its policy goes with
    /// it and the resolver forgets it. Versions only an alias's *history* names can be
    /// deleted; undoing to them then fails with the usual not-found error.
    ///
    /// # Errors
    ///
    /// The errors of a `FunctionName` lookup; then nothing is deleted.
    pub fn prune_versions(&mut self, req: PruneVersionsRequest) -> Result<PruneReport, Error> {
        let f = self.unqualified_function(&req.function_name)?;
        let key = f.name.clone();
        let mut report = PruneReport::default();
        let newest: Vec<VersionNumber> = f
            .versions
            .keys()
            .rev()
            .take(req.keep_newest)
            .copied()
            .collect();
        let mut doomed = Vec::new();
        for n in f.versions.keys().copied() {
            if newest.contains(&n) {
                report.kept_newest.push(n);
            } else if f.aliases.values().any(|a| a.references(n)) {
                report.kept_for_aliases.push(n);
            } else if f.pending_versions.contains(&n) {
                report.kept_newest.push(n);
            } else {
                doomed.push(n);
            }
        }
        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
        for n in &doomed {
            f.versions.remove(n);
            f.policies.remove(&PolicyTarget::Version(*n));
            f.invoke_configs.remove(&PolicyTarget::Version(*n));
            f.provisioned.remove(&PolicyTarget::Version(*n));
            self.resolver.version_deleted(&key, *n);
        }
        self.refresh_admission(&key);
        report.deleted = doomed;
        Ok(report)
    }
}
