//! Requests of the function operations: create, update code and configuration, and the
//! reads, invocation and deletion that take a function and an optional qualifier.

use std::collections::BTreeMap;

use crate::config::{Architecture, Code, FunctionConfig};

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
