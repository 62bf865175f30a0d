//! Embedding `wire::Service` in another server framework: axum, in a few lines.
//!
//! The library owns no socket; any framework that hands over an `http::Request` can serve
//! the Lambda API. This example routes `/health` itself, sends everything else to the
//! service, and refuses oversized bodies without reading them past the limit (axum's
//! `to_bytes` stops there; the service's `body_too_large` gives the answer `handle` would
//! have given). It then talks to itself over loopback and exits.
//!
//! `cargo run --example axum_embed`

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::get;
use lambda_versioning::Registry;
use lambda_versioning::wire::Service;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Every request that is not `/health`: read at most the service's limit, then answer.
async fn lambda_api(State(service): State<Arc<Service>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let response = match to_bytes(body, service.max_body_bytes()).await {
        Ok(bytes) => service.handle(http::Request::from_parts(parts, bytes)),
        Err(_) => service.body_too_large(),
    };
    response.map(Body::from)
}

/// One request over a fresh loopback connection; the status line and body.
async fn call(addr: std::net::SocketAddr, request: String) -> std::io::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    Ok((status, body))
}

fn post(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = Arc::new(
        Service::builder(Registry::builder().build())
            .max_body_bytes(64 * 1024)
            .build(),
    );
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .fallback(lambda_api)
        .with_state(service);

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("serving the Lambda API through axum on http://{addr}");

    let health = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let (status, body) = call(addr, health.to_owned()).await?;
    println!("GET /health -> {status}: {body}");
    assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "ok"));

    let alias = r#"{"Name":"live","FunctionVersion":"1"}"#;
    let (status, body) = call(addr, post("/2015-03-31/functions/checkout/aliases", alias)).await?;
    println!("CreateAlias on a missing function -> {status}: {body}");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
    assert_eq!(
        body,
        r#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:checkout:1"}"#
    );

    let huge = "x".repeat(100 * 1024);
    let (status, body) = call(addr, post("/2015-03-31/functions", &huge)).await?;
    println!("CreateFunction with a 100 KiB body -> {status}: {body}");
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(
        body,
        r#"{"Type":"User","message":"Request must be smaller than 65536 bytes"}"#
    );
    Ok(())
}
