//! [`Service`]: one registry behind the REST API, answering `http` requests.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};

use super::errors::error_response;
use super::requests::{
    AddPermissionBody, CreateAliasBody, CreateFunctionBody, PublishVersionBody, UpdateAliasBody,
    UpdateFunctionCodeBody, UpdateFunctionConfigurationBody, invalid_content, parse_body,
};
use super::responses::{
    AddPermissionResponse, AliasConfiguration, FunctionConfiguration, GetFunctionResponse,
    GetPolicyResponse, ListAliasesResponse, ListVersionsByFunctionResponse,
};
use super::route::{Operation, Query, Route, route};
use crate::clock::{Clock, SystemClock, Timestamp};
use crate::error::{Error, ErrorKind};
use crate::names::{FunctionName, RevisionId};
use crate::registry::{
    self, GetAliasRequest, GetFunctionRequest, ListAliasesRequest, ListVersionsByFunctionRequest,
    RemovePermissionRequest,
};
use crate::resolver::Resolver;
use crate::validate::Violations;
use crate::{Lifecycle, Registry, Version};

/// The largest `Invoke` payload of a synchronous (or dry-run) call, in bytes.
const SYNC_PAYLOAD_LIMIT: usize = 6_291_456;
/// The largest `Invoke` payload of an asynchronous call, in bytes.
const ASYNC_PAYLOAD_LIMIT: usize = 1_048_576;

/// Builds a [`Service`].
pub struct ServiceBuilder {
    registry: Registry,
    clock: Box<dyn Clock>,
    settle_delay: Duration,
    max_body_bytes: usize,
}

impl ServiceBuilder {
    /// How long after `CreateFunction` or an update the function settles (`Active`,
    /// `Successful`), for a registry in [`Lifecycle::Manual`]. Default 200 ms.
    pub fn settle_delay(mut self, delay: Duration) -> Self {
        self.settle_delay = delay;
        self
    }

    /// The clock the settle delay is measured on (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// The largest request body accepted, in bytes (default 8 MiB). Larger bodies get
    /// `RequestTooLargeException` (413). A zip of `n` bytes takes about `4n/3` bytes of
    /// Base64 in a `CreateFunction` body.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The service.
    pub fn build(self) -> Service {
        Service {
            resolver: self.registry.resolver(),
            settles: self.registry.lifecycle() == Lifecycle::Manual,
            registry: RwLock::new(self.registry),
            clock: self.clock,
            settle_delay_ms: i64::try_from(self.settle_delay.as_millis()).unwrap_or(i64::MAX),
            max_body_bytes: self.max_body_bytes,
            pending: Mutex::new(BTreeMap::new()),
        }
    }
}

/// One [`Registry`] behind the Lambda REST API: [`Service::handle`] turns an HTTP
/// request into the HTTP response the service would send. `Send + Sync`: share it
/// between the threads of a server.
///
/// See the [module documentation](super) for what it answers.
pub struct Service {
    registry: RwLock<Registry>,
    resolver: Resolver,
    /// The registry's lifecycle is `Manual` (fixed when built): updates need settling.
    settles: bool,
    clock: Box<dyn Clock>,
    settle_delay_ms: i64,
    max_body_bytes: usize,
    /// Functions with a lifecycle transition to finish, and when.
    pending: Mutex<BTreeMap<FunctionName, Timestamp>>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("settle_delay_ms", &self.settle_delay_ms)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// The JSON payload of a synchronous `Invoke`: no code runs, so the answer says which
/// version would have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InvokePayload {
    /// The version the resolver chose (also in `X-Amz-Executed-Version`).
    pub executed_version: String,
    /// The ARN the caller invoked (R67).
    pub invoked_function_arn: String,
    /// A fixed note that no code ran.
    pub message: String,
}

/// The note in every [`InvokePayload`].
const NO_CODE_RAN: &str = "lambda-versioning: no code ran; this is the version the resolver chose";

impl Service {
    /// A service with the defaults of [`Service::builder`].
    pub fn new(registry: Registry) -> Service {
        Service::builder(registry).build()
    }

    /// A builder: settle delay 200 ms on the system clock, bodies up to 8 MiB.
    pub fn builder(registry: Registry) -> ServiceBuilder {
        ServiceBuilder {
            registry,
            clock: Box::new(SystemClock),
            settle_delay: Duration::from_millis(200),
            max_body_bytes: 8 << 20,
        }
    }

    /// The largest request body accepted, in bytes. A server should stop reading a body
    /// after `max_body_bytes() + 1` bytes and pass what it read: the service answers 413.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The resolver that picks the version of each `Invoke`.
    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// Reads the registry (for inspection and tests).
    pub fn read<R>(&self, f: impl FnOnce(&Registry) -> R) -> R {
        f(&self.registry_read())
    }

    /// Changes the registry directly, outside the API.
    pub fn write<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        f(&mut self.registry_write())
    }

    fn registry_read(&self) -> RwLockReadGuard<'_, Registry> {
        // The registry never panics while holding the lock with a half-applied change
        // (every refusal happens before the mutation), so a poisoned lock is still sound.
        self.registry.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn registry_write(&self) -> RwLockWriteGuard<'_, Registry> {
        self.registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Finishes every lifecycle transition whose settle delay has passed. Called at the
    /// start of every [`Service::handle`].
    pub fn settle_due(&self) {
        if !self.settles {
            return;
        }
        let now = self.clock.now();
        let due: Vec<FunctionName> = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            let due: Vec<FunctionName> = pending
                .iter()
                .filter(|(_, at)| **at <= now)
                .map(|(name, _)| name.clone())
                .collect();
            for name in &due {
                pending.remove(name);
            }
            due
        };
        if due.is_empty() {
            return;
        }
        let mut registry = self.registry_write();
        for name in due {
            // A function deleted meanwhile has nothing to finish.
            let _ = registry.finish_creation(name.as_str());
            let _ = registry.finish_update(name.as_str());
        }
    }

    fn schedule_settle(&self, name: &str) {
        let Ok(name) = name.parse::<FunctionName>() else {
            return;
        };
        let at = Timestamp::from_unix_millis(
            self.clock
                .now()
                .unix_millis()
                .saturating_add(self.settle_delay_ms),
        );
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name, at);
    }

    /// Answers one request. Never panics on any input; every refusal is the service's
    /// error response and changes nothing.
    pub fn handle<B: AsRef<[u8]>>(&self, request: http::Request<B>) -> http::Response<Vec<u8>> {
        self.settle_due();
        let (parts, body) = request.into_parts();
        let body = body.as_ref();
        let mut response = match route(&parts.method, parts.uri.path()) {
            None => error_response(&unknown_operation(&parts.method, parts.uri.path())),
            Some(_) if body.len() > self.max_body_bytes => {
                error_response(&too_large(self.max_body_bytes))
            }
            Some(route) => {
                let query = Query::parse(parts.uri.query().unwrap_or(""));
                self.dispatch(route, &query, &parts.headers, body)
                    .unwrap_or_else(|e| error_response(&e))
            }
        };
        let mut id = [0u8; 16];
        rand::fill(&mut id);
        if let Ok(value) = HeaderValue::from_str(&RevisionId::from_random_bytes(id).to_string()) {
            response.headers_mut().insert("x-amzn-requestid", value);
        }
        response
    }

    fn dispatch(
        &self,
        route: Route,
        query: &Query,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let op = route.operation;
        let name = route.function_name.unwrap_or_default();
        let resource = route.resource.unwrap_or_default();
        let qualifier = || query.get("Qualifier").map(str::to_owned);
        let qualified = || GetFunctionRequest {
            qualifier: qualifier(),
            ..GetFunctionRequest::new(name.clone())
        };
        let settles = self.settles;
        match op {
            Operation::CreateFunction => {
                let req = parse_body::<CreateFunctionBody>(body)?.into_request()?;
                let created = self.registry_write().create_function(req)?;
                if settles {
                    self.schedule_settle(created.function_name.as_str());
                }
                json(op, &FunctionConfiguration::from(&created))
            }
            Operation::GetFunction => {
                let r = self.registry_read().get_function(qualified())?;
                json(op, &GetFunctionResponse::from(&r))
            }
            Operation::GetFunctionConfiguration => {
                let req = registry::GetFunctionConfigurationRequest {
                    qualifier: qualifier(),
                    ..registry::GetFunctionConfigurationRequest::new(name)
                };
                let r = self.registry_read().get_function_configuration(req)?;
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::DeleteFunction => {
                let req = registry::DeleteFunctionRequest {
                    qualifier: qualifier(),
                    ..registry::DeleteFunctionRequest::new(name)
                };
                self.registry_write().delete_function(req)?;
                empty(op)
            }
            Operation::UpdateFunctionCode => {
                let req = parse_body::<UpdateFunctionCodeBody>(body)?.into_request(name)?;
                let r = self.registry_write().update_function_code(req)?;
                if settles {
                    self.schedule_settle(r.function_name.as_str());
                }
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::UpdateFunctionConfiguration => {
                let req =
                    parse_body::<UpdateFunctionConfigurationBody>(body)?.into_request(name)?;
                let r = self.registry_write().update_function_configuration(req)?;
                if settles {
                    self.schedule_settle(r.function_name.as_str());
                }
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::PublishVersion => {
                let req = parse_body::<PublishVersionBody>(body)?.into_request(name);
                let r = self.registry_write().publish_version(req)?;
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::ListVersionsByFunction => {
                let req = ListVersionsByFunctionRequest {
                    marker: query.get("Marker").map(str::to_owned),
                    max_items: max_items(query)?,
                    ..ListVersionsByFunctionRequest::new(name)
                };
                let r = self.registry_read().list_versions_by_function(req)?;
                json(op, &ListVersionsByFunctionResponse::from(&r))
            }
            Operation::CreateAlias => {
                let req = parse_body::<CreateAliasBody>(body)?.into_request(name)?;
                let r = self.registry_write().create_alias(req)?;
                json(op, &AliasConfiguration::from(&r))
            }
            Operation::GetAlias => {
                let r = self
                    .registry_read()
                    .get_alias(GetAliasRequest::new(name, resource))?;
                json(op, &AliasConfiguration::from(&r))
            }
            Operation::UpdateAlias => {
                let req = parse_body::<UpdateAliasBody>(body)?.into_request(name, resource);
                let r = self.registry_write().update_alias(req)?;
                json(op, &AliasConfiguration::from(&r))
            }
            Operation::DeleteAlias => {
                self.registry_write()
                    .delete_alias(registry::DeleteAliasRequest::new(name, resource))?;
                empty(op)
            }
            Operation::ListAliases => {
                let req = ListAliasesRequest {
                    function_version: query.get("FunctionVersion").map(str::to_owned),
                    marker: query.get("Marker").map(str::to_owned),
                    max_items: max_items(query)?,
                    ..ListAliasesRequest::new(name)
                };
                let r = self.registry_read().list_aliases(req)?;
                json(op, &ListAliasesResponse::from(&r))
            }
            Operation::AddPermission => {
                let req = parse_body::<AddPermissionBody>(body)?.into_request(name, qualifier())?;
                let r = self.registry_write().add_permission(req)?;
                json(op, &AddPermissionResponse::from(&r))
            }
            Operation::GetPolicy => {
                let req = registry::GetPolicyRequest {
                    qualifier: qualifier(),
                    ..registry::GetPolicyRequest::new(name)
                };
                let r = self.registry_read().get_policy(req)?;
                json(op, &GetPolicyResponse::from(&r))
            }
            Operation::RemovePermission => {
                let req = RemovePermissionRequest {
                    qualifier: qualifier(),
                    revision_id: query.get("RevisionId").map(str::to_owned),
                    ..RemovePermissionRequest::new(name, resource)
                };
                self.registry_write().remove_permission(req)?;
                empty(op)
            }
            Operation::Invoke => {
                let req = registry::InvokeRequest {
                    qualifier: qualifier(),
                    ..registry::InvokeRequest::new(name)
                };
                self.invoke(req, headers, body)
            }
        }
    }

    fn invoke(
        &self,
        req: registry::InvokeRequest,
        headers: &http::HeaderMap,
        payload: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let mut v = Violations::new();
        let invocation_type = match header(headers, "x-amz-invocation-type") {
            None => Some(InvocationType::RequestResponse),
            Some(value) => {
                let parsed = InvocationType::parse(value);
                if parsed.is_none() {
                    v.push(
                        value,
                        "invocationType",
                        "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
                    );
                }
                parsed
            }
        };
        let tail = match header(headers, "x-amz-log-type") {
            None | Some("None") => false,
            Some("Tail") => true,
            Some(value) => {
                v.push(
                    value,
                    "logType",
                    "Member must satisfy enum value set: [None, Tail]",
                );
                false
            }
        };
        v.finish()?;
        let invocation_type = invocation_type.unwrap_or(InvocationType::RequestResponse);
        let limit = match invocation_type {
            InvocationType::Event => ASYNC_PAYLOAD_LIMIT,
            _ => SYNC_PAYLOAD_LIMIT,
        };
        if payload.len() > limit {
            return Err(Error::new(
                ErrorKind::RequestTooLarge,
                format!(
                    "Request must be smaller than {limit} bytes for the InvokeFunction operation"
                ),
            ));
        }
        if !payload.iter().all(u8::is_ascii_whitespace) {
            serde_json::from_slice::<serde::de::IgnoredAny>(payload)
                .map_err(|e| invalid_content(&format!("Could not parse payload into json: {e}")))?;
        }

        // The registry's checks up to the function's existence, then the resolver's
        // lock-free choice. If the resolver finds no target (a version or alias that does
        // not exist, or one deleted since), the registry words the error.
        let (function, qualifier) = self.registry_read().invoke_route(&req)?;
        let chosen = self
            .resolver
            .resolve_fast(function.as_str(), qualifier.as_deref())
            .map(|r| (r.executed_version(), r.invoked_arn().to_string()));
        let (executed, invoked_arn) = match chosen {
            Ok(found) => found,
            Err(_) => {
                let mut rng = rand::rng();
                let target = self.registry_read().invoke_target(req, &mut rng)?;
                (target.executed_version, target.invoked_arn.to_string())
            }
        };

        let mut response = match invocation_type {
            InvocationType::Event => status_only(StatusCode::ACCEPTED),
            InvocationType::DryRun => status_only(StatusCode::NO_CONTENT),
            InvocationType::RequestResponse => {
                let payload = InvokePayload {
                    executed_version: executed.to_string(),
                    invoked_function_arn: invoked_arn,
                    message: NO_CODE_RAN.to_owned(),
                };
                let mut response = json_with_status(StatusCode::OK, &payload)?;
                if let Ok(value) = HeaderValue::from_str(&executed.to_string()) {
                    response
                        .headers_mut()
                        .insert("x-amz-executed-version", value);
                }
                response
            }
        };
        if tail && invocation_type == InvocationType::RequestResponse {
            let log = log_tail(executed);
            if let Ok(value) = HeaderValue::from_str(&log) {
                response.headers_mut().insert("x-amz-log-result", value);
            }
        }
        Ok(response)
    }
}

/// `X-Amz-Invocation-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InvocationType {
    RequestResponse,
    Event,
    DryRun,
}

impl InvocationType {
    fn parse(value: &str) -> Option<InvocationType> {
        match value {
            "RequestResponse" => Some(InvocationType::RequestResponse),
            "Event" => Some(InvocationType::Event),
            "DryRun" => Some(InvocationType::DryRun),
            _ => None,
        }
    }
}

/// Base64 of a short log, as `X-Amz-Log-Result` carries the last 4 KB of the real one.
fn log_tail(executed: Version) -> String {
    let text = format!(
        "START Version: {executed}\nlambda-versioning: no code ran\nEND Version: {executed}\n"
    );
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"))
}

/// `MaxItems` from the query: an integer, or `InvalidRequestContentException`.
fn max_items(query: &Query) -> Result<Option<i64>, Error> {
    query
        .get("MaxItems")
        .map(|raw| {
            raw.parse::<i64>().map_err(|_| {
                Error::new(
                    ErrorKind::InvalidRequestContent,
                    format!("MaxItems must be an integer, got '{raw}'"),
                )
            })
        })
        .transpose()
}

fn unknown_operation(method: &Method, path: &str) -> Error {
    let path: String = path.chars().take(256).collect();
    Error::new(
        ErrorKind::UnknownOperation,
        format!("No operation is bound to {method} {path}"),
    )
}

fn too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::RequestTooLarge,
        format!("Request must be smaller than {limit} bytes"),
    )
}

fn status_only(status: StatusCode) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(Vec::new());
    *response.status_mut() = status;
    response
}

fn json_with_status<T: Serialize>(
    status: StatusCode,
    value: &T,
) -> Result<http::Response<Vec<u8>>, Error> {
    let body = serde_json::to_vec(value)
        .map_err(|e| Error::new(ErrorKind::Service, format!("internal error: {e}")))?;
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

fn json<T: Serialize>(op: Operation, value: &T) -> Result<http::Response<Vec<u8>>, Error> {
    json_with_status(status_of(op), value)
}

fn empty(op: Operation) -> Result<http::Response<Vec<u8>>, Error> {
    Ok(status_only(status_of(op)))
}

fn status_of(op: Operation) -> StatusCode {
    StatusCode::from_u16(op.success_status()).unwrap_or(StatusCode::OK)
}
