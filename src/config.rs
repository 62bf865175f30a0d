//! Version-level settings: everything `PublishVersion` freezes into a version (R11).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use sha2::Digest as _;

/// The deployment package of a version: its `CodeSha256` and `CodeSize`.
///
/// ```
/// use lambda_versioning::Code;
/// let code = Code::from_zip_bytes(b"hello");
/// assert_eq!(code.sha256(), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
/// assert_eq!(code.size(), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    sha256: String,
    size: u64,
}

impl Code {
    /// The code of a zip package: `CodeSha256` is the Base64 of the SHA-256 digest of the
    /// bytes, `CodeSize` their length.
    pub fn from_zip_bytes(bytes: &[u8]) -> Code {
        let digest = sha2::Sha256::digest(bytes);
        Code {
            sha256: base64::engine::general_purpose::STANDARD.encode(digest),
            size: bytes.len() as u64,
        }
    }

    /// Code known by its digest and size (for example a container image digest, size 0,
    /// or a package the platform stores elsewhere).
    pub fn from_digest(sha256: impl Into<String>, size: u64) -> Code {
        Code {
            sha256: sha256.into(),
            size,
        }
    }

    /// `CodeSha256`.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// `CodeSize` in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// The size of `/tmp` a version gets unless configured: 512 MB.
const DEFAULT_EPHEMERAL_STORAGE: u32 = 512;

fn default_ephemeral_storage() -> u32 {
    DEFAULT_EPHEMERAL_STORAGE
}

/// An instruction set architecture (`Architectures`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[non_exhaustive]
pub enum Architecture {
    /// `x86_64`, the default.
    #[default]
    #[serde(rename = "x86_64")]
    X86_64,
    /// `arm64`.
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The version-level configuration of a function: what `$LATEST` holds and what a
/// published version freezes (R11).
///
/// The struct is `#[non_exhaustive]` so settings can be added without breaking users:
/// build it with [`FunctionConfig::new`] and the `with_*` methods, read and change its
/// public fields freely.
///
/// ```
/// use lambda_versioning::{Code, FunctionConfig};
/// let config = FunctionConfig::new("arn:aws:iam::123456789012:role/exec", Code::from_zip_bytes(b"v1"))
///     .with_runtime("python3.12")
///     .with_handler("app.handler")
///     .with_memory_size(256)
///     .with_environment_variable("STAGE", "prod");
/// assert_eq!(config.timeout, 3);
/// assert_eq!(config.environment["STAGE"], "prod");
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FunctionConfig {
    /// The deployment package (`CodeSha256`, `CodeSize`).
    pub code: Code,
    /// `Runtime`, e.g. `python3.12`; `None` for container images.
    pub runtime: Option<String>,
    /// `Handler`; `None` for container images.
    pub handler: Option<String>,
    /// `Role`, the execution role ARN. Routing compares it (R52).
    pub role: String,
    /// `MemorySize` in MB (128–10240, default 128).
    pub memory_size: u32,
    /// `Timeout` in seconds (at least 1, default 3).
    pub timeout: u32,
    /// `Environment.Variables` (at most 4 KB as JSON; names match
    /// `[a-zA-Z]([a-zA-Z0-9_])+`).
    #[serde(deserialize_with = "crate::json_map::unique_keys")]
    pub environment: BTreeMap<String, String>,
    /// `DeadLetterConfig.TargetArn`. Routing compares it (R52).
    pub dead_letter_target: Option<String>,
    /// `Layers`, as layer version ARNs (at most 5).
    pub layers: Vec<String>,
    /// `EphemeralStorage.Size`: the size of `/tmp` in MB (512–10240, default 512).
    #[serde(default = "default_ephemeral_storage")]
    pub ephemeral_storage: u32,
    /// `Architectures` (one entry).
    pub architecture: Architecture,
    /// `Description` (0–256 characters).
    pub description: String,
}

impl FunctionConfig {
    /// A configuration with the service's defaults: 128 MB, 3 s, `x86_64`, no environment,
    /// no layers, no dead-letter target, empty description.
    pub fn new(role: impl Into<String>, code: Code) -> FunctionConfig {
        FunctionConfig {
            code,
            runtime: None,
            handler: None,
            role: role.into(),
            memory_size: 128,
            timeout: 3,
            environment: BTreeMap::new(),
            dead_letter_target: None,
            layers: Vec::new(),
            ephemeral_storage: DEFAULT_EPHEMERAL_STORAGE,
            architecture: Architecture::X86_64,
            description: String::new(),
        }
    }

    /// Sets `Runtime`.
    pub fn with_runtime(mut self, runtime: impl Into<String>) -> Self {
        self.runtime = Some(runtime.into());
        self
    }

    /// Sets `Handler`.
    pub fn with_handler(mut self, handler: impl Into<String>) -> Self {
        self.handler = Some(handler.into());
        self
    }

    /// Sets `MemorySize`.
    pub fn with_memory_size(mut self, mb: u32) -> Self {
        self.memory_size = mb;
        self
    }

    /// Sets `Timeout`.
    pub fn with_timeout(mut self, seconds: u32) -> Self {
        self.timeout = seconds;
        self
    }

    /// Sets `Environment.Variables` (replaces the whole map).
    pub fn with_environment(mut self, variables: BTreeMap<String, String>) -> Self {
        self.environment = variables;
        self
    }

    /// Adds one environment variable.
    pub fn with_environment_variable(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.environment.insert(key.into(), value.into());
        self
    }

    /// Sets `DeadLetterConfig.TargetArn`.
    pub fn with_dead_letter_target(mut self, arn: impl Into<String>) -> Self {
        self.dead_letter_target = Some(arn.into());
        self
    }

    /// Sets `Layers` (replaces the whole list).
    pub fn with_layers(mut self, layers: Vec<String>) -> Self {
        self.layers = layers;
        self
    }

    /// Appends a layer version ARN.
    pub fn with_layer(mut self, arn: impl Into<String>) -> Self {
        self.layers.push(arn.into());
        self
    }

    /// Sets `EphemeralStorage.Size` in MB.
    pub fn with_ephemeral_storage(mut self, mb: u32) -> Self {
        self.ephemeral_storage = mb;
        self
    }

    /// Sets the architecture.
    pub fn with_architecture(mut self, architecture: Architecture) -> Self {
        self.architecture = architecture;
        self
    }

    /// Sets `Description`.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
}
