//! The steps of the order of checks (R94, docs/check-order.md) that every operation
//! shares, and the texts they answer with. Each operation calls them in that order;
//! nothing here mutates.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::arn::FunctionRef;
use crate::config::FunctionConfig;
use crate::error::{Error, ErrorKind};
use crate::function::Function;
use crate::names::{AliasName, RevisionId};
use crate::routing::{RoutingViolation, Weight};
use crate::status::{LastUpdateStatus, State};
use crate::validate::{
    ADDITIONAL_VERSION_PATTERN, ALIAS_NAME_PATTERN, ENVIRONMENT_KEY_PATTERN,
    FUNCTION_VERSION_PATTERN, LAYER_ARN_PATTERN, NamePattern, QUALIFIER_PATTERN, ROLE_PATTERN,
    RUNTIMES, Violations, is_digits, java_double, java_len, matches_alias_name,
    matches_environment_key, matches_function_version, matches_layer_arn, matches_qualifier_param,
    matches_role, max_len_text, pattern_text,
};

use super::control::Registry;

/// The `PreconditionFailedException` text for `$LATEST` and alias revisions (R22, R40).
pub(crate) const REVISION_MISMATCH: &str = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

/// R10: code and configuration changes (and, by this crate's choice, the other operations
/// without a `Qualifier` parameter) accept no qualifier but `$LATEST`.
pub(crate) const ONLY_LATEST: &str = "Current operation does not support versions other than $LATEST. Please set the version to $LATEST or do not set a version in your request.";

/// R6.
pub(crate) const QUALIFIER_MISMATCH: &str =
    "The derived qualifier from the function name does not match the specified qualifier.";

impl Registry {
    /// Records a `FunctionName` violation (length, then pattern) and returns the parsed
    /// reference when the member is valid.
    pub(super) fn check_function_name(
        v: &mut Violations,
        raw: &str,
        pattern: NamePattern,
    ) -> Option<FunctionRef> {
        if !v.check_string(raw, "functionName", 1, pattern.max_len(), None) {
            return None;
        }
        match FunctionRef::parse(raw, pattern) {
            Ok(r) => Some(r),
            Err(_) => {
                v.push(raw, "functionName", &pattern_text(pattern.quoted()));
                None
            }
        }
    }

    /// Records a violation of the `Qualifier` parameter, if any.
    pub(super) fn check_qualifier_param(v: &mut Violations, qualifier: Option<&str>) {
        if let Some(q) = qualifier {
            v.check_string(
                q,
                "qualifier",
                1,
                128,
                Some((QUALIFIER_PATTERN, matches_qualifier_param(q))),
            );
        }
    }

    /// Records a violation of an optional `Description` member.
    pub(super) fn check_description(v: &mut Violations, description: Option<&str>) {
        if let Some(d) = description {
            v.check_string(d, "description", 0, 256, None);
        }
    }

    /// R7: an ARN naming another region is not reachable here; R179: one naming another
    /// account is refused with 403 `AccessDeniedException` (docs/decisions.md).
    pub(super) fn check_region(&self, fref: &FunctionRef) -> Result<(), Error> {
        if fref.account().is_some_and(|a| a != self.account) {
            return Err(Error::access_denied_without_message());
        }
        match fref.region() {
            Some(r) if *r != self.region => Err(Error::not_found(format!(
                "Functions from '{r}' are not reachable in this region ('{}')",
                self.region
            ))),
            _ => Ok(()),
        }
    }

    /// The unqualified ARN text used in messages for `fref` (its own partition and account
    /// when it names them, this registry's otherwise).
    pub(super) fn arn_text(&self, fref: &FunctionRef) -> String {
        format!(
            "arn:{}:lambda:{}:{}:function:{}",
            fref.partition().unwrap_or(&self.partition),
            self.region,
            fref.account().unwrap_or(self.account),
            fref.name()
        )
    }

    /// The function `fref` names, if it lives in this registry.
    pub(super) fn lookup(&self, fref: &FunctionRef) -> Option<&Function> {
        if fref.account().is_some_and(|a| a != self.account)
            || fref.partition().is_some_and(|p| *p != self.partition)
        {
            return None;
        }
        self.functions.get(fref.name())
    }

    /// Steps (1) to (3) of R94 for operations without a `Qualifier` parameter: the
    /// recorded violations (R93), the region (R7) and the suffix rule (Q13).
    pub(super) fn unqualified_target(
        &self,
        violations: Violations,
        fref: Option<FunctionRef>,
    ) -> Result<FunctionRef, Error> {
        violations.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        Self::require_unqualified(&fref)?;
        Ok(fref)
    }

    /// The function `fref` names, or `Function not found: {arn}`.
    pub(super) fn existing(&self, fref: &FunctionRef) -> Result<&Function, Error> {
        self.lookup(fref)
            .ok_or_else(|| self.function_not_found(fref))
    }

    /// Steps 1 to 3 (R93, R7, R6) for the operations with a `Qualifier` parameter:
    /// `FunctionName` (namespaced pattern) and `Qualifier` validated together with the
    /// operation's other member `violations`, the region, and the agreement of suffix and
    /// parameter. Returns the reference and the effective qualifier.
    pub(super) fn qualified_target(
        &self,
        violations: Violations,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(FunctionRef, Option<String>), Error> {
        let (fref, qualifier) =
            self.qualified_target_borrowed(violations, function_name, qualifier)?;
        Ok((fref, qualifier.map(Cow::into_owned)))
    }

    /// [`Registry::qualified_target`] with the effective qualifier borrowed from the
    /// `Qualifier` parameter when there is one (it then equals any suffix of the name).
    pub(super) fn qualified_target_borrowed<'q>(
        &self,
        mut violations: Violations,
        function_name: &str,
        qualifier: Option<&'q str>,
    ) -> Result<(FunctionRef, Option<Cow<'q, str>>), Error> {
        let fref =
            Self::check_function_name(&mut violations, function_name, NamePattern::Namespaced);
        Self::check_qualifier_param(&mut violations, qualifier);
        violations.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        let effective = match (Self::effective_qualifier(&fref, qualifier)?, qualifier) {
            (None, _) => None,
            (Some(_), Some(param)) => Some(Cow::Borrowed(param)),
            (Some(suffix), None) => Some(Cow::Owned(suffix.to_owned())),
        };
        Ok((fref, effective))
    }

    /// The stored function named exactly `function_name`, if the request's other members
    /// pass `check_rest` (which sees the function, so that a member naming something
    /// stored in it can skip its own check). A stored function's name is a bare name that
    /// every function-name check accepts and that needs no region or suffix check, so
    /// only the other members are left; `None` sends the caller to its full checks, which
    /// also word any refusal.
    pub(super) fn stored_function<'r>(
        &'r self,
        function_name: &str,
        check_rest: impl FnOnce(&'r Function, &mut Violations),
    ) -> Option<&'r Function> {
        let function = self.functions.get(function_name)?;
        let mut v = Violations::new();
        check_rest(function, &mut v);
        v.finish().is_ok().then_some(function)
    }

    /// `Function not found: {arn}`.
    pub(super) fn function_not_found(&self, fref: &FunctionRef) -> Error {
        Error::not_found(format!("Function not found: {}", self.arn_text(fref)))
    }

    /// `Function not found: {arn}:{qualifier}`.
    pub(super) fn qualified_not_found(&self, fref: &FunctionRef, qualifier: &str) -> Error {
        Error::not_found(format!(
            "Function not found: {}:{qualifier}",
            self.arn_text(fref)
        ))
    }

    /// Q13: operations without a `Qualifier` parameter accept a `:$LATEST` suffix as
    /// unqualified and refuse any other suffix with the R10 text.
    pub(super) fn require_unqualified(fref: &FunctionRef) -> Result<(), Error> {
        match fref.qualifier() {
            None | Some("$LATEST") => Ok(()),
            Some(_) => Err(Error::invalid_parameter(ONLY_LATEST)),
        }
    }

    /// Steps 1–4 of the lists of what is bound to a function's qualifiers (URLs, invoke
    /// configs, provisioned configs): `FunctionName` in `pattern` and `MaxItems` 1–50,
    /// the region, no qualifier, and the function, or the operation's `missing` error.
    pub(super) fn bound_list_target(
        &self,
        function_name: &str,
        pattern: NamePattern,
        max_items: Option<i64>,
        missing: impl FnOnce(&Self, &FunctionRef) -> Error,
    ) -> Result<&Function, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, function_name, pattern);
        if let Some(n) = max_items {
            v.check_range(n, "maxItems", 1, 50);
        }
        v.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        Self::require_unqualified(&fref)?;
        self.lookup(&fref).ok_or_else(|| missing(self, &fref))
    }

    /// R6: the suffix and the `Qualifier` parameter must agree; the effective qualifier.
    pub(super) fn effective_qualifier<'a>(
        fref: &'a FunctionRef,
        param: Option<&'a str>,
    ) -> Result<Option<&'a str>, Error> {
        match (fref.qualifier(), param) {
            (Some(a), Some(b)) if a != b => Err(Error::invalid_parameter(QUALIFIER_MISMATCH)),
            (a, b) => Ok(a.or(b)),
        }
    }
}

/// Unwraps a member that framework validation has already accepted. Validation records a
/// violation whenever it returns `None`, so this only fails on a bug in this crate.
pub(super) fn validated<T>(member: Option<T>) -> Result<T, Error> {
    member.ok_or_else(|| {
        Error::new(
            ErrorKind::Service,
            "internal error: a validated member is missing",
        )
    })
}

/// Records `Member must have length less than or equal to 64` for a bare name that is too
/// long, formatted the way CreateFunction reports it (R1).
pub(super) fn name_too_long(name: &str) -> Error {
    let mut v = Violations::new();
    v.push(name, "functionName", &max_len_text(64));
    match v.finish() {
        Err(e) => Error::invalid_parameter(e.message().to_owned()),
        Ok(()) => Error::new(ErrorKind::Service, "internal error"),
    }
}

/// The version-level settings of a request, as far as it sets them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Settings<'a> {
    pub(super) role: Option<&'a str>,
    pub(super) handler: Option<&'a str>,
    pub(super) runtime: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) memory_size: Option<u32>,
    pub(super) timeout: Option<u32>,
    pub(super) environment: Option<&'a BTreeMap<String, String>>,
    pub(super) layers: Option<&'a [String]>,
    pub(super) ephemeral_storage: Option<u32>,
}

impl<'a> Settings<'a> {
    /// Every setting of a whole configuration.
    pub(super) fn of(c: &'a FunctionConfig) -> Settings<'a> {
        Settings {
            role: Some(&c.role),
            handler: c.handler.as_deref(),
            runtime: c.runtime.as_deref(),
            description: Some(&c.description),
            memory_size: Some(c.memory_size),
            timeout: Some(c.timeout),
            environment: Some(&c.environment),
            layers: Some(&c.layers),
            ephemeral_storage: Some(c.ephemeral_storage),
        }
    }
}

/// The most environment bytes a version may carry, measured as the variables' JSON
/// (reported service behaviour).
pub(crate) const ENVIRONMENT_LIMIT: usize = 4096;

/// The most layers a version may use (documented quota).
pub(crate) const LAYER_LIMIT: usize = 5;

/// Records violations of the version-level settings shared by CreateFunction,
/// UpdateFunctionConfiguration and snapshot import: the members' model constraints
/// (R93), the one place they are decided.
pub(super) fn check_settings(v: &mut Violations, s: &Settings<'_>) {
    if let Some(role) = s.role {
        v.check_string(
            role,
            "role",
            1,
            2048,
            Some((ROLE_PATTERN, matches_role(role))),
        );
    }
    if let Some(handler) = s.handler {
        let ok = !handler.is_empty() && !handler.chars().any(char::is_whitespace);
        v.check_string(handler, "handler", 0, 128, Some((r"[^\s]+", ok)));
    }
    if let Some(runtime) = s.runtime
        && !RUNTIMES.contains(&runtime)
    {
        v.push(
            runtime,
            "runtime",
            &format!(
                "Member must satisfy enum value set: [{}]",
                RUNTIMES.join(", ")
            ),
        );
    }
    Registry::check_description(v, s.description);
    if let Some(mb) = s.memory_size {
        v.check_range(i64::from(mb), "memorySize", 128, 10240);
    }
    if let Some(seconds) = s.timeout {
        v.check_range(i64::from(seconds), "timeout", 1, 900);
    }
    if let Some(variables) = s.environment
        && !variables.keys().all(|k| matches_environment_key(k))
    {
        // The member is sensitive: the service quotes no value for it.
        v.push_unquoted(
            "environment.variables",
            &format!(
                "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: {ENVIRONMENT_KEY_PATTERN}]"
            ),
        );
    }
    if let Some(layers) = s.layers
        && !layers
            .iter()
            .all(|l| (1..=2048).contains(&java_len(l)) && matches_layer_arn(l))
    {
        v.push(
            &format!("[{}]", layers.join(", ")),
            "layers",
            &format!(
                "Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {LAYER_ARN_PATTERN}, Member must not be null]"
            ),
        );
    }
    if let Some(mb) = s.ephemeral_storage {
        v.check_range(i64::from(mb), "ephemeralStorage.size", 512, 10240);
    }
}

/// The refusals of settings that pass validation but break a service limit
/// (`InvalidParameterValueException`, decided before any lookup): environment
/// variables over 4 KB as JSON, more than five layers.
pub(super) fn check_setting_limits(s: &Settings<'_>) -> Result<(), Error> {
    if let Some(variables) = s.environment {
        let measured = serde_json::to_string(variables).unwrap_or_default();
        if measured.len() > ENVIRONMENT_LIMIT {
            return Err(Error::invalid_parameter(format!(
                "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}"
            )));
        }
    }
    if let Some(layers) = s.layers
        && layers.len() > LAYER_LIMIT
    {
        return Err(Error::invalid_parameter(format!(
            "A function can use at most {LAYER_LIMIT} layers; the request names {}",
            layers.len()
        )));
    }
    Ok(())
}

impl Registry {
    /// The code-storage quota (R28): refused when storing `adding` more bytes would pass
    /// the limit. Nothing is summed without a limit.
    pub(super) fn check_code_storage(&self, adding: u64) -> Result<(), Error> {
        let Some(limit) = self.quotas.code_storage else {
            return Ok(());
        };
        let used = self.code_storage_used();
        if used.saturating_add(adding) > limit {
            return Err(Error::new(
                ErrorKind::CodeStorageExceeded,
                format!(
                    "Code storage limit exceeded: {used} bytes are stored, this request adds {adding}, the limit is {limit}"
                ),
            ));
        }
        Ok(())
    }

    /// The versions-per-function quota: refused when `f` would hold `adding` more
    /// published versions than allowed.
    pub(super) fn check_version_quota(
        &self,
        arn: &dyn std::fmt::Display,
        held: usize,
        adding: usize,
    ) -> Result<(), Error> {
        match self.quotas.versions_per_function {
            Some(max) if held.saturating_add(adding) > max => Err(Error::new(
                ErrorKind::CodeStorageExceeded,
                format!(
                    "Version limit exceeded: {arn} already has {held} published versions, the limit is {max}"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The aliases-per-function quota (R45): refused when `f` already has the most.
    pub(super) fn check_alias_quota(&self, f: &Function) -> Result<(), Error> {
        match self.quotas.aliases_per_function {
            Some(max) if f.aliases.len() >= max => Err(Error::new(
                ErrorKind::AliasLimitExceeded,
                format!(
                    "Alias limit exceeded: {} already has {} aliases, the limit is {max}",
                    f.arn,
                    f.aliases.len()
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// R23: publishing and updating wait while `$LATEST` is being created or updated.
pub(super) fn check_not_busy(f: &Function) -> Result<(), Error> {
    let status = &f.latest.status;
    if status.state == State::Pending {
        return Err(Error::conflict(format!(
            "The operation cannot be performed at this time. The resource {} is currently in the following state: 'Pending'. StateReasonCode: 'Creating'",
            f.arn
        )));
    }
    if status.last_update_status == Some(LastUpdateStatus::InProgress) {
        return Err(Error::conflict(format!(
            "The operation cannot be performed at this time. An update is in progress for resource: {}",
            f.arn
        )));
    }
    Ok(())
}

/// R22, R40, R72: a supplied `RevisionId` must be `$LATEST`'s or the alias's current one.
pub(super) fn check_revision(supplied: Option<&str>, current: &RevisionId) -> Result<(), Error> {
    check_revision_against(supplied, Some(*current), REVISION_MISMATCH)
}

/// The one `RevisionId` precondition (R72): when the caller supplied a revision, it must
/// be `current`; otherwise `PreconditionFailedException` with `text` (the GetFunction /
/// GetAlias wording, or the GetPolicy wording for policies, R85). A target without a
/// revision (`None`) matches nothing.
pub(super) fn check_revision_against(
    supplied: Option<&str>,
    current: Option<RevisionId>,
    text: &'static str,
) -> Result<(), Error> {
    match supplied {
        Some(s) if !current.is_some_and(|c| c.matches(s)) => {
            Err(Error::new(ErrorKind::PreconditionFailed, text))
        }
        _ => Ok(()),
    }
}

/// A function found during the checks is gone at the mutation step; impossible under
/// `&mut self`, reported rather than panicking.
pub(super) fn vanished() -> Error {
    Error::new(ErrorKind::Service, "internal error: function vanished")
}

/// The version number space (`u64`) is used up; no real function gets there.
pub(super) fn exhausted() -> Error {
    Error::new(
        ErrorKind::Service,
        "internal error: version numbers are exhausted for this function",
    )
}

/// The `InvalidParameterValueException` text of [`Registry::undo_alias`](crate::Registry::undo_alias) on an alias
/// without history (this crate's wording).
pub const NOTHING_TO_UNDO: &str = "The alias has no earlier target to restore";

/// The `InvalidParameterValueException` text when the weights of a multi-version split
/// add up to more than 1.0 (this crate's wording; the service has no such mode).
pub const WEIGHT_SUM_EXCEEDED: &str =
    "The weights in AdditionalVersionWeights cannot add up to more than 1.0";

/// The member of the routing map in validation messages.
const ROUTING_MEMBER: &str = "routingConfig.additionalVersionWeights";

/// R47. The service sends this refusal without `"Type": "User"`.
pub(crate) const LATEST_NOT_ROUTABLE: &str =
    "$LATEST is not supported for an alias pointing to more than 1 version";

/// R52.
const ROLE_MISMATCH: &str = "Specified versions must be associated with the same execution role";

/// R52: the service's text for this case was not found (Q5); this is the crate's wording.
const DEAD_LETTER_MISMATCH: &str =
    "Specified versions must be associated with the same dead letter queue configuration";

/// R47's refusal, as the registry answers it (without `"Type"`); rollouts refuse an alias
/// on `$LATEST` with it before their first update.
pub(crate) fn latest_not_routable() -> Error {
    Error::invalid_parameter(LATEST_NOT_ROUTABLE).without_fault_type()
}

/// The service's wording of a routing violation (R46–R52), as the registry answers it;
/// `function_arn` names the function in `Function not found` texts.
pub(super) fn routing_error(function_arn: &str, violation: RoutingViolation) -> Error {
    match violation {
        RoutingViolation::TooManyVersions { max, .. } => Error::invalid_parameter(format!(
            "Number of items in AdditionalVersionWeights cannot be greater than {max}"
        )),
        RoutingViolation::WeightSumAboveOne => Error::invalid_parameter(WEIGHT_SUM_EXCEEDED),
        RoutingViolation::LatestPrimary => latest_not_routable(),
        RoutingViolation::RoutesToPrimary(key) | RoutingViolation::Duplicate(key) => {
            Error::invalid_parameter(format!(
                "Invalid function version {key}. Function version {key} is already included in routing configuration."
            ))
        }
        RoutingViolation::MissingVersion(key) => {
            Error::not_found(format!("Function not found: {function_arn}:{key}"))
        }
        RoutingViolation::WeightOutOfRange(w) => match Weight::new(w) {
            Err(e) => Error::new(ErrorKind::Validation, e.to_string()),
            Ok(_) => Error::new(ErrorKind::Service, "internal error: weight in range"),
        },
        RoutingViolation::RoleMismatch => Error::invalid_parameter(ROLE_MISMATCH),
        RoutingViolation::DeadLetterMismatch => Error::invalid_parameter(DEAD_LETTER_MISMATCH),
    }
}

/// Records violations of an alias `Name` member (R33).
pub(super) fn check_alias_name(v: &mut Violations, name: &str) {
    v.check_string(
        name,
        "name",
        1,
        AliasName::MAX_LEN,
        Some((ALIAS_NAME_PATTERN, matches_alias_name(name))),
    );
}

/// Records violations of a `FunctionVersion` member.
pub(super) fn check_function_version(v: &mut Violations, version: Option<&str>) {
    if let Some(fv) = version {
        v.check_string(
            fv,
            "functionVersion",
            1,
            1024,
            Some((FUNCTION_VERSION_PATTERN, matches_function_version(fv))),
        );
    }
}

/// Records violations of `AdditionalVersionWeights` (R48, R49): the whole map is quoted in
/// Java's `{key=value, …}` rendering.
pub(super) fn check_routing_map<K: AsRef<str>>(v: &mut Violations, weights: Option<&[(K, f64)]>) {
    let Some(map) = weights else { return };
    let rendered = || {
        let items: Vec<String> = map
            .iter()
            .map(|(k, w)| format!("{}={}", k.as_ref(), java_double(*w)))
            .collect();
        format!("{{{}}}", items.join(", "))
    };
    let keys_ok = map.iter().all(|(k, _)| {
        let k = k.as_ref();
        (1..=1024).contains(&java_len(k)) && is_digits(k)
    });
    if !keys_ok {
        v.push(
            &rendered(),
            ROUTING_MEMBER,
            &format!(
                "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {ADDITIONAL_VERSION_PATTERN}]"
            ),
        );
    }
    if !map.iter().all(|(_, w)| Weight::in_range(*w)) {
        v.push(
            &rendered(),
            ROUTING_MEMBER,
            "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
        );
    }
}
