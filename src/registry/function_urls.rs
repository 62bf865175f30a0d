//! CreateFunctionUrlConfig, GetFunctionUrlConfig, UpdateFunctionUrlConfig,
//! DeleteFunctionUrlConfig, ListFunctionUrlConfigs (R124–R138), and the request side of
//! a function URL: which version serves a request that arrives on one.

use serde::{Deserialize, Serialize};

use super::checks::validated;
use super::control::Registry;
use super::pagination::{self, MarkerKind};
use crate::error::Error;
use crate::function::Function;
use crate::function_url::{Cors, FunctionUrl, InvokeMode, url_of, url_time};
use crate::names::AliasName;
use crate::policy::{FunctionUrlAuthType, PolicyTarget};
use crate::validate::{NamePattern, Violations, is_digits, is_name_char};

/// The `Qualifier` pattern of the URL operations (R125).
pub(crate) const URL_QUALIFIER_PATTERN: &str = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)";
/// R127: the not-found text of Create, Update and List.
const FUNCTION_DOES_NOT_EXIST: &str = "Function does not exist";
/// R127: the not-found text of Get and Delete (and of Update without a config).
const RESOURCE_DOES_NOT_EXIST: &str = "The resource you requested does not exist.";

/// The members of `CreateFunctionUrlConfig` and `UpdateFunctionUrlConfig` (R124); the
/// body members use the service's names, so a request body deserializes into it.
/// Enumerations are kept as strings so that a bad value gets the service's
/// `ValidationException`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct FunctionUrlConfigRequest {
    /// `FunctionName` (from the path).
    #[serde(skip)]
    pub function_name: String,
    /// `Qualifier` (from the query): an alias name, or none for the function's URL.
    #[serde(skip)]
    pub qualifier: Option<String>,
    /// `AuthType`: `NONE` or `AWS_IAM` (required on Create).
    pub auth_type: Option<String>,
    /// `Cors`.
    pub cors: Option<Cors>,
    /// `InvokeMode`: `BUFFERED` or `RESPONSE_STREAM`.
    pub invoke_mode: Option<String>,
}

impl FunctionUrlConfigRequest {
    /// A request for the URL of `function_name` (qualified by its suffix, if any).
    pub fn new(function_name: impl Into<String>) -> Self {
        FunctionUrlConfigRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }

    /// Sets `Qualifier`.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets `AuthType`.
    pub fn with_auth_type(mut self, auth: FunctionUrlAuthType) -> Self {
        self.auth_type = Some(auth.as_str().to_owned());
        self
    }

    /// Sets `InvokeMode`.
    pub fn with_invoke_mode(mut self, mode: InvokeMode) -> Self {
        self.invoke_mode = Some(mode.as_str().to_owned());
        self
    }

    /// Sets `Cors`.
    pub fn with_cors(mut self, cors: Cors) -> Self {
        self.cors = Some(cors);
        self
    }
}

/// `ListFunctionUrlConfigs` (R138).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFunctionUrlConfigsRequest {
    /// `FunctionName` (a bare name or an unqualified ARN).
    pub function_name: String,
    /// `Marker` from a previous `NextMarker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–50).
    pub max_items: Option<i64>,
}

impl ListFunctionUrlConfigsRequest {
    /// Lists the URLs of `function_name`.
    pub fn new(function_name: impl Into<String>) -> Self {
        ListFunctionUrlConfigsRequest {
            function_name: function_name.into(),
            ..Default::default()
        }
    }
}

/// A function URL configuration as the operations answer it (R130); serializes to the
/// service's JSON. Which optional members are present depends on the operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct FunctionUrlConfig {
    /// `FunctionUrl`: `https://{url-id}.lambda-url.{region}.on.aws/`.
    pub function_url: String,
    /// `FunctionArn`: unqualified for the function's URL, the alias ARN for an alias's
    /// (R129).
    pub function_arn: String,
    /// `AuthType`.
    pub auth_type: FunctionUrlAuthType,
    /// `Cors`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors: Option<Cors>,
    /// `CreationTime`.
    pub creation_time: String,
    /// `LastModifiedTime` (not in Create's answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<String>,
    /// `InvokeMode` (see R130 for when it is present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoke_mode: Option<InvokeMode>,
}

/// The answer of `ListFunctionUrlConfigs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ListFunctionUrlConfigsResponse {
    /// `FunctionUrlConfigs`: the function's URL first, then aliases' by name.
    pub function_url_configs: Vec<FunctionUrlConfig>,
    /// `NextMarker`, while more remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
}

/// How an operation reports a URL (R130).
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Create,
    Update,
    Read,
}

fn view(
    f: &Function,
    target: &PolicyTarget,
    url: &FunctionUrl,
    region: &str,
    how: View,
) -> FunctionUrlConfig {
    FunctionUrlConfig {
        function_url: url_of(&url.url_id, region),
        function_arn: target.resource(&f.arn).to_string(),
        auth_type: url.auth_type,
        cors: url.cors.clone(),
        creation_time: url_time(url.creation_time),
        last_modified_time: (how != View::Create).then(|| url_time(url.last_modified_time)),
        invoke_mode: match how {
            View::Read => Some(url.invoke_mode.unwrap_or_default()),
            View::Create | View::Update => url.invoke_mode,
        },
    }
}

/// Which operation, for its not-found text (R127).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Get,
    Update,
    Delete,
}

impl Op {
    fn not_found(self) -> Error {
        match self {
            Op::Create | Op::Update => Error::not_found(FUNCTION_DOES_NOT_EXIST),
            Op::Get | Op::Delete => Error::not_found(RESOURCE_DOES_NOT_EXIST),
        }
    }
}

/// Whether `q` matches the URL qualifier pattern: `[0-9a-zA-Z_-]+`, not all digits.
fn matches_url_qualifier(q: &str) -> bool {
    !q.is_empty() && q.chars().all(is_name_char) && !is_digits(q)
}

fn check_url_qualifier(v: &mut Violations, q: &str) {
    v.check_string(
        q,
        "qualifier",
        1,
        128,
        Some((URL_QUALIFIER_PATTERN, matches_url_qualifier(q))),
    );
}

fn auth_type_of(
    v: &mut Violations,
    raw: Option<&str>,
    required: bool,
) -> Option<FunctionUrlAuthType> {
    match raw {
        None => {
            if required {
                v.push_null("authType");
            }
            None
        }
        Some("NONE") => Some(FunctionUrlAuthType::None),
        Some("AWS_IAM") => Some(FunctionUrlAuthType::AwsIam),
        Some(other) => {
            v.push(
                other,
                "authType",
                "Member must satisfy enum value set: [AWS_IAM, NONE]",
            );
            None
        }
    }
}

fn invoke_mode_of(v: &mut Violations, raw: Option<&str>) -> Option<InvokeMode> {
    let raw = raw?;
    let mode = InvokeMode::parse(raw);
    if mode.is_none() {
        // R136, recorded.
        v.push(
            raw,
            "invokeMode",
            "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
        );
    }
    mode
}

/// One list member of `Cors` and its bounds.
type CorsList<'a> = (&'a Option<Vec<String>>, &'static str, usize, usize, usize);

/// R124: the bounds of `Cors`.
fn check_cors(v: &mut Violations, cors: Option<&Cors>) {
    let Some(c) = cors else { return };
    // (list, member, most items, shortest item, longest item)
    let lists: [CorsList<'_>; 4] = [
        (&c.allow_headers, "cors.allowHeaders", 100, 0, 1024),
        (&c.allow_methods, "cors.allowMethods", 6, 0, 6),
        (&c.allow_origins, "cors.allowOrigins", 100, 1, 253),
        (&c.expose_headers, "cors.exposeHeaders", 100, 0, 1024),
    ];
    for (list, member, max_items, min_len, max_len) in lists {
        let Some(items) = list else { continue };
        if items.len() > max_items {
            v.push_unquoted(
                member,
                &format!("Member must have length less than or equal to {max_items}"),
            );
            continue;
        }
        for item in items {
            if !v.check_string(item, member, min_len, max_len, None) {
                break;
            }
        }
    }
    if let Some(age) = c.max_age {
        v.check_range(age, "cors.maxAge", 0, 86_400);
    }
}

impl Registry {
    /// Steps 1–4 of R191 for one URL: validation (with the operation's own members in
    /// `v`), the region, suffix against `Qualifier` (R126), the qualifier's pattern
    /// (R125), then the function and alias (R127). Returns the function's key and the
    /// target.
    fn url_target(
        &self,
        mut v: Violations,
        function_name: &str,
        qualifier: Option<&str>,
        op: Op,
    ) -> Result<(crate::names::FunctionName, PolicyTarget), Error> {
        let fref = Self::check_function_name(&mut v, function_name, NamePattern::Namespaced);
        if let Some(q) = qualifier {
            check_url_qualifier(&mut v, q);
        }
        v.finish()?;
        let fref = validated(fref)?;
        self.check_region(&fref)?;
        let effective = Self::effective_qualifier(&fref, qualifier)?;
        if let (Some(q), Some(_)) = (effective, fref.qualifier()) {
            // A suffix the URL qualifier pattern refuses is reported as that value of
            // the qualifier (docs/decisions.md).
            let mut v = Violations::new();
            check_url_qualifier(&mut v, q);
            v.finish()?;
        }
        let f = self.lookup(&fref).ok_or_else(|| op.not_found())?;
        let target = match effective {
            None => PolicyTarget::Function,
            Some(q) => match q.parse::<AliasName>() {
                Ok(alias) if f.aliases.contains_key(&alias) => PolicyTarget::Alias(alias),
                _ => return Err(op.not_found()),
            },
        };
        Ok((f.name.clone(), target))
    }

    pub(super) fn url_of_target(
        &self,
        key: &crate::names::FunctionName,
        target: &PolicyTarget,
    ) -> Option<(&Function, &FunctionUrl)> {
        let f = self.functions.get(key)?;
        Some((f, f.urls.get(target)?))
    }

    /// `CreateFunctionUrlConfig` (201, R124–R131).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a missing or unknown `AuthType`, an unknown
    /// `InvokeMode` (R136), `Cors` out of bounds, or a qualifier that is a version or
    /// `$LATEST` (R125); `InvalidParameterValueException` when the name's suffix and
    /// `Qualifier` differ (R126); `ResourceNotFoundException` `Function does not exist`
    /// for a missing function or alias (R127); `ResourceConflictException` when the
    /// target has a URL (R128).
    pub fn create_function_url_config(
        &mut self,
        req: FunctionUrlConfigRequest,
    ) -> Result<FunctionUrlConfig, Error> {
        let mut v = Violations::new();
        let auth = auth_type_of(&mut v, req.auth_type.as_deref(), true);
        let mode = invoke_mode_of(&mut v, req.invoke_mode.as_deref());
        check_cors(&mut v, req.cors.as_ref());
        let (key, target) =
            self.url_target(v, &req.function_name, req.qualifier.as_deref(), Op::Create)?;
        let auth = validated(auth)?;
        if let Some((f, _)) = self.url_of_target(&key, &target) {
            return Err(Error::conflict(format!(
                "Failed to create function url config for [functionArn = {}]. Error message:  FunctionUrlConfig exists for this Lambda function",
                target.resource(&f.arn)
            )));
        }
        let url_id = self.new_url_id();
        let now = self.now();
        let url = FunctionUrl {
            url_id: url_id.clone(),
            auth_type: auth,
            cors: req.cors,
            invoke_mode: mode,
            creation_time: now,
            last_modified_time: now,
        };
        let region = self.region.as_str().to_owned();
        let f = self
            .functions
            .get_mut(&key)
            .ok_or_else(|| Op::Create.not_found())?;
        let answer = view(f, &target, &url, &region, View::Create);
        f.urls.insert(target.clone(), url);
        self.url_index.insert(url_id, (key, target));
        Ok(answer)
    }

    /// A fresh URL id: 32 characters of `[a-z0-9]` (R131), never one in use.
    fn new_url_id(&mut self) -> String {
        loop {
            let id: String = self.new_revision_id().to_string().replace('-', "");
            if !self.url_index.contains_key(&id) {
                return id;
            }
        }
    }

    /// `GetFunctionUrlConfig` (R127, R130).
    ///
    /// # Errors
    ///
    /// As [`Registry::create_function_url_config`] for validation and the suffix;
    /// `ResourceNotFoundException` `The resource you requested does not exist.` for a
    /// missing function, alias or URL.
    pub fn get_function_url_config(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<FunctionUrlConfig, Error> {
        let (key, target) =
            self.url_target(Violations::new(), function_name, qualifier, Op::Get)?;
        let (f, url) = self
            .url_of_target(&key, &target)
            .ok_or_else(|| Op::Get.not_found())?;
        Ok(view(f, &target, url, self.region.as_str(), View::Read))
    }

    /// `UpdateFunctionUrlConfig` (R130): members left out keep their value; a request
    /// with none is accepted.
    ///
    /// # Errors
    ///
    /// As [`Registry::create_function_url_config`]; `ResourceNotFoundException`
    /// `The resource you requested does not exist.` when the target has no URL.
    pub fn update_function_url_config(
        &mut self,
        req: FunctionUrlConfigRequest,
    ) -> Result<FunctionUrlConfig, Error> {
        let mut v = Violations::new();
        let auth = auth_type_of(&mut v, req.auth_type.as_deref(), false);
        let mode = invoke_mode_of(&mut v, req.invoke_mode.as_deref());
        check_cors(&mut v, req.cors.as_ref());
        let (key, target) =
            self.url_target(v, &req.function_name, req.qualifier.as_deref(), Op::Update)?;
        if self.url_of_target(&key, &target).is_none() {
            return Err(Error::not_found(RESOURCE_DOES_NOT_EXIST));
        }
        let now = self.now();
        let region = self.region.as_str().to_owned();
        let f = self
            .functions
            .get_mut(&key)
            .ok_or_else(|| Op::Update.not_found())?;
        let Some(url) = f.urls.get_mut(&target) else {
            return Err(Error::not_found(RESOURCE_DOES_NOT_EXIST));
        };
        if let Some(auth) = auth {
            url.auth_type = auth;
        }
        if let Some(mode) = mode {
            url.invoke_mode = Some(mode);
        }
        if req.cors.is_some() {
            url.cors = req.cors;
        }
        url.last_modified_time = now;
        let url = url.clone();
        Ok(view(f, &target, &url, &region, View::Update))
    }

    /// `DeleteFunctionUrlConfig` (204, R133): without a qualifier only the function's
    /// URL goes; alias URLs stay.
    ///
    /// # Errors
    ///
    /// As [`Registry::get_function_url_config`] (a disagreeing suffix gets the R126 IPVE,
    /// Q40).
    pub fn delete_function_url_config(
        &mut self,
        function_name: &str,
        qualifier: Option<&str>,
    ) -> Result<(), Error> {
        let (key, target) =
            self.url_target(Violations::new(), function_name, qualifier, Op::Delete)?;
        let removed = self
            .functions
            .get_mut(&key)
            .and_then(|f| f.urls.remove(&target))
            .ok_or_else(|| Op::Delete.not_found())?;
        self.url_index.remove(&removed.url_id);
        Ok(())
    }

    /// `ListFunctionUrlConfigs` (R138): the function's URL first, then aliases' in name
    /// order; at most `MaxItems` (1–50) per page.
    ///
    /// # Errors
    ///
    /// `ValidationException` for a bad name or `MaxItems`; `ResourceNotFoundException`
    /// `Function does not exist` for a missing function; `InvalidParameterValueException`
    /// for a marker this registry did not issue.
    pub fn list_function_url_configs(
        &self,
        req: ListFunctionUrlConfigsRequest,
    ) -> Result<ListFunctionUrlConfigsResponse, Error> {
        let f = self.bound_list_target(
            &req.function_name,
            NamePattern::Namespaced,
            req.max_items,
            |_, _| Error::not_found(FUNCTION_DOES_NOT_EXIST),
        )?;
        let region = self.region.as_str();
        let (function_url_configs, next_marker) = pagination::positional_page(
            f.urls
                .iter()
                .map(|(t, u)| view(f, t, u, region, View::Read)),
            MarkerKind::Url,
            req.marker.as_deref(),
            req.max_items,
        )?;
        Ok(ListFunctionUrlConfigsResponse {
            function_url_configs,
            next_marker,
        })
    }

    /// Forgets the URL of `target` of function `f` (its alias was deleted, R134).
    pub(super) fn forget_url(&mut self, removed: Option<FunctionUrl>) {
        if let Some(url) = removed {
            self.url_index.remove(&url.url_id);
        }
    }
}
