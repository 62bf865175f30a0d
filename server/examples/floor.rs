//! The load benchmark's floor: the server's HTTP stack (same limits, same connection
//! handling, same body reading) answering every request with a fixed JSON body of a
//! given size, with no Lambda logic at all. See `server/bench/load.sh`.
//!
//! ```text
//! cargo run --release -p lambda-versioning-server --example floor -- --addr 127.0.0.1:0 --bytes 700
//! ```

use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use hyper::body::Bytes;
use lambda_versioning_server::http::{Handler, Limits, serve};

/// Flags.
#[derive(clap::Parser)]
struct Flags {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: std::net::SocketAddr,
    /// Size of the answer body, bytes.
    #[arg(long, default_value_t = 256)]
    bytes: usize,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// Answers every request with the same body.
struct Fixed(Vec<u8>);

impl Handler for Fixed {
    fn max_body_bytes(&self) -> usize {
        8 << 20
    }

    fn body_too_large(&self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(Vec::new());
        *response.status_mut() = http::StatusCode::PAYLOAD_TOO_LARGE;
        response
    }

    async fn answer(self: Arc<Self>, _request: http::Request<Bytes>) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.0.clone());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        response
    }
}

fn main() -> std::io::Result<()> {
    let flags = Flags::parse();
    // `{"x":"aaa…"}` of exactly `bytes` bytes (at least 8).
    let fill = flags.bytes.saturating_sub(8);
    let body = format!("{{\"x\":\"{}\"}}", "a".repeat(fill)).into_bytes();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(flags.threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(flags.addr).await?;
        println!("listening on http://{}", listener.local_addr()?);
        let limits = Limits {
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(30),
            max_header_bytes: 64 << 10,
            max_connections: 256,
            shutdown_timeout: Duration::from_secs(1),
        };
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        serve(listener, Arc::new(Fixed(body)), limits, stop).await;
        Ok(())
    })
}
