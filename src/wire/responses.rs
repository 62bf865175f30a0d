//! Response bodies with the service's member names (docs/wire.md#response-bodies).
//!
//! Every type serializes exactly the members the service emits: optional members are
//! absent, never `null`. They also deserialize, so a test tool can read what a server
//! built on this module (or the real service) answered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::registry;

/// `Environment` in a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct EnvironmentResponse {
    /// `Variables`.
    pub variables: BTreeMap<String, String>,
}

/// `DeadLetterConfig`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeadLetterConfig {
    /// `TargetArn`.
    pub target_arn: String,
}

/// One entry of `Layers` in a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Layer {
    /// `Arn`, the layer version ARN.
    pub arn: String,
    /// `CodeSize` (layers are not stored here: always 0).
    pub code_size: u64,
}

/// `TracingConfig` in a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TracingConfigResponse {
    /// `Mode`: `PassThrough` (tracing is not modelled).
    pub mode: String,
}

/// `EphemeralStorage`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct EphemeralStorage {
    /// `Size` in MB: 512, the service's default.
    pub size: u32,
}

/// `SnapStart` in a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SnapStartResponse {
    /// `ApplyOn`: `None`.
    pub apply_on: String,
    /// `OptimizationStatus`: `Off`.
    pub optimization_status: String,
}

/// `LoggingConfig`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LoggingConfig {
    /// `LogFormat`: `Text`.
    pub log_format: String,
    /// `LogGroup`: `/aws/lambda/<function name>`.
    pub log_group: String,
}

/// `FunctionConfiguration` (docs/wire.md#response-bodies): what `GetFunctionConfiguration`, `PublishVersion`,
/// `CreateFunction` and the updates answer, and each entry of `Versions`.
///
/// Besides the members this crate models, it carries the constant members every answer
/// of the service has (`PackageType`, `TracingConfig`, `EphemeralStorage`, `SnapStart`,
/// `LoggingConfig`) with the service's defaults, so that clients that read them work.
/// State members are absent in list entries (R31).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionConfiguration {
    /// `FunctionName`.
    pub function_name: String,
    /// `FunctionArn`.
    pub function_arn: String,
    /// `Runtime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// `Role`.
    pub role: String,
    /// `Handler`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// `CodeSize`.
    pub code_size: u64,
    /// `Description`.
    pub description: String,
    /// `Timeout`.
    pub timeout: u32,
    /// `MemorySize`.
    pub memory_size: u32,
    /// `LastModified`, e.g. `2026-11-28T05:20:00.000+0000`.
    pub last_modified: String,
    /// `CodeSha256`.
    pub code_sha256: String,
    /// `Version`.
    pub version: String,
    /// `Environment`, when variables are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<EnvironmentResponse>,
    /// `DeadLetterConfig`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_config: Option<DeadLetterConfig>,
    /// `TracingConfig`.
    pub tracing_config: TracingConfigResponse,
    /// `RevisionId`.
    pub revision_id: String,
    /// `Layers`, when any are set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<Layer>>,
    /// `State`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `StateReason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<String>,
    /// `StateReasonCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_reason_code: Option<String>,
    /// `LastUpdateStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_status: Option<String>,
    /// `LastUpdateStatusReason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_status_reason: Option<String>,
    /// `LastUpdateStatusReasonCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_status_reason_code: Option<String>,
    /// `PackageType`: `Zip` or `Image`.
    pub package_type: String,
    /// `ImageConfigResponse`, when an image function has an `ImageConfig` (R177).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_config_response: Option<ImageConfigResponse>,
    /// `Architectures`.
    pub architectures: Vec<String>,
    /// `EphemeralStorage`.
    pub ephemeral_storage: EphemeralStorage,
    /// `SnapStart`: `ApplyOn` as configured, `OptimizationStatus` `On` for published
    /// versions of a function with `PublishedVersions` (R183).
    pub snap_start: SnapStartResponse,
    /// `RuntimeVersionConfig`: zip functions with a runtime, not in list entries (R185).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_version_config: Option<RuntimeVersionConfig>,
    /// `LoggingConfig`.
    pub logging_config: LoggingConfig,
}

/// `ImageConfigResponse`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ImageConfigResponse {
    /// `ImageConfig`.
    pub image_config: crate::config::ImageConfig,
}

/// `RuntimeVersionConfig` (R185): `arn:aws:lambda:{region}::runtime:{id}`, the id derived
/// from the runtime's name (docs/decisions.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RuntimeVersionConfig {
    /// `RuntimeVersionArn`.
    pub runtime_version_arn: String,
}

impl From<&registry::FunctionConfiguration> for FunctionConfiguration {
    fn from(c: &registry::FunctionConfiguration) -> Self {
        let config = &c.config;
        let status = c.status.as_ref();
        let text = |s: Option<&'static str>| s.map(str::to_owned);
        FunctionConfiguration {
            function_name: c.function_name.to_string(),
            function_arn: c.function_arn.to_string(),
            runtime: config.runtime.clone(),
            role: config.role.clone(),
            handler: config.handler.clone(),
            code_size: config.code.size(),
            description: config.description.clone(),
            timeout: config.timeout,
            memory_size: config.memory_size,
            last_modified: c.last_modified.to_string(),
            code_sha256: config.code.sha256().to_owned(),
            version: c.version.to_string(),
            environment: (!config.environment.is_empty()).then(|| EnvironmentResponse {
                variables: config.environment.clone(),
            }),
            dead_letter_config: config
                .dead_letter_target
                .as_ref()
                .map(|arn| DeadLetterConfig {
                    target_arn: arn.clone(),
                }),
            tracing_config: TracingConfigResponse {
                mode: "PassThrough".to_owned(),
            },
            revision_id: c.revision_id.to_string(),
            layers: (!config.layers.is_empty()).then(|| {
                config
                    .layers
                    .iter()
                    .map(|arn| Layer {
                        arn: arn.clone(),
                        code_size: 0,
                    })
                    .collect()
            }),
            state: status.map(|s| s.state.as_str().to_owned()),
            state_reason: status.and_then(|s| text(s.state_reason)),
            state_reason_code: status.and_then(|s| text(s.state_reason_code)),
            last_update_status: status
                .and_then(|s| s.last_update_status)
                .map(|u| u.as_str().to_owned()),
            last_update_status_reason: status.and_then(|s| text(s.last_update_status_reason)),
            last_update_status_reason_code: status
                .and_then(|s| text(s.last_update_status_reason_code)),
            package_type: config.code.package_type().as_str().to_owned(),
            image_config_response: config.image_config.as_ref().map(|i| ImageConfigResponse {
                image_config: i.clone(),
            }),
            architectures: vec![config.architecture.as_str().to_owned()],
            ephemeral_storage: EphemeralStorage {
                size: config.ephemeral_storage,
            },
            snap_start: SnapStartResponse {
                apply_on: config.snap_start.as_str().to_owned(),
                optimization_status: if c.version != crate::Version::Latest
                    && config.snap_start == crate::config::SnapStartApplyOn::PublishedVersions
                {
                    "On"
                } else {
                    "Off"
                }
                .to_owned(),
            },
            runtime_version_config: match (&config.runtime, status, config.code.package_type()) {
                (Some(runtime), Some(_), crate::config::PackageType::Zip) => {
                    Some(RuntimeVersionConfig {
                        runtime_version_arn: format!(
                            "arn:{}:lambda:{}::runtime:{}",
                            c.function_arn.partition(),
                            c.function_arn.region(),
                            runtime_version_id(runtime)
                        ),
                    })
                }
                _ => None,
            },
            logging_config: LoggingConfig {
                log_format: "Text".to_owned(),
                log_group: format!("/aws/lambda/{}", c.function_name),
            },
        }
    }
}

/// What `GetFunction` answers: `Configuration`, `Code`, and `Tags` and `Concurrency` when
/// the function has them (unqualified requests only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GetFunctionResponse {
    /// `Configuration`.
    pub configuration: FunctionConfiguration,
    /// `Code`.
    pub code: FunctionCodeLocation,
    /// `Concurrency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// `Tags`, when the function has any (unqualified requests).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// `Code` of `GetFunction` (R172): for a package `RepositoryType: S3` and a placeholder
/// `Location` (docs/decisions.md); for an image `RepositoryType: ECR`, `ImageUri` and
/// `ResolvedImageUri`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionCodeLocation {
    /// `ImageUri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_uri: Option<String>,
    /// `RepositoryType`: `S3` or `ECR`.
    pub repository_type: String,
    /// `Location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `ResolvedImageUri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_image_uri: Option<String>,
}

impl From<&registry::CodeLocation> for FunctionCodeLocation {
    fn from(c: &registry::CodeLocation) -> Self {
        match c {
            registry::CodeLocation::Image {
                image_uri,
                resolved_image_uri,
            } => FunctionCodeLocation {
                image_uri: Some(image_uri.clone()),
                repository_type: "ECR".into(),
                location: None,
                resolved_image_uri: Some(resolved_image_uri.clone()),
            },
            registry::CodeLocation::Zip { location } => FunctionCodeLocation {
                image_uri: None,
                repository_type: "S3".into(),
                location: Some(location.clone()),
                resolved_image_uri: None,
            },
        }
    }
}

/// `Concurrency` of `GetFunction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Concurrency {
    /// `ReservedConcurrentExecutions`.
    pub reserved_concurrent_executions: u32,
}

impl From<&registry::GetFunctionResponse> for GetFunctionResponse {
    fn from(r: &registry::GetFunctionResponse) -> Self {
        GetFunctionResponse {
            configuration: (&r.configuration).into(),
            code: (&r.code).into(),
            concurrency: r.reserved_concurrency.map(|n| Concurrency {
                reserved_concurrent_executions: n,
            }),
            tags: r.tags.clone(),
        }
    }
}

/// `AliasRoutingConfiguration` (docs/wire.md#response-bodies).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AliasRoutingConfiguration {
    /// `AdditionalVersionWeights`: version to weight, as the caller gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_version_weights: Option<BTreeMap<String, f64>>,
}

/// `AliasConfiguration` (docs/wire.md#response-bodies); `RoutingConfig` only when an additional version is set
/// (R37).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AliasConfiguration {
    /// `AliasArn`.
    pub alias_arn: String,
    /// `Name`.
    pub name: String,
    /// `FunctionVersion`.
    pub function_version: String,
    /// `Description`.
    pub description: String,
    /// `RoutingConfig`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_config: Option<AliasRoutingConfiguration>,
    /// `RevisionId`.
    pub revision_id: String,
}

impl From<&registry::AliasConfiguration> for AliasConfiguration {
    fn from(a: &registry::AliasConfiguration) -> Self {
        AliasConfiguration {
            alias_arn: a.alias_arn.to_string(),
            name: a.name.to_string(),
            function_version: a.function_version.to_string(),
            description: a.description.clone(),
            routing_config: a
                .routing_config
                .as_ref()
                .map(|r| AliasRoutingConfiguration {
                    additional_version_weights: Some(r.weights()),
                }),
            revision_id: a.revision_id.to_string(),
        }
    }
}

/// `ListVersionsByFunctionResponse` (docs/wire.md#response-bodies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListVersionsByFunctionResponse {
    /// `Versions`, without state members (R31).
    pub versions: Vec<FunctionConfiguration>,
    /// `NextMarker`, while more items remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl From<&registry::ListVersionsByFunctionResponse> for ListVersionsByFunctionResponse {
    fn from(r: &registry::ListVersionsByFunctionResponse) -> Self {
        ListVersionsByFunctionResponse {
            versions: r.versions.iter().map(Into::into).collect(),
            next_marker: r.next_marker.clone(),
        }
    }
}

/// `ListFunctionsResponse` (R167).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListFunctionsResponse {
    /// `Functions`, without state members (R169).
    pub functions: Vec<FunctionConfiguration>,
    /// `NextMarker`, while more items remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl From<&registry::ListFunctionsResponse> for ListFunctionsResponse {
    fn from(r: &registry::ListFunctionsResponse) -> Self {
        ListFunctionsResponse {
            functions: r.functions.iter().map(Into::into).collect(),
            next_marker: r.next_marker.clone(),
        }
    }
}

/// `ListTagsResponse` (R164).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListTagsResponse {
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
}

/// `ListAliasesResponse` (docs/wire.md#response-bodies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListAliasesResponse {
    /// `Aliases`.
    pub aliases: Vec<AliasConfiguration>,
    /// `NextMarker`, while more items remain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

impl From<&registry::ListAliasesResponse> for ListAliasesResponse {
    fn from(r: &registry::ListAliasesResponse) -> Self {
        ListAliasesResponse {
            aliases: r.aliases.iter().map(Into::into).collect(),
            next_marker: r.next_marker.clone(),
        }
    }
}

/// What `AddPermission` answers (docs/wire.md#policies): the statement as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AddPermissionResponse {
    /// `Statement`.
    pub statement: String,
}

impl From<&registry::AddPermissionResponse> for AddPermissionResponse {
    fn from(r: &registry::AddPermissionResponse) -> Self {
        AddPermissionResponse {
            statement: r.statement.clone(),
        }
    }
}

/// What `GetPolicy` answers (docs/wire.md#policies): the document as JSON text and its revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GetPolicyResponse {
    /// `Policy`.
    pub policy: String,
    /// `RevisionId`.
    pub revision_id: String,
}

impl From<&registry::GetPolicyResponse> for GetPolicyResponse {
    fn from(r: &registry::GetPolicyResponse) -> Self {
        GetPolicyResponse {
            policy: r.policy.clone(),
            revision_id: r.revision_id.to_string(),
        }
    }
}

/// A stable runtime-version id for `runtime`: the hex SHA-256 of its name.
fn runtime_version_id(runtime: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(runtime.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
