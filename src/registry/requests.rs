//! Request values of the registry's operations.
//!
//! Requests carry the raw strings a caller (or an HTTP facade) received, because the service
//! validates every member of a request together and reports all violations at once (R93).
//! Typed vocabulary values convert into these strings (`String::from(alias_name)`), so
//! Rust callers can pass either. Each request has a constructor for its required members
//! and `with_*` methods for the optional ones.

use std::collections::BTreeMap;

use crate::config::{Architecture, Code, FunctionConfig};

/// `AdditionalVersionWeights` as a request carries it: version key to weight. An empty map
/// means "no routing" (R53).
pub type AdditionalVersionWeights = BTreeMap<String, f64>;

/// `CreateFunction`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CreateFunctionRequest {
    /// `FunctionName`: a name, partial ARN or ARN (classic pattern, R2).
    pub function_name: String,
    /// The version-level configuration of the new `$LATEST`.
    pub config: FunctionConfig,
    /// `Publish`: also publish version 1 (R24).
    pub publish: bool,
}

impl CreateFunctionRequest {
    /// Creates `function_name` with `config`.
    pub fn new(function_name: impl Into<String>, config: FunctionConfig) -> Self {
        CreateFunctionRequest {
            function_name: function_name.into(),
            config,
            publish: false,
        }
    }

    /// Sets `Publish`.
    pub fn with_publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }
}

/// `UpdateFunctionCode`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UpdateFunctionCodeRequest {
    /// `FunctionName` (classic pattern); a qualifier other than `$LATEST` is refused (R10).
    pub function_name: String,
    /// The new deployment package.
    pub code: Code,
    /// `Architectures`; `None` keeps the current one.
    pub architecture: Option<Architecture>,
    /// `Publish`: publish a version from the new code (R25).
    pub publish: bool,
    /// `RevisionId` precondition on `$LATEST` (R72).
    pub revision_id: Option<String>,
}

impl UpdateFunctionCodeRequest {
    /// Replaces the code of `function_name`'s `$LATEST`.
    pub fn new(function_name: impl Into<String>, code: Code) -> Self {
        UpdateFunctionCodeRequest {
            function_name: function_name.into(),
            code,
            architecture: None,
            publish: false,
            revision_id: None,
        }
    }

    /// Sets `Publish`.
    pub fn with_publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }

    /// Sets `Architectures`.
    pub fn with_architecture(mut self, architecture: Architecture) -> Self {
        self.architecture = Some(architecture);
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}

/// `UpdateFunctionConfiguration`: every setting is optional; absent ones keep their value.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct UpdateFunctionConfigurationRequest {
    /// `FunctionName` (classic pattern); a qualifier other than `$LATEST` is refused (R10).
    pub function_name: String,
    /// `Role`.
    pub role: Option<String>,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Timeout`.
    pub timeout: Option<u32>,
    /// `MemorySize`.
    pub memory_size: Option<u32>,
    /// `Environment.Variables` (replaces the whole map).
    pub environment: Option<BTreeMap<String, String>>,
    /// `DeadLetterConfig.TargetArn`; an empty string removes the dead-letter target.
    pub dead_letter_target: Option<String>,
    /// `Layers` (replaces the whole list).
    pub layers: Option<Vec<String>>,
    /// `EphemeralStorage.Size` in MB.
    pub ephemeral_storage: Option<u32>,
    /// `ImageConfig` (replaces the whole setting; empty removes it, R177).
    pub image_config: Option<crate::config::ImageConfig>,
    /// `SnapStart.ApplyOn` (R183).
    pub snap_start: Option<crate::config::SnapStartApplyOn>,
    /// `RevisionId` precondition on `$LATEST` (R72).
    pub revision_id: Option<String>,
}

impl UpdateFunctionConfigurationRequest {
    /// An update of `function_name` that changes nothing yet.
    pub fn new(function_name: impl Into<String>) -> Self {
        UpdateFunctionConfigurationRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets `Role`.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Sets `Handler`.
    pub fn with_handler(mut self, handler: impl Into<String>) -> Self {
        self.handler = Some(handler.into());
        self
    }

    /// Sets `Runtime`.
    pub fn with_runtime(mut self, runtime: impl Into<String>) -> Self {
        self.runtime = Some(runtime.into());
        self
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `Timeout`.
    pub fn with_timeout(mut self, seconds: u32) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// Sets `MemorySize`.
    pub fn with_memory_size(mut self, mb: u32) -> Self {
        self.memory_size = Some(mb);
        self
    }

    /// Sets `Environment.Variables` (replaces the whole map).
    pub fn with_environment(mut self, variables: BTreeMap<String, String>) -> Self {
        self.environment = Some(variables);
        self
    }

    /// Adds one variable to the `Environment.Variables` this update sets (an update that
    /// sets variables replaces the whole map).
    pub fn with_environment_variable(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.environment
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }

    /// Sets `DeadLetterConfig.TargetArn` (`""` removes it).
    pub fn with_dead_letter_target(mut self, arn: impl Into<String>) -> Self {
        self.dead_letter_target = Some(arn.into());
        self
    }

    /// Sets `Layers` (replaces the whole list).
    pub fn with_layers(mut self, layers: Vec<String>) -> Self {
        self.layers = Some(layers);
        self
    }

    /// Sets `EphemeralStorage.Size` in MB.
    pub fn with_ephemeral_storage(mut self, mb: u32) -> Self {
        self.ephemeral_storage = Some(mb);
        self
    }

    /// Appends one layer version ARN to the `Layers` this update sets (an update that
    /// sets layers replaces the whole list).
    pub fn with_layer(mut self, arn: impl Into<String>) -> Self {
        self.layers.get_or_insert_with(Vec::new).push(arn.into());
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}

/// Defines a request of a function and an optional `Qualifier` parameter.
macro_rules! qualified_request {
    ($(#[$doc:meta])* $name:ident, $verb:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name {
            /// `FunctionName` (namespaced pattern), possibly with a `:qualifier` suffix.
            pub function_name: String,
            /// The `Qualifier` parameter; must agree with a suffix (R6).
            pub qualifier: Option<String>,
        }

        impl $name {
            #[doc = concat!($verb, " `function_name` (qualified by its suffix, if any).")]
            pub fn new(function_name: impl Into<String>) -> Self {
                $name {
                    function_name: function_name.into(),
                    qualifier: None,
                }
            }

            /// Sets the `Qualifier` parameter.
            pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
                self.qualifier = Some(qualifier.into());
                self
            }
        }
    };
}

qualified_request!(
    /// `GetFunction`: a function and an optional `Qualifier` (R64).
    GetFunctionRequest,
    "Reads"
);
qualified_request!(
    /// `GetFunctionConfiguration`: a function and an optional `Qualifier` (R64).
    GetFunctionConfigurationRequest,
    "Reads the configuration of"
);
qualified_request!(
    /// `Invoke`, the routing part: which version runs for a function and an optional
    /// `Qualifier` (R64–R68).
    InvokeRequest,
    "Invokes"
);
qualified_request!(
    /// `DeleteFunction`: the whole function, or one version with a numeric qualifier
    /// (R57–R62).
    DeleteFunctionRequest,
    "Deletes"
);
qualified_request!(
    /// `GetPolicy`: the policy of the function, a version or an alias (R83).
    GetPolicyRequest,
    "Reads the policy of"
);

/// `PublishVersion`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublishVersionRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// `CodeSha256` precondition (R21); an empty string counts as absent.
    pub code_sha256: Option<String>,
    /// `Description` of the new version (R17).
    pub description: Option<String>,
    /// `RevisionId` precondition on `$LATEST` (R22).
    pub revision_id: Option<String>,
    /// A semantic-version label for the new version (beyond the service), unique within
    /// the function.
    pub label: Option<semver::Version>,
}

impl PublishVersionRequest {
    /// Publishes `function_name`'s `$LATEST`.
    pub fn new(function_name: impl Into<String>) -> Self {
        PublishVersionRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets the `CodeSha256` precondition.
    pub fn with_code_sha256(mut self, sha256: impl Into<String>) -> Self {
        self.code_sha256 = Some(sha256.into());
        self
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }

    /// Attaches a semantic-version label to the published version. On a publish that
    /// changes nothing (R18) the label goes on the version returned, if it has none.
    pub fn with_label(mut self, label: semver::Version) -> Self {
        self.label = Some(label);
        self
    }
}

/// `ListVersionsByFunction`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListVersionsByFunctionRequest {
    /// `FunctionName` (namespaced pattern).
    pub function_name: String,
    /// `Marker` from a previous `NextMarker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–10000; pages never exceed 50 items, R32).
    pub max_items: Option<i64>,
}

impl ListVersionsByFunctionRequest {
    /// Lists the versions of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListVersionsByFunctionRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
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

/// [`Registry::prune_versions`](crate::Registry::prune_versions): delete old versions no
/// alias needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PruneVersionsRequest {
    /// `FunctionName` (classic pattern).
    pub function_name: String,
    /// How many of the newest published versions to keep regardless.
    pub keep_newest: usize,
}

impl PruneVersionsRequest {
    /// Prunes `function_name`, keeping its `keep_newest` newest versions.
    pub fn new(function_name: impl Into<String>, keep_newest: usize) -> Self {
        PruneVersionsRequest {
            function_name: function_name.into(),
            keep_newest,
        }
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

/// `AddPermission` (R74).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddPermissionRequest {
    /// `FunctionName` (namespaced pattern), possibly with a `:qualifier` suffix.
    pub function_name: String,
    /// The `Qualifier` parameter: the version or alias whose policy to change.
    pub qualifier: Option<String>,
    /// `StatementId` (R79).
    pub statement_id: String,
    /// `Action` (R80), e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// `Principal` (R76): a service principal, an account id, an IAM ARN or `*`.
    pub principal: String,
    /// `SourceArn` → `ArnLike` `AWS:SourceArn`.
    pub source_arn: Option<String>,
    /// `SourceAccount` → `StringEquals` `AWS:SourceAccount`.
    pub source_account: Option<String>,
    /// `PrincipalOrgID` → `StringEquals` `aws:PrincipalOrgID`.
    pub principal_org_id: Option<String>,
    /// `EventSourceToken` → `StringEquals` `lambda:EventSourceToken`.
    pub event_source_token: Option<String>,
    /// `FunctionUrlAuthType` → `StringEquals` `lambda:FunctionUrlAuthType` (R78).
    pub function_url_auth_type: Option<crate::policy::FunctionUrlAuthType>,
    /// `InvokedViaFunctionUrl` → `Bool` `lambda:InvokedViaFunctionUrl` (R78).
    pub invoked_via_function_url: bool,
    /// `RevisionId` precondition on the target's policy (R85).
    pub revision_id: Option<String>,
}

impl AddPermissionRequest {
    /// Grants `action` on `function_name` to `principal` under `statement_id`.
    pub fn new(
        function_name: impl Into<String>,
        statement_id: impl Into<String>,
        action: impl Into<String>,
        principal: impl Into<String>,
    ) -> Self {
        AddPermissionRequest {
            function_name: function_name.into(),
            statement_id: statement_id.into(),
            action: action.into(),
            principal: principal.into(),
            ..Default::default()
        }
    }

    /// Sets the `Qualifier` parameter.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets `SourceArn`.
    pub fn with_source_arn(mut self, arn: impl Into<String>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }

    /// Sets `SourceAccount`.
    pub fn with_source_account(mut self, account: impl Into<String>) -> Self {
        self.source_account = Some(account.into());
        self
    }

    /// Sets `PrincipalOrgID`.
    pub fn with_principal_org_id(mut self, org: impl Into<String>) -> Self {
        self.principal_org_id = Some(org.into());
        self
    }

    /// Sets `EventSourceToken`.
    pub fn with_event_source_token(mut self, token: impl Into<String>) -> Self {
        self.event_source_token = Some(token.into());
        self
    }

    /// Sets `FunctionUrlAuthType`.
    pub fn with_function_url_auth_type(mut self, auth: crate::policy::FunctionUrlAuthType) -> Self {
        self.function_url_auth_type = Some(auth);
        self
    }

    /// Sets `InvokedViaFunctionUrl`.
    pub fn with_invoked_via_function_url(mut self, via_url: bool) -> Self {
        self.invoked_via_function_url = via_url;
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}

/// `RemovePermission` (R84).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemovePermissionRequest {
    /// `FunctionName` (namespaced pattern), possibly with a `:qualifier` suffix.
    pub function_name: String,
    /// `StatementId` (path parameter, pattern `([a-zA-Z0-9-_.]+)`).
    pub statement_id: String,
    /// The `Qualifier` parameter.
    pub qualifier: Option<String>,
    /// `RevisionId` precondition on the target's policy (R85).
    pub revision_id: Option<String>,
}

impl RemovePermissionRequest {
    /// Removes statement `statement_id` from `function_name`'s policy.
    pub fn new(function_name: impl Into<String>, statement_id: impl Into<String>) -> Self {
        RemovePermissionRequest {
            function_name: function_name.into(),
            statement_id: statement_id.into(),
            ..Default::default()
        }
    }

    /// Sets the `Qualifier` parameter.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}
