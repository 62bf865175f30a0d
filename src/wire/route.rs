//! HTTP bindings of the Lambda REST API (2015-03-31), docs/wire.md#bindings: which operation a
//! method and path name, with the path's parameters percent-decoded.

use std::borrow::Cow;
use std::fmt;

use http::Method;

/// The operations the [`Service`](super::Service) serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `POST /2015-03-31/functions`.
    CreateFunction,
    /// `GET /2015-03-31/functions/{FunctionName}`.
    GetFunction,
    /// `DELETE /2015-03-31/functions/{FunctionName}`.
    DeleteFunction,
    /// `GET /2015-03-31/functions/{FunctionName}/configuration`.
    GetFunctionConfiguration,
    /// `PUT /2015-03-31/functions/{FunctionName}/configuration`.
    UpdateFunctionConfiguration,
    /// `PUT /2015-03-31/functions/{FunctionName}/code`.
    UpdateFunctionCode,
    /// `POST /2015-03-31/functions/{FunctionName}/versions`.
    PublishVersion,
    /// `GET /2015-03-31/functions/{FunctionName}/versions`.
    ListVersionsByFunction,
    /// `POST /2015-03-31/functions/{FunctionName}/aliases`.
    CreateAlias,
    /// `GET /2015-03-31/functions/{FunctionName}/aliases`.
    ListAliases,
    /// `GET /2015-03-31/functions/{FunctionName}/aliases/{Name}`.
    GetAlias,
    /// `PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}`.
    UpdateAlias,
    /// `DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}`.
    DeleteAlias,
    /// `POST /2015-03-31/functions/{FunctionName}/policy`.
    AddPermission,
    /// `GET /2015-03-31/functions/{FunctionName}/policy`.
    GetPolicy,
    /// `DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}`.
    RemovePermission,
    /// `POST /2015-03-31/functions/{FunctionName}/invocations`.
    Invoke,
    /// `POST /2015-03-31/event-source-mappings`.
    CreateEventSourceMapping,
    /// `GET /2015-03-31/event-source-mappings`.
    ListEventSourceMappings,
    /// `GET /2015-03-31/event-source-mappings/{UUID}`.
    GetEventSourceMapping,
    /// `PUT /2015-03-31/event-source-mappings/{UUID}`.
    UpdateEventSourceMapping,
    /// `DELETE /2015-03-31/event-source-mappings/{UUID}`.
    DeleteEventSourceMapping,
    /// `PUT /2019-09-25/functions/{FunctionName}/event-invoke-config`.
    PutFunctionEventInvokeConfig,
    /// `POST /2019-09-25/functions/{FunctionName}/event-invoke-config`.
    UpdateFunctionEventInvokeConfig,
    /// `GET /2019-09-25/functions/{FunctionName}/event-invoke-config`.
    GetFunctionEventInvokeConfig,
    /// `DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config`.
    DeleteFunctionEventInvokeConfig,
    /// `GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list`.
    ListFunctionEventInvokeConfigs,
    /// `POST /2021-10-31/functions/{FunctionName}/url`.
    CreateFunctionUrlConfig,
    /// `GET /2021-10-31/functions/{FunctionName}/url`.
    GetFunctionUrlConfig,
    /// `PUT /2021-10-31/functions/{FunctionName}/url`.
    UpdateFunctionUrlConfig,
    /// `DELETE /2021-10-31/functions/{FunctionName}/url`.
    DeleteFunctionUrlConfig,
    /// `GET /2021-10-31/functions/{FunctionName}/urls`.
    ListFunctionUrlConfigs,
    /// `PUT /2019-09-30/functions/{FunctionName}/provisioned-concurrency`.
    PutProvisionedConcurrencyConfig,
    /// `GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency`.
    GetProvisionedConcurrencyConfig,
    /// `DELETE /2019-09-30/functions/{FunctionName}/provisioned-concurrency`.
    DeleteProvisionedConcurrencyConfig,
    /// `GET /2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL`.
    ListProvisionedConcurrencyConfigs,
    /// `PUT /2017-10-31/functions/{FunctionName}/concurrency`.
    PutFunctionConcurrency,
    /// `GET /2019-09-30/functions/{FunctionName}/concurrency`.
    GetFunctionConcurrency,
    /// `DELETE /2017-10-31/functions/{FunctionName}/concurrency`.
    DeleteFunctionConcurrency,
    /// `GET /2015-03-31/functions/`.
    ListFunctions,
    /// `POST /2017-03-31/tags/{Resource}`.
    TagResource,
    /// `DELETE /2017-03-31/tags/{Resource}`.
    UntagResource,
    /// `GET /2017-03-31/tags/{Resource}`.
    ListTags,
}

impl Operation {
    /// The API name, e.g. `ListVersionsByFunction`.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::CreateFunction => "CreateFunction",
            Operation::GetFunction => "GetFunction",
            Operation::DeleteFunction => "DeleteFunction",
            Operation::GetFunctionConfiguration => "GetFunctionConfiguration",
            Operation::UpdateFunctionConfiguration => "UpdateFunctionConfiguration",
            Operation::UpdateFunctionCode => "UpdateFunctionCode",
            Operation::PublishVersion => "PublishVersion",
            Operation::ListVersionsByFunction => "ListVersionsByFunction",
            Operation::CreateAlias => "CreateAlias",
            Operation::ListAliases => "ListAliases",
            Operation::GetAlias => "GetAlias",
            Operation::UpdateAlias => "UpdateAlias",
            Operation::DeleteAlias => "DeleteAlias",
            Operation::AddPermission => "AddPermission",
            Operation::GetPolicy => "GetPolicy",
            Operation::RemovePermission => "RemovePermission",
            Operation::Invoke => "Invoke",
            Operation::CreateEventSourceMapping => "CreateEventSourceMapping",
            Operation::ListEventSourceMappings => "ListEventSourceMappings",
            Operation::GetEventSourceMapping => "GetEventSourceMapping",
            Operation::UpdateEventSourceMapping => "UpdateEventSourceMapping",
            Operation::DeleteEventSourceMapping => "DeleteEventSourceMapping",
            Operation::PutFunctionEventInvokeConfig => "PutFunctionEventInvokeConfig",
            Operation::UpdateFunctionEventInvokeConfig => "UpdateFunctionEventInvokeConfig",
            Operation::GetFunctionEventInvokeConfig => "GetFunctionEventInvokeConfig",
            Operation::DeleteFunctionEventInvokeConfig => "DeleteFunctionEventInvokeConfig",
            Operation::ListFunctionEventInvokeConfigs => "ListFunctionEventInvokeConfigs",
            Operation::CreateFunctionUrlConfig => "CreateFunctionUrlConfig",
            Operation::GetFunctionUrlConfig => "GetFunctionUrlConfig",
            Operation::UpdateFunctionUrlConfig => "UpdateFunctionUrlConfig",
            Operation::DeleteFunctionUrlConfig => "DeleteFunctionUrlConfig",
            Operation::ListFunctionUrlConfigs => "ListFunctionUrlConfigs",
            Operation::PutProvisionedConcurrencyConfig => "PutProvisionedConcurrencyConfig",
            Operation::GetProvisionedConcurrencyConfig => "GetProvisionedConcurrencyConfig",
            Operation::DeleteProvisionedConcurrencyConfig => "DeleteProvisionedConcurrencyConfig",
            Operation::ListProvisionedConcurrencyConfigs => "ListProvisionedConcurrencyConfigs",
            Operation::PutFunctionConcurrency => "PutFunctionConcurrency",
            Operation::GetFunctionConcurrency => "GetFunctionConcurrency",
            Operation::DeleteFunctionConcurrency => "DeleteFunctionConcurrency",
            Operation::ListFunctions => "ListFunctions",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::ListTags => "ListTags",
        }
    }

    /// Whether a successful answer means the registry changed: every operation except
    /// the reads (`Get…`, `List…`) and `Invoke` (whose asynchronous record is data-plane
    /// state, not configuration). A server that journals or replicates changes records
    /// exactly these.
    pub const fn changes_state(self) -> bool {
        !matches!(
            self,
            Operation::GetFunction
                | Operation::GetFunctionConfiguration
                | Operation::ListVersionsByFunction
                | Operation::ListAliases
                | Operation::GetAlias
                | Operation::GetPolicy
                | Operation::Invoke
                | Operation::ListEventSourceMappings
                | Operation::GetEventSourceMapping
                | Operation::GetFunctionEventInvokeConfig
                | Operation::ListFunctionEventInvokeConfigs
                | Operation::GetFunctionUrlConfig
                | Operation::ListFunctionUrlConfigs
                | Operation::GetProvisionedConcurrencyConfig
                | Operation::ListProvisionedConcurrencyConfigs
                | Operation::GetFunctionConcurrency
                | Operation::ListFunctions
                | Operation::ListTags
        )
    }

    /// Whether the operation reads or changes account-wide state rather than one
    /// function's: `ListFunctions` and the event source mapping operations (a mapping is
    /// not part of its function; it outlives it).
    pub const fn is_account_wide(self) -> bool {
        matches!(
            self,
            Operation::ListFunctions
                | Operation::CreateEventSourceMapping
                | Operation::ListEventSourceMappings
                | Operation::GetEventSourceMapping
                | Operation::UpdateEventSourceMapping
                | Operation::DeleteEventSourceMapping
        )
    }

    /// The status of a successful answer (R95); `Invoke` answers 200, 202 or 204 by
    /// invocation type, and this gives the `RequestResponse` status.
    pub const fn success_status(self) -> u16 {
        match self {
            Operation::CreateFunction
            | Operation::PublishVersion
            | Operation::CreateAlias
            | Operation::AddPermission
            | Operation::CreateFunctionUrlConfig => 201,
            Operation::PutProvisionedConcurrencyConfig
            | Operation::CreateEventSourceMapping
            | Operation::UpdateEventSourceMapping
            | Operation::DeleteEventSourceMapping => 202,
            Operation::DeleteFunction
            | Operation::DeleteAlias
            | Operation::RemovePermission
            | Operation::DeleteFunctionEventInvokeConfig
            | Operation::DeleteFunctionUrlConfig
            | Operation::DeleteProvisionedConcurrencyConfig
            | Operation::DeleteFunctionConcurrency
            | Operation::TagResource
            | Operation::UntagResource => 204,
            _ => 200,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A request's operation and the values of its path parameters, percent-decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The operation.
    pub operation: Operation,
    /// `{FunctionName}` (absent for `CreateFunction` and the event source mapping
    /// operations).
    pub function_name: Option<String>,
    /// The other path parameter: the alias `{Name}`, the `{StatementId}` or the mapping's
    /// `{UUID}`.
    pub resource: Option<String>,
}

impl Route {
    /// The function the request is about, by name: the path's `{FunctionName}` (a name,
    /// partial ARN or ARN), the function of a tag operation's resource ARN, or for
    /// `CreateFunction` the body's `FunctionName` member. `None` for the account-wide
    /// operations ([`Operation::is_account_wide`]) and when the text names no valid
    /// function (the service's own validation answers such a request).
    ///
    /// ```
    /// use lambda_versioning::wire::route;
    /// let r = route(&http::Method::PUT, "/2015-03-31/functions/checkout/aliases/live").unwrap();
    /// assert_eq!(r.function(b"").unwrap().as_str(), "checkout");
    /// let r = route(&http::Method::POST, "/2015-03-31/functions").unwrap();
    /// let body = br#"{"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:orders"}"#;
    /// assert_eq!(r.function(body).unwrap().as_str(), "orders");
    /// ```
    pub fn function(&self, body: &[u8]) -> Option<crate::FunctionName> {
        #[derive(serde::Deserialize)]
        struct Named {
            #[serde(rename = "FunctionName")]
            function_name: String,
        }
        let text: Cow<'_, str> = match self.operation {
            Operation::CreateFunction => {
                Cow::Owned(serde_json::from_slice::<Named>(body).ok()?.function_name)
            }
            Operation::TagResource | Operation::UntagResource | Operation::ListTags => {
                Cow::Borrowed(self.resource.as_deref()?)
            }
            op if op.is_account_wide() => return None,
            _ => Cow::Borrowed(self.function_name.as_deref()?),
        };
        let function = crate::FunctionRef::parse(&text, crate::NamePattern::Namespaced).ok()?;
        function.name().parse().ok()
    }
}

const API_VERSION: &str = "2015-03-31";
/// The path of the 2015-03-31 API's functions, which most paths start with.
const FUNCTIONS_PATH: &str = "/2015-03-31/functions";
/// The API date of the asynchronous-invocation config operations.
const INVOKE_CONFIG_API: &str = "2019-09-25";
/// The API date of the function URL operations.
const URL_API: &str = "2021-10-31";
/// The API date of the provisioned-concurrency operations and `GetFunctionConcurrency`.
const PROVISIONED_API: &str = "2019-09-30";
/// The API date of `PutFunctionConcurrency` and `DeleteFunctionConcurrency`.
const RESERVED_API: &str = "2017-10-31";
/// The API date of the tag operations.
const TAGS_API: &str = "2017-03-31";

/// The operation bound to `method` and `path` (the path without its query), or `None`
/// when no operation is. A trailing `/` is accepted; parameters are percent-decoded
/// (`my-fn%3Alive` names `my-fn:live`), with invalid UTF-8 replaced by U+FFFD, which
/// then fails validation like any other bad character.
///
/// ```
/// use http::Method;
/// use lambda_versioning::wire::{Operation, route};
/// let r = route(&Method::GET, "/2015-03-31/functions/my-fn%3Alive/aliases/live").unwrap();
/// assert_eq!(r.operation, Operation::GetAlias);
/// assert_eq!(r.function_name.as_deref(), Some("my-fn:live"));
/// assert_eq!(r.resource.as_deref(), Some("live"));
/// assert!(route(&Method::PATCH, "/2015-03-31/functions/f").is_none());
/// ```
pub fn route(method: &Method, path: &str) -> Option<Route> {
    route_raw(method, path).map(|raw| Route {
        operation: raw.operation,
        function_name: raw.function_name.map(|s| decode(s).into_owned()),
        resource: raw.resource.map(|s| decode(s).into_owned()),
    })
}

/// A request's operation and its path parameters as they appear in the path (still
/// percent-encoded), borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RawRoute<'a> {
    pub(super) operation: Operation,
    pub(super) function_name: Option<&'a str>,
    pub(super) resource: Option<&'a str>,
}

impl<'a> RawRoute<'a> {
    /// `{FunctionName}`, decoded (borrowed unless it had escapes); empty when absent.
    pub(super) fn function_name(&self) -> Cow<'a, str> {
        self.function_name.map(decode).unwrap_or_default()
    }

    /// The other path parameter, decoded; empty when absent.
    pub(super) fn resource(&self) -> Cow<'a, str> {
        self.resource.map(decode).unwrap_or_default()
    }
}

/// [`route`] without decoding or copying the parameters.
pub(super) fn route_raw<'a>(method: &Method, path: &'a str) -> Option<RawRoute<'a>> {
    // Most requests name a function of the 2015-03-31 API: one comparison finds them.
    if let Some(after) = path.strip_prefix(FUNCTIONS_PATH) {
        return function_route(method, function_params(after)?);
    }
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut segments = split_at_byte(path, b'/');
    let api = segments.next()?;
    let collection = segments.next()?;
    match (api, collection) {
        // (`/2015-03-31/functions…` was taken above.)
        (API_VERSION, "event-source-mappings") => mapping_route(method, segments),
        (TAGS_API, "tags") => {
            let (rest, n) = at_most::<1>(segments)?;
            let rest = &rest[..n];
            let operation = match (method.as_str(), rest) {
                ("POST", [r]) if !r.is_empty() => Operation::TagResource,
                ("DELETE", [r]) if !r.is_empty() => Operation::UntagResource,
                ("GET", [r]) if !r.is_empty() => Operation::ListTags,
                _ => return None,
            };
            Some(RawRoute {
                operation,
                function_name: None,
                resource: rest.first().copied(),
            })
        }
        (INVOKE_CONFIG_API | URL_API | PROVISIONED_API | RESERVED_API, "functions") => {
            qualified_config_route(api, method, segments)
        }
        _ => None,
    }
}

/// The path parameters after `/2015-03-31/functions` (`after` is the rest of the path):
/// none, or up to three non-empty segments. The path's one trailing `/` is dropped, as
/// [`route_raw`] drops it from any path; `None` when `after` does not start a new
/// segment, has more than three, or an empty one.
fn function_params(after: &str) -> Option<([&str; 3], usize)> {
    let params = match after {
        "" | "/" => return Some(([""; 3], 0)),
        _ => after.strip_prefix('/')?,
    };
    let params = params.strip_suffix('/').unwrap_or(params);
    let (segments, n) = at_most::<3>(split_at_byte(params, b'/'))?;
    segments[..n]
        .iter()
        .all(|s| !s.is_empty())
        .then_some((segments, n))
}

/// The operations on `/2015-03-31/functions[/{FunctionName}[/{collection}[/{resource}]]]`,
/// by the shape of `params` ([`function_params`]), then `method`.
fn function_route<'a>(method: &Method, (params, n): ([&'a str; 3], usize)) -> Option<RawRoute<'a>> {
    let rest = &params[..n];
    let name = rest.first().copied();
    let resource = rest.get(2).copied();
    let collection = rest.get(1).copied();
    use Operation as O;
    let (get, put, post, delete) = (
        method == Method::GET,
        method == Method::PUT,
        method == Method::POST,
        method == Method::DELETE,
    );
    // By the path's shape first, then the method: one comparison per candidate.
    let operation = match (rest.len(), collection) {
        (0, _) if post => O::CreateFunction,
        (0, _) if get => O::ListFunctions,
        (1, _) if get => O::GetFunction,
        (1, _) if delete => O::DeleteFunction,
        (2, Some(collection)) => match collection {
            "invocations" if post => O::Invoke,
            "aliases" if post => O::CreateAlias,
            "aliases" if get => O::ListAliases,
            "versions" if post => O::PublishVersion,
            "versions" if get => O::ListVersionsByFunction,
            "configuration" if get => O::GetFunctionConfiguration,
            "configuration" if put => O::UpdateFunctionConfiguration,
            "code" if put => O::UpdateFunctionCode,
            "policy" if post => O::AddPermission,
            "policy" if get => O::GetPolicy,
            _ => return None,
        },
        (3, Some("aliases")) if get => O::GetAlias,
        (3, Some("aliases")) if put => O::UpdateAlias,
        (3, Some("aliases")) if delete => O::DeleteAlias,
        (3, Some("policy")) if delete => O::RemovePermission,
        _ => return None,
    };
    Some(RawRoute {
        operation,
        function_name: name,
        resource,
    })
}

/// `/2015-03-31/event-source-mappings[/{UUID}]`.
fn mapping_route<'a>(
    method: &Method,
    segments: impl Iterator<Item = &'a str>,
) -> Option<RawRoute<'a>> {
    let (rest, n) = at_most::<1>(segments)?;
    let rest = &rest[..n];
    use Operation as O;
    let operation = match (method.as_str(), rest) {
        ("POST", []) => O::CreateEventSourceMapping,
        ("GET", []) => O::ListEventSourceMappings,
        ("GET", [id]) if !id.is_empty() => O::GetEventSourceMapping,
        ("PUT", [id]) if !id.is_empty() => O::UpdateEventSourceMapping,
        ("DELETE", [id]) if !id.is_empty() => O::DeleteEventSourceMapping,
        _ => return None,
    };
    Some(RawRoute {
        operation,
        function_name: None,
        resource: rest.first().copied(),
    })
}

/// `/2019-09-25/functions/{FunctionName}/event-invoke-config[/list]` and
/// `/2021-10-31/functions/{FunctionName}/url[s]`.
fn qualified_config_route<'a>(
    api: &str,
    method: &Method,
    segments: impl Iterator<Item = &'a str>,
) -> Option<RawRoute<'a>> {
    let (rest, n) = at_most::<3>(segments)?;
    use Operation as O;
    let (name, tail) = rest[..n].split_first()?;
    if name.is_empty() {
        return None;
    }
    let operation = match (api, method.as_str(), tail) {
        (INVOKE_CONFIG_API, "PUT", ["event-invoke-config"]) => O::PutFunctionEventInvokeConfig,
        (INVOKE_CONFIG_API, "POST", ["event-invoke-config"]) => O::UpdateFunctionEventInvokeConfig,
        (INVOKE_CONFIG_API, "GET", ["event-invoke-config"]) => O::GetFunctionEventInvokeConfig,
        (INVOKE_CONFIG_API, "DELETE", ["event-invoke-config"]) => {
            O::DeleteFunctionEventInvokeConfig
        }
        (INVOKE_CONFIG_API, "GET", ["event-invoke-config", "list"]) => {
            O::ListFunctionEventInvokeConfigs
        }
        (URL_API, "POST", ["url"]) => O::CreateFunctionUrlConfig,
        (URL_API, "GET", ["url"]) => O::GetFunctionUrlConfig,
        (URL_API, "PUT", ["url"]) => O::UpdateFunctionUrlConfig,
        (URL_API, "DELETE", ["url"]) => O::DeleteFunctionUrlConfig,
        (URL_API, "GET", ["urls"]) => O::ListFunctionUrlConfigs,
        (PROVISIONED_API, "PUT", ["provisioned-concurrency"]) => O::PutProvisionedConcurrencyConfig,
        (PROVISIONED_API, "GET", ["provisioned-concurrency"]) => O::GetProvisionedConcurrencyConfig,
        (PROVISIONED_API, "DELETE", ["provisioned-concurrency"]) => {
            O::DeleteProvisionedConcurrencyConfig
        }
        (PROVISIONED_API, "GET", ["concurrency"]) => O::GetFunctionConcurrency,
        (RESERVED_API, "PUT", ["concurrency"]) => O::PutFunctionConcurrency,
        (RESERVED_API, "DELETE", ["concurrency"]) => O::DeleteFunctionConcurrency,
        _ => return None,
    };
    Some(RawRoute {
        operation,
        function_name: Some(name),
        resource: None,
    })
}

/// The pieces of `text` between occurrences of the ASCII byte `separator` (as
/// `str::split` with a `char`, found by a plain byte loop: the pieces here are short).
pub(super) fn split_at_byte(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == separator) {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The remaining path segments, when there are at most `N` (no allocation).
fn at_most<'a, const N: usize>(
    segments: impl Iterator<Item = &'a str>,
) -> Option<([&'a str; N], usize)> {
    let mut out = [""; N];
    let mut n = 0;
    for segment in segments {
        *out.get_mut(n)? = segment;
        n += 1;
    }
    Some((out, n))
}

/// `segment` percent-decoded, invalid UTF-8 replaced by U+FFFD; borrowed when it has no
/// escapes.
fn decode(segment: &str) -> Cow<'_, str> {
    if !segment.as_bytes().contains(&b'%') {
        return Cow::Borrowed(segment);
    }
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{FUNCTIONS_PATH, function_params, split_at_byte};

    /// Paths under `/2015-03-31/functions`: separators, empty, escaped and extra segments.
    fn function_path() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("/"),
                Just("f"),
                Just("aliases"),
                Just("live"),
                Just("%2F"),
                Just("functions"),
            ],
            0..9,
        )
        .prop_map(|parts| format!("{FUNCTIONS_PATH}{}", parts.concat()))
    }

    proptest! {
        /// The prefix shortcut finds the parameters that splitting the whole path at `/`
        /// (one trailing `/` dropped) finds: up to three non-empty segments after
        /// `functions`, or none.
        #[test]
        fn function_params_agree_with_splitting_the_whole_path(path in function_path()) {
            let ours = function_params(&path[FUNCTIONS_PATH.len()..]).map(|(s, n)| s[..n].to_vec());
            let trimmed = path[1..].strip_suffix('/').unwrap_or(&path[1..]);
            let segments: Vec<&str> = trimmed.split('/').collect();
            let params = &segments[2..];
            let expected = (segments[1] == "functions"
                && params.len() <= 3
                && params.iter().all(|s| !s.is_empty()))
            .then(|| params.to_vec());
            prop_assert_eq!(ours, expected, "{}", path);
        }
    }

    proptest! {
        /// The byte loop splits as `str::split` does, empty pieces and non-ASCII text
        /// included.
        #[test]
        fn split_at_byte_agrees_with_str_split(text in "[/&a-zé✓]{0,16}") {
            for separator in ['/', '&'] {
                let ours: Vec<&str> = split_at_byte(&text, separator as u8).collect();
                let std: Vec<&str> = text.split(separator).collect();
                prop_assert_eq!(ours, std);
            }
        }
    }
}
