//! CreateFunction, UpdateFunctionCode, UpdateFunctionConfiguration, GetFunction,
//! GetFunctionConfiguration, DeleteFunction, the invoke-target resolution and the
//! platform-driven lifecycle transitions.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::checks::{
    Settings, check_not_busy, check_revision, check_setting_limits, check_settings, exhausted,
    name_too_long, vanished,
};
use super::control::{Lifecycle, Registry, VersionNumbering};
use super::{
    CreateFunctionRequest, DeleteFunctionRequest, FunctionConfiguration,
    GetFunctionConfigurationRequest, GetFunctionRequest, GetFunctionResponse,
    UpdateFunctionCodeRequest, UpdateFunctionConfigurationRequest,
};
use crate::arn::{FunctionArn, FunctionRef};
use crate::config::FunctionConfig;
use crate::error::{Error, ErrorKind};
use crate::function::{Function, Latest};
use crate::names::{FunctionName, Version, VersionNumber};
use crate::policy::PolicyTarget;
use crate::status::{LastUpdateStatus, State, VersionStatus};
use crate::validate::{NamePattern, Violations, is_digits};

impl Registry {
    /// `CreateFunction` (201): creates `$LATEST` in state `Pending` and, with `Publish`,
    /// version 1 in the same step (R24: the response then says `Version` `1` with an
    /// unqualified `FunctionArn`).
    ///
    /// # Errors
    ///
    /// `ValidationException` for malformed members (R93); `InvalidParameterValueException`
    /// for a name longer than 64 characters (R1) or a qualifier suffix (R10);
    /// `ResourceNotFoundException` for an ARN of another region (R7);
    /// `ResourceConflictException` `Function already exist: {name}` when the name is taken.
    pub fn create_function(
        &mut self,
        req: CreateFunctionRequest,
    ) -> Result<FunctionConfiguration, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        let settings = Settings::of(&req.config);
        check_settings(&mut v, &settings);
        let fref = self.unqualified_target(v, fref)?;
        check_setting_limits(&settings)?;
        let name: FunctionName = fref
            .name()
            .parse()
            .map_err(|_| name_too_long(fref.name()))?;
        if self.lookup(&fref).is_some() {
            return Err(Error::conflict(format!("Function already exist: {name}")));
        }
        if fref.account().is_some_and(|a| a != self.account)
            || fref.partition().is_some_and(|p| *p != self.partition)
        {
            return Err(self.function_not_found(&fref));
        }
        let size = req.config.code.size();
        let copies = if req.publish { 2 } else { 1 };
        self.check_code_storage(size.saturating_mul(copies))?;
        if req.publish {
            self.check_version_quota(&self.arn_text(&fref), 0, 1)?;
        }

        let now = self.now();
        let latest_revision = self.new_revision_id();
        let arn = FunctionArn::new(
            self.partition.clone(),
            self.region.clone(),
            self.account,
            name.clone(),
        );
        let last_allocated = match self.numbering {
            VersionNumbering::ContinueAfterRecreate => {
                self.retired_counters.get(&name).copied().unwrap_or(0)
            }
            VersionNumbering::RestartAfterRecreate => 0,
        };
        let mut function = Function {
            name: name.clone(),
            arn_text: arn.to_string().into_boxed_str(),
            arn: arn.clone(),
            latest: Latest {
                config: Arc::new(req.config),
                revision_id: latest_revision,
                last_modified: now,
                status: VersionStatus::creating(),
                changed_since_publish: true,
            },
            versions: BTreeMap::new(),
            last_allocated,
            last_published: None,
            aliases: BTreeMap::new(),
            pending_versions: Vec::new(),
            invoke_configs: BTreeMap::new(),
            urls: BTreeMap::new(),
            reserved_concurrency: None,
            provisioned: BTreeMap::new(),
            tags: BTreeMap::new(),
            policies: BTreeMap::new(),
        };
        let mut response = FunctionConfiguration::of_latest(&function, arn, true);
        let mut published = Vec::new();
        if req.publish {
            let version_revision = self.new_revision_id();
            let number = function
                .publish(
                    None,
                    None,
                    version_revision,
                    latest_revision,
                    now,
                    VersionStatus::creating(),
                )
                .ok_or_else(exhausted)?;
            response.version = Version::Published(number);
            published.push(number);
        }
        self.functions.insert(name.clone(), function);
        self.resolver.function_created(&name, &published);
        if self.lifecycle == Lifecycle::Immediate {
            self.settle(&name);
        }
        Ok(response)
    }

    /// `UpdateFunctionCode` (200): replaces `$LATEST`'s code; the update is `InProgress`
    /// until it settles. With `Publish`, also publishes a version from the new code and
    /// answers with that version's configuration, `State` `Pending` (R25).
    ///
    /// # Errors
    ///
    /// `InvalidParameterValueException` for a version or alias qualifier (R10);
    /// `ResourceNotFoundException` for a missing function; `ResourceConflictException`
    /// while `$LATEST` is busy (R23); `PreconditionFailedException` for a stale
    /// `RevisionId` (R72).
    pub fn update_function_code(
        &mut self,
        req: UpdateFunctionCodeRequest,
    ) -> Result<FunctionConfiguration, Error> {
        let UpdateFunctionCodeRequest {
            function_name,
            code,
            architecture,
            publish,
            revision_id,
        } = req;
        let kind = code.package_type();
        self.update_latest(
            &function_name,
            revision_id.as_deref(),
            (publish, Some(code.size())),
            (Violations::new(), Ok(())),
            &|f: &Function| check_package_type(f, kind),
            |c| {
                c.code = code;
                if let Some(a) = architecture {
                    c.architecture = a;
                }
            },
        )
    }

    /// `UpdateFunctionConfiguration` (200): changes `$LATEST`'s settings (absent members
    /// keep their value). Any call, even one that changes nothing, makes the next publish
    /// create a version (R19, Q3: change detection is by event).
    ///
    /// # Errors
    ///
    /// As [`Registry::update_function_code`], plus `ValidationException` for malformed
    /// settings.
    pub fn update_function_configuration(
        &mut self,
        req: UpdateFunctionConfigurationRequest,
    ) -> Result<FunctionConfiguration, Error> {
        let UpdateFunctionConfigurationRequest {
            function_name,
            role,
            handler,
            runtime,
            description,
            timeout,
            memory_size,
            environment,
            dead_letter_target,
            layers,
            ephemeral_storage,
            image_config,
            snap_start,
            revision_id,
        } = req;
        let settings = Settings {
            role: role.as_deref(),
            handler: handler.as_deref(),
            runtime: runtime.as_deref(),
            description: description.as_deref(),
            memory_size,
            timeout,
            environment: environment.as_ref(),
            layers: layers.as_deref(),
            ephemeral_storage,
        };
        let mut violations = Violations::new();
        check_settings(&mut violations, &settings);
        let limits = check_setting_limits(&settings);
        self.update_latest(
            &function_name,
            revision_id.as_deref(),
            (false, None),
            (violations, limits),
            &|_: &Function| Ok(()),
            |c| {
                if let Some(x) = image_config {
                    // R177: `{}` removes the setting.
                    c.image_config = (!x.is_empty()).then_some(x);
                }
                if let Some(x) = snap_start {
                    c.snap_start = x;
                }
                if let Some(x) = role {
                    c.role = x;
                }
                if let Some(x) = handler {
                    c.handler = Some(x);
                }
                if let Some(x) = runtime {
                    c.runtime = Some(x);
                }
                if let Some(x) = description {
                    c.description = x;
                }
                if let Some(x) = timeout {
                    c.timeout = x;
                }
                if let Some(x) = memory_size {
                    c.memory_size = x;
                }
                if let Some(x) = environment {
                    c.environment = x;
                }
                if let Some(x) = dead_letter_target {
                    c.dead_letter_target = (!x.is_empty()).then_some(x);
                }
                if let Some(x) = layers {
                    c.layers = x;
                }
                if let Some(x) = ephemeral_storage {
                    c.ephemeral_storage = x;
                }
            },
        )
    }

    /// The shared path of the two `$LATEST` updates, in the order of R94.
    fn update_latest(
        &mut self,
        function_name: &str,
        revision_id: Option<&str>,
        (publish, new_code_size): (bool, Option<u64>),
        (member_violations, member_limits): (Violations, Result<(), Error>),
        precheck: &dyn Fn(&Function) -> Result<(), Error>,
        change: impl FnOnce(&mut FunctionConfig),
    ) -> Result<FunctionConfiguration, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        v.append(member_violations);
        let fref = self.unqualified_target(v, fref)?;
        member_limits?;
        let f = self.existing(&fref)?;
        check_not_busy(f)?;
        check_revision(revision_id, &f.latest.revision_id)?;
        precheck(f)?;
        let latest_size = f.latest.config.code.size();
        let new_size = new_code_size.unwrap_or(latest_size);
        let published = if publish { new_size } else { 0 };
        self.check_code_storage(
            new_size
                .saturating_sub(latest_size)
                .saturating_add(published),
        )?;
        if publish {
            self.check_version_quota(&f.arn, f.versions.len(), 1)?;
        }
        let key = f.name.clone();

        let now = self.now();
        let update_revision = self.new_revision_id();
        let publish_revisions = publish.then(|| (self.new_revision_id(), self.new_revision_id()));
        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
        change(Arc::make_mut(&mut f.latest.config));
        f.latest.revision_id = update_revision;
        f.latest.last_modified = now;
        f.latest.status = VersionStatus::updating();
        f.latest.changed_since_publish = true;
        let response = match publish_revisions {
            Some((version_revision, latest_revision)) => {
                let n = f
                    .publish(
                        None,
                        None,
                        version_revision,
                        latest_revision,
                        now,
                        VersionStatus::creating(),
                    )
                    .ok_or_else(exhausted)?;
                self.resolver.version_published(&key, n);
                FunctionConfiguration::of_version(f, n, f.arn.with_qualifier(n), true)
                    .ok_or_else(exhausted)?
            }
            None => FunctionConfiguration::of_latest(f, f.arn.clone(), true),
        };
        if self.lifecycle == Lifecycle::Immediate {
            self.settle(&key);
        }
        Ok(response)
    }

    /// `GetFunctionConfiguration` (200): the configuration of `$LATEST`, a version, or the
    /// primary version of an alias, reported under the ARN the request used (R64).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a malformed name or qualifier; `ResourceNotFoundException`
    /// for another region (R7) or a missing function, version or alias (R65, the
    /// `Function not found: {arn}[:{qualifier}]` wording); `InvalidParameterValueException`
    /// when the name's suffix and the `Qualifier` disagree (R6).
    pub fn get_function_configuration(
        &self,
        req: GetFunctionConfigurationRequest,
    ) -> Result<FunctionConfiguration, Error> {
        self.configuration_of(&req.function_name, req.qualifier.as_deref())
    }

    /// The shared path of `GetFunction` and `GetFunctionConfiguration`.
    fn configuration_of(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionConfiguration, Error> {
        let (fref, qualifier) =
            self.qualified_target(Violations::new(), function_name, qualifier)?;
        let qualifier = qualifier.as_deref();
        let Some(f) = self.lookup(&fref) else {
            return Err(match qualifier {
                None => self.function_not_found(&fref),
                Some(q) => self.qualified_not_found(&fref, q),
            });
        };
        let resolved = self.resolve_in(f, &fref, qualifier)?;
        FunctionConfiguration::of(f, resolved.primary, resolved.arn, true)
            .ok_or_else(|| self.qualified_not_found(&fref, qualifier.unwrap_or("$LATEST")))
    }

    /// `GetFunction` (200): as [`Registry::get_function_configuration`], wrapped in the
    /// `GetFunction` response.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_function_configuration`].
    pub fn get_function(&self, req: GetFunctionRequest) -> Result<GetFunctionResponse, Error> {
        let configuration = self.configuration_of(&req.function_name, req.qualifier.as_deref())?;
        let unqualified = req.qualifier.is_none()
            && FunctionRef::parse(&req.function_name, NamePattern::Namespaced)
                .is_ok_and(|r| r.qualifier().is_none());
        let function = unqualified
            .then(|| self.functions.get(&configuration.function_name))
            .flatten();
        let code_of = &configuration.config.code;
        let code = match (code_of.image_uri(), code_of.resolved_image_uri()) {
            (Some(image_uri), Some(resolved)) => super::CodeLocation::Image {
                image_uri: image_uri.to_owned(),
                resolved_image_uri: resolved.to_owned(),
            },
            _ => super::CodeLocation::Zip {
                location: format!(
                    "https://lambda-versioning.invalid/code/{}/{}/{}/{}",
                    self.region, self.account, configuration.function_name, configuration.version
                ),
            },
        };
        Ok(GetFunctionResponse {
            reserved_concurrency: function.and_then(|f| f.reserved_concurrency),
            tags: function.map(|f| f.tags.clone()).unwrap_or_default(),
            code,
            configuration,
        })
    }

    /// `DeleteFunction` (204): without a qualifier deletes the function with every version,
    /// alias and policy (R57); with a version number deletes only that version (R58), and
    /// succeeds silently if it does not exist (R59).
    ///
    /// # Errors
    ///
    /// `InvalidParameterValueException` for `$LATEST` (R60) or an alias-like qualifier
    /// (R61), decided before any lookup; `ResourceNotFoundException`
    /// `Function not found: {arn}` (unqualified, R59) for a missing function;
    /// `ResourceConflictException` naming the aliases that reference the version (R62;
    /// Q6: a reference as additional version counts too).
    pub fn delete_function(&mut self, req: DeleteFunctionRequest) -> Result<(), Error> {
        let (fref, qualifier) = self.qualified_target(
            Violations::new(),
            &req.function_name,
            req.qualifier.as_deref(),
        )?;
        if let Some(q) = qualifier.as_deref() {
            if q == "$LATEST" {
                return Err(Error::invalid_parameter(
                    "$LATEST version cannot be deleted without deleting the function.",
                ));
            }
            // R181: a qualifier with `$` (such as `$latest`) is not an alias name: the
            // function is looked up first, and on an existing function it names nothing
            // (Q51).
            if q.contains('$') {
                self.existing(&fref)?;
                return Err(self.qualified_not_found(&fref, q));
            }
            if !is_digits(q) {
                return Err(Error::invalid_parameter(
                    "Deletion of aliases is not currently supported.",
                ));
            }
        }
        let f = self.existing(&fref)?;
        let key = f.name.clone();
        match qualifier {
            None => {
                if let Some(f) = self.functions.remove(&key) {
                    self.resolver.function_deleted(&key, f.aliases.keys());
                    // Its URLs and invoke configs go with it; its event source mappings
                    // stay (R155).
                    for url in f.urls.values() {
                        self.url_index.remove(&url.url_id);
                    }
                    if f.reserved_concurrency.is_some() || !f.provisioned.is_empty() {
                        self.refresh_admission(&key);
                    }
                    // Q1: only a counter above zero constrains a re-created function.
                    if f.last_allocated > 0 {
                        let used = self.retired_counters.entry(key).or_insert(0);
                        *used = (*used).max(f.last_allocated);
                    }
                }
                Ok(())
            }
            Some(q) => {
                // Q26: a number with a leading zero names no version.
                let Ok(n) = q.parse::<VersionNumber>() else {
                    return Ok(());
                };
                if !f.versions.contains_key(&n) {
                    return Ok(());
                }
                let referencing = f.aliases_referencing(n);
                if !referencing.is_empty() {
                    let names: Vec<&str> = referencing.iter().map(|a| a.as_str()).collect();
                    return Err(Error::conflict(format!(
                        "Unable to delete version because the following aliases reference it: [{}]",
                        names.join(", ")
                    )));
                }
                if let Some(f) = self.functions.get_mut(&key) {
                    f.versions.remove(&n);
                    // R63, R148: what was attached to the version goes with it.
                    f.policies.remove(&PolicyTarget::Version(n));
                    f.invoke_configs.remove(&PolicyTarget::Version(n));
                    // Q32: a version's own provisioned config goes with it.
                    let provisioned = f.provisioned.remove(&PolicyTarget::Version(n)).is_some();
                    self.resolver.version_deleted(&key, n);
                    if provisioned {
                        self.refresh_admission(&key);
                    }
                }
                Ok(())
            }
        }
    }

    /// Marks a function's creation as finished ([`Lifecycle::Manual`]): `$LATEST` goes from
    /// `Pending` to `Active` with a new `RevisionId` (R69), and versions still being created
    /// become `Active` (their `RevisionId` stays, R26). Returns whether anything changed.
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` if the function does not exist.
    pub fn finish_creation(&mut self, function_name: &str) -> Result<bool, Error> {
        let key = self.lifecycle_target(function_name)?;
        let pending = self
            .functions
            .get(&key)
            .is_some_and(|f| f.latest.status.state == State::Pending);
        if pending {
            self.settle(&key);
        }
        Ok(pending)
    }

    /// Marks a function's in-progress update as finished ([`Lifecycle::Manual`]):
    /// `LastUpdateStatus` goes from `InProgress` to `Successful` with a new `RevisionId`
    /// (R69), and versions still being created become `Active`. Returns whether anything
    /// changed.
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` if the function does not exist.
    pub fn finish_update(&mut self, function_name: &str) -> Result<bool, Error> {
        let key = self.lifecycle_target(function_name)?;
        let updating = self.functions.get(&key).is_some_and(|f| {
            f.latest.status.last_update_status == Some(LastUpdateStatus::InProgress)
        });
        if updating {
            self.settle(&key);
        }
        Ok(updating)
    }

    /// Changes how lifecycle transitions are driven. Switching to
    /// [`Lifecycle::Immediate`] settles every transition still pending.
    #[cfg(feature = "wire")]
    pub(crate) fn set_lifecycle(&mut self, lifecycle: Lifecycle) {
        self.lifecycle = lifecycle;
        if lifecycle == Lifecycle::Immediate {
            let names: Vec<FunctionName> = self.functions.keys().cloned().collect();
            for name in names {
                self.settle(&name);
            }
        }
    }

    fn lifecycle_target(&self, function_name: &str) -> Result<FunctionName, Error> {
        let fref = FunctionRef::parse(function_name, NamePattern::Namespaced)
            .map_err(|e| Error::new(ErrorKind::Validation, e.to_string()))?;
        self.lookup(&fref)
            .map(|f| f.name.clone())
            .ok_or_else(|| self.function_not_found(&fref))
    }

    /// Settles every pending state of a function: `$LATEST` becomes `Active`/`Successful`
    /// with a new `RevisionId`, versions being created become `Active`.
    fn settle(&mut self, key: &FunctionName) {
        let busy = self
            .functions
            .get(key)
            .is_some_and(|f| f.latest.status.is_busy());
        let revision = busy.then(|| self.new_revision_id());
        let Some(f) = self.functions.get_mut(key) else {
            return;
        };
        if let Some(revision) = revision {
            f.latest.status = VersionStatus::active();
            f.latest.revision_id = revision;
        }
        for n in std::mem::take(&mut f.pending_versions) {
            if let Some(v) = f.versions.get_mut(&n) {
                v.status = VersionStatus::active();
            }
        }
    }
}

/// R176: a function's package type is fixed for life.
fn check_package_type(f: &Function, new: crate::config::PackageType) -> Result<(), Error> {
    use crate::config::PackageType;
    match (f.latest.config.code.package_type(), new) {
        (PackageType::Image, PackageType::Zip) => Err(Error::invalid_parameter(
            "Please provide ImageUri when updating a function with packageType Image.",
        )),
        (PackageType::Zip, PackageType::Image) => Err(Error::invalid_parameter(
            "Please don't provide ImageUri when updating a function with packageType Zip.",
        )),
        _ => Ok(()),
    }
}
