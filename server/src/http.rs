//! The HTTP side: hyper 1 on tokio, bounded so that no client can exhaust the server.
//!
//! * Headers must arrive within the header timeout (also while a keep-alive connection
//!   waits for its next request, which closes idle connections) and fit in the head
//!   limit; a body must arrive within the body timeout.
//! * A body is kept at most up to the handler's limit: a larger declared length is
//!   answered with the service's 413 before anything is read, a larger sent body as soon
//!   as it passes the limit. What the client is still sending is read and dropped for up
//!   to a second so that it can read the answer, then the connection closes.
//! * At most `max_connections` connections are served at once; the next wait in the
//!   listen backlog. A failed accept (`EMFILE` and the like) is logged and retried after
//!   a pause; the listener is never dropped.
//! * Responses go out with `TCP_NODELAY`.
//! * On shutdown the listener closes, connections finish the request in flight and
//!   close, and whatever is still open after the shutdown timeout is dropped.
//! * `GET /health` answers `{"status":"ready"}` (the server listens only once ready).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use lambda_versioning::wire::{Query, error_response, route};
use lambda_versioning::{Error, ErrorKind};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// What answers the requests a [`serve`] loop reads.
pub trait Handler: Send + Sync + 'static {
    /// The largest body passed to [`Handler::answer`].
    fn max_body_bytes(&self) -> usize;

    /// The answer to a body over the limit (the service's 413).
    fn body_too_large(&self) -> http::Response<Vec<u8>>;

    /// Answers one request, whose body has been read whole.
    fn answer(
        self: Arc<Self>,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = http::Response<Vec<u8>>> + Send;
}

/// Limits every connection is served with.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time for a request head to arrive (and for an idle keep-alive connection).
    pub header_timeout: Duration,
    /// Time for a body to arrive.
    pub body_timeout: Duration,
    /// Largest request head, bytes (at least 8192: hyper needs one buffered read).
    pub max_header_bytes: usize,
    /// Connections served at once.
    pub max_connections: usize,
    /// Time in-flight requests get after shutdown begins.
    pub shutdown_timeout: Duration,
}

/// What a [`serve`] loop did, reported when it ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServeReport {
    /// Connections accepted.
    pub connections: u64,
    /// Whether every connection finished within the shutdown timeout.
    pub drained: bool,
}

/// Serves `handler` on `listener` until `shutdown` completes, then drains connections.
pub async fn serve<H: Handler>(
    listener: TcpListener,
    handler: Arc<H>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> ServeReport {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut report = ServeReport::default();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // At most `max_connections` at once: the next connection waits in the backlog.
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // EMFILE, ECONNABORTED and the like pass: keep the listener, pause, retry.
                tracing::warn!(error = %e, "accept failed; retrying in 50 ms");
                drop(permit);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        report.connections += 1;
        let _ = stream.set_nodelay(true);
        let handler = Arc::clone(&handler);
        let service = service_fn(move |request| {
            let handler = Arc::clone(&handler);
            async move { Ok::<_, Infallible>(answer(handler, request, limits, peer).await) }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that breaks the protocol or times out only ends its own connection.
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    report.drained = tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown())
        .await
        .is_ok();
    report
}

/// Reads the body within the limits, answers, and logs the request.
async fn answer<H: Handler>(
    handler: Arc<H>,
    request: hyper::Request<Incoming>,
    limits: Limits,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    if parts.method == http::Method::GET && parts.uri.path() == "/health" {
        let mut response = http::Response::new(br#"{"status":"ready"}"#.to_vec());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        return response.map(|b| Full::new(Bytes::from(b)));
    }
    let limit = handler.max_body_bytes();
    let declared_too_large = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u128>().ok())
        .is_some_and(|n| n > limit as u128);
    let (response, request) = if declared_too_large {
        // Refused on the declared length: nothing of the body is kept.
        discard(body).await;
        (closing(handler.body_too_large()), None)
    } else {
        match read_body(body, limit, limits.body_timeout).await {
            Ok(bytes) => {
                let request = http::Request::from_parts(parts, bytes);
                let fields = tracing::enabled!(target: "request", tracing::Level::INFO)
                    .then(|| RequestFields::of(&request));
                (Arc::clone(&handler).answer(request).await, fields)
            }
            Err(BodyError::TooLarge) => (closing(handler.body_too_large()), None),
            Err(BodyError::Read(e)) => (
                closing(error_response(&Error::new(
                    ErrorKind::InvalidRequestContent,
                    format!("Could not read request body: {e}"),
                ))),
                None,
            ),
            Err(BodyError::Timeout) => (
                closing(error_response(&Error::new(
                    ErrorKind::InvalidRequestContent,
                    format!(
                        "Could not read request body: it did not arrive within {} ms",
                        limits.body_timeout.as_millis()
                    ),
                ))),
                None,
            ),
        }
    };
    if tracing::enabled!(target: "request", tracing::Level::INFO) {
        let fields = request.unwrap_or(RequestFields::NONE);
        let request_id = response
            .headers()
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        tracing::info!(
            target: "request",
            request_id,
            %peer,
            %method,
            operation = fields.operation,
            function = fields.function.as_deref().unwrap_or(""),
            qualifier = fields.qualifier.as_deref().unwrap_or(""),
            status = response.status().as_u16(),
            latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        );
    }
    response.map(|body| Full::new(Bytes::from(body)))
}

/// What the request log says of a request.
struct RequestFields {
    operation: &'static str,
    function: Option<String>,
    qualifier: Option<String>,
}

impl RequestFields {
    /// For a request that reached no operation.
    const NONE: RequestFields = RequestFields {
        operation: "",
        function: None,
        qualifier: None,
    };

    fn of(request: &http::Request<Bytes>) -> RequestFields {
        let Some(route) = route(request.method(), request.uri().path()) else {
            return RequestFields::NONE;
        };
        let qualifier = request.uri().query().and_then(|q| {
            Query::parse(q)
                .get("Qualifier")
                .map(std::borrow::Cow::into_owned)
        });
        RequestFields {
            operation: route.operation.name(),
            function: route
                .function(request.body())
                .map(|f| f.as_str().to_owned()),
            qualifier,
        }
    }
}

/// Why a body was not read.
enum BodyError {
    TooLarge,
    Timeout,
    Read(hyper::Error),
}

/// The body, if it is at most `limit` bytes and arrives within `timeout`. Memory is
/// bounded by `limit`, whatever the client declares or sends.
async fn read_body(
    mut body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut bytes = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Timeout),
            Ok(None) => return Ok(Bytes::from(bytes)),
            Ok(Some(Err(e))) => return Err(BodyError::Read(e)),
            Ok(Some(Ok(frame))) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                if bytes.len() + data.len() > limit {
                    discard(body).await;
                    return Err(BodyError::TooLarge);
                }
                if bytes.is_empty() && body_is_whole(&body) {
                    // One frame holds the whole body: keep it without copying.
                    return Ok(data);
                }
                bytes.extend_from_slice(&data);
            }
        }
    }
}

/// Whether nothing more will arrive on `body`.
fn body_is_whole(body: &Incoming) -> bool {
    hyper::body::Body::is_end_stream(body)
}

/// Reads and drops what the client is still sending, up to 8 MiB or one second, so that
/// closing the connection does not reset it before the client has read the answer.
/// Nothing is kept.
async fn discard(mut body: Incoming) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    let mut budget: usize = 8 << 20;
    while budget > 0 {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                let len = frame.data_ref().map_or(0, Bytes::len);
                budget = budget.saturating_sub(len.max(1));
            }
            _ => return,
        }
    }
}

/// The answer with `Connection: close`: the rest of the body was not read, so the
/// connection cannot carry another request.
fn closing(mut response: http::Response<Vec<u8>>) -> http::Response<Vec<u8>> {
    response.headers_mut().insert(
        http::header::CONNECTION,
        http::HeaderValue::from_static("close"),
    );
    response
}
