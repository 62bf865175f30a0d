//! A local endpoint that speaks the AWS Lambda REST API (2015-03-31) for versions,
//! aliases, policies and invocation routing, so the AWS CLI, boto3 or an AWS SDK can be
//! pointed at it.
//!
//! ```text
//! cargo run --example lambda_api -- [--addr 127.0.0.1:9001] [--region us-east-1]
//!     [--account 123456789012] [--settle-ms 200] [--max-body-bytes 8388608] [--threads 2]
//!     [--max-connections 256] [--header-timeout-ms 5000] [--body-timeout-ms 30000]
//!     [--max-header-bytes 65536]
//! ```
//!
//! Then, for example:
//!
//! ```text
//! aws --endpoint-url http://127.0.0.1:9001 --region us-east-1 lambda list-aliases --function-name my-fn
//! ```
//!
//! This is a development endpoint: it listens on loopback by default, accepts any SigV4
//! signature without checking it, keeps everything in memory, and runs no code (an
//! invoke answers which version the resolver chose). The first line it prints is
//! `listening on http://<addr>`, so a script can start it with `--addr 127.0.0.1:0` and
//! read the port.
//!
//! The HTTP side is hyper on tokio, bounded so that no client can exhaust it: headers
//! must arrive within `--header-timeout-ms` (also while a keep-alive connection waits for
//! its next request) and fit in `--max-header-bytes`; a body must arrive within
//! `--body-timeout-ms` and is kept at most up to `--max-body-bytes` (a larger declared or
//! sent body is answered with the service's 413 without allocating it; what the client is
//! still sending is read and dropped for up to a second, so that it can read the answer);
//! at most `--max-connections` connections are served at once, the next wait to be
//! accepted; a failed accept (`EMFILE` and the like) is retried after a pause instead of
//! ending the listener; responses go out with `TCP_NODELAY`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use lambda_versioning::wire::{Service, error_response};
use lambda_versioning::{AccountId, Error, ErrorKind, Region, Registry};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

struct Options {
    addr: SocketAddr,
    region: Region,
    account: AccountId,
    settle: Duration,
    max_body_bytes: usize,
    threads: usize,
    max_connections: usize,
    header_timeout: Duration,
    body_timeout: Duration,
    max_header_bytes: usize,
}

const USAGE: &str = "usage: lambda_api [--addr HOST:PORT] [--region REGION] [--account ACCOUNT_ID] \
[--settle-ms MILLIS] [--max-body-bytes BYTES] [--threads N] [--max-connections N] \
[--header-timeout-ms MILLIS] [--body-timeout-ms MILLIS] [--max-header-bytes BYTES]";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 9001)),
        region: Region::US_EAST_1,
        account: AccountId::EXAMPLE,
        settle: Duration::from_millis(200),
        max_body_bytes: 8 << 20,
        threads: 2,
        max_connections: 256,
        header_timeout: Duration::from_secs(5),
        body_timeout: Duration::from_secs(30),
        max_header_bytes: 64 << 10,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        let millis = |v: &str| v.parse().map(Duration::from_millis).map_err(|e| bad(&e));
        match flag.as_str() {
            "--addr" => options.addr = value.parse().map_err(|e| bad(&e))?,
            "--region" => options.region = value.parse().map_err(|e| bad(&e))?,
            "--account" => options.account = value.parse().map_err(|e| bad(&e))?,
            "--settle-ms" => options.settle = millis(&value)?,
            "--max-body-bytes" => options.max_body_bytes = value.parse().map_err(|e| bad(&e))?,
            "--threads" => options.threads = value.parse().map_err(|e| bad(&e))?,
            "--max-connections" => options.max_connections = value.parse().map_err(|e| bad(&e))?,
            "--header-timeout-ms" => options.header_timeout = millis(&value)?,
            "--body-timeout-ms" => options.body_timeout = millis(&value)?,
            "--max-header-bytes" => {
                options.max_header_bytes = value.parse().map_err(|e| bad(&e))?
            }
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    options.threads = options.threads.max(1);
    options.max_connections = options.max_connections.max(1);
    // hyper needs room for at least one buffered read.
    options.max_header_bytes = options.max_header_bytes.max(8192);
    Ok(options)
}

/// The limits one connection is served with.
#[derive(Clone, Copy)]
struct Limits {
    body_timeout: Duration,
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads)
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(options)),
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    }
}

async fn serve(options: Options) {
    let registry = Registry::builder()
        .region(options.region.clone())
        .account(options.account)
        .build();
    let service = Arc::new(
        Service::builder(registry)
            .settle_delay(options.settle)
            .max_body_bytes(options.max_body_bytes)
            .build(),
    );
    let listener = match TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", options.addr);
            std::process::exit(1);
        }
    };
    let bound = listener
        .local_addr()
        .map_or_else(|_| options.addr.to_string(), |a| a.to_string());
    println!("listening on http://{bound}");
    println!(
        "region {} account {}; try: aws --endpoint-url http://{bound} --region {} lambda list-versions-by-function --function-name my-fn",
        options.region, options.account, options.region
    );
    if !options.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on a non-loopback address; this endpoint checks no signatures"
        );
    }

    let connections = Arc::new(Semaphore::new(options.max_connections));
    let limits = Limits {
        body_timeout: options.body_timeout,
    };
    loop {
        // At most `max_connections` at once: the next connection waits in the backlog.
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // EMFILE, ECONNABORTED and the like pass: keep the listener, pause, retry.
                eprintln!("accept failed ({e}); retrying");
                drop(permit);
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = Arc::clone(&service);
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(options.header_timeout)
            .max_buf_size(options.max_header_bytes)
            .keep_alive(true);
        tokio::spawn(async move {
            let answer = service_fn(move |request| {
                let service = Arc::clone(&service);
                async move { Ok::<_, std::convert::Infallible>(answer(&service, request, limits).await) }
            });
            // A client that breaks the protocol or times out only ends its own connection.
            let _ = http.serve_connection(TokioIo::new(stream), answer).await;
            drop(permit);
        });
    }
}

/// Answers one request: the body is read up to the service's limit and within the body
/// timeout, then the service answers.
async fn answer(
    service: &Service,
    request: hyper::Request<Incoming>,
    limits: Limits,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let limit = service.max_body_bytes();
    let declared_too_large = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u128>().ok())
        .is_some_and(|n| n > limit as u128);
    let response = if declared_too_large {
        // Refused on the declared length: nothing of the body is kept.
        discard(body).await;
        closing(service.body_too_large())
    } else {
        match read_body(body, limit, limits.body_timeout).await {
            Ok(bytes) => service.handle(http::Request::from_parts(parts, bytes)),
            Err(BodyError::TooLarge) => closing(service.body_too_large()),
            Err(BodyError::Read(e)) => closing(error_response(&Error::new(
                ErrorKind::InvalidRequestContent,
                format!("Could not read request body: {e}"),
            ))),
            Err(BodyError::Timeout) => closing(error_response(&Error::new(
                ErrorKind::InvalidRequestContent,
                format!(
                    "Could not read request body: it did not arrive within {} ms",
                    limits.body_timeout.as_millis()
                ),
            ))),
        }
    };
    response.map(|body| Full::new(Bytes::from(body)))
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
                bytes.extend_from_slice(&data);
            }
        }
    }
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
