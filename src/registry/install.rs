//! One function's state in and out of a registry: for a store shared by several
//! processes ([`crate::store`]) and for journals kept outside the crate
//! ([`FunctionRecord`]).

use super::control::Registry;
use super::snapshot::import::import_function;
use super::snapshot::{FunctionSnapshot, SnapshotError, export_function};
use crate::function::Function;
use crate::names::FunctionName;
use crate::resolver::Route;

/// One function's whole state, as a journal or an external store keeps it: the state in
/// the snapshot format (absent once the function is deleted) and the highest version
/// number a deleted function of this name used (so numbers are never reused, Q1).
///
/// [`Registry::function_record`] takes it after a change; [`Registry::apply_function_record`]
/// puts it back, into this registry or another one of the same partition, region and
/// account — replaying the records of every change in order rebuilds the functions
/// exactly, `RevisionId`s and timestamps included.
///
/// ```
/// use lambda_versioning::registry::{CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest};
/// use lambda_versioning::{Code, FunctionConfig, FunctionName, Registry};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let role = "arn:aws:iam::123456789012:role/checkout-exec";
/// let config = FunctionConfig::new(role, Code::from_zip_bytes(b"release 1"));
/// let mut primary = Registry::default();
/// primary.create_function(CreateFunctionRequest::new("checkout", config))?;
/// primary.publish_version(PublishVersionRequest::new("checkout"))?;
/// primary.create_alias(CreateAliasRequest::new("checkout", "live", "1"))?;
/// let name: FunctionName = "checkout".parse()?;
/// let record = primary.function_record(&name);
///
/// // Through a journal line and back, into another registry.
/// let line = serde_json::to_string(&record)?;
/// let mut copy = Registry::default();
/// copy.apply_function_record(&serde_json::from_str(&line)?)?;
/// let resolver = copy.resolver();
/// let live = resolver.resolve_fast("checkout", Some("live"))?;
/// assert_eq!(live.executed_version().to_string(), "1");
/// assert_eq!(copy.function_record(&name), record);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionRecord {
    /// The function.
    pub name: FunctionName,
    /// Its state in the snapshot format, or `None` when it does not exist.
    pub state: Option<serde_json::Value>,
    /// The highest version number a deleted function of this name used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_version_counter: Option<u64>,
}

impl Registry {
    /// Function `name`'s whole state (see [`FunctionRecord`]).
    pub fn function_record(&self, name: &FunctionName) -> FunctionRecord {
        FunctionRecord {
            name: name.clone(),
            state: self.function_json(name),
            retired_version_counter: self.retired_counter(name),
        }
    }

    /// Replaces the function the record names with the record's state (removing it when
    /// the state is `None`) after checking every invariant, and brings the resolver up to
    /// date in place (alias handles stay valid).
    ///
    /// # Errors
    ///
    /// A [`SnapshotError`] when the state is not a valid function of this name; nothing
    /// changes.
    pub fn apply_function_record(&mut self, record: &FunctionRecord) -> Result<(), SnapshotError> {
        self.install_function(&record.name, record.state.as_ref())?;
        self.set_retired_counter(&record.name, record.retired_version_counter);
        Ok(())
    }
}

impl Registry {
    /// Function `name`'s whole state as JSON (the snapshot format of one function).
    pub(crate) fn function_json(&self, name: &FunctionName) -> Option<serde_json::Value> {
        let f = self.functions.get(name)?;
        serde_json::to_value(export_function(f)).ok()
    }

    /// The highest version number a deleted function `name` used (Q1).
    pub(crate) fn retired_counter(&self, name: &FunctionName) -> Option<u64> {
        self.retired_counters.get(name).copied()
    }

    /// Sets the retired version counter of `name`.
    pub(crate) fn set_retired_counter(&mut self, name: &FunctionName, counter: Option<u64>) {
        match counter {
            Some(c) => {
                self.retired_counters.insert(name.clone(), c);
            }
            None => {
                self.retired_counters.remove(name);
            }
        }
    }

    /// Replaces function `name` with `state` (JSON of one function; `None` removes it),
    /// after checking every invariant, and brings the resolver up to date in place:
    /// alias route slots are rewritten, not recreated, so handles stay valid.
    ///
    /// # Errors
    ///
    /// A [`SnapshotError`] when `state` is not a valid function; nothing changes.
    pub(crate) fn install_function(
        &mut self,
        name: &FunctionName,
        state: Option<&serde_json::Value>,
    ) -> Result<(), SnapshotError> {
        let new: Option<Function> = match state {
            None => None,
            Some(value) => {
                let fs: FunctionSnapshot = serde_json::from_value(value.clone())
                    .map_err(|e| SnapshotError::new(name.as_str(), e.to_string()))?;
                if fs.name != *name {
                    return Err(SnapshotError::new(
                        name.as_str(),
                        format!("the state is of function {}", fs.name),
                    ));
                }
                let arn_base = (&self.partition, &self.region, self.account);
                Some(import_function(
                    name.as_str(),
                    &fs,
                    arn_base,
                    (self.routing_mode, self.alias_history),
                )?)
            }
        };
        let old = self.functions.remove(name);
        match (&old, &new) {
            (Some(old), None) => {
                self.resolver.function_deleted(name, old.aliases.keys());
            }
            (None, Some(f)) => {
                let versions: Vec<_> = f.versions.keys().copied().collect();
                self.resolver.function_created(name, &versions);
                for (alias, a) in &f.aliases {
                    self.resolver.alias_set(
                        name.as_str(),
                        alias.as_str(),
                        Route::new(a.primary, a.routing),
                    );
                }
            }
            (Some(old), Some(f)) => {
                for n in old.versions.keys().filter(|n| !f.versions.contains_key(n)) {
                    self.resolver.version_deleted(name, *n);
                }
                for n in f.versions.keys().filter(|n| !old.versions.contains_key(n)) {
                    self.resolver.version_published(name, *n);
                }
                for alias in old.aliases.keys().filter(|a| !f.aliases.contains_key(*a)) {
                    self.resolver.alias_deleted(name, alias);
                }
                for (alias, a) in &f.aliases {
                    self.resolver.alias_set(
                        name.as_str(),
                        alias.as_str(),
                        Route::new(a.primary, a.routing),
                    );
                }
            }
            (None, None) => {}
        }
        if let Some(old) = &old {
            for url in old.urls.values() {
                self.url_index.remove(&url.url_id);
            }
        }
        if let Some(f) = new {
            for (target, url) in &f.urls {
                self.url_index
                    .insert(url.url_id.clone(), (name.clone(), target.clone()));
            }
            self.functions.insert(name.clone(), f);
        }
        self.refresh_admission(name);
        Ok(())
    }
}

/// What identifies a published version's state without rendering it: its number, its
/// settings by identity (versions share them, never copy), its `RevisionId`, time and
/// status, and whether it has a label (a label is only ever added, never changed). Two
/// equal marks of one function's version mean the same snapshot.
#[cfg(feature = "postgres")]
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct VersionMark {
    pub(crate) number: crate::names::VersionNumber,
    config: usize,
    revision_id: crate::names::RevisionId,
    last_modified: crate::clock::Timestamp,
    status: crate::status::VersionStatus,
    labeled: bool,
}

/// Row storage of a function, for the PostgreSQL store: everything but the published
/// versions in one value, each version in a value of its own.
#[cfg(feature = "postgres")]
impl Registry {
    /// Function `name`'s state without its published versions (`"versions": []`).
    pub(crate) fn function_meta_json(&self, name: &FunctionName) -> Option<serde_json::Value> {
        let f = self.functions.get(name)?;
        serde_json::to_value(super::snapshot::export_function_meta(f)).ok()
    }

    /// One published version's state.
    pub(crate) fn version_json(
        &self,
        name: &FunctionName,
        number: crate::names::VersionNumber,
    ) -> Option<serde_json::Value> {
        let v = self.functions.get(name)?.versions.get(&number)?;
        serde_json::to_value(super::snapshot::export_version(number, v)).ok()
    }

    /// The marks of every published version of `name`, in number order (empty when it
    /// does not exist).
    pub(crate) fn version_marks(&self, name: &FunctionName) -> Vec<VersionMark> {
        self.functions
            .get(name)
            .map(|f| {
                f.versions
                    .iter()
                    .map(|(n, v)| VersionMark {
                        number: *n,
                        config: std::sync::Arc::as_ptr(&v.config) as usize,
                        revision_id: v.revision_id,
                        last_modified: v.last_modified,
                        status: v.status.clone(),
                        labeled: v.label.is_some(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Installs function `name` from its rows: `meta` (whose own `versions`, if any, are
    /// kept) and the version values.
    pub(crate) fn install_function_rows(
        &mut self,
        name: &FunctionName,
        mut meta: serde_json::Value,
        versions: Vec<serde_json::Value>,
    ) -> Result<(), SnapshotError> {
        if !versions.is_empty() {
            let Some(object) = meta.as_object_mut() else {
                return Err(SnapshotError::new(
                    name.as_str(),
                    "the state is not an object",
                ));
            };
            let listed = object
                .entry("versions")
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            let Some(listed) = listed.as_array_mut() else {
                return Err(SnapshotError::new(name.as_str(), "versions is not a list"));
            };
            listed.extend(versions);
        }
        self.install_function(name, Some(&meta))
    }
}

/// Row storage of the event source mappings, for the PostgreSQL store: one value per
/// mapping, in the snapshot format.
#[cfg(feature = "postgres")]
impl Registry {
    /// Every event source mapping's state, by UUID.
    pub(crate) fn mapping_states(&self) -> std::collections::BTreeMap<String, serde_json::Value> {
        super::snapshot::attachments::export_mappings(self)
            .into_iter()
            .filter_map(|m| Some((m.uuid.clone(), serde_json::to_value(&m).ok()?)))
            .collect()
    }

    /// Installs event source mappings from their states (in any order), after the same
    /// checks a snapshot's mappings get.
    pub(crate) fn install_mapping_states(
        &mut self,
        states: Vec<serde_json::Value>,
    ) -> Result<(), SnapshotError> {
        let mut mappings = Vec::with_capacity(states.len());
        for (i, state) in states.into_iter().enumerate() {
            let mapping: super::snapshot::attachments::MappingSnapshot =
                serde_json::from_value(state).map_err(|e| {
                    SnapshotError::new(format!("event_source_mappings[{i}]"), e.to_string())
                })?;
            mappings.push(mapping);
        }
        mappings.sort_by(|a, b| a.uuid.cmp(&b.uuid));
        super::snapshot::attachments::import_mappings(self, &mappings)
    }
}
