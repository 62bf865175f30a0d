//! Bodies of the function operations: create, update code, update configuration, and
//! the settings they share.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::{Architecture, FunctionConfig};
use crate::error::{Error, ErrorKind};
use crate::registry;
use crate::validate::Violations;
use crate::wire::code::FunctionCode;

/// `Environment` in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Environment {
    /// `Variables` (a variable named twice is refused).
    #[serde(deserialize_with = "crate::json_map::optional_unique_keys")]
    pub variables: Option<BTreeMap<String, String>>,
}

/// `EphemeralStorage` in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct EphemeralStorageBody {
    /// `Size` in MB (512–10240).
    pub size: Option<i64>,
}

/// `DeadLetterConfig` in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeadLetterTarget {
    /// `TargetArn`; absent or empty removes the target.
    pub target_arn: Option<String>,
}

/// Records `Architectures` violations and returns the architecture (R93: one entry of
/// `x86_64` or `arm64`).
fn architecture(v: &mut Violations, list: Option<&[String]>) -> Option<Architecture> {
    let list = list?;
    let rendered = format!("[{}]", list.join(", "));
    if list.len() != 1 {
        v.push(
            &rendered,
            "architectures",
            "Member must have length less than or equal to 1, Member must have length greater than or equal to 1",
        );
        return None;
    }
    match list[0].as_str() {
        "x86_64" => Some(Architecture::X86_64),
        "arm64" => Some(Architecture::Arm64),
        _ => {
            v.push(
                &rendered,
                "architectures",
                "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]",
            );
            None
        }
    }
}

/// Records an integer member outside `0..=u32::MAX` (the registry checks the model's
/// range of what fits).
/// `Timeout`, `MemorySize` and `EphemeralStorage.Size` as the registry's `u32`s, each
/// refused in its own range when it does not fit.
fn sizes(
    v: &mut Violations,
    timeout: Option<i64>,
    memory_size: Option<i64>,
    ephemeral_storage: Option<i64>,
) -> (Option<u32>, Option<u32>, Option<u32>) {
    (
        small_int(v, timeout, "timeout", TIMEOUT_RANGE),
        small_int(v, memory_size, "memorySize", MEMORY_RANGE),
        small_int(
            v,
            ephemeral_storage,
            "ephemeralStorage.size",
            EPHEMERAL_RANGE,
        ),
    )
}

/// The ranges of the number members (the registry checks the same ones).
const TIMEOUT_RANGE: (i64, i64) = (1, 900);
const MEMORY_RANGE: (i64, i64) = (128, 10240);
const EPHEMERAL_RANGE: (i64, i64) = (512, 10240);

/// A number member that must fit the registry's `u32`; one outside it is recorded with
/// the member's own range (`min`..=`max`), as the registry would word it.
fn small_int(
    v: &mut Violations,
    value: Option<i64>,
    member: &str,
    (min, max): (i64, i64),
) -> Option<u32> {
    let value = value?;
    match u32::try_from(value) {
        Ok(n) => Some(n),
        Err(_) => {
            v.check_range(value, member, min, max);
            None
        }
    }
}

/// `CreateFunction` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CreateFunctionBody {
    /// `FunctionName` (required).
    pub function_name: Option<String>,
    /// `Role` (required).
    pub role: Option<String>,
    /// `Code` (required).
    pub code: Option<FunctionCode>,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Timeout`.
    pub timeout: Option<i64>,
    /// `MemorySize`.
    pub memory_size: Option<i64>,
    /// `Publish`.
    pub publish: Option<bool>,
    /// `Environment`.
    pub environment: Option<Environment>,
    /// `DeadLetterConfig`.
    pub dead_letter_config: Option<DeadLetterTarget>,
    /// `Layers`.
    pub layers: Option<Vec<String>>,
    /// `EphemeralStorage`.
    pub ephemeral_storage: Option<EphemeralStorageBody>,
    /// `Architectures`.
    pub architectures: Option<Vec<String>>,
    /// `PackageType`: `Zip` (default) or `Image`.
    pub package_type: Option<String>,
    /// `ImageConfig` (images).
    pub image_config: Option<crate::config::ImageConfig>,
    /// `SnapStart`.
    pub snap_start: Option<crate::wire::code::SnapStartBody>,
}

impl CreateFunctionBody {
    /// The registry request.
    ///
    /// # Errors
    ///
    /// `ValidationException` for absent required members or out-of-range numbers, then
    /// the errors of [`FunctionCode::to_code`]; the registry validates the rest.
    pub fn into_request(self) -> Result<registry::CreateFunctionRequest, Error> {
        self.into_request_with(None)
    }

    /// As [`CreateFunctionBody::into_request`], with S3 code fetched from `source`.
    ///
    /// # Errors
    ///
    /// As [`CreateFunctionBody::into_request`].
    pub fn into_request_with(
        self,
        source: Option<&dyn crate::wire::CodeSource>,
    ) -> Result<registry::CreateFunctionRequest, Error> {
        let mut v = Violations::new();
        let snap_start = crate::wire::code::snap_start_of(&mut v, self.snap_start.as_ref());
        let image_wanted = match self.package_type.as_deref() {
            None => None,
            Some("Zip") => Some(false),
            Some("Image") => Some(true),
            Some(other) => {
                v.push(
                    other,
                    "packageType",
                    "Member must satisfy enum value set: [Zip, Image]",
                );
                None
            }
        };
        if self.function_name.is_none() {
            v.push_null("functionName");
        }
        if self.role.is_none() {
            v.push_null("role");
        }
        if self.code.is_none() {
            v.push_null("code");
        }
        let (timeout, memory_size, ephemeral) = sizes(
            &mut v,
            self.timeout,
            self.memory_size,
            self.ephemeral_storage.and_then(|e| e.size),
        );
        let arch = architecture(&mut v, self.architectures.as_deref());
        v.finish()?;
        let (Some(name), Some(role), Some(code)) = (self.function_name, self.role, self.code)
        else {
            return Err(Error::new(
                ErrorKind::Service,
                "internal error: checked members",
            ));
        };
        let code = crate::wire::code::code_of(&code, source)?;
        // The package type follows the code unless it is given; a mismatch is refused
        // (docs/decisions.md).
        if image_wanted.is_some_and(|image| {
            image != (code.package_type() == crate::config::PackageType::Image)
        }) {
            return Err(Error::new(
                ErrorKind::InvalidParameterValue,
                if image_wanted == Some(true) {
                    "Please provide ImageUri when creating a function with packageType Image."
                } else {
                    "Please don't provide ImageUri when creating a function with packageType Zip."
                },
            ));
        }
        let mut config = FunctionConfig::new(role, code);
        config.image_config = self.image_config.filter(|c| !c.is_empty());
        config.snap_start = snap_start.unwrap_or_default();
        config.runtime = self.runtime;
        config.handler = self.handler;
        if let Some(d) = self.description {
            config.description = d;
        }
        if let Some(t) = timeout {
            config.timeout = t;
        }
        if let Some(m) = memory_size {
            config.memory_size = m;
        }
        if let Some(e) = ephemeral {
            config.ephemeral_storage = e;
        }
        if let Some(vars) = self.environment.and_then(|e| e.variables) {
            config.environment = vars;
        }
        config.dead_letter_target = self
            .dead_letter_config
            .and_then(|d| d.target_arn)
            .filter(|t| !t.is_empty());
        if let Some(layers) = self.layers {
            config.layers = layers;
        }
        if let Some(a) = arch {
            config.architecture = a;
        }
        Ok(registry::CreateFunctionRequest::new(name, config)
            .with_publish(self.publish.unwrap_or(false)))
    }
}

/// `UpdateFunctionCode` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UpdateFunctionCodeBody {
    /// `ZipFile`, `S3Bucket`, `S3Key`, `S3ObjectVersion`, `ImageUri`: the same members as
    /// `CreateFunction`'s `Code`, at the top level of this body.
    #[serde(flatten)]
    pub code: FunctionCode,
    /// `Architectures`.
    pub architectures: Option<Vec<String>>,
    /// `Publish`.
    pub publish: Option<bool>,
    /// `DryRun` (refused when `true`: this endpoint does not simulate updates).
    pub dry_run: Option<bool>,
    /// `RevisionId`.
    pub revision_id: Option<String>,
}

/// The `InvalidParameterValueException` text for `DryRun: true` on `UpdateFunctionCode`.
pub const DRY_RUN_UNSUPPORTED: &str = "DryRun is not supported by this endpoint.";

impl UpdateFunctionCodeBody {
    /// The registry request for `function_name`.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad `Architectures`; the errors of
    /// [`FunctionCode::to_code`]; `InvalidParameterValueException` for `DryRun: true`.
    pub fn into_request(
        self,
        function_name: String,
    ) -> Result<registry::UpdateFunctionCodeRequest, Error> {
        self.into_request_with(function_name, None)
    }

    /// As [`UpdateFunctionCodeBody::into_request`], with S3 code fetched from `source`.
    ///
    /// # Errors
    ///
    /// As [`UpdateFunctionCodeBody::into_request`].
    pub fn into_request_with(
        self,
        function_name: String,
        source: Option<&dyn crate::wire::CodeSource>,
    ) -> Result<registry::UpdateFunctionCodeRequest, Error> {
        let mut v = Violations::new();
        let arch = architecture(&mut v, self.architectures.as_deref());
        v.finish()?;
        if self.dry_run == Some(true) {
            return Err(Error::new(
                ErrorKind::InvalidParameterValue,
                DRY_RUN_UNSUPPORTED,
            ));
        }
        let code = crate::wire::code::code_of(&self.code, source)?;
        let mut req = registry::UpdateFunctionCodeRequest::new(function_name, code)
            .with_publish(self.publish.unwrap_or(false));
        if let Some(a) = arch {
            req = req.with_architecture(a);
        }
        if let Some(r) = self.revision_id {
            req = req.with_revision_id(r);
        }
        Ok(req)
    }
}

/// `UpdateFunctionConfiguration` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UpdateFunctionConfigurationBody {
    /// `Role`.
    pub role: Option<String>,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Timeout`.
    pub timeout: Option<i64>,
    /// `MemorySize`.
    pub memory_size: Option<i64>,
    /// `Environment`.
    pub environment: Option<Environment>,
    /// `DeadLetterConfig`.
    pub dead_letter_config: Option<DeadLetterTarget>,
    /// `Layers`.
    pub layers: Option<Vec<String>>,
    /// `EphemeralStorage`.
    pub ephemeral_storage: Option<EphemeralStorageBody>,
    /// `ImageConfig` (`{}` removes it).
    pub image_config: Option<crate::config::ImageConfig>,
    /// `SnapStart`.
    pub snap_start: Option<crate::wire::code::SnapStartBody>,
    /// `RevisionId`.
    pub revision_id: Option<String>,
}

impl UpdateFunctionConfigurationBody {
    /// The registry request for `function_name`.
    ///
    /// # Errors
    ///
    /// `ValidationException` for out-of-range numbers.
    pub fn into_request(
        self,
        function_name: String,
    ) -> Result<registry::UpdateFunctionConfigurationRequest, Error> {
        let mut v = Violations::new();
        let (timeout, memory_size, ephemeral) = sizes(
            &mut v,
            self.timeout,
            self.memory_size,
            self.ephemeral_storage.and_then(|e| e.size),
        );
        let snap_start = crate::wire::code::snap_start_of(&mut v, self.snap_start.as_ref());
        v.finish()?;
        let mut req = registry::UpdateFunctionConfigurationRequest::new(function_name);
        req.image_config = self.image_config;
        req.snap_start = snap_start;
        req.ephemeral_storage = ephemeral;
        req.role = self.role;
        req.handler = self.handler;
        req.runtime = self.runtime;
        req.description = self.description;
        req.timeout = timeout;
        req.memory_size = memory_size;
        req.environment = self.environment.map(|e| e.variables.unwrap_or_default());
        req.dead_letter_target = self
            .dead_letter_config
            .map(|d| d.target_arn.unwrap_or_default());
        req.layers = self.layers;
        req.revision_id = self.revision_id;
        Ok(req)
    }
}
