//! How the wire layer turns a request's `Code` into a [`Code`]: `ZipFile` bytes, an
//! `ImageUri` (R172–R178), or an S3 object through the embedding platform's
//! [`CodeSource`]; and the `SnapStart` member (R183).

use base64::Engine as _;
use serde::Deserialize;

use super::errors::invalid_content;
use crate::config::{Code, SnapStartApplyOn};
use crate::error::{Error, ErrorKind};
use crate::validate::Violations;

/// `FunctionCode`: the deployment package. Only `ZipFile` (Base64 of the zip bytes) is
/// served here; `S3Bucket`/`S3Key`/`S3ObjectVersion`/`ImageUri` are refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionCode {
    /// `ZipFile`, Base64.
    pub zip_file: Option<String>,
    /// `S3Bucket`.
    pub s3_bucket: Option<String>,
    /// `S3Key`.
    pub s3_key: Option<String>,
    /// `S3ObjectVersion`.
    pub s3_object_version: Option<String>,
    /// `ImageUri`.
    pub image_uri: Option<String>,
}

/// The `InvalidParameterValueException` text for code given as an S3 object to a service
/// without a [`CodeSource`](super::CodeSource).
pub const ONLY_ZIP_FILE: &str = "This endpoint accepts function code only as ZipFile or ImageUri; S3Bucket and S3Key need a code source (ServiceBuilder::code_source).";
/// The service's `InvalidParameterValueException` text for bytes that are not a zip file.
pub const NOT_A_ZIP: &str =
    "Could not unzip uploaded file. Please check your file, then try to upload again.";

impl FunctionCode {
    /// The code's digest and size, computed from the zip bytes.
    ///
    /// # Errors
    ///
    /// `InvalidRequestContentException` when `ZipFile` is not Base64;
    /// `InvalidParameterValueException` when the bytes are not a zip archive, or the code
    /// is given as S3 object or image.
    pub fn to_code(&self) -> Result<Code, Error> {
        code_of(self, None)
    }
}

/// Where code given as `S3Bucket` / `S3Key` (/ `S3ObjectVersion`) comes from: the
/// embedding platform's object store. Without one, such code is refused with
/// [`ONLY_ZIP_FILE`].
///
/// ```
/// use lambda_versioning::Code;
/// use lambda_versioning::wire::CodeSource;
///
/// struct Bucket;
/// impl CodeSource for Bucket {
///     fn fetch(&self, bucket: &str, key: &str, _version: Option<&str>) -> Result<Code, String> {
///         match (bucket, key) {
///             ("deploys", "app.zip") => Ok(Code::from_zip_bytes(b"PK\x05\x06")),
///             _ => Err(format!("Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.")),
///         }
///     }
/// }
/// assert!(Bucket.fetch("deploys", "app.zip", None).is_ok());
/// ```
pub trait CodeSource: Send + Sync {
    /// The code of object `key` (at `version`) in `bucket`, or the refusal text (answered
    /// as `InvalidParameterValueException`).
    ///
    /// # Errors
    ///
    /// The message of the refusal.
    fn fetch(&self, bucket: &str, key: &str, version: Option<&str>) -> Result<Code, String>;
}

/// The code a request's `Code` member names.
pub(super) fn code_of(code: &FunctionCode, source: Option<&dyn CodeSource>) -> Result<Code, Error> {
    if let Some(uri) = code.image_uri.as_deref() {
        return Code::from_image_uri(uri)
            .map_err(|e| Error::new(ErrorKind::InvalidParameterValue, e.to_string()));
    }
    if let Some(zip) = code.zip_file.as_deref() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(zip)
            .map_err(|e| invalid_content(&format!("ZipFile is not valid Base64: {e}")))?;
        // A zip archive starts with a local file header, or is empty (end of central
        // directory only).
        if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
            return Err(Error::new(ErrorKind::InvalidParameterValue, NOT_A_ZIP));
        }
        return Ok(Code::from_zip_bytes(&bytes));
    }
    match (source, code.s3_bucket.as_deref(), code.s3_key.as_deref()) {
        (Some(source), Some(bucket), Some(key)) => source
            .fetch(bucket, key, code.s3_object_version.as_deref())
            .map_err(|m| Error::new(ErrorKind::InvalidParameterValue, m)),
        _ => Err(Error::new(ErrorKind::InvalidParameterValue, ONLY_ZIP_FILE)),
    }
}

/// `SnapStart` in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SnapStartBody {
    /// `ApplyOn`: `PublishedVersions` or `None`.
    pub apply_on: Option<String>,
}

/// Records a bad `SnapStart.ApplyOn` (R183, recorded text) and returns the setting.
pub(super) fn snap_start_of(
    v: &mut Violations,
    body: Option<&SnapStartBody>,
) -> Option<SnapStartApplyOn> {
    let raw = body?.apply_on.as_deref()?;
    match raw {
        "PublishedVersions" => Some(SnapStartApplyOn::PublishedVersions),
        "None" => Some(SnapStartApplyOn::None),
        other => {
            v.push(
                other,
                "snapStart.applyOn",
                "Member must satisfy enum value set: [PublishedVersions, None]",
            );
            None
        }
    }
}
