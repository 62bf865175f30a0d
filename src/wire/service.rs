//! [`Service`]: one registry behind the REST API, answering `http` requests.

use std::borrow::Cow;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use http::{Method, StatusCode};
use serde::Serialize;

use super::alias_json::AliasConfigurationJson;
use super::errors::error_response;
use super::headers::{AnswerKind, REQUEST_ID, answer_headers};
use super::query::{FUNCTION_VERSION, MARKER, MAX_ITEMS, QUALIFIER, Query, REVISION_ID};
use super::requests::{
    AddPermissionBody, CreateAliasBody, CreateFunctionBody, PublishVersionBody, UpdateAliasFields,
    UpdateFunctionCodeBody, UpdateFunctionConfigurationBody, parse_body,
};
use super::responses::{
    AddPermissionResponse, FunctionConfiguration, GetFunctionResponse, GetPolicyResponse,
    ListAliasesResponse,
};
use super::route::{Operation, RawRoute, route_raw};
use super::settle::{Settler, Settling};
use super::version_cache::VersionJsonCache;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind};
use crate::registry::{
    self, GetFunctionRequest, ListAliasesRequest, ListVersionsByFunctionRequest,
    RemovePermissionRequest,
};
use crate::resolver::Resolver;
use crate::{Lifecycle, Registry};

/// Builds a [`Service`].
pub struct ServiceBuilder {
    registry: Registry,
    clock: Box<dyn Clock>,
    settle_delay: Duration,
    settle_immediately: bool,
    max_body_bytes: usize,
    code_source: Option<Box<dyn super::CodeSource>>,
}

impl ServiceBuilder {
    /// Where code given as `S3Bucket` / `S3Key` comes from (default: none, and such code
    /// is refused with [`ONLY_ZIP_FILE`](super::json::ONLY_ZIP_FILE)).
    pub fn code_source(mut self, source: impl super::CodeSource + 'static) -> Self {
        self.code_source = Some(Box::new(source));
        self
    }

    /// How long after `CreateFunction` or an update the function settles (`Active`,
    /// `Successful`). Default 200 ms. Until then the service answers `Pending` /
    /// `InProgress` and refuses to publish or update (R23), as the real service does.
    pub fn settle_delay(mut self, delay: Duration) -> Self {
        self.settle_delay = delay;
        self
    }

    /// Settles every transition before answering (the registry's
    /// [`Lifecycle::Immediate`]): responses report `Pending` / `InProgress` as the service
    /// does, but the next request already sees `Active` / `Successful`, and the settle
    /// delay is not used.
    pub fn settle_immediately(mut self) -> Self {
        self.settle_immediately = true;
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

    /// The service. It owns the registry's lifecycle: whatever lifecycle the registry
    /// was built with, the service switches it to [`Lifecycle::Manual`] and finishes each
    /// transition after the settle delay, or to [`Lifecycle::Immediate`] with
    /// [`ServiceBuilder::settle_immediately`]. So a service behaves the same whichever
    /// registry it was given.
    pub fn build(mut self) -> Service {
        let lifecycle = if self.settle_immediately {
            Lifecycle::Immediate
        } else {
            Lifecycle::Manual
        };
        self.registry.set_lifecycle(lifecycle);
        let delay_ms = i64::try_from(self.settle_delay.as_millis()).unwrap_or(i64::MAX);
        let settler = Settler::new(self.clock, delay_ms);
        if lifecycle == Lifecycle::Manual {
            // Provisioned configs the registry arrived with still in progress settle
            // after the delay, like the ones put through the service.
            for (name, qualifier) in self.registry.unsettled_provisioned_concurrency() {
                settler.schedule(Settling::Provisioned(name, qualifier));
            }
        }
        Service {
            resolver: self.registry.resolver(),
            settles: lifecycle == Lifecycle::Manual,
            registry: RwLock::new(self.registry),
            settler,
            max_body_bytes: self.max_body_bytes,
            code_source: self.code_source,
            version_json: VersionJsonCache::default(),
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
    /// Transitions finish after the settle delay (the registry is `Manual`).
    settles: bool,
    settler: Settler,
    max_body_bytes: usize,
    code_source: Option<Box<dyn super::CodeSource>>,
    /// Rendered list entries of published versions.
    version_json: VersionJsonCache,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("settles", &self.settles)
            .field("settle_delay_ms", &self.settler.delay_ms())
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

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
            settle_immediately: false,
            max_body_bytes: 8 << 20,
            code_source: None,
        }
    }

    /// The largest request body accepted, in bytes. A server that reads at most
    /// `max_body_bytes() + 1` bytes can pass what it read to [`Service::handle`], which
    /// answers 413 when it is over; a server whose framework refuses oversized bodies by
    /// itself answers with [`Service::body_too_large`] instead.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The answer to a request whose body is over [`Service::max_body_bytes`]:
    /// `RequestTooLargeException` (413), as [`Service::handle`] would give it, for
    /// servers that stop reading an oversized body before calling the service (the body
    /// need not be read or allocated at all).
    pub fn body_too_large(&self) -> http::Response<Vec<u8>> {
        error_answer(&request_too_large(self.max_body_bytes))
    }

    /// The answer to a method and path bound to no operation:
    /// `UnknownOperationException` (404), as [`Service::handle`] would give it, for servers
    /// that route some paths themselves (a health check, say) and send the rest on.
    pub fn unknown_operation(&self, method: &Method, path: &str) -> http::Response<Vec<u8>> {
        error_answer(&unknown_operation(method, path))
    }

    /// The resolver that picks the version of each `Invoke`.
    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// The registry, when the service is no longer needed (a server that runs one
    /// request on a registry loaded from a store takes it back to commit it).
    pub fn into_registry(self) -> Registry {
        self.registry
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the registry (for inspection and tests).
    pub fn read<R>(&self, f: impl FnOnce(&Registry) -> R) -> R {
        f(&self.registry_read())
    }

    /// Changes the registry directly, outside the API.
    pub fn write<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        f(&mut self.registry_write())
    }

    pub(super) fn registry_read(&self) -> RwLockReadGuard<'_, Registry> {
        // The registry never panics while holding the lock with a half-applied change
        // (every refusal happens before the mutation), so a poisoned lock is still sound.
        self.registry.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn registry_write(&self) -> RwLockWriteGuard<'_, Registry> {
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
        let due = self.settler.take_due();
        if !due.is_empty() {
            Settler::finish(&mut self.registry_write(), due);
        }
    }

    fn schedule_settle(&self, name: &crate::FunctionName) {
        if self.settles {
            self.settler.schedule(Settling::Function(name.clone()));
        }
    }

    /// Schedules the provisioned-concurrency configs of `function` still in progress
    /// (after a put or an alias move on that function: only its own configs can have
    /// started, so nothing else is looked at).
    pub(super) fn schedule_provisioned_settle(&self, function: &crate::FunctionName) {
        if self.settles {
            let unsettled = self
                .registry_read()
                .unsettled_provisioned_concurrency_of(function);
            for qualifier in unsettled {
                self.settler
                    .schedule(Settling::Provisioned(function.clone(), qualifier));
            }
        }
    }

    pub(super) fn schedule_mapping_settle(&self, uuid: &str) {
        if self.settles {
            self.settler.schedule(Settling::Mapping(uuid.to_owned()));
        }
    }

    /// Answers one request. Never panics on any input; every refusal is the service's
    /// error response and changes nothing.
    ///
    /// A request whose `Host` names a function URL (`{url-id}.lambda-url.…`, see
    /// [`url_id_of_host`](crate::url_id_of_host)) is answered as that URL's endpoint
    /// ([`Service::handle_function_url`]).
    pub fn handle<B: AsRef<[u8]>>(&self, request: http::Request<B>) -> http::Response<Vec<u8>> {
        if let Some(id) = function_url_id(&request) {
            let id = id.to_owned();
            return self.handle_function_url(&id, &request);
        }
        self.settle_due();
        let (parts, body) = request.into_parts();
        let body = body.as_ref();
        // An operation's answer comes with its request id ([`answer`]); an error's gets
        // one here.
        let response = match route_raw(&parts.method, parts.uri.path()) {
            None => error_answer(&unknown_operation(&parts.method, parts.uri.path())),
            Some(_) if body.len() > self.max_body_bytes => {
                error_answer(&request_too_large(self.max_body_bytes))
            }
            Some(route) => {
                let query = Query::parse(parts.uri.query().unwrap_or(""));
                self.dispatch(route, &query, &parts.headers, body)
                    .unwrap_or_else(|e| error_answer(&e))
            }
        };
        debug_assert!(
            response.headers().get_all(&REQUEST_ID).iter().count() == 1,
            "one request id on every answer"
        );
        response
    }

    fn dispatch(
        &self,
        route: RawRoute<'_>,
        query: &Query<'_>,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let op = route.operation;
        let name = route.function_name();
        let resource = route.resource();
        let qualifier = || query.param(QUALIFIER).map(Cow::into_owned);
        let qualified = || GetFunctionRequest {
            qualifier: qualifier(),
            ..GetFunctionRequest::new(name.clone())
        };
        match op {
            Operation::CreateFunction => {
                let req = parse_body::<CreateFunctionBody>(body)?
                    .into_request_with(self.code_source.as_deref())?;
                let created = self.registry_write().create_function(req)?;
                self.schedule_settle(&created.function_name);
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
                let req = parse_body::<UpdateFunctionCodeBody>(body)?
                    .into_request_with(name.into_owned(), self.code_source.as_deref())?;
                let r = self.registry_write().update_function_code(req)?;
                self.schedule_settle(&r.function_name);
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::UpdateFunctionConfiguration => {
                let req = parse_body::<UpdateFunctionConfigurationBody>(body)?
                    .into_request(name.into_owned())?;
                let r = self.registry_write().update_function_configuration(req)?;
                self.schedule_settle(&r.function_name);
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::PublishVersion => {
                let req = parse_body::<PublishVersionBody>(body)?.into_request(name.into_owned());
                let r = self.registry_write().publish_version(req)?;
                json(op, &FunctionConfiguration::from(&r))
            }
            Operation::ListVersionsByFunction => {
                let req = ListVersionsByFunctionRequest {
                    marker: query.param(MARKER).map(Cow::into_owned),
                    max_items: max_items(query)?,
                    ..ListVersionsByFunctionRequest::new(name)
                };
                let registry = self.registry_read();
                let page = registry.version_page(req)?;
                let body = self.version_json.list_versions(&page)?;
                drop(registry);
                Ok(json_body(status_of(op), body))
            }
            Operation::CreateAlias => {
                let req = parse_body::<CreateAliasBody>(body)?.into_request(name.into_owned())?;
                let mut registry = self.registry_write();
                let stored = registry.create_alias_ref(req)?;
                Ok(alias_answer(op, stored))
            }
            Operation::GetAlias => {
                let registry = self.registry_read();
                let stored = registry.alias_ref(&name, &resource)?;
                let body = AliasConfigurationJson(stored).cached_body();
                drop(registry);
                Ok(json_body(status_of(op), body))
            }
            Operation::UpdateAlias => {
                let mut update = parse_body::<UpdateAliasFields<'_>>(body)?;
                let mut registry = self.registry_write();
                let stored = registry.update_alias_ref(update.as_update(&name, &resource))?;
                let answer = alias_answer(op, stored);
                // Only a settling service looks at the function again.
                let function = self.settles.then(|| stored.function.name.clone());
                drop(registry);
                if let Some(function) = function {
                    self.schedule_provisioned_settle(&function);
                }
                Ok(answer)
            }
            Operation::DeleteAlias => {
                self.registry_write()
                    .delete_alias(registry::DeleteAliasRequest::new(name, resource))?;
                empty(op)
            }
            Operation::ListAliases => {
                let req = ListAliasesRequest {
                    function_version: query.param(FUNCTION_VERSION).map(Cow::into_owned),
                    marker: query.param(MARKER).map(Cow::into_owned),
                    max_items: max_items(query)?,
                    ..ListAliasesRequest::new(name)
                };
                let r = self.registry_read().list_aliases(req)?;
                json(op, &ListAliasesResponse::from(&r))
            }
            Operation::AddPermission => {
                let req = parse_body::<AddPermissionBody>(body)?
                    .into_request(name.into_owned(), qualifier())?;
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
                    revision_id: query.param(REVISION_ID).map(Cow::into_owned),
                    ..RemovePermissionRequest::new(name, resource)
                };
                self.registry_write().remove_permission(req)?;
                empty(op)
            }
            Operation::Invoke => {
                self.invoke(&name, query.param(QUALIFIER).as_deref(), headers, body)
            }
            _ => self.dispatch_attached(op, name.into_owned(), resource.into_owned(), query, body),
        }
    }
}

/// `MaxItems` from the query: an integer, or `InvalidRequestContentException`.
pub(super) fn max_items(query: &Query<'_>) -> Result<Option<i64>, Error> {
    query
        .param(MAX_ITEMS)
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

/// The answer for `err` ([`error_response`]) with its request id.
fn error_answer(err: &Error) -> http::Response<Vec<u8>> {
    let mut response = error_response(err);
    add_request_id(&mut response);
    response
}

/// Sets `x-amzn-RequestId` to a fresh random UUID, on an answer not built by [`answer`]
/// (an error, a function URL's).
pub(super) fn add_request_id(response: &mut http::Response<Vec<u8>>) {
    response
        .headers_mut()
        .insert(REQUEST_ID, super::request_id::next_request_id());
}

/// `UnknownOperationException` (404) for a method and path bound to no operation (the
/// crate's wording: `No operation is bound to <METHOD> <path>`, the path cut at 256
/// characters).
pub fn unknown_operation(method: &Method, path: &str) -> Error {
    let path: String = path.chars().take(256).collect();
    Error::new(
        ErrorKind::UnknownOperation,
        format!("No operation is bound to {method} {path}"),
    )
}

/// `RequestTooLargeException` (413) for a body over `limit` bytes (the crate's wording:
/// `Request must be smaller than <limit> bytes`).
pub fn request_too_large(limit: usize) -> Error {
    Error::new(
        ErrorKind::RequestTooLarge,
        format!("Request must be smaller than {limit} bytes"),
    )
}

pub(super) fn status_only(status: StatusCode) -> http::Response<Vec<u8>> {
    answer(status, Vec::new(), AnswerKind::Plain)
}

/// A response with `status`, `body` and the headers of `kind`, its request id among them.
#[inline]
pub(super) fn answer(
    status: StatusCode,
    body: Vec<u8>,
    kind: AnswerKind,
) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = answer_headers(kind);
    response
}

/// The most a thread keeps of its JSON scratch buffer between answers.
const SCRATCH_KEPT: usize = 64 << 10;

thread_local! {
    /// Each thread's scratch buffer for serializing answers, so that the body an answer
    /// carries is allocated once at its exact size (no growth, no over-reservation).
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `value` as JSON, in a buffer of exactly its size.
fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let scratch = SCRATCH.try_with(|cell| {
        let mut scratch = cell.try_borrow_mut().ok()?;
        scratch.clear();
        let written = serde_json::to_writer(&mut *scratch, value).map(|()| scratch.to_vec());
        if scratch.capacity() > SCRATCH_KEPT {
            *scratch = Vec::new();
        }
        Some(written)
    });
    match scratch {
        Ok(Some(written)) => written,
        // Thread teardown or a re-entrant call: serialize directly.
        _ => serde_json::to_vec(value),
    }
}

pub(super) fn json_with_status<T: Serialize>(
    status: StatusCode,
    value: &T,
) -> Result<http::Response<Vec<u8>>, Error> {
    let body = to_json(value)
        .map_err(|e| Error::new(ErrorKind::Service, format!("internal error: {e}")))?;
    Ok(json_body(status, body))
}

/// The function URL id a request is addressed to: its `Host` is `{url-id}.lambda-url.…`
/// (see [`url_id_of_host`](crate::url_id_of_host)). Such a request is a call of that URL,
/// not an API operation; [`Service::handle`] answers it as the URL's endpoint.
///
/// ```
/// let call = http::Request::get("/")
///     .header("host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws")
///     .body(())
///     .unwrap();
/// assert_eq!(
///     lambda_versioning::wire::function_url_id(&call),
///     Some("abcdefghijklmnopqrstuvwxyz012345")
/// );
/// ```
pub fn function_url_id<B>(request: &http::Request<B>) -> Option<&str> {
    request
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(crate::url_id_of_host)
}

/// An alias operation's answer.
fn alias_answer(op: Operation, stored: registry::AliasRef<'_>) -> http::Response<Vec<u8>> {
    json_body(status_of(op), AliasConfigurationJson(stored).to_body())
}

/// An answer with a JSON body already written.
#[inline]
pub(super) fn json_body(status: StatusCode, body: Vec<u8>) -> http::Response<Vec<u8>> {
    answer(status, body, AnswerKind::Json)
}

pub(super) fn json<T: Serialize>(
    op: Operation,
    value: &T,
) -> Result<http::Response<Vec<u8>>, Error> {
    json_with_status(status_of(op), value)
}

pub(super) fn empty(op: Operation) -> Result<http::Response<Vec<u8>>, Error> {
    Ok(status_only(status_of(op)))
}

fn status_of(op: Operation) -> StatusCode {
    StatusCode::from_u16(op.success_status()).unwrap_or(StatusCode::OK)
}
