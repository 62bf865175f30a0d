//! CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases (R33–R54).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::Bound;

use super::checks::{
    NOTHING_TO_UNDO, check_alias_name, check_function_version, check_revision, check_routing_map,
    routing_error, vanished,
};
use super::control::Registry;
use super::pagination::{self, MarkerKind};
use super::{
    AliasConfiguration, AliasHistoryRequest, AliasUpdate, CreateAliasRequest, DeleteAliasRequest,
    GetAliasRequest, ListAliasesRequest, ListAliasesResponse, UndoAliasRequest, UpdateAliasRequest,
    WeightEntries, weight_entries,
};
use crate::arn::FunctionRef;
use crate::error::{Error, ErrorKind};
use crate::function::{Alias, Function};
use crate::names::{AliasName, FunctionName, Version};
use crate::policy::PolicyTarget;
use crate::resolver::Route;
use crate::routing::{AliasRouting, AliasTarget, check_shape};
use crate::validate::{NamePattern, Violations};

/// How a store of an alias changes its history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HistoryStep {
    /// A new alias: no history.
    Start,
    /// An update: remember the target it replaces.
    Record,
    /// An undo: forget the target it restores.
    Undo,
}

/// The alias a store writes: a new one, under its parsed name, or a stored one, named as
/// the request spelt it.
enum StoredAliasKey<'a> {
    New(AliasName),
    Existing(&'a str),
}

/// A stored alias, with the name it is stored under, when a lookup found one.
type FoundAlias<'r> = Option<(&'r AliasName, &'r Alias)>;

/// The alias of `f` named exactly `name`, if it has one; otherwise `name`'s check (R33)
/// is recorded in `v`. A stored alias's name passed that check when it was stored.
fn stored_alias_check<'r>(f: &'r Function, name: &str, v: &mut Violations) -> FoundAlias<'r> {
    let found = f.aliases.get_key_value(name);
    if found.is_none() {
        check_alias_name(v, name);
    }
    found
}

/// How an UpdateAlias named its function: by a stored function's exact name, or by
/// another accepted spelling (a partial or full ARN), checked in full and looked up only
/// after the routing's shape.
enum NamedFunction<'r> {
    Stored(&'r Function),
    Parsed(FunctionRef),
}

/// Looks up a version of `f` named by a `FunctionVersion` string; a string that names no
/// version (missing, `01`, `$LATEST.PUBLISHED`) gives `Function not found: {arn}:{v}`.
fn existing_version(f: &Function, raw: &str) -> Result<Version, Error> {
    match raw.parse::<Version>() {
        Ok(v) if f.has_version(v) => Ok(v),
        _ => Err(Error::not_found(format!(
            "Function not found: {}:{raw}",
            f.arn_text
        ))),
    }
}

impl Registry {
    /// `CreateAlias` (201, R34–R37, R46–R54).
    ///
    /// # Errors
    ///
    /// `ValidationException` for malformed members, an all-digit name (R33), a non-numeric
    /// routing key (R48) or a weight outside `[0, 1]` (R49); `InvalidParameterValueException`
    /// for more than one routing entry (R46), routing on a `$LATEST` primary (R47), a
    /// routing key equal to the primary (R50), or versions with different roles or
    /// dead-letter targets (R52); `ResourceNotFoundException`
    /// `Function not found: {arn}:{version}` for a missing function or version (R35, R51);
    /// `ResourceConflictException` `Alias already exists: {alias arn}` (R34).
    pub fn create_alias(&mut self, req: CreateAliasRequest) -> Result<AliasConfiguration, Error> {
        self.create_alias_ref(req).map(AliasRef::view)
    }

    /// [`Registry::create_alias`], answering with the stored alias rather than a view of
    /// it (the wire writes its answer from that, copying nothing).
    pub(crate) fn create_alias_ref(
        &mut self,
        req: CreateAliasRequest,
    ) -> Result<AliasRef<'_>, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        check_alias_name(&mut v, &req.name);
        check_function_version(&mut v, Some(&req.function_version));
        Self::check_description(&mut v, req.description.as_deref());
        let requested = req.routing_config.as_ref().map(weight_entries);
        check_routing_map(&mut v, requested.as_deref());
        let fref = self.unqualified_target(v, fref)?;
        let entries = requested.as_deref().unwrap_or_default();
        let max = self.routing_mode.max_additional_versions();
        check_shape(Some(&req.function_version), entries, max)
            .map_err(|e| routing_error(&self.arn_text(&fref), e))?;

        let f = self
            .lookup(&fref)
            .ok_or_else(|| self.qualified_not_found(&fref, &req.function_version))?;
        let primary = existing_version(f, &req.function_version)?;
        let name: AliasName = req
            .name
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        let routing = f
            .routing_to(entries)
            .map_err(|e| routing_error(&f.arn_text, e))?;
        if f.aliases.contains_key(&name) {
            return Err(Error::conflict(format!(
                "Alias already exists: {}:{name}",
                f.arn_text
            )));
        }
        f.check_routing_agreement(primary, routing)
            .map_err(|e| routing_error(&f.arn_text, e))?;
        self.check_alias_quota(f)?;

        let description = req.description.unwrap_or_default();
        self.store_alias(
            fref.name(),
            StoredAliasKey::New(name),
            primary,
            description,
            routing,
            HistoryStep::Start,
        )?;
        self.stored_alias(fref.name(), &req.name)
    }

    /// `GetAlias` (200, R38).
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `Function not found: {arn}` for a missing function (Q14)
    /// and `Cannot find alias arn: {arn}:{alias}` for a missing alias.
    pub fn get_alias(&self, req: GetAliasRequest) -> Result<AliasConfiguration, Error> {
        self.alias_ref(&req.function_name, &req.name)
            .map(AliasRef::view)
    }

    /// `GetAlias`'s checks and lookup, answering the stored alias itself (nothing is
    /// copied): for a caller that renders the answer while it borrows the registry.
    pub(crate) fn alias_ref(&self, function_name: &str, name: &str) -> Result<AliasRef<'_>, Error> {
        let (function, found) = self.alias_function(function_name, name)?;
        let (name, alias) = found
            .or_else(|| function.aliases.get_key_value(name))
            .ok_or_else(|| {
                Error::not_found(format!(
                    "Cannot find alias arn: {}:{name}",
                    function.arn_text
                ))
            })?;
        Ok(AliasRef {
            function,
            name,
            alias,
        })
    }

    /// `DeleteAlias` (204, R42): idempotent; deleting a missing alias of an existing
    /// function succeeds. Versions are not affected; what was attached to the alias is
    /// discarded (R63).
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `Function not found: {arn}` for a missing function (Q14).
    pub fn delete_alias(&mut self, req: DeleteAliasRequest) -> Result<(), Error> {
        let (f, name) = self.alias_target(&req.function_name, &req.name)?;
        let key = f.name.clone();
        let f = self.function_entry(&key)?;
        // R63: the alias's policy goes with it, and so do its asynchronous-invocation
        // config (R148) and its function URL (R134, at once: Q54).
        let target = PolicyTarget::Alias(name.clone());
        f.policies.remove(&target);
        f.invoke_configs.remove(&target);
        let url = f.urls.remove(&target);
        // R111: the alias's provisioned config goes with it.
        let provisioned = f.provisioned.remove(&target).is_some();
        if f.aliases.remove(&name).is_some() {
            self.resolver.alias_deleted(&key, &name);
        }
        self.forget_url(url);
        if provisioned {
            self.refresh_admission(&key);
        }
        Ok(())
    }

    /// `UpdateAlias` (200, R39–R41): a partial update; the merged result must satisfy the
    /// routing rules (Q8). Every successful call gives the alias a new `RevisionId`, even
    /// when nothing changed.
    ///
    /// # Errors
    ///
    /// As [`Registry::create_alias`] for the members, plus `ResourceNotFoundException`
    /// `Alias not found: {arn}:{alias}` for a missing alias (R39) and
    /// `PreconditionFailedException` for a stale `RevisionId` (R40).
    pub fn update_alias(
        &mut self,
        mut req: UpdateAliasRequest,
    ) -> Result<AliasConfiguration, Error> {
        let description = req.description.take();
        let routing = req.weight_entries();
        self.update_alias_with(
            req.update(description, routing.as_deref()),
            HistoryStep::Record,
        )
        .map(AliasRef::view)
    }

    /// [`Registry::update_alias`] with the members borrowed, answering with the stored
    /// alias rather than a view of it (the wire writes its answer from that, copying
    /// nothing).
    #[cfg(feature = "wire")]
    pub(crate) fn update_alias_ref(
        &mut self,
        update: AliasUpdate<'_>,
    ) -> Result<AliasRef<'_>, Error> {
        self.update_alias_with(update, HistoryStep::Record)
    }

    fn update_alias_with(
        &mut self,
        req: AliasUpdate<'_>,
        history: HistoryStep,
    ) -> Result<AliasRef<'_>, Error> {
        let check_other_members = |v: &mut Violations| {
            check_function_version(v, req.function_version);
            Self::check_description(v, req.description.as_deref());
            check_routing_map(v, req.routing_config);
        };
        // A stored function's own name needs no parsing into a reference (and no copy of
        // it as the key below); any other spelling takes the full checks.
        let mut found = None;
        let named = match self.stored_function(req.function_name, |f, v| {
            found = stored_alias_check(f, req.name, v);
            check_other_members(v);
        }) {
            Some(f) => NamedFunction::Stored(f),
            None => {
                let mut v = Violations::new();
                let fref =
                    Self::check_function_name(&mut v, req.function_name, NamePattern::Classic);
                check_alias_name(&mut v, req.name);
                check_other_members(&mut v);
                NamedFunction::Parsed(self.unqualified_target(v, fref)?)
            }
        };
        let max = self.routing_mode.max_additional_versions();
        if let Some(entries) = req.routing_config {
            // Before the function is looked up (R94's order).
            check_shape(req.function_version, entries, max).map_err(|e| {
                let arn = match &named {
                    NamedFunction::Stored(f) => f.arn_text.to_string(),
                    NamedFunction::Parsed(fref) => self.arn_text(fref),
                };
                routing_error(&arn, e)
            })?;
        }
        let (f, key) = match &named {
            NamedFunction::Stored(f) => (*f, req.function_name),
            NamedFunction::Parsed(fref) => (self.existing(fref)?, fref.name()),
        };
        let (_, current) = found
            .or_else(|| f.aliases.get_key_value(req.name))
            .ok_or_else(|| {
                Error::not_found(format!("Alias not found: {}:{}", f.arn_text, req.name))
            })?;

        // Merge, then check the result as a whole (Q8).
        let mut digits = [0; 20];
        let primary_text = match req.function_version {
            Some(text) => text,
            None => current.primary.text_in(&mut digits),
        };
        // The request's own text is borrowed; only the current alias's is written out.
        let current_routes: WeightEntries<'_>;
        let route_text = match req.routing_config {
            Some(entries) => entries,
            None => {
                current_routes = current.routing.map_or_else(WeightEntries::new, |r| {
                    r.weights()
                        .into_iter()
                        .map(|(k, w)| (Cow::Owned(k), w))
                        .collect()
                });
                &current_routes
            }
        };
        check_shape(Some(primary_text), route_text, max)
            .map_err(|e| routing_error(&f.arn_text, e))?;
        let primary = match req.function_version {
            // The alias's own primary, unless it vanished, needs no parsing back.
            None if f.has_version(current.primary) => current.primary,
            _ => existing_version(f, primary_text)?,
        };
        let routing = f
            .routing_to(route_text)
            .map_err(|e| routing_error(&f.arn_text, e))?;
        f.check_routing_agreement(primary, routing)
            .map_err(|e| routing_error(&f.arn_text, e))?;
        check_revision(req.revision_id, &current.revision_id)?;
        let description = req
            .description
            .unwrap_or_else(|| current.description.clone());

        self.store_alias(
            key,
            StoredAliasKey::Existing(req.name),
            primary,
            description,
            routing,
            history,
        )?;
        self.stored_alias(key, req.name)
    }

    /// The earlier targets of an alias (primary and routing), newest first: each
    /// `UpdateAlias` that changed the target recorded the one it replaced, up to the depth
    /// set by [`RegistryBuilder::alias_history`](crate::RegistryBuilder::alias_history).
    /// Beyond the service.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_alias`].
    pub fn alias_history(&self, req: AliasHistoryRequest) -> Result<Vec<AliasTarget>, Error> {
        let stored = self.alias_ref(&req.function_name, &req.name)?;
        Ok(stored.alias.history.iter().copied().collect())
    }

    /// Puts an alias back on its previous target (the newest entry of
    /// [`Registry::alias_history`]) as a normal `UpdateAlias`: every rule applies, the alias
    /// gets a new `RevisionId`, the resolver follows. The entry is consumed, so repeated
    /// undos walk further back. Beyond the service.
    ///
    /// # Errors
    ///
    /// `InvalidParameterValueException` [`NOTHING_TO_UNDO`] when the history is empty; the
    /// errors of [`Registry::update_alias`] otherwise (for example
    /// `Function not found: {arn}:{version}` when the earlier version was deleted since, or
    /// a stale `RevisionId`), and then nothing changes.
    pub fn undo_alias(&mut self, req: UndoAliasRequest) -> Result<AliasConfiguration, Error> {
        let (f, name) = self.alias_target(&req.function_name, &req.name)?;
        let alias = f
            .aliases
            .get(&name)
            .ok_or_else(|| Error::not_found(format!("Alias not found: {}:{name}", f.arn_text)))?;
        let Some(previous) = alias.history.front().copied() else {
            return Err(Error::invalid_parameter(NOTHING_TO_UNDO));
        };
        let mut update = UpdateAliasRequest::new(req.function_name, req.name)
            .with_function_version(previous.function_version.to_string())
            .with_routing_config(previous.routing.map(|r| r.weights()).unwrap_or_default());
        update.revision_id = req.revision_id;
        let routing = update.weight_entries();
        self.update_alias_with(update.update(None, routing.as_deref()), HistoryStep::Undo)
            .map(AliasRef::view)
    }

    /// `ListAliases` (200, R43): aliases in name order (Q16), optionally only those whose
    /// primary version is `FunctionVersion` (Q24), at most 50 per page.
    ///
    /// # Errors
    ///
    /// `ValidationException` for malformed members or `MaxItems` outside 1–10000;
    /// `InvalidParameterValueException` for a marker this registry did not issue;
    /// `ResourceNotFoundException` for a missing function.
    pub fn list_aliases(&self, req: ListAliasesRequest) -> Result<ListAliasesResponse, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        check_function_version(&mut v, req.function_version.as_deref());
        pagination::check_max_items(&mut v, req.max_items);
        let fref = self.unqualified_target(v, fref)?;
        let f = self.existing(&fref)?;
        let page = pagination::page_size(req.max_items);
        let lower = match req.marker.as_deref() {
            None => Bound::Unbounded,
            Some(marker) => {
                Bound::Included(pagination::decode::<AliasName>(MarkerKind::Alias, marker)?)
            }
        };
        let filter = req.function_version.as_deref();
        let mut matching = f
            .aliases
            .range((lower, Bound::Unbounded))
            .filter(|(_, a)| filter.is_none_or(|fv| a.primary.to_string() == fv));
        let mut aliases = Vec::new();
        let mut next_marker = None;
        for (name, alias) in matching.by_ref() {
            if aliases.len() == page {
                next_marker = Some(pagination::encode(MarkerKind::Alias, name.as_str()));
                break;
            }
            aliases.push(AliasConfiguration::of(f, name, alias));
        }
        Ok(ListAliasesResponse {
            aliases,
            next_marker,
        })
    }

    /// The mutation step of CreateAlias and UpdateAlias: a new `RevisionId` (R71), the
    /// alias stored (a new one inserted under its name, an existing one changed in place),
    /// and its route published to the resolver. `key` is the stored function's name.
    fn store_alias(
        &mut self,
        key: &str,
        alias: StoredAliasKey<'_>,
        primary: Version,
        description: String,
        routing: Option<AliasRouting>,
        history: HistoryStep,
    ) -> Result<(), Error> {
        let f = self.functions.get(key).ok_or_else(vanished)?;
        // A function without provisioned configs (the common case) has none to move.
        let moved = if f.provisioned.is_empty() {
            None
        } else {
            let name = match &alias {
                StoredAliasKey::New(name) => name,
                StoredAliasKey::Existing(text) => f
                    .aliases
                    .get_key_value(*text)
                    .map(|(name, _)| name)
                    .ok_or_else(vanished)?,
            };
            self.check_provisioned_alias_move(f, name, primary)?
                .then(|| PolicyTarget::Alias(name.clone()))
        };
        let revision_id = self.new_revision_id();
        let depth = self.alias_history;
        let route = Route::new(primary, routing);
        let f = self.functions.get_mut(key).ok_or_else(vanished)?;
        // Below, only the lookup of an alias the checks found can fail, and it comes
        // before any change of the function.
        match alias {
            StoredAliasKey::New(name) => {
                self.resolver.alias_set(key, name.as_str(), route);
                let alias = Alias {
                    primary,
                    description,
                    routing,
                    revision_id,
                    history: VecDeque::new(),
                    #[cfg(feature = "wire")]
                    rendered: Default::default(),
                };
                f.aliases.insert(name, alias);
            }
            StoredAliasKey::Existing(text) => {
                let stored = f.aliases.get_mut(text).ok_or_else(vanished)?;
                let after = AliasTarget {
                    function_version: primary,
                    routing,
                };
                match history {
                    HistoryStep::Record => {
                        let before = stored.target();
                        if before != after && depth > 0 {
                            stored.history.push_front(before);
                            stored.history.truncate(depth);
                        }
                    }
                    HistoryStep::Undo => {
                        stored.history.pop_front();
                    }
                    HistoryStep::Start => stored.history.clear(),
                }
                stored.primary = primary;
                stored.description = description;
                stored.routing = routing;
                stored.revision_id = revision_id;
                #[cfg(feature = "wire")]
                {
                    stored.rendered = Default::default();
                }
                self.resolver.alias_set(key, text, route);
            }
        }
        // The function's typed name is copied only in this rare case.
        if let Some(target) = moved
            && let Some(name) = self.functions.get_key_value(key).map(|(n, _)| n.clone())
        {
            self.provisioned_alias_moved(&name, &target);
        }
        Ok(())
    }

    /// Alias `name` of function `key`, just stored by [`Registry::store_alias`].
    fn stored_alias(&self, key: &str, name: &str) -> Result<AliasRef<'_>, Error> {
        let function = self.functions.get(key).ok_or_else(vanished)?;
        let (name, alias) = function.aliases.get_key_value(name).ok_or_else(vanished)?;
        Ok(AliasRef {
            function,
            name,
            alias,
        })
    }

    /// Validation, region, suffix rule and function lookup for DeleteAlias, with the
    /// alias name parsed.
    fn alias_target(
        &self,
        function_name: &str,
        name: &str,
    ) -> Result<(&Function, AliasName), Error> {
        let (f, _) = self.alias_function(function_name, name)?;
        let name = name
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        Ok((f, name))
    }

    /// The checks of an operation on alias `name` of `function_name` (R93, R7, Q13) and
    /// the function, which exists; with the alias when a stored function named exactly
    /// holds one named exactly (found by [`stored_alias_check`], which skips the name's
    /// check then).
    fn alias_function(
        &self,
        function_name: &str,
        name: &str,
    ) -> Result<(&Function, FoundAlias<'_>), Error> {
        let mut found = None;
        if let Some(f) = self.stored_function(function_name, |f, v| {
            found = stored_alias_check(f, name, v);
        }) {
            return Ok((f, found));
        }
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        check_alias_name(&mut v, name);
        let fref = self.unqualified_target(v, fref)?;
        Ok((self.existing(&fref)?, None))
    }

    /// The stored function under `key`, for the mutation step after all checks passed.
    fn function_entry(&mut self, key: &FunctionName) -> Result<&mut Function, Error> {
        self.functions.get_mut(key).ok_or_else(vanished)
    }
}

/// A stored alias, borrowed from the registry with its function and name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AliasRef<'a> {
    pub(crate) function: &'a Function,
    pub(crate) name: &'a AliasName,
    pub(crate) alias: &'a Alias,
}

impl AliasRef<'_> {
    /// The registry's owned view of this alias (the answer of the public operations).
    fn view(self) -> AliasConfiguration {
        AliasConfiguration::of(self.function, self.name, self.alias)
    }
}
