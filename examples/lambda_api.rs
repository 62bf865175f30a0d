//! A local endpoint that speaks the AWS Lambda REST API (2015-03-31) for versions,
//! aliases, policies and invocation routing, so the AWS CLI, boto3 or an AWS SDK can be
//! pointed at it.
//!
//! ```text
//! cargo run --example lambda_api -- [--addr 127.0.0.1:9001] [--region us-east-1]
//!     [--account 123456789012] [--settle-ms 200] [--max-body-bytes 8388608] [--threads 4]
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

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lambda_versioning::wire::{Service, error_response, unknown_operation};
use lambda_versioning::{AccountId, Error, ErrorKind, Region, Registry};

struct Options {
    addr: SocketAddr,
    region: Region,
    account: AccountId,
    settle: Duration,
    max_body_bytes: usize,
    threads: usize,
}

const USAGE: &str = "usage: lambda_api [--addr HOST:PORT] [--region REGION] [--account ACCOUNT_ID] \
[--settle-ms MILLIS] [--max-body-bytes BYTES] [--threads N]";

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 9001)),
        region: Region::US_EAST_1,
        account: AccountId::EXAMPLE,
        settle: Duration::from_millis(200),
        max_body_bytes: 8 << 20,
        threads: 4,
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
        match flag.as_str() {
            "--addr" => options.addr = value.parse().map_err(|e| bad(&e))?,
            "--region" => options.region = value.parse().map_err(|e| bad(&e))?,
            "--account" => options.account = value.parse().map_err(|e| bad(&e))?,
            "--settle-ms" => {
                options.settle = Duration::from_millis(value.parse().map_err(|e| bad(&e))?)
            }
            "--max-body-bytes" => options.max_body_bytes = value.parse().map_err(|e| bad(&e))?,
            "--threads" => options.threads = value.parse().map_err(|e| bad(&e))?,
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    options.threads = options.threads.max(1);
    Ok(options)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
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
    let server = match tiny_http::Server::http(options.addr) {
        Ok(server) => Arc::new(server),
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", options.addr);
            std::process::exit(1);
        }
    };
    let bound = server
        .server_addr()
        .to_ip()
        .map_or_else(|| options.addr.to_string(), |a| a.to_string());
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
    let _ = std::io::stdout().flush();

    let workers: Vec<_> = (0..options.threads)
        .map(|_| {
            let server = Arc::clone(&server);
            let service = Arc::clone(&service);
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    serve(&service, request);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
}

/// Answers one request; nothing a client sends can make this panic.
fn serve(service: &Service, mut request: tiny_http::Request) {
    let limit = service.max_body_bytes();
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut body);
    let oversized = body.len() > limit;
    let response = match (read, to_http_request(&request, body)) {
        (Err(e), _) => error_response(&Error::new(
            ErrorKind::InvalidRequestContent,
            format!("Could not read request body: {e}"),
        )),
        (Ok(_), Ok(http_request)) => service.handle(http_request),
        (Ok(_), Err(e)) => error_response(&e),
    };
    let status = response.status().as_u16();
    let mut reply =
        tiny_http::Response::from_data(response.body().clone()).with_status_code(status);
    for (name, value) in response.headers() {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_str(), value.as_bytes()) {
            reply.add_header(header);
        }
    }
    if oversized {
        // The rest of the body was not read: do not reuse the connection.
        if let Ok(header) = tiny_http::Header::from_bytes("Connection", "close") {
            reply.add_header(header);
        }
    }
    let _ = request.respond(reply);
}

fn to_http_request(
    request: &tiny_http::Request,
    body: Vec<u8>,
) -> Result<http::Request<Vec<u8>>, Error> {
    // A method or URL the `http` crate cannot represent is bound to no operation; the
    // library words that answer (with the method as `GET` when it has none).
    let unknown = || {
        let method = http::Method::from_bytes(request.method().as_str().as_bytes())
            .unwrap_or(http::Method::GET);
        unknown_operation(&method, request.url())
    };
    let method =
        http::Method::from_bytes(request.method().as_str().as_bytes()).map_err(|_| unknown())?;
    let mut builder = http::Request::builder().method(method).uri(request.url());
    for header in request.headers() {
        builder = builder.header(header.field.as_str().as_str(), header.value.as_str());
    }
    builder.body(body).map_err(|_| unknown())
}
