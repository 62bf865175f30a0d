//! Function URLs (R124–R138): the HTTPS endpoint of a function or of one alias, its
//! settings, and the pieces a platform needs to serve one (the URL id of a host name,
//! the service's fixed answers of the endpoint).

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::policy::FunctionUrlAuthType;

/// `InvokeMode` of a function URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvokeMode {
    /// `BUFFERED`: the response is sent when the invocation completes (the default).
    #[default]
    #[serde(rename = "BUFFERED")]
    Buffered,
    /// `RESPONSE_STREAM`: the response is streamed as the function writes it.
    #[serde(rename = "RESPONSE_STREAM")]
    ResponseStream,
}

impl InvokeMode {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            InvokeMode::Buffered => "BUFFERED",
            InvokeMode::ResponseStream => "RESPONSE_STREAM",
        }
    }

    /// Parses the service's spelling.
    pub fn parse(s: &str) -> Option<InvokeMode> {
        match s {
            "BUFFERED" => Some(InvokeMode::Buffered),
            "RESPONSE_STREAM" => Some(InvokeMode::ResponseStream),
            _ => None,
        }
    }
}

/// `Cors`: the cross-origin settings of a function URL (R124). Every member is optional;
/// an update replaces the whole object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Cors {
    /// `AllowCredentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
    /// `AllowHeaders` (at most 100, each at most 1024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_headers: Option<Vec<String>>,
    /// `AllowMethods` (at most 6, each at most 6 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_methods: Option<Vec<String>>,
    /// `AllowOrigins` (at most 100, each 1–253 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_origins: Option<Vec<String>>,
    /// `ExposeHeaders` (at most 100, each at most 1024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_headers: Option<Vec<String>>,
    /// `MaxAge` in seconds (0–86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i64>,
}

/// A function URL as the registry keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FunctionUrl {
    /// The 32-character id of the host name (R131).
    pub(crate) url_id: String,
    pub(crate) auth_type: FunctionUrlAuthType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cors: Option<Cors>,
    /// `None` until a request sets it: Create and Update echo it only then (R130).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) invoke_mode: Option<InvokeMode>,
    pub(crate) creation_time: Timestamp,
    pub(crate) last_modified_time: Timestamp,
}

/// The length of a URL id (R131).
pub(crate) const URL_ID_LEN: usize = 32;

/// Whether `id` has the shape of a URL id: 32 characters of `[a-z0-9]`.
pub(crate) fn is_url_id(id: &str) -> bool {
    id.len() == URL_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The URL id in a request's `Host` header: the first label of
/// `{url-id}.lambda-url.{anything}` (port ignored), if it has the shape of an id.
///
/// This is how a server on loopback tells a function-URL request from an API call: a
/// client sends `Host: {url-id}.lambda-url.us-east-1.on.aws` (or
/// `{url-id}.lambda-url.localhost`) to the server's address.
///
/// ```
/// use lambda_versioning::url_id_of_host;
/// let id = "0123456789abcdefghijklmnopqrstuv";
/// assert_eq!(url_id_of_host(&format!("{id}.lambda-url.us-east-1.on.aws")), Some(id));
/// assert_eq!(url_id_of_host(&format!("{id}.lambda-url.localhost:9001")), Some(id));
/// assert_eq!(url_id_of_host("127.0.0.1:9001"), None);
/// assert_eq!(url_id_of_host("short.lambda-url.localhost"), None);
/// ```
pub fn url_id_of_host(host: &str) -> Option<&str> {
    let (id, rest) = host.split_once('.')?;
    (rest.starts_with("lambda-url.") && is_url_id(id)).then_some(id)
}

/// The `FunctionUrl` of an id: `https://{url-id}.lambda-url.{region}.on.aws/` (R131).
pub(crate) fn url_of(url_id: &str, region: &str) -> String {
    format!("https://{url_id}.lambda-url.{region}.on.aws/")
}

/// A URL timestamp as the service renders it in the one sample there is (R132, Q39):
/// `2023-06-08T13:20:18.244000Z` (microseconds, `Z`; this crate's clock has
/// milliseconds, so the last three digits are zeros).
pub(crate) fn url_time(t: Timestamp) -> String {
    // `Timestamp`'s own rendering is `YYYY-MM-DDThh:mm:ss.mmm+0000`.
    let text = t.to_string();
    match text.strip_suffix("+0000") {
        Some(base) => format!("{base}000Z"),
        None => text,
    }
}

/// The body of the endpoint's 403 for a URL id that names no function URL (R134,
/// recorded).
pub const URL_UNKNOWN_BODY: &str = "{\"Message\":null}";

/// The body of the endpoint's 403 when the resource policy does not allow the request
/// (R134, R135, recorded).
pub const URL_FORBIDDEN_BODY: &str = "{\"Message\":\"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r132_url_time_has_microseconds_and_z() {
        let t = Timestamp::from_unix_millis(1_686_230_418_244);
        assert_eq!(url_time(t), "2023-06-08T13:20:18.244000Z");
    }

    #[test]
    fn r131_url_shape() {
        assert_eq!(
            url_of("ckycrb5ojxgjfepz7mg3cmfki40nlqbk", "us-east-1"),
            "https://ckycrb5ojxgjfepz7mg3cmfki40nlqbk.lambda-url.us-east-1.on.aws/"
        );
        assert!(is_url_id("ckycrb5ojxgjfepz7mg3cmfki40nlqbk"));
        assert!(!is_url_id("CKYCRB5OJXGJFEPZ7MG3CMFKI40NLQBK"));
        assert!(!is_url_id("ckycrb5ojxgjfepz7mg3cmfki40nlqb"));
    }
}
