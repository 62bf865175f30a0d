//! The JSON bodies of the REST API with the service's member names (PascalCase):
//! request bodies as they arrive, and response bodies as the service sends them (absent
//! members absent, never `null`). The names of the response shapes are the service's
//! own (`FunctionConfiguration`, `AliasConfiguration`, …); the registry's typed values of
//! the same names are in [`registry`](crate::registry) and convert into these with
//! `From`.

pub use super::code::{FunctionCode, NOT_A_ZIP, ONLY_ZIP_FILE};
pub use super::errors::UNPARSABLE_BODY;
pub use super::requests::{
    AddPermissionBody, CreateAliasBody, CreateFunctionBody, DRY_RUN_UNSUPPORTED, DeadLetterTarget,
    Environment, PublishVersionBody, RoutingConfigBody, UpdateAliasBody, UpdateFunctionCodeBody,
    UpdateFunctionConfigurationBody, parse_body,
};
pub use super::responses::{
    AddPermissionResponse, AliasConfiguration, AliasRoutingConfiguration, Concurrency,
    DeadLetterConfig, EnvironmentResponse, EphemeralStorage, FunctionConfiguration,
    GetFunctionResponse, GetPolicyResponse, ImageConfigResponse, Layer, ListAliasesResponse,
    ListVersionsByFunctionResponse, LoggingConfig, RuntimeVersionConfig, SnapStartResponse,
    TracingConfigResponse,
};
