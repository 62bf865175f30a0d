//! `--data-dir` durability: a burst of changes, SIGKILL in the middle of it, a restart —
//! every acknowledged change is there exactly as it was answered, and nothing that was
//! not acknowledged is half there. Also: a torn journal tail is truncated with a warning,
//! damage inside the journal stops the start, compaction keeps the journal short.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Answer, Server, agent, call, create_body, scratch_dir, send};
use serde_json::Value;

/// One acknowledged change: which step of the cycle, and the answer.
#[derive(Clone, Debug)]
struct Ack {
    step: usize,
    answer: Value,
}

/// The cycle each writer repeats on its function: change the configuration, publish, move
/// the alias with a RevisionId precondition, grant a permission on the alias.
const STEPS: usize = 4;

fn writer(
    base: &str,
    function: &str,
    alias_revision: String,
    stop: &AtomicBool,
    acks: &Mutex<Vec<Ack>>,
) {
    let agent = agent();
    let url = |path: &str| format!("{base}/2015-03-31/functions/{function}{path}");
    let mut alias_revision = Some(alias_revision);
    let mut published = String::new();
    let mut i = 0usize;
    while !stop.load(Ordering::Acquire) {
        let step = i % STEPS;
        let cycle = i / STEPS;
        let (method, path, body) = match step {
            0 => (
                "PUT",
                url("/configuration"),
                format!(r#"{{"Description":"cycle {cycle}"}}"#),
            ),
            1 => ("POST", url("/versions"), "{}".to_owned()),
            2 => (
                "PUT",
                url("/aliases/live"),
                format!(
                    r#"{{"FunctionVersion":"{published}","RevisionId":"{}"}}"#,
                    alias_revision.clone().unwrap_or_default()
                ),
            ),
            _ => (
                "POST",
                format!("{}?Qualifier=live", url("/policy")),
                format!(
                    r#"{{"StatementId":"grant-{cycle}","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}}"#
                ),
            ),
        };
        let Ok(Answer { status, body, .. }) = send(&agent, method, &path, Some(&body)) else {
            return; // the server is gone
        };
        assert!(
            (200..300).contains(&status),
            "{method} {path} answered {status}: {body}"
        );
        let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        match step {
            1 => published = answer["Version"].as_str().unwrap_or_default().to_owned(),
            2 => alias_revision = answer["RevisionId"].as_str().map(str::to_owned),
            _ => {}
        }
        acks.lock().unwrap().push(Ack { step, answer });
        i += 1;
    }
}

#[test]
fn every_acknowledged_change_survives_sigkill_mid_burst() {
    let dir = scratch_dir("crash-burst");
    let state = dir.join("state");
    let state_arg = state.to_str().unwrap();
    // A small compaction threshold, so that snapshots are taken during the burst too.
    let args = [
        "--data-dir",
        state_arg,
        "--compact-bytes",
        "200000",
        "--log",
        "warn,lambda_versioning_server=info",
    ];
    let server = Server::start(&args, &dir.join("log1"));
    let agent = agent();
    let functions = ["burst-a", "burst-b"];
    for f in functions {
        let created = call(
            &agent,
            "POST",
            &format!("{}/2015-03-31/functions", server.base),
            Some(&create_body(f)),
        );
        assert_eq!(created.status, 201, "{}", created.body);
        let v1 = call(
            &agent,
            "POST",
            &format!("{}/2015-03-31/functions/{f}/versions", server.base),
            Some("{}"),
        );
        assert_eq!(v1.status, 201, "{}", v1.body);
        let alias = call(
            &agent,
            "POST",
            &format!("{}/2015-03-31/functions/{f}/aliases", server.base),
            Some(r#"{"Name":"live","FunctionVersion":"1"}"#),
        );
        assert_eq!(alias.status, 201, "{}", alias.body);
    }
    let initial_alias: Vec<Value> = functions
        .iter()
        .map(|f| {
            call(
                &agent,
                "GET",
                &format!("{}/2015-03-31/functions/{f}/aliases/live", server.base),
                None,
            )
            .json()
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let acks: Vec<Arc<Mutex<Vec<Ack>>>> = functions.iter().map(|_| Arc::default()).collect();
    let threads: Vec<_> = functions
        .iter()
        .zip(&acks)
        .zip(&initial_alias)
        .map(|((f, acks), alias)| {
            let (base, f, stop, acks) = (
                server.base.clone(),
                f.to_string(),
                Arc::clone(&stop),
                Arc::clone(acks),
            );
            let revision = alias["RevisionId"].as_str().unwrap().to_owned();
            std::thread::spawn(move || writer(&base, &f, revision, &stop, &acks))
        })
        .collect();
    // Kill once enough changes are acknowledged (several compactions' worth).
    let target: usize = std::env::var("LV_CRASH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for _ in 0..1200 {
        if acks.iter().map(|a| a.lock().unwrap().len()).sum::<usize>() >= target {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    server.kill();
    stop.store(true, Ordering::Release);
    for t in threads {
        t.join().expect("writer");
    }
    let first_run = common::log_lines(&dir.join("log1"));
    let compactions = first_run
        .iter()
        .filter(|l| l["message"] == "journal compacted")
        .count();
    assert!(compactions >= 1, "no compaction happened during the burst");

    let acknowledged: Vec<usize> = acks.iter().map(|a| a.lock().unwrap().len()).collect();
    eprintln!("acknowledged before SIGKILL: {acknowledged:?}; compactions: {compactions}");
    let server = Server::start(&args, &dir.join("log2"));
    let line = server.log_line("state recovered");
    assert!(line["generation"].as_u64().unwrap() >= 1, "{line}");
    eprintln!("recovered: {line}");

    for ((f, acks), initial) in functions.iter().zip(&acks).zip(&initial_alias) {
        let acks = acks.lock().unwrap().clone();
        assert!(
            acks.len() >= 20,
            "{f}: only {} changes acknowledged",
            acks.len()
        );
        let base = format!("{}/2015-03-31/functions/{f}", server.base);
        // The step after the last acknowledged one may or may not have been applied.
        let in_flight = acks.len() % STEPS;

        // Versions: every acknowledged publish, exactly as answered; at most one more.
        let listed = common::list_versions(&agent, &base);
        let published: Vec<&Value> = acks
            .iter()
            .filter(|a| a.step == 1)
            .map(|a| &a.answer)
            .collect();
        for answer in &published {
            let version = answer["Version"].as_str().unwrap();
            let found = listed
                .iter()
                .find(|v| v["Version"] == version)
                .unwrap_or_else(|| panic!("{f}: acknowledged version {version} is gone"));
            for member in [
                "RevisionId",
                "Description",
                "CodeSha256",
                "LastModified",
                "FunctionArn",
            ] {
                assert_eq!(
                    found[member], answer[member],
                    "{f} version {version}: {member}"
                );
            }
        }
        let extra = listed.len() - 2 - published.len(); // $LATEST and version 1
        assert!(
            extra == 0 || (extra == 1 && in_flight == 1),
            "{f}: {extra} unacknowledged versions (in flight: step {in_flight})"
        );

        // The alias: as the last acknowledged move answered it (or one step on).
        let alias = call(&agent, "GET", &format!("{base}/aliases/live"), None).json();
        let last_move = acks
            .iter()
            .rev()
            .find(|a| a.step == 2)
            .map_or(initial, |a| &a.answer);
        if alias != *last_move {
            assert_eq!(
                in_flight, 2,
                "{f}: alias {alias} differs from the acknowledged {last_move}"
            );
            let last_published = published.last().unwrap();
            assert_eq!(alias["FunctionVersion"], last_published["Version"], "{f}");
        }

        // The policy: every acknowledged grant, at most one more.
        let policy = call(
            &agent,
            "GET",
            &format!("{base}/policy?Qualifier=live"),
            None,
        );
        let sids: BTreeSet<String> = if policy.status == 404 {
            BTreeSet::new()
        } else {
            let document: Value =
                serde_json::from_str(policy.json()["Policy"].as_str().unwrap()).unwrap();
            document["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["Sid"].as_str().unwrap().to_owned())
                .collect()
        };
        let granted: BTreeSet<String> = acks
            .iter()
            .filter(|a| a.step == 3)
            .map(|a| {
                let statement: Value =
                    serde_json::from_str(a.answer["Statement"].as_str().unwrap()).unwrap();
                statement["Sid"].as_str().unwrap().to_owned()
            })
            .collect();
        assert!(
            granted.is_subset(&sids),
            "{f}: lost grants {:?}",
            granted.difference(&sids).collect::<Vec<_>>()
        );
        let extra = sids.len() - granted.len();
        assert!(
            extra == 0 || (extra == 1 && in_flight == 3),
            "{f}: {extra} unacknowledged grants"
        );

        // $LATEST: the last acknowledged configuration change (or the one in flight).
        let latest = call(&agent, "GET", &format!("{base}/configuration"), None).json();
        let last_config = acks.iter().rev().find(|a| a.step == 0).unwrap();
        if in_flight != 0 {
            assert_eq!(
                latest["Description"], last_config.answer["Description"],
                "{f}"
            );
        }

        // And the state takes new changes with the recovered RevisionIds.
        let moved = call(
            &agent,
            "PUT",
            &format!("{base}/aliases/live"),
            Some(&format!(
                r#"{{"FunctionVersion":"1","RevisionId":"{}"}}"#,
                alias["RevisionId"].as_str().unwrap()
            )),
        );
        assert_eq!(moved.status, 200, "{}", moved.body);
    }
    drop(server);
}

/// The bytes of the only journal file in `state`.
fn journal_file(state: &std::path::Path) -> std::path::PathBuf {
    let mut journals: Vec<_> = std::fs::read_dir(state)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("journal.")
        })
        .collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    journals.pop().unwrap()
}

/// Two functions created, then the server killed: the journal holds two records.
fn two_records(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = scratch_dir(name);
    let state = dir.join("state");
    let server = Server::start(&["--data-dir", state.to_str().unwrap()], &dir.join("log1"));
    let agent = agent();
    for f in ["first", "second"] {
        let created = call(
            &agent,
            "POST",
            &format!("{}/2015-03-31/functions", server.base),
            Some(&create_body(f)),
        );
        assert_eq!(created.status, 201);
    }
    server.kill();
    (dir, state)
}

fn function_names(base: &str) -> Vec<String> {
    let listed = call(
        &agent(),
        "GET",
        &format!("{base}/2015-03-31/functions"),
        None,
    )
    .json();
    listed["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["FunctionName"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_torn_tail_is_truncated_with_a_warning() {
    let (dir, state) = two_records("crash-torn");
    let journal = journal_file(&state);
    let whole = std::fs::metadata(&journal).unwrap().len();
    // A crash in the middle of a third append: a header that promises more than is there.
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes.extend_from_slice(&[200, 0, 0, 0, 1, 2, 3, 4, b'{', b'"']);
    std::fs::write(&journal, &bytes).unwrap();

    let server = Server::start(&["--data-dir", state.to_str().unwrap()], &dir.join("log2"));
    assert_eq!(function_names(&server.base), ["first", "second"]);
    let warning = server.log_line(
        "the journal ended with a torn record (a change that was never acknowledged); truncated it",
    );
    assert_eq!(
        (warning["level"].as_str(), warning["bytes"].as_u64()),
        (Some("WARN"), Some(10))
    );
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), whole);
}

#[test]
fn damage_inside_the_journal_stops_the_start() {
    let (dir, state) = two_records("crash-damaged");
    let journal = journal_file(&state);
    let mut bytes = std::fs::read(&journal).unwrap();
    // Flip a byte inside the first record's payload: its checksum fails, and the second
    // record follows, so this is not a torn append.
    bytes[20] ^= 0x55;
    std::fs::write(&journal, &bytes).unwrap();
    let first_len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize + 8;

    let refused = Server::try_start(&["--data-dir", state.to_str().unwrap()], &dir.join("log2"));
    let Err(problem) = refused else {
        panic!("a damaged journal was accepted")
    };
    assert!(problem.starts_with("exit status: 1"), "{problem}");
    let expected = format!(
        "cannot open --data-dir: {}: damaged record at byte 0 (checksum mismatch) with {} more bytes after it; refusing to start",
        journal.display(),
        bytes.len() - first_len
    );
    assert!(
        problem.contains(&expected),
        "{problem}\nexpected: {expected}"
    );
    // Nothing was changed on disk.
    assert_eq!(std::fs::read(&journal).unwrap(), bytes);
}

/// The generation and record count of the server's `state recovered` line.
fn generation_and_replayed(server: &Server) -> (Option<u64>, Option<u64>) {
    let line = server.log_line("state recovered");
    (line["generation"].as_u64(), line["replayed"].as_u64())
}

#[test]
fn a_clean_shutdown_compacts_and_the_next_start_replays_nothing() {
    let (dir, state) = two_records("crash-clean");
    let server = Server::start(&["--data-dir", state.to_str().unwrap()], &dir.join("log2"));
    assert_eq!(generation_and_replayed(&server), (Some(0), Some(2)));
    assert_eq!(server.signal_and_wait("TERM").code(), Some(0));

    let server = Server::start(&["--data-dir", state.to_str().unwrap()], &dir.join("log3"));
    assert_eq!(generation_and_replayed(&server), (Some(1), Some(0)));
    assert_eq!(function_names(&server.base), ["first", "second"]);
}
