//! Command-line flags and their environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use lambda_versioning::{AccountId, Region};

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

/// The server's settings. Every flag also reads an environment variable (shown by
/// `--help`); a flag given on the command line wins.
#[derive(Clone, Debug, clap::Parser)]
#[command(
    name = "lambda-versioning-server",
    version,
    about = "An AWS Lambda control-plane endpoint (REST API 2015-03-31): versions, aliases, \
             weighted routing, policies, event source mappings, invoke configs, function URLs \
             and concurrency, with the service's rules and messages.",
    long_about = None
)]
pub struct Options {
    /// Address to listen on. Loopback by default; any other address logs a warning, since
    /// the server checks no signature. Port 0 picks a free port (printed at start).
    #[arg(long, env = "LV_ADDR", default_value = "127.0.0.1:9001")]
    pub addr: SocketAddr,

    /// AWS region of every ARN the server answers with.
    #[arg(long, env = "LV_REGION", default_value = "us-east-1")]
    pub region: Region,

    /// AWS account id of every ARN the server answers with.
    #[arg(long, env = "LV_ACCOUNT", default_value = "123456789012")]
    pub account: AccountId,

    /// Milliseconds after which a created or updated function settles (Pending → Active,
    /// InProgress → Successful) when state is kept in memory [default: 200]. With
    /// --data-dir or --store transitions settle before the answer is recorded (answers
    /// still say Pending / InProgress), so this flag is refused there.
    #[arg(long, env = "LV_SETTLE_MS")]
    pub settle_ms: Option<u64>,

    /// Largest request body accepted, in bytes; a larger one (declared or sent) is
    /// answered with the service's 413 without being read into memory.
    #[arg(long, env = "LV_MAX_BODY_BYTES", default_value_t = 8 << 20)]
    pub max_body_bytes: usize,

    /// Keep state in this directory (created if missing): every acknowledged change is
    /// journaled and fsynced before its answer leaves, and the state is rebuilt from it at
    /// start. One server per directory.
    #[arg(long, env = "LV_DATA_DIR", conflicts_with = "store")]
    pub data_dir: Option<PathBuf>,

    /// Share state with other server processes through PostgreSQL, e.g.
    /// `postgres://user@127.0.0.1:5432/lambda` or `host=… user=… dbname=…`.
    #[arg(long, env = "LV_STORE")]
    pub store: Option<String>,

    /// Database sessions for control-plane requests with --store (one more follows the
    /// store's change feed).
    #[arg(long, env = "LV_STORE_CONNECTIONS", default_value_t = 4)]
    pub store_connections: usize,

    /// Journal size in bytes past which --data-dir state is compacted into a snapshot.
    #[arg(long, env = "LV_COMPACT_BYTES", default_value_t = 64 << 20)]
    pub compact_bytes: u64,

    /// Log line format.
    #[arg(long, env = "LV_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// What to log, as a tracing filter: `info` logs one line per request; `warn` only
    /// problems; `lambda_versioning_server=debug` more.
    #[arg(long, env = "LV_LOG", default_value = "info")]
    pub log: String,

    /// Worker threads of the runtime.
    #[arg(long, env = "LV_THREADS", default_value_t = 2)]
    pub threads: usize,

    /// Connections served at once; the next ones wait in the listen backlog.
    #[arg(long, env = "LV_MAX_CONNECTIONS", default_value_t = 256)]
    pub max_connections: usize,

    /// Milliseconds a request's headers may take to arrive, also while a keep-alive
    /// connection waits for its next request (so idle connections are closed).
    #[arg(long, env = "LV_HEADER_TIMEOUT_MS", default_value_t = 5_000)]
    pub header_timeout_ms: u64,

    /// Milliseconds a request's body may take to arrive.
    #[arg(long, env = "LV_BODY_TIMEOUT_MS", default_value_t = 30_000)]
    pub body_timeout_ms: u64,

    /// Largest request head (request line and headers) in bytes (at least 8192).
    #[arg(long, env = "LV_MAX_HEADER_BYTES", default_value_t = 64 << 10)]
    pub max_header_bytes: usize,

    /// Milliseconds that requests in flight get to finish after SIGINT or SIGTERM.
    #[arg(long, env = "LV_SHUTDOWN_TIMEOUT_MS", default_value_t = 10_000)]
    pub shutdown_timeout_ms: u64,
}

impl Options {
    /// The settle delay, when state is in memory.
    pub fn settle_delay(&self) -> Duration {
        Duration::from_millis(self.settle_ms.unwrap_or(200))
    }

    /// Refuses combinations that cannot work, with the reason.
    ///
    /// # Errors
    ///
    /// The message to print.
    pub fn check(&self) -> Result<(), String> {
        if self.settle_ms.is_some() && (self.data_dir.is_some() || self.store.is_some()) {
            return Err(
                "--settle-ms applies to in-memory state only: with --data-dir or \
                        --store, transitions settle before the answer is recorded"
                    .to_owned(),
            );
        }
        if self.store_connections == 0 {
            return Err("--store-connections must be at least 1".to_owned());
        }
        Ok(())
    }
}
