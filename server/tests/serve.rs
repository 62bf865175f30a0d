//! The server binary end to end: readiness, request logs, limits, shutdown, flags.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use common::{Server, agent, call, create_body, scratch_dir};

fn host_port(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

/// Writes `raw` on a new connection and reads the whole answer (the server closes).
fn exchange(base: &str, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(host_port(base)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(raw).expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn health_answers_ready_and_every_request_is_logged_once() {
    let dir = scratch_dir("serve-health");
    let server = Server::start(&["--settle-ms", "0"], &dir.join("log"));
    let agent = agent();
    let health = call(&agent, "GET", &format!("{}/health", server.base), None);
    assert_eq!(
        (health.status, health.body.as_str()),
        (200, r#"{"status":"ready"}"#)
    );

    let created = call(
        &agent,
        "POST",
        &format!("{}/2015-03-31/functions", server.base),
        Some(&create_body("logged")),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let missing = call(
        &agent,
        "GET",
        &format!("{}/2015-03-31/functions/logged/aliases/live", server.base),
        None,
    );
    assert_eq!(missing.status, 404);
    let invoked = call(
        &agent,
        "POST",
        &format!(
            "{}/2015-03-31/functions/logged/invocations?Qualifier=%24LATEST",
            server.base
        ),
        Some("{}"),
    );
    assert_eq!(invoked.status, 200, "{}", invoked.body);

    let status = server_stop(server);
    assert_eq!(status, Some(0));
    let lines = common::log_lines(&dir.join("log"));
    let requests: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l.get("request_id").is_some())
        .collect();
    let summary: Vec<(String, String, String, u64)> = requests
        .iter()
        .map(|l| {
            (
                l["operation"].as_str().unwrap_or("?").to_owned(),
                l["function"].as_str().unwrap_or("?").to_owned(),
                l["qualifier"].as_str().unwrap_or("?").to_owned(),
                l["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        summary,
        vec![
            (s("CreateFunction"), s("logged"), s(""), 201),
            (s("GetAlias"), s("logged"), s(""), 404),
            (s("Invoke"), s("logged"), s("$LATEST"), 200),
        ]
    );
    assert_eq!(
        requests[0]["request_id"].as_str(),
        created.request_id.as_deref(),
        "the log line carries the answer's x-amzn-RequestId"
    );
    assert!(requests.iter().all(|l| l["latency_us"].is_u64()));
    let messages: Vec<&str> = lines.iter().filter_map(|l| l["message"].as_str()).collect();
    assert_eq!(messages.first(), Some(&"ready"));
    assert!(messages.contains(&"shutting down"), "{messages:?}");
    assert_eq!(messages.last(), Some(&"shutdown complete"));
}

fn server_stop(server: Server) -> Option<i32> {
    server.signal_and_wait("TERM").code()
}

/// Regression: the tag operations' ARN pattern uses `\d`, which the `regex` crate only
/// compiles with its `unicode-perl` feature; the library's own tests got that feature
/// from a dev-dependency, so only a build like this one (the library as a plain
/// dependency) refused every valid ARN (R161).
#[test]
fn r161_tag_resource_accepts_a_function_arn_in_a_plain_dependency_build() {
    let dir = scratch_dir("serve-tags");
    let server = Server::start(&["--log", "warn"], &dir.join("log"));
    let agent = agent();
    let created = call(
        &agent,
        "POST",
        &format!("{}/2015-03-31/functions", server.base),
        Some(&create_body("tagged")),
    );
    assert_eq!(created.status, 201);
    let arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Atagged";
    let tagged = call(
        &agent,
        "POST",
        &format!("{}/2017-03-31/tags/{arn}", server.base),
        Some(r#"{"Tags":{"team":"payments"}}"#),
    );
    assert_eq!((tagged.status, tagged.body.as_str()), (204, ""));
    let listed = call(
        &agent,
        "GET",
        &format!("{}/2017-03-31/tags/{arn}", server.base),
        None,
    );
    assert_eq!(listed.body, r#"{"Tags":{"team":"payments"}}"#);
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let dir = scratch_dir("serve-sigterm");
    let server = Server::start(&["--log", "warn"], &dir.join("log"));
    let body = create_body("in-flight");
    let mut stream = TcpStream::connect(host_port(&server.base)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The head and half the body, then the signal, then the rest.
    let head = format!(
        "POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("write head");
    stream
        .write_all(&body.as_bytes()[..body.len() / 2])
        .expect("write half");
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.pid().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    stream
        .write_all(&body.as_bytes()[body.len() / 2..])
        .expect("write rest");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201 Created\r\n"), "{answer}");
    assert!(answer.contains(r#""FunctionName":"in-flight""#), "{answer}");
    // A new connection is no longer accepted.
    assert!(
        TcpStream::connect(host_port(&server.base)).is_err()
            || exchange(&server.base, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").is_empty()
    );
    assert_eq!(server.signal_and_wait_exit(), Some(0));
}

trait WaitExit {
    fn signal_and_wait_exit(self) -> Option<i32>;
}

impl WaitExit for Server {
    /// Waits for an exit already signalled.
    fn signal_and_wait_exit(mut self) -> Option<i32> {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}

#[test]
fn a_huge_declared_body_is_answered_413_without_reading_it() {
    let dir = scratch_dir("serve-413");
    let server = Server::start(
        &["--log", "warn", "--max-body-bytes", "1024"],
        &dir.join("log"),
    );
    let answer = exchange(
        &server.base,
        b"POST /2015-03-31/functions HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n{",
    );
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{answer}"
    );
    assert!(answer.contains("connection: close\r\n"), "{answer}");
    assert!(
        answer.ends_with(
            r#"{"Type":"User","message":"Request must be smaller than 1024 bytes for the CreateFunction operation"}"#
        ) || answer.contains("RequestTooLargeException"),
        "{answer}"
    );
    // Still serving.
    let health = call(&agent(), "GET", &format!("{}/health", server.base), None);
    assert_eq!(health.status, 200);
}

#[test]
fn flags_that_cannot_work_together_are_refused_with_exit_2() {
    let dir = scratch_dir("serve-flags");
    let refused = Server::try_start(
        &[
            "--settle-ms",
            "100",
            "--data-dir",
            dir.join("state").to_str().unwrap(),
        ],
        &dir.join("log"),
    );
    let Err(problem) = refused else {
        panic!("--settle-ms with --data-dir was accepted")
    };
    assert!(problem.starts_with("exit status: 2"), "{problem}");
    let output = std::process::Command::new(common::BIN)
        .args(["--settle-ms", "100", "--data-dir", "x"])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: --settle-ms applies to in-memory state only: with --data-dir or --store, \
         transitions settle before the answer is recorded\n"
    );
}

#[test]
fn help_documents_every_flag() {
    let output = std::process::Command::new(common::BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--addr",
        "--region",
        "--account",
        "--settle-ms",
        "--max-body-bytes",
        "--data-dir",
        "--store",
        "--store-connections",
        "--compact-bytes",
        "--log-format",
        "--log",
        "--threads",
        "--max-connections",
        "--header-timeout-ms",
        "--body-timeout-ms",
        "--max-header-bytes",
        "--shutdown-timeout-ms",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
    assert!(help.contains("[env: LV_DATA_DIR=]"), "{help}");
}

#[test]
fn a_second_server_on_the_same_data_dir_is_refused() {
    let dir = scratch_dir("serve-lock");
    let state = dir.join("state");
    let state = state.to_str().unwrap();
    let _first = Server::start(&["--data-dir", state], &dir.join("log1"));
    let second = Server::try_start(&["--data-dir", state], &dir.join("log2"));
    let Err(problem) = second else {
        panic!("two servers opened one data directory")
    };
    assert!(problem.starts_with("exit status: 1"), "{problem}");
    assert!(
        problem.contains("is in use by another server (its LOCK file is held)"),
        "{problem}"
    );
}
