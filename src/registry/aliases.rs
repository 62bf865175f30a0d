//! CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases (R33–R54).

use std::ops::Bound;

use super::functions::{check_revision, vanished};
use super::pagination::{self, MarkerKind};
use super::{
    AdditionalVersionWeights, AliasConfiguration, CreateAliasRequest, DeleteAliasRequest,
    GetAliasRequest, ListAliasesRequest, ListAliasesResponse, Registry, UpdateAliasRequest,
};
use crate::arn::FunctionRef;
use crate::error::{Error, ErrorKind};
use crate::function::{Alias, Function};
use crate::names::{AliasName, FunctionName, Version, VersionNumber};
use crate::policy::PolicyTarget;
use crate::resolver::Route;
use crate::routing::{AliasRouting, Weight};
use crate::validate::{
    ADDITIONAL_VERSION_PATTERN, ALIAS_NAME_PATTERN, FUNCTION_VERSION_PATTERN, NamePattern,
    Violations, is_digits, java_double, java_len, matches_alias_name, matches_function_version,
};

const ROUTING_MEMBER: &str = "routingConfig.additionalVersionWeights";

/// Records violations of an alias `Name` member.
fn check_alias_name(v: &mut Violations, name: &str) {
    v.check_string(
        name,
        "name",
        1,
        AliasName::MAX_LEN,
        Some((ALIAS_NAME_PATTERN, matches_alias_name(name))),
    );
}

/// Records violations of a `FunctionVersion` member.
fn check_function_version(v: &mut Violations, version: Option<&str>) {
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
fn check_routing_map(v: &mut Violations, weights: Option<&AdditionalVersionWeights>) {
    let Some(map) = weights else { return };
    let rendered = || {
        let items: Vec<String> = map
            .iter()
            .map(|(k, w)| format!("{k}={}", java_double(*w)))
            .collect();
        format!("{{{}}}", items.join(", "))
    };
    let keys_ok = map
        .keys()
        .all(|k| (1..=1024).contains(&java_len(k)) && is_digits(k));
    if !keys_ok {
        v.push(
            &rendered(),
            ROUTING_MEMBER,
            &format!(
                "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: {ADDITIONAL_VERSION_PATTERN}]"
            ),
        );
    }
    if !map.values().all(|w| (0.0..=1.0).contains(w)) {
        v.push(
            &rendered(),
            ROUTING_MEMBER,
            "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
        );
    }
}

/// R47. The service sends this refusal without `"Type": "User"` (§4).
pub(crate) const LATEST_NOT_ROUTABLE: &str =
    "$LATEST is not supported for an alias pointing to more than 1 version";

/// R46: at most one additional version. Returns the single entry, if any.
fn single_route(map: &AdditionalVersionWeights) -> Result<Option<(&str, f64)>, Error> {
    if map.len() > 1 {
        return Err(Error::invalid_parameter(
            "Number of items in AdditionalVersionWeights cannot be greater than 1",
        ));
    }
    Ok(map.iter().next().map(|(k, w)| (k.as_str(), *w)))
}

/// R47 and R50 on a primary and a routing key, both as written.
fn check_route_against_primary(primary: &str, key: &str) -> Result<(), Error> {
    if primary == Version::LATEST_STR {
        return Err(Error::invalid_parameter(LATEST_NOT_ROUTABLE));
    }
    if primary == key {
        return Err(Error::invalid_parameter(format!(
            "Invalid function version {key}. Function version {key} is already included in routing configuration."
        )));
    }
    Ok(())
}

impl Registry {
    /// Looks up a version named by a `FunctionVersion` string; a string that names no
    /// version (missing, `01`, `$LATEST.PUBLISHED`) gives `Function not found: {arn}:{v}`.
    fn existing_version(
        &self,
        f: &Function,
        fref: &FunctionRef,
        raw: &str,
    ) -> Result<Version, Error> {
        match raw.parse::<Version>() {
            Ok(v) if f.has_version(v) => Ok(v),
            _ => Err(self.qualified_not_found(fref, raw)),
        }
    }

    /// Looks up a routing key (R51).
    fn existing_route(
        &self,
        f: &Function,
        fref: &FunctionRef,
        key: &str,
        weight: f64,
    ) -> Result<AliasRouting, Error> {
        let n = match key.parse::<VersionNumber>() {
            Ok(n) if f.versions.contains_key(&n) => n,
            _ => return Err(self.qualified_not_found(fref, key)),
        };
        let weight =
            Weight::new(weight).map_err(|e| Error::new(ErrorKind::Validation, e.to_string()))?;
        Ok(AliasRouting::new(n, weight))
    }

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
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        check_alias_name(&mut v, &req.name);
        check_function_version(&mut v, Some(&req.function_version));
        Self::check_description(&mut v, req.description.as_deref());
        check_routing_map(&mut v, req.routing_config.as_ref());
        let fref = self.unqualified_target(v, fref)?;
        let empty = AdditionalVersionWeights::new();
        let route = single_route(req.routing_config.as_ref().unwrap_or(&empty))?;
        if let Some((key, _)) = route {
            check_route_against_primary(&req.function_version, key)?;
        }

        let f = self
            .lookup(&fref)
            .ok_or_else(|| self.qualified_not_found(&fref, &req.function_version))?;
        let primary = self.existing_version(f, &fref, &req.function_version)?;
        let routing = route
            .map(|(key, w)| self.existing_route(f, &fref, key, w))
            .transpose()?;
        let name: AliasName = req
            .name
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        if f.aliases.contains_key(&name) {
            return Err(Error::conflict(format!(
                "Alias already exists: {}:{name}",
                f.arn
            )));
        }
        if let (Version::Published(p), Some(r)) = (primary, routing) {
            f.check_routing_pair(p, r.additional_version())?;
        }
        let key = f.name.clone();

        let description = req.description.unwrap_or_default();
        self.store_alias(&key, name, primary, description, routing)
    }

    /// `GetAlias` (200, R38).
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `Function not found: {arn}` for a missing function (Q14)
    /// and `Cannot find alias arn: {arn}:{alias}` for a missing alias.
    pub fn get_alias(&self, req: GetAliasRequest) -> Result<AliasConfiguration, Error> {
        let (f, name) = self.alias_target(&req.function_name, &req.name)?;
        let alias = f
            .aliases
            .get(&name)
            .ok_or_else(|| Error::not_found(format!("Cannot find alias arn: {}:{name}", f.arn)))?;
        Ok(f.alias_view(&name, alias))
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
        // R63: the alias's policy goes with it.
        f.policies.remove(&PolicyTarget::Alias(name.clone()));
        if f.aliases.remove(&name).is_some() {
            self.resolver.alias_deleted(&key, &name);
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
    pub fn update_alias(&mut self, req: UpdateAliasRequest) -> Result<AliasConfiguration, Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, &req.function_name, NamePattern::Classic);
        check_alias_name(&mut v, &req.name);
        check_function_version(&mut v, req.function_version.as_deref());
        Self::check_description(&mut v, req.description.as_deref());
        check_routing_map(&mut v, req.routing_config.as_ref());
        let fref = self.unqualified_target(v, fref)?;
        let requested_route = match req.routing_config.as_ref() {
            Some(map) => Some(single_route(map)?),
            None => None,
        };
        if let (Some(primary), Some(Some((key, _)))) =
            (req.function_version.as_deref(), requested_route)
        {
            check_route_against_primary(primary, key)?;
        }

        let f = self.existing(&fref)?;
        let name: AliasName = req
            .name
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        let current = f
            .aliases
            .get(&name)
            .ok_or_else(|| Error::not_found(format!("Alias not found: {}:{name}", f.arn)))?;

        // Merge, then check the result as a whole (Q8).
        let primary_text = req
            .function_version
            .clone()
            .unwrap_or_else(|| current.primary.to_string());
        let route_text: Option<(String, f64)> = match requested_route {
            Some(route) => route.map(|(k, w)| (k.to_owned(), w)),
            None => current
                .routing
                .map(|r| (r.additional_version().to_string(), r.weight().get())),
        };
        if let Some((key, _)) = &route_text {
            check_route_against_primary(&primary_text, key)?;
        }
        let primary = self.existing_version(f, &fref, &primary_text)?;
        let routing = route_text
            .map(|(key, w)| self.existing_route(f, &fref, &key, w))
            .transpose()?;
        if let (Version::Published(p), Some(r)) = (primary, routing) {
            f.check_routing_pair(p, r.additional_version())?;
        }
        check_revision(req.revision_id.as_deref(), &current.revision_id)?;
        let description = req
            .description
            .unwrap_or_else(|| current.description.clone());
        let key = f.name.clone();

        self.store_alias(&key, name, primary, description, routing)
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
            aliases.push(f.alias_view(name, alias));
        }
        Ok(ListAliasesResponse {
            aliases,
            next_marker,
        })
    }

    /// The mutation step of CreateAlias and UpdateAlias: a new `RevisionId` (R71), the
    /// alias stored, and its route published to the resolver.
    fn store_alias(
        &mut self,
        key: &FunctionName,
        name: AliasName,
        primary: Version,
        description: String,
        routing: Option<AliasRouting>,
    ) -> Result<AliasConfiguration, Error> {
        let revision_id = self.new_revision_id();
        let f = self.functions.get_mut(key).ok_or_else(vanished)?;
        let alias = Alias {
            primary,
            description,
            routing,
            revision_id,
        };
        let view = f.alias_view(&name, &alias);
        self.resolver
            .alias_set(key, &name, Route::new(primary, routing));
        f.aliases.insert(name, alias);
        Ok(view)
    }

    /// Validation, region, suffix rule and function lookup for GetAlias and DeleteAlias.
    fn alias_target(
        &self,
        function_name: &str,
        name: &str,
    ) -> Result<(&Function, AliasName), Error> {
        let mut v = Violations::new();
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Classic);
        check_alias_name(&mut v, name);
        let fref = self.unqualified_target(v, fref)?;
        let f = self.existing(&fref)?;
        let name = name
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        Ok((f, name))
    }

    /// The stored function under `key`, for the mutation step after all checks passed.
    fn function_entry(&mut self, key: &FunctionName) -> Result<&mut Function, Error> {
        self.functions.get_mut(key).ok_or_else(vanished)
    }
}
