//! TagResource, UntagResource and ListTags (R161–R166): tags on a function (its
//! unqualified ARN only) or on an event source mapping.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use super::control::Registry;
use crate::arn::FunctionArn;
use crate::error::Error;
use crate::validate::{Violations, java_len};

/// The `Resource` pattern of the tag operations (R161, recorded text).
const TAGGABLE_PATTERN: &str = r"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";

static TAGGABLE_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!("^(?:{TAGGABLE_PATTERN})$")).ok());

/// The most tags one resource holds (R163).
const TAG_LIMIT: usize = 50;
/// R162.
const QUALIFIED: &str =
    "Tags on function aliases and versions are not supported. Please specify a function ARN.";

/// `TagResource`; the body (`{"Tags": {…}}`) deserializes into it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct TagResourceRequest {
    /// `Resource` (from the path): a function or event source mapping ARN.
    #[serde(skip)]
    pub resource: String,
    /// `Tags`: keys 1–128 characters, values 0–256.
    #[serde(deserialize_with = "crate::json_map::optional_unique_keys")]
    pub tags: Option<BTreeMap<String, String>>,
}

impl TagResourceRequest {
    /// Sets `tags` on `resource`.
    pub fn new(resource: impl Into<String>, tags: BTreeMap<String, String>) -> Self {
        TagResourceRequest {
            resource: resource.into(),
            tags: Some(tags),
        }
    }
}

/// What a tag request names.
enum Taggable {
    Function(crate::names::FunctionName),
    Mapping(String),
}

fn check_resource(v: &mut Violations, resource: &str) {
    let matched = TAGGABLE_RE.as_ref().is_some_and(|re| re.is_match(resource));
    v.check_string(
        resource,
        "resource",
        1,
        256,
        Some((TAGGABLE_PATTERN, matched)),
    );
}

impl Registry {
    /// Steps 1–4 for a tag request: the pattern (with the operation's other violations
    /// in `v`), qualified function ARNs (R162), existence (R163).
    fn tag_target(&self, mut v: Violations, resource: &str) -> Result<Taggable, Error> {
        check_resource(&mut v, resource);
        v.finish()?;
        let fields: Vec<&str> = resource.splitn(7, ':').collect();
        match fields.get(5).copied() {
            Some("function") => {
                if fields.get(6).is_some_and(|rest| rest.contains(':')) {
                    return Err(Error::invalid_parameter(QUALIFIED));
                }
                let missing = || Error::not_found(format!("Function not found: {resource}"));
                let arn: FunctionArn = resource.parse().map_err(|_| missing())?;
                if *arn.partition() != self.partition
                    || *arn.region() != self.region
                    || arn.account() != self.account
                    || !self.functions.contains_key(arn.name())
                {
                    return Err(missing());
                }
                Ok(Taggable::Function(arn.name().clone()))
            }
            Some("event-source-mapping") => {
                let uuid = fields
                    .get(6)
                    .copied()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let own = format!(
                    "arn:{}:lambda:{}:{}:event-source-mapping:{uuid}",
                    self.partition, self.region, self.account
                );
                if own == resource.to_ascii_lowercase() && self.mappings.contains_key(&uuid) {
                    Ok(Taggable::Mapping(uuid))
                } else {
                    Err(Error::not_found(format!(
                        "Event source mapping not found: {resource}"
                    )))
                }
            }
            Some("capacity-provider") => Err(Error::not_found(format!(
                "Capacity provider not found: {resource}"
            ))),
            // Layers and code-signing configs are not modelled (docs/decisions.md).
            _ => Err(Error::not_found(
                "The resource you requested does not exist.",
            )),
        }
    }

    fn tags_of(&self, target: &Taggable) -> BTreeMap<String, String> {
        match target {
            Taggable::Function(name) => self.functions.get(name).map(|f| f.tags.clone()),
            Taggable::Mapping(uuid) => self.mappings.get(uuid).map(|m| m.tags.clone()),
        }
        .unwrap_or_default()
    }

    fn set_tags(&mut self, target: &Taggable, tags: BTreeMap<String, String>) {
        match target {
            Taggable::Function(name) => {
                let revision_id = self.new_revision_id();
                if let Some(f) = self.functions.get_mut(name) {
                    f.tags = tags;
                    // R165: tagging gives $LATEST a new RevisionId.
                    f.latest.revision_id = revision_id;
                }
            }
            Taggable::Mapping(uuid) => {
                if let Some(m) = self.mappings.get_mut(uuid) {
                    m.tags = tags;
                }
            }
        }
    }

    /// `TagResource` (204): adds or overwrites tags (R164).
    ///
    /// # Errors
    ///
    /// `ValidationException` for an ARN outside the taggable pattern or a key or value out
    /// of bounds; `InvalidParameterValueException` for a qualified function ARN (R162),
    /// no tags (`An error occurred and the request cannot be processed.`) or more than 50
    /// in total (R163); `ResourceNotFoundException` for a missing function or mapping.
    pub fn tag_resource(&mut self, req: TagResourceRequest) -> Result<(), Error> {
        let mut v = Violations::new();
        for (k, value) in req.tags.iter().flatten() {
            if java_len(k) > 128 || k.is_empty() {
                v.push(k, "tags", "Map keys must have length between 1 and 128");
            }
            if java_len(value) > 256 {
                v.push(
                    value,
                    "tags",
                    "Map values must have length less than or equal to 256",
                );
            }
        }
        let target = self.tag_target(v, &req.resource)?;
        let new = req.tags.filter(|t| !t.is_empty()).ok_or_else(|| {
            Error::invalid_parameter("An error occurred and the request cannot be processed.")
        })?;
        let mut tags = self.tags_of(&target);
        tags.extend(new);
        if tags.len() > TAG_LIMIT {
            return Err(Error::invalid_parameter(
                "Number of tags exceeds resource tag limit.",
            ));
        }
        self.set_tags(&target, tags);
        Ok(())
    }

    /// `UntagResource` (204): removes the keys given; absent keys are ignored (R164).
    ///
    /// # Errors
    ///
    /// `ValidationException` for an empty key list (`Value null at 'tagKeys'`) or a bad
    /// ARN; otherwise as [`Registry::tag_resource`].
    pub fn untag_resource(&mut self, resource: &str, tag_keys: &[String]) -> Result<(), Error> {
        let mut v = Violations::new();
        if tag_keys.is_empty() {
            v.push_null("tagKeys");
        }
        let target = self.tag_target(v, resource)?;
        let mut tags = self.tags_of(&target);
        for k in tag_keys {
            tags.remove(k);
        }
        self.set_tags(&target, tags);
        Ok(())
    }

    /// `ListTags` (R164): `{}` for an untagged resource.
    ///
    /// # Errors
    ///
    /// As [`Registry::tag_resource`] for the resource.
    pub fn list_tags(&self, resource: &str) -> Result<BTreeMap<String, String>, Error> {
        let target = self.tag_target(Violations::new(), resource)?;
        Ok(self.tags_of(&target))
    }
}
