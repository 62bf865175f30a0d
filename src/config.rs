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
    /// Set for a container image (`PackageType: Image`, R172).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<ImageCode>,
}

/// The image of a container-image function: the URI as given and the digest it
/// resolved to when the code was set (R173, R174).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageCode {
    image_uri: String,
    resolved_image_uri: String,
}

/// `PackageType`: how a function's code is packaged, fixed for life (R176).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PackageType {
    /// `Zip`: a deployment package.
    Zip,
    /// `Image`: a container image.
    Image,
}

impl PackageType {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            PackageType::Zip => "Zip",
            PackageType::Image => "Image",
        }
    }
}

/// An `ImageUri` this crate cannot use: not an ECR image reference
/// (`{account}.dkr.ecr.{region}.amazonaws.com/{repository}` with `:{tag}` or
/// `@sha256:{digest}`). Displays as the service's text (reported, R178).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Source image {0} is not valid. Provide a valid source image.")]
pub struct ImageUriError(pub String);

static ECR_IMAGE_RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^([0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?)/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@sha256:([a-f0-9]{64}))$",
    )
    .ok()
});

impl Code {
    /// The code of a zip package: `CodeSha256` is the Base64 of the SHA-256 digest of the
    /// bytes, `CodeSize` their length.
    pub fn from_zip_bytes(bytes: &[u8]) -> Code {
        let digest = sha2::Sha256::digest(bytes);
        Code {
            sha256: base64::engine::general_purpose::STANDARD.encode(digest),
            size: bytes.len() as u64,
            image: None,
        }
    }

    /// The code of a container image (R172–R178). No image is pulled: a URI that names a
    /// digest (`…@sha256:{hex}`) resolves to it; one that names a tag resolves to the
    /// SHA-256 of the URI text, deterministically, until the code is set again.
    /// `CodeSha256` is the digest in hex, `CodeSize` 0 (Q49).
    ///
    /// ```
    /// use lambda_versioning::{Code, PackageType};
    /// let uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:".to_owned() + &"ab".repeat(32);
    /// let code = Code::from_image_uri(&uri).unwrap();
    /// assert_eq!(code.sha256(), "ab".repeat(32));
    /// assert_eq!(code.package_type(), PackageType::Image);
    /// assert_eq!(code.resolved_image_uri(), Some(uri.as_str()));
    /// assert_eq!(
    ///     Code::from_image_uri("app:latest").unwrap_err().to_string(),
    ///     "Source image app:latest is not valid. Provide a valid source image."
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`ImageUriError`] for a URI that is not an ECR image reference.
    pub fn from_image_uri(uri: &str) -> Result<Code, ImageUriError> {
        let invalid = || ImageUriError(uri.to_owned());
        let caps = ECR_IMAGE_RE
            .as_ref()
            .and_then(|re| re.captures(uri))
            .ok_or_else(invalid)?;
        let (registry, repository) = (&caps[1], &caps[2]);
        let digest = match caps.get(4) {
            Some(d) => d.as_str().to_owned(),
            None => hex(&sha2::Sha256::digest(uri.as_bytes())),
        };
        Ok(Code {
            image: Some(ImageCode {
                image_uri: uri.to_owned(),
                resolved_image_uri: format!("{registry}/{repository}@sha256:{digest}"),
            }),
            sha256: digest,
            size: 0,
        })
    }

    /// `PackageType`.
    pub fn package_type(&self) -> PackageType {
        if self.image.is_some() {
            PackageType::Image
        } else {
            PackageType::Zip
        }
    }

    /// `ImageUri` as given, for an image.
    pub fn image_uri(&self) -> Option<&str> {
        self.image.as_ref().map(|i| i.image_uri.as_str())
    }

    /// `ResolvedImageUri`: `{registry}/{repository}@sha256:{digest}`, for an image.
    pub fn resolved_image_uri(&self) -> Option<&str> {
        self.image.as_ref().map(|i| i.resolved_image_uri.as_str())
    }

    /// Code known by its digest and size (for example a container image digest, size 0,
    /// or a package the platform stores elsewhere).
    pub fn from_digest(sha256: impl Into<String>, size: u64) -> Code {
        Code {
            sha256: sha256.into(),
            size,
            image: None,
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `ImageConfig` of a container-image function (R177): overrides of the image's
/// entry point, command and working directory. Version-level.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ImageConfig {
    /// `EntryPoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<Vec<String>>,
    /// `Command`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// `WorkingDirectory` (at most 1000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<String>,
}

impl ImageConfig {
    /// Whether no member is set (`ImageConfig: {}` removes the setting, R177).
    pub fn is_empty(&self) -> bool {
        *self == ImageConfig::default()
    }
}

/// `SnapStart.ApplyOn` (R183): whether published versions are snapshotted.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum SnapStartApplyOn {
    /// `None` (the default).
    #[default]
    None,
    /// `PublishedVersions`.
    PublishedVersions,
}

impl SnapStartApplyOn {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            SnapStartApplyOn::None => "None",
            SnapStartApplyOn::PublishedVersions => "PublishedVersions",
        }
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
    /// `ImageConfig` (container images, R177).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_config: Option<ImageConfig>,
    /// `SnapStart.ApplyOn` (R183).
    #[serde(default, skip_serializing_if = "is_default_snap_start")]
    pub snap_start: SnapStartApplyOn,
}

fn is_default_snap_start(s: &SnapStartApplyOn) -> bool {
    *s == SnapStartApplyOn::None
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
            image_config: None,
            snap_start: SnapStartApplyOn::None,
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
