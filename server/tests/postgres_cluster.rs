//! Three server processes sharing one PostgreSQL database (`--store`), driven by real
//! HTTP clients: concurrent publishers and alias updaters spread over the servers, one
//! server SIGKILLed and restarted mid-run, the database restarted once. Afterwards no
//! acknowledged write is lost, no version number repeats, and every server invokes the
//! final routing. Then it measures how long an alias update takes to reach every
//! server's invocations, and control-plane throughput with 1, 2 and 3 servers.
//!
//! Needs `.ci/with-postgres` (it sets `LV_POSTGRES_URL`, `LV_PG_BINDIR`, `LV_PG_DATA`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use common::{Server, agent, call, create_body, scratch_dir, send};

/// A scope of its own, so that other store tests' functions are not in the way.
const ACCOUNT: &str = "210987654321";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run through .ci/with-postgres"))
}

fn start(url: &str, dir: &std::path::Path, name: &str) -> Server {
    Server::start(
        &[
            "--store",
            url,
            "--account",
            ACCOUNT,
            "--log",
            "warn",
            "--store-connections",
            "4",
        ],
        &dir.join(name),
    )
}

/// Restarts the database server (as the `postgres` user when running as root).
fn restart_database() {
    let pg_ctl = format!("{}/pg_ctl", env("LV_PG_BINDIR"));
    let data = env("LV_PG_DATA");
    let args = [
        pg_ctl.as_str(),
        "-D",
        data.as_str(),
        "-m",
        "fast",
        "-w",
        "restart",
    ];
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let status = if root {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .args(args)
            .status()
    } else {
        Command::new(args[0]).args(&args[1..]).status()
    };
    assert!(
        status.expect("run pg_ctl").success(),
        "pg_ctl restart failed"
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Retries a request through failures (a killed server, a restarting database) until it
/// gets a definite answer or 20 s pass. `None`: never answered.
fn definite(
    bases: &RwLock<Vec<String>>,
    i: usize,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Option<common::Answer> {
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut k = i;
    while Instant::now() < deadline {
        let base = {
            let b = bases.read().unwrap();
            b[k % b.len()].clone()
        };
        match send(&agent, method, &format!("{base}{path}"), body) {
            Ok(answer) if answer.status < 500 => return Some(answer),
            _ => {
                k += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    None
}

#[test]
fn three_servers_one_database_lose_nothing_and_converge() {
    let url = env("LV_POSTGRES_URL");
    let dir = scratch_dir("pg-cluster");
    let mut servers: Vec<Server> = (0..3)
        .map(|i| start(&url, &dir, &format!("log{i}")))
        .collect();
    let bases = Arc::new(RwLock::new(
        servers.iter().map(|s| s.base.clone()).collect::<Vec<_>>(),
    ));
    let agent = agent();
    let f = format!("orders-{}", std::process::id());
    let fpath = format!("/2015-03-31/functions/{f}");
    let created = call(
        &agent,
        "POST",
        &format!("{}/2015-03-31/functions", servers[0].base),
        Some(&create_body(&f)),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let v1 = call(
        &agent,
        "POST",
        &format!("{}{fpath}/versions", servers[1].base),
        Some("{}"),
    );
    assert_eq!(v1.status, 201, "{}", v1.body);
    let alias = call(
        &agent,
        "POST",
        &format!("{}{fpath}/aliases", servers[2].base),
        Some(r#"{"Name":"live","FunctionVersion":"1"}"#),
    );
    assert_eq!(alias.status, 201, "{}", alias.body);

    // Writers: two publishers and two alias updaters, each spreading requests over the
    // servers.
    let stop = Arc::new(AtomicBool::new(false));
    let published: Arc<Mutex<Vec<(u64, String)>>> = Arc::default();
    let moves: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let conflicts = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for p in 0..2 {
        let (bases, stop, published, fpath) = (
            Arc::clone(&bases),
            Arc::clone(&stop),
            Arc::clone(&published),
            fpath.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut i = p;
            while !stop.load(Ordering::Acquire) {
                let body = format!(r#"{{"Description":"publisher {p} change {i}"}}"#);
                let _ = definite(
                    &bases,
                    i,
                    "PUT",
                    &format!("{fpath}/configuration"),
                    Some(&body),
                );
                if let Some(answer) = definite(
                    &bases,
                    i + 1,
                    "POST",
                    &format!("{fpath}/versions"),
                    Some("{}"),
                ) {
                    assert!(
                        answer.status == 201 || answer.status == 412 || answer.status == 409,
                        "{answer:?}"
                    );
                    if answer.status == 201 {
                        let v = answer.json();
                        let n: u64 = v["Version"].as_str().unwrap().parse().unwrap();
                        published
                            .lock()
                            .unwrap()
                            .push((n, v["RevisionId"].as_str().unwrap().to_owned()));
                    }
                }
                i += 2;
            }
        }));
    }
    for u in 0..2 {
        let (bases, stop, published, moves, conflicts, fpath) = (
            Arc::clone(&bases),
            Arc::clone(&stop),
            Arc::clone(&published),
            Arc::clone(&moves),
            Arc::clone(&conflicts),
            fpath.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut i = u;
            while !stop.load(Ordering::Acquire) {
                let target = published.lock().unwrap().last().map_or(1, |(n, _)| *n);
                let Some(current) =
                    definite(&bases, i, "GET", &format!("{fpath}/aliases/live"), None)
                else {
                    continue;
                };
                let revision = current.json()["RevisionId"].as_str().unwrap().to_owned();
                let body = format!(r#"{{"FunctionVersion":"{target}","RevisionId":"{revision}"}}"#);
                if let Some(answer) = definite(
                    &bases,
                    i + 1,
                    "PUT",
                    &format!("{fpath}/aliases/live"),
                    Some(&body),
                ) {
                    match answer.status {
                        200 => moves.lock().unwrap().push(answer.json()),
                        412 => {
                            conflicts.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => panic!("{answer:?}"),
                    }
                }
                i += 1;
            }
        }));
    }

    std::thread::sleep(Duration::from_secs(2));
    // One server dies mid-run and comes back on a new port.
    let victim = servers.remove(2);
    victim.kill();
    bases.write().unwrap().truncate(2);
    std::thread::sleep(Duration::from_millis(500));
    let restarted = start(&url, &dir, "log2-restarted");
    bases.write().unwrap().push(restarted.base.clone());
    servers.push(restarted);
    std::thread::sleep(Duration::from_secs(1));
    // The database restarts once.
    restart_database();
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Release);
    for t in threads {
        t.join().expect("writer thread");
    }

    let published = published.lock().unwrap().clone();
    let moves = moves.lock().unwrap().clone();
    eprintln!(
        "acknowledged: {} publishes, {} alias moves, {} RevisionId conflicts (412)",
        published.len(),
        moves.len(),
        conflicts.load(Ordering::Relaxed)
    );
    assert!(
        published.len() >= 10 && moves.len() >= 10,
        "too little work done"
    );
    // No version number was handed out for two different versions. (The same version
    // may be answered twice: publishing with nothing changed since the last publish
    // returns that version, and the two publishers often publish each other's change.)
    let mut by_number: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    for (n, revision) in &published {
        by_number.entry(*n).or_default().insert(revision);
    }
    for (n, revisions) in &by_number {
        assert_eq!(
            revisions.len(),
            1,
            "version {n} was handed out twice: {revisions:?}"
        );
    }

    // Every acknowledged publish is there, on every server, exactly as answered.
    let mut final_alias = None;
    for server in &servers {
        let mut listed: BTreeMap<String, String> = BTreeMap::new();
        for v in common::list_versions(&agent, &format!("{}{fpath}", server.base)) {
            let previous = listed.insert(
                v["Version"].as_str().unwrap().to_owned(),
                v["RevisionId"].as_str().unwrap().to_owned(),
            );
            assert_eq!(previous, None, "a version listed twice");
        }
        for (n, revision) in &published {
            assert_eq!(
                listed.get(&n.to_string()),
                Some(revision),
                "version {n} on {}",
                server.base
            );
        }
        let alias = call(
            &agent,
            "GET",
            &format!("{}{fpath}/aliases/live", server.base),
            None,
        )
        .json();
        match &final_alias {
            None => final_alias = Some(alias),
            Some(first) => assert_eq!(&alias, first, "servers disagree on the alias"),
        }
    }
    let final_alias = final_alias.unwrap();
    // The last acknowledged move is what the alias says (or a later one: moves of the two
    // updaters interleave, and the alias's RevisionId is among the acknowledged ones).
    assert!(
        moves
            .iter()
            .any(|m| m["RevisionId"] == final_alias["RevisionId"]),
        "the alias's state was never acknowledged: {final_alias}"
    );

    // Every server invokes the final routing.
    let version = final_alias["FunctionVersion"].as_str().unwrap().to_owned();
    for server in &servers {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answer = call(
                &agent,
                "POST",
                &format!("{}{fpath}/invocations?Qualifier=live", server.base),
                Some("{}"),
            );
            if answer.executed_version.as_deref() == Some(version.as_str()) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{} still invokes {:?}, not {version}",
                server.base,
                answer.executed_version
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    convergence(&servers, &fpath, &version);
    throughput(&servers, &fpath);
}

/// Commit → every server invokes the new routing, over `rounds` alias moves.
fn convergence(servers: &[Server], fpath: &str, a: &str) {
    let rounds: usize = std::env::var("LV_CONVERGENCE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let agent = agent();
    let mut delays = Vec::new();
    for round in 0..rounds {
        let target = if round % 2 == 0 { "1" } else { a };
        let writer = &servers[round % servers.len()];
        let moved = call(
            &agent,
            "PUT",
            &format!("{}{fpath}/aliases/live", writer.base),
            Some(&format!(r#"{{"FunctionVersion":"{target}"}}"#)),
        );
        assert_eq!(moved.status, 200, "{}", moved.body);
        let committed = Instant::now();
        let waits: Vec<_> = servers
            .iter()
            .map(|s| {
                let url = format!("{}{fpath}/invocations?Qualifier=live", s.base);
                let target = target.to_owned();
                std::thread::spawn(move || {
                    let agent = common::agent();
                    loop {
                        let answer = call(&agent, "POST", &url, Some("{}"));
                        if answer.executed_version.as_deref() == Some(target.as_str()) {
                            return committed.elapsed();
                        }
                        assert!(
                            committed.elapsed() < Duration::from_secs(10),
                            "no convergence within 10 s"
                        );
                    }
                })
            })
            .collect();
        let slowest = waits.into_iter().map(|w| w.join().unwrap()).max().unwrap();
        delays.push(slowest);
    }
    delays.sort();
    eprintln!(
        "convergence (alias update answered -> every server invokes it), {} rounds: p50 {:?}, p99 {:?}, max {:?}",
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays[delays.len() - 1]
    );
}

/// Control-plane throughput with 1, 2 and 3 servers: 8 client threads, each moving the
/// alias of a function of its own (so that the figure is not one row's lock queue), then
/// the same with all 8 on one function.
fn throughput(servers: &[Server], fpath: &str) {
    let seconds: u64 = std::env::var("LV_THROUGHPUT_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let agent = agent();
    let own: Vec<String> = (0..8)
        .map(|t| {
            let f = format!("tp-{}-{t}", std::process::id());
            let base = &servers[0].base;
            assert_eq!(
                call(
                    &agent,
                    "POST",
                    &format!("{base}/2015-03-31/functions"),
                    Some(&create_body(&f))
                )
                .status,
                201
            );
            assert_eq!(
                call(
                    &agent,
                    "POST",
                    &format!("{base}/2015-03-31/functions/{f}/versions"),
                    Some("{}")
                )
                .status,
                201
            );
            assert_eq!(
                call(
                    &agent,
                    "POST",
                    &format!("{base}/2015-03-31/functions/{f}/aliases"),
                    Some(r#"{"Name":"live","FunctionVersion":"1"}"#)
                )
                .status,
                201
            );
            format!("/2015-03-31/functions/{f}")
        })
        .collect();
    for (label, paths) in [
        ("a function per client", own.clone()),
        ("one function", vec![fpath.to_owned(); 8]),
    ] {
        for count in 1..=servers.len() {
            let bases: Vec<String> = servers[..count].iter().map(|s| s.base.clone()).collect();
            let done = Arc::new(AtomicU64::new(0));
            let until = Instant::now() + Duration::from_secs(seconds);
            let threads: Vec<_> = paths
                .iter()
                .enumerate()
                .map(|(t, path)| {
                    let (bases, done, path) = (bases.clone(), Arc::clone(&done), path.clone());
                    std::thread::spawn(move || {
                        let agent = common::agent();
                        let mut i = t;
                        while Instant::now() < until {
                            let base = &bases[i % bases.len()];
                            let answer = call(
                                &agent,
                                "PUT",
                                &format!("{base}{path}/aliases/live"),
                                Some(&format!(r#"{{"Description":"move {i}"}}"#)),
                            );
                            assert_eq!(answer.status, 200, "{}", answer.body);
                            done.fetch_add(1, Ordering::Relaxed);
                            i += 1;
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            eprintln!(
                "throughput, {label}, {count} server(s): {:.0} UpdateAlias/s",
                done.load(Ordering::Relaxed) as f64 / seconds as f64
            );
        }
    }
}
