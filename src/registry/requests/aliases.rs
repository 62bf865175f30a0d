//! Requests of the alias operations: create, update, undo, list.

use std::borrow::Cow;
use std::collections::BTreeMap;

use smallvec::SmallVec;

use super::AdditionalVersionWeights;
use crate::routing::MAX_ADDITIONAL_VERSIONS;

/// `CreateAlias`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct CreateAliasRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `Name` of the alias.
    pub name: String,
    /// `FunctionVersion`: `$LATEST` or a published version number (R35).
    pub function_version: String,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights`.
    pub routing_config: Option<AdditionalVersionWeights>,
}

impl CreateAliasRequest {
    /// Creates alias `name` of `function_name` pointing at `function_version`.
    pub fn new(
        function_name: impl Into<String>,
        name: impl Into<String>,
        function_version: impl Into<String>,
    ) -> Self {
        CreateAliasRequest {
            function_name: function_name.into(),
            name: name.into(),
            function_version: function_version.into(),
            ..Default::default()
        }
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `RoutingConfig` with one additional version and its weight.
    pub fn with_routing(mut self, additional_version: impl Into<String>, weight: f64) -> Self {
        self.routing_config = Some(BTreeMap::from([(additional_version.into(), weight)]));
        self
    }

    /// Sets `RoutingConfig.AdditionalVersionWeights` to an arbitrary map (for callers that
    /// forward a request as received).
    pub fn with_routing_config(mut self, weights: AdditionalVersionWeights) -> Self {
        self.routing_config = Some(weights);
        self
    }
}

/// Defines a request of a function and an alias name.
macro_rules! alias_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// `FunctionName` (classic pattern).
            pub function_name: String,
            /// `Name` of the alias.
            pub name: String,
        }

        impl $name {
            /// Names alias `name` of `function_name`.
            pub fn new(function_name: impl Into<String>, name: impl Into<String>) -> Self {
                $name {
                    function_name: function_name.into(),
                    name: name.into(),
                }
            }
        }
    };
}

alias_request!(
    /// `GetAlias` (R38).
    GetAliasRequest
);
alias_request!(
    /// `DeleteAlias` (R42).
    DeleteAliasRequest
);
alias_request!(
    /// [`Registry::alias_history`](crate::Registry::alias_history): the earlier targets
    /// of an alias (beyond the service).
    AliasHistoryRequest
);

/// `UpdateAlias`: a partial update (R39).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct UpdateAliasRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `Name` of the alias.
    pub name: String,
    /// `FunctionVersion`; `None` keeps the primary.
    pub function_version: Option<String>,
    /// `Description`; `None` keeps it.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights`; `None` keeps the routing, an empty map
    /// removes it (R39, R41).
    pub routing_config: Option<AdditionalVersionWeights>,
    /// `RevisionId` precondition on the alias (R40).
    pub revision_id: Option<String>,
}

/// An `UpdateAlias` with its members borrowed (the description, when given, moved): what
/// an [`UpdateAliasRequest`] carries, and what the wire builds straight from a request's
/// path and body without copying either.
#[derive(Debug, PartialEq)]
pub(crate) struct AliasUpdate<'a> {
    pub(crate) function_name: &'a str,
    pub(crate) name: &'a str,
    pub(crate) function_version: Option<&'a str>,
    pub(crate) description: Option<String>,
    /// The requested weights in key order, no key twice (as a map keeps them).
    pub(crate) routing_config: Option<&'a [(Cow<'a, str>, f64)]>,
    pub(crate) revision_id: Option<&'a str>,
}

/// `AdditionalVersionWeights` as text: version keys with their weights, in key order,
/// inline up to the most any routing mode accepts.
pub(crate) type WeightEntries<'a> = SmallVec<[(Cow<'a, str>, f64); MAX_ADDITIONAL_VERSIONS]>;

/// The entries of a request's weights map, borrowed, in its key order.
pub(crate) fn weight_entries(map: &AdditionalVersionWeights) -> WeightEntries<'_> {
    map.iter()
        .map(|(k, w)| (Cow::Borrowed(k.as_str()), *w))
        .collect()
}

impl UpdateAliasRequest {
    /// An update of alias `name` of `function_name` that changes nothing yet.
    pub fn new(function_name: impl Into<String>, name: impl Into<String>) -> Self {
        UpdateAliasRequest {
            function_name: function_name.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    /// Sets `FunctionVersion`.
    pub fn with_function_version(mut self, version: impl Into<String>) -> Self {
        self.function_version = Some(version.into());
        self
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `RoutingConfig` with one additional version and its weight.
    pub fn with_routing(mut self, additional_version: impl Into<String>, weight: f64) -> Self {
        self.routing_config = Some(BTreeMap::from([(additional_version.into(), weight)]));
        self
    }

    /// Sets `RoutingConfig` to an empty map, which removes the routing (R41).
    pub fn without_routing(mut self) -> Self {
        self.routing_config = Some(BTreeMap::new());
        self
    }

    /// Sets `RoutingConfig.AdditionalVersionWeights` to an arbitrary map.
    pub fn with_routing_config(mut self, weights: AdditionalVersionWeights) -> Self {
        self.routing_config = Some(weights);
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }

    /// This request's weights as text, borrowed.
    pub(crate) fn weight_entries(&self) -> Option<WeightEntries<'_>> {
        self.routing_config.as_ref().map(weight_entries)
    }

    /// This request's members, borrowed, with the `description` taken out of it and
    /// the `routing` of [`UpdateAliasRequest::weight_entries`].
    pub(crate) fn update<'a>(
        &'a self,
        description: Option<String>,
        routing: Option<&'a [(Cow<'a, str>, f64)]>,
    ) -> AliasUpdate<'a> {
        AliasUpdate {
            function_name: &self.function_name,
            name: &self.name,
            function_version: self.function_version.as_deref(),
            description,
            routing_config: routing,
            revision_id: self.revision_id.as_deref(),
        }
    }
}

/// [`Registry::undo_alias`](crate::Registry::undo_alias): put an alias back on its
/// previous target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UndoAliasRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `Name` of the alias.
    pub name: String,
    /// `RevisionId` precondition on the alias.
    pub revision_id: Option<String>,
}

impl UndoAliasRequest {
    /// Undoes the last target change of alias `name` of `function_name`.
    pub fn new(function_name: impl Into<String>, name: impl Into<String>) -> Self {
        UndoAliasRequest {
            function_name: function_name.into(),
            name: name.into(),
            revision_id: None,
        }
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}

/// `ListAliases`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListAliasesRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `FunctionVersion` filter: only aliases whose primary is this version (R43).
    pub function_version: Option<String>,
    /// `Marker` from a previous `NextMarker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–10000; pages never exceed 50 items).
    pub max_items: Option<i64>,
}

impl ListAliasesRequest {
    /// Lists the aliases of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListAliasesRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets the `FunctionVersion` filter.
    pub fn with_function_version(mut self, version: impl Into<String>) -> Self {
        self.function_version = Some(version.into());
        self
    }

    /// Sets `Marker`.
    pub fn with_marker(mut self, marker: impl Into<String>) -> Self {
        self.marker = Some(marker.into());
        self
    }

    /// Sets `MaxItems`.
    pub fn with_max_items(mut self, max_items: i64) -> Self {
        self.max_items = Some(max_items);
        self
    }
}
