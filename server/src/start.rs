//! Start-up and shutdown: logging, the state backend, the listener, signals.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lambda_versioning::Registry;
use lambda_versioning::wire::Service;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::backend::Backend;
use crate::durable::Durable;
use crate::http::{Limits, serve};
use crate::journal::Journal;
use crate::options::{LogFormat, Options};
use crate::shared::{Make, Shared};

/// Runs the server until SIGINT or SIGTERM; returns the process exit code (0 after a
/// clean shutdown, 1 when it could not start, 2 for invalid flags).
///
/// Stdout carries one line, `listening on http://<addr>`, once the server is ready (so a
/// script can start it with `--addr 127.0.0.1:0` and read the port); logs go to stderr.
pub fn run(options: Options) -> i32 {
    if let Err(problem) = options.check() {
        eprintln!("error: {problem}");
        return 2;
    }
    let filter = match EnvFilter::try_new(&options.log) {
        Ok(filter) => filter,
        Err(e) => {
            eprintln!("error: --log {}: {e}", options.log);
            return 2;
        }
    };
    let (writer, _flush_on_exit) = tracing_appender::non_blocking(std::io::stderr());
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let installed = match options.log_format {
        LogFormat::Text => subscriber.try_init(),
        LogFormat::Json => subscriber.json().flatten_event(true).try_init(),
    };
    if let Err(e) = installed {
        eprintln!("error: cannot set up logging: {e}");
        return 1;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads.max(1))
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the runtime");
            return 1;
        }
    };
    let code = runtime.block_on(run_async(options));
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

async fn run_async(options: Options) -> i32 {
    let started = Instant::now();
    let region = options.region.clone();
    let account = options.account;
    let make: Make = Arc::new(move || Registry::builder().region(region.clone()).account(account));
    let backend = {
        let options = options.clone();
        let make = Arc::clone(&make);
        tokio::task::spawn_blocking(move || open_backend(&options, make)).await
    };
    let backend = match backend {
        Ok(Ok(backend)) => Arc::new(backend),
        Ok(Err(problem)) => {
            tracing::error!("{problem}");
            return 1;
        }
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return 1;
        }
    };
    let listener = match TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(addr = %options.addr, error = %e, "cannot listen");
            backend.close();
            return 1;
        }
    };
    let bound = listener
        .local_addr()
        .map_or_else(|_| options.addr.to_string(), |a| a.to_string());
    if !options.addr.ip().is_loopback() {
        tracing::warn!(
            addr = %bound,
            "listening on a non-loopback address; this endpoint checks no signatures"
        );
    }
    tracing::info!(
        addr = %bound,
        region = %options.region,
        account = %options.account,
        state = state_name(&options),
        start_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "ready"
    );
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "listening on http://{bound}");
        let _ = stdout.flush();
    }
    let limits = Limits {
        header_timeout: Duration::from_millis(options.header_timeout_ms),
        body_timeout: Duration::from_millis(options.body_timeout_ms),
        max_header_bytes: options.max_header_bytes,
        max_connections: options.max_connections,
        shutdown_timeout: Duration::from_millis(options.shutdown_timeout_ms),
    };
    let report = serve(listener, Arc::clone(&backend), limits, shutdown_signal()).await;
    if !report.drained {
        tracing::warn!("some connections were still open after the shutdown timeout");
    }
    let closing = Arc::clone(&backend);
    let _ = tokio::task::spawn_blocking(move || closing.close()).await;
    tracing::info!(connections = report.connections, "shutdown complete");
    0
}

fn state_name(options: &Options) -> &'static str {
    if options.data_dir.is_some() {
        "data-dir"
    } else if options.store.is_some() {
        "postgres"
    } else {
        "memory"
    }
}

/// Opens the state the flags ask for (blocking).
fn open_backend(options: &Options, make: Make) -> Result<Backend, String> {
    if let Some(dir) = &options.data_dir {
        let (journal, recovered) =
            Journal::open(dir, || make()).map_err(|e| format!("cannot open --data-dir: {e}"))?;
        if recovered.truncated > 0 {
            tracing::warn!(
                bytes = recovered.truncated,
                "the journal ended with a torn record (a change that was never acknowledged); truncated it"
            );
        }
        tracing::info!(
            dir = %dir.display(),
            generation = recovered.generation,
            replayed = recovered.replayed,
            "state recovered"
        );
        let service = Arc::new(
            Service::builder(recovered.registry)
                .settle_immediately()
                .max_body_bytes(options.max_body_bytes)
                .build(),
        );
        let durable = Durable::new(service, journal, options.compact_bytes)
            .map_err(|e| format!("cannot open --data-dir: {e}"))?;
        if recovered.replayed >= COMPACT_AT_START_RECORDS {
            durable.compact();
        }
        return Ok(Backend::Durable(Arc::new(durable)));
    }
    if let Some(url) = &options.store {
        let shared = Shared::connect(url, options.store_connections, make, options.max_body_bytes)
            .map_err(|e| format!("cannot use --store: {}", e.message()))?;
        return Ok(Backend::Shared(Arc::new(shared)));
    }
    let service = Service::builder(make().build())
        .settle_delay(options.settle_delay())
        .max_body_bytes(options.max_body_bytes)
        .build();
    Ok(Backend::Memory(Arc::new(service)))
}

/// A journal of this many records is folded into a snapshot at start, so that the next
/// start is quick even if this run ends in a crash.
const COMPACT_AT_START_RECORDS: u64 = 10_000;

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "shutting down"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutting down"),
    }
}
