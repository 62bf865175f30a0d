//! Measures the PostgreSQL-backed registry (feature `postgres`):
//!
//! 1. propagation: the time from an alias update's commit until 1, 4 and 16 followers
//!    (threads of this process, each with its own store session) all resolve the new
//!    route — median and max over many updates;
//! 2. control-plane throughput: alias updates per second with 1, 2 and 4 replicas (each
//!    its own session, each updating its own function) against one store;
//! 3. cost by function size: the mean time of one alias update on a function with 10
//!    versions and on one with 1 000 (the store keeps each function as one row, so an
//!    update reads and rewrites all of it).
//!
//! ```text
//! .ci/with-postgres cargo run --release --features postgres --example store_bench [-- --quick]
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, UpdateAliasRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::store::{SharedRegistry, StoreFollower};
use lambda_versioning::{Code, Error, FunctionConfig, Registry};

const ROLE: &str = "arn:aws:iam::123456789012:role/exec";

fn setup(control: &mut SharedRegistry, name: &str) -> Result<(), Error> {
    let config = FunctionConfig::new(ROLE, Code::from_zip_bytes(b"1"));
    let _ = control.execute(CreateFunctionRequest::new(name, config), |r, q| {
        r.create_function(q)
    });
    for code in [b"a", b"b"] {
        control.execute(
            UpdateFunctionCodeRequest::new(name, Code::from_zip_bytes(code)).with_publish(true),
            |r, q| r.update_function_code(q),
        )?;
    }
    let _ = control.execute(CreateAliasRequest::new(name, "live", "1"), |r, q| {
        r.create_alias(q)
    });
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn propagation(url: &str, followers: usize, updates: usize) -> Result<(Duration, Duration), Error> {
    let name = format!("bench-propagation-{followers}");
    let mut control = SharedRegistry::connect(url, Registry::builder)?;
    setup(&mut control, &name)?;
    // What each follower last resolved (1 or 2) and when it first saw it.
    let seen: Arc<Vec<Mutex<(u64, Instant)>>> = Arc::new(
        (0..followers)
            .map(|_| Mutex::new((0, Instant::now())))
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..followers)
        .map(|i| {
            let (seen, stop, ready, url, name) = (
                Arc::clone(&seen),
                Arc::clone(&stop),
                Arc::clone(&ready),
                url.to_owned(),
                name.clone(),
            );
            std::thread::spawn(move || -> Result<(), Error> {
                let mut follower = StoreFollower::connect(&url, Registry::builder)?;
                let resolver = follower.resolver();
                ready.fetch_add(1, Ordering::SeqCst);
                while !stop.load(Ordering::Relaxed) {
                    follower.poll(Duration::from_millis(20))?;
                    let now = resolver
                        .resolve_fast(&name, Some("live"))
                        .ok()
                        .and_then(|r| r.executed_version().number())
                        .map_or(0, |n| n.get());
                    let mut slot = seen[i].lock().unwrap_or_else(|e| e.into_inner());
                    if slot.0 != now {
                        *slot = (now, Instant::now());
                    }
                }
                Ok(())
            })
        })
        .collect();
    while ready.load(Ordering::SeqCst) < followers as u64 {
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut latencies = Vec::with_capacity(updates);
    for u in 0..updates {
        let target: u64 = if u.is_multiple_of(2) { 2 } else { 1 };
        control.execute(
            UpdateAliasRequest::new(name.as_str(), "live")
                .with_function_version(target.to_string()),
            |r, q| r.update_alias(q),
        )?;
        let committed = Instant::now();
        let deadline = committed + Duration::from_secs(10);
        let worst = loop {
            let slots: Vec<(u64, Instant)> = seen
                .iter()
                .map(|s| *s.lock().unwrap_or_else(|e| e.into_inner()))
                .collect();
            if slots.iter().all(|(v, _)| *v == target) {
                break slots
                    .iter()
                    .map(|(_, at)| at.saturating_duration_since(committed))
                    .max()
                    .unwrap_or_default();
            }
            if Instant::now() > deadline {
                return Err(Error::new(
                    lambda_versioning::ErrorKind::Service,
                    "a follower did not converge in 10 s",
                ));
            }
            std::thread::yield_now();
        };
        latencies.push(worst);
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().map_err(|_| {
            Error::new(lambda_versioning::ErrorKind::Service, "follower panicked")
        })??;
    }
    latencies.sort_unstable();
    Ok((
        percentile(&latencies, 0.5),
        *latencies.last().unwrap_or(&Duration::ZERO),
    ))
}

fn throughput(url: &str, replicas: usize, run: Duration) -> Result<f64, Error> {
    let start = Arc::new(std::sync::Barrier::new(replicas));
    let threads: Vec<_> = (0..replicas)
        .map(|i| {
            let (url, start) = (url.to_owned(), Arc::clone(&start));
            std::thread::spawn(move || -> Result<u64, Error> {
                let name = format!("bench-ops-{replicas}-{i}");
                let mut control = SharedRegistry::connect(&url, Registry::builder)?;
                setup(&mut control, &name)?;
                start.wait();
                let begin = Instant::now();
                let mut ops = 0u64;
                while begin.elapsed() < run {
                    let target = if ops.is_multiple_of(2) { "2" } else { "1" };
                    control.execute(
                        UpdateAliasRequest::new(name.as_str(), "live")
                            .with_function_version(target),
                        |r, q| r.update_alias(q),
                    )?;
                    ops += 1;
                }
                Ok(ops)
            })
        })
        .collect();
    let mut total = 0;
    for t in threads {
        total += t
            .join()
            .map_err(|_| Error::new(lambda_versioning::ErrorKind::Service, "replica panicked"))??;
    }
    Ok(total as f64 / run.as_secs_f64())
}

/// Mean time of one `UpdateAlias` on a function with `versions` published versions.
fn cost_by_size(url: &str, versions: usize, updates: usize) -> Result<Duration, Error> {
    let name = format!("bench-size-{versions}-{}", std::process::id());
    let mut control = SharedRegistry::connect(url, Registry::builder)?;
    // Built in one commit: the versions, then the alias.
    control.execute_named(&name, |r| {
        let config = FunctionConfig::new(ROLE, Code::from_zip_bytes(b"0"));
        r.create_function(CreateFunctionRequest::new(name.as_str(), config))?;
        for i in 0..versions {
            r.update_function_code(
                UpdateFunctionCodeRequest::new(
                    name.as_str(),
                    Code::from_zip_bytes(format!("release {i}").as_bytes()),
                )
                .with_publish(true),
            )?;
        }
        r.create_alias(CreateAliasRequest::new(name.as_str(), "live", "1"))
    })?;
    let begin = Instant::now();
    for i in 0..updates {
        let target = if i % 2 == 0 { "2" } else { "1" };
        control.execute(
            UpdateAliasRequest::new(name.as_str(), "live").with_function_version(target),
            |r, q| r.update_alias(q),
        )?;
    }
    Ok(begin.elapsed() / u32::try_from(updates).unwrap_or(u32::MAX))
}

fn main() -> Result<(), Error> {
    let quick = std::env::args().any(|a| a == "--quick");
    let url = std::env::var("LV_POSTGRES_URL").map_err(|_| {
        Error::new(
            lambda_versioning::ErrorKind::Service,
            "set LV_POSTGRES_URL (or run through .ci/with-postgres)",
        )
    })?;
    let updates = if quick { 20 } else { 300 };
    println!(
        "propagation: alias update commit -> every follower resolves the new route ({updates} updates each)"
    );
    println!("  followers   median      max");
    for followers in [1, 4, 16] {
        let (median, max) = propagation(&url, followers, updates)?;
        println!(
            "  {followers:>9}   {:>6.2} ms  {:>6.2} ms",
            median.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
    let run = if quick {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(3)
    };
    println!(
        "control plane: UpdateAlias per second, each replica on its own function ({:?} each)",
        run
    );
    for replicas in [1, 2, 4] {
        println!(
            "  {replicas} replica(s): {:>8.0} ops/s",
            throughput(&url, replicas, run)?
        );
    }
    let updates = if quick { 10 } else { 100 };
    println!("cost by function size: mean UpdateAlias time, one replica ({updates} updates)");
    let small = cost_by_size(&url, 10, updates)?;
    let large = cost_by_size(&url, 1000, updates)?;
    println!(
        "  {:>5} versions: {:>8.2} ms",
        10,
        small.as_secs_f64() * 1e3
    );
    println!(
        "  {:>5} versions: {:>8.2} ms  ({:.1}x the 10-version cost)",
        1000,
        large.as_secs_f64() * 1e3,
        large.as_secs_f64() / small.as_secs_f64()
    );
    Ok(())
}
