//! The request side of function URLs (R134, R135): which version serves a request that
//! arrives on a URL, after the URL's resource-policy check.

use super::control::Registry;
use crate::arn::FunctionArn;
use crate::error::Error;
use crate::function_url::{InvokeMode, URL_FORBIDDEN_BODY, URL_UNKNOWN_BODY};
use crate::names::{Qualifier, Version};
use crate::policy::{FunctionUrlAuthType, PolicyTarget};
use crate::registry::authorize::{Caller, CallerPrincipal};
use crate::routing::pick_cumulative;

impl Registry {
    /// The auth type of function URL `url_id`, if it exists.
    pub fn function_url_auth_type(&self, url_id: &str) -> Option<FunctionUrlAuthType> {
        let (key, target) = self.url_index.get(url_id)?;
        self.url_of_target(key, target).map(|(_, u)| u.auth_type)
    }

    /// A request arriving on function URL `url_id` (the first label of its host name):
    /// the policy check of R135 (`lambda:InvokeFunctionUrl` with the URL's auth type, on
    /// the URL's own target), then the version that serves it — the function's URL runs
    /// `$LATEST`, an alias's URL runs what the alias resolves to now, weights included.
    ///
    /// For a URL with auth type `AWS_IAM`, a caller of this registry's own account is
    /// allowed by its identity (which this crate does not model); any other caller needs
    /// a statement, as for `NONE`.
    ///
    /// # Errors
    ///
    /// A [`UrlRefusal`] with the endpoint's status and body.
    pub fn invoke_function_url<R: rand::Rng + ?Sized>(
        &self,
        url_id: &str,
        caller: &Caller,
        rng: &mut R,
    ) -> Result<UrlInvocation, UrlRefusal> {
        let Some((key, target)) = self.url_index.get(url_id) else {
            return Err(UrlRefusal::UnknownUrl);
        };
        let Some((f, url)) = self.url_of_target(key, target) else {
            return Err(UrlRefusal::UnknownUrl);
        };
        let resource = target.resource(&f.arn);
        let caller = caller.clone().via_function_url(url.auth_type);
        let own_identity = url.auth_type == FunctionUrlAuthType::AwsIam
            && match &caller.principal {
                CallerPrincipal::Account(a) => *a == self.account,
                CallerPrincipal::Iam(arn) => arn.split(':').nth(4) == Some(self.account.as_str()),
                _ => false,
            };
        if !own_identity
            && !self
                .authorize(&caller, "lambda:InvokeFunctionUrl", &resource)
                .is_allowed()
        {
            return Err(UrlRefusal::Forbidden);
        }
        let executed = match target {
            PolicyTarget::Alias(name) => {
                let alias = f.aliases.get(name).ok_or(UrlRefusal::UnknownUrl)?;
                let picked = alias
                    .routing
                    .and_then(|r| pick_cumulative(&r.cumulative(), || rng.next_u64() >> 1));
                picked.map_or(alias.primary, Version::Published)
            }
            _ => Version::Latest,
        };
        super::invoke::check_invocable(f, executed).map_err(UrlRefusal::NotReady)?;
        // R137: a URL request is admitted like any invocation.
        let permit = self
            .resolver
            .admit_version(f.name.as_str(), executed)
            .map_err(|_| UrlRefusal::Throttled)?;
        Ok(UrlInvocation {
            permit,
            function_arn: resource,
            executed_version: executed,
            invoke_mode: url.invoke_mode.unwrap_or_default(),
            qualifier: match target {
                PolicyTarget::Alias(a) => Some(Qualifier::Alias(a.clone())),
                _ => None,
            },
        })
    }
}

/// A request a function URL accepted, with the admission permit to hold while it runs.
#[derive(Debug)]
#[non_exhaustive]
pub struct UrlInvocation {
    /// The capacity the request holds (R137).
    pub permit: crate::AdmissionPermit<'static>,
    /// The URL's target: the unqualified function or the alias ARN.
    pub function_arn: FunctionArn,
    /// The alias the URL belongs to, if any.
    pub qualifier: Option<Qualifier>,
    /// The version that serves the request.
    pub executed_version: Version,
    /// The URL's invoke mode.
    pub invoke_mode: InvokeMode,
}

/// Why a function URL refused a request, with the endpoint's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlRefusal {
    /// No URL has this id (any more): 403 `{"Message":null}` (R134).
    UnknownUrl,
    /// The resource policy does not allow the request: 403 `Forbidden…` (R135).
    Forbidden,
    /// The version that would serve it is not `Active`: the registry's error.
    NotReady(Error),
    /// No concurrency is free (e.g. reserved concurrency 0): 429 (R137).
    Throttled,
}

impl UrlRefusal {
    /// The HTTP status of the endpoint's answer.
    pub fn http_status(&self) -> u16 {
        match self {
            UrlRefusal::UnknownUrl | UrlRefusal::Forbidden => 403,
            UrlRefusal::NotReady(e) => e.http_status(),
            UrlRefusal::Throttled => 429,
        }
    }

    /// The endpoint's body (for `NotReady`, the service's error JSON).
    pub fn body(&self) -> String {
        match self {
            UrlRefusal::UnknownUrl => URL_UNKNOWN_BODY.to_owned(),
            UrlRefusal::Forbidden => URL_FORBIDDEN_BODY.to_owned(),
            UrlRefusal::NotReady(e) => serde_json::json!({"Message": e.message()}).to_string(),
            UrlRefusal::Throttled => serde_json::json!({"Message": "Rate Exceeded."}).to_string(),
        }
    }

    /// `x-amzn-ErrorType` of the answer.
    pub fn error_type(&self) -> &'static str {
        match self {
            UrlRefusal::UnknownUrl | UrlRefusal::Forbidden => "AccessDeniedException",
            UrlRefusal::NotReady(e) => e.kind().exception_name(),
            UrlRefusal::Throttled => "TooManyRequestsException",
        }
    }
}

impl std::fmt::Display for UrlRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlRefusal::UnknownUrl => f.write_str("no function URL has this id"),
            UrlRefusal::Forbidden => f.write_str("the resource policy does not allow this request"),
            UrlRefusal::NotReady(e) => write!(f, "{e}"),
            UrlRefusal::Throttled => f.write_str("no concurrency is free"),
        }
    }
}

impl std::error::Error for UrlRefusal {}
