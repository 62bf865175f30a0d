//! Starting the server binary and talking to it over loopback.

#![allow(dead_code)] // each test binary uses part of this

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_lambda-versioning-server");
pub const ROLE: &str = "arn:aws:iam::123456789012:role/lambda-role";
/// An empty zip archive, Base64.
pub const EMPTY_ZIP: &str = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==";

/// A running server process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

/// A fresh directory under the target directory (removed first if present).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

impl Server {
    /// Starts the server with `args` (plus `--addr 127.0.0.1:0`), logs as JSON into
    /// `log`, and waits up to 30 s for its `listening on` line.
    pub fn start(args: &[&str], log: &Path) -> Server {
        Server::try_start(args, log).unwrap_or_else(|e| panic!("server did not start: {e}"))
    }

    /// As [`Server::start`], or the exit status and log when it does not start.
    pub fn try_start(args: &[&str], log: &Path) -> Result<Server, String> {
        let log_file = std::fs::File::create(log).expect("create log file");
        let mut child = Command::new(BIN)
            .args(["--addr", "127.0.0.1:0", "--log-format", "json"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut first = String::new();
            let _ = BufReader::new(stdout).read_line(&mut first);
            let _ = tx.send(first);
        });
        let first = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        match first.trim().strip_prefix("listening on ") {
            Some(base) => Ok(Server {
                child,
                base: base.to_owned(),
                log: log.to_owned(),
            }),
            None => {
                let status = child.wait().expect("wait");
                let log = std::fs::read_to_string(log).unwrap_or_default();
                Err(format!("{status}; log: {log}"))
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends `signal` (e.g. `TERM`) and waits up to 30 s for the exit.
    pub fn signal_and_wait(mut self, signal: &str) -> ExitStatus {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("the server did not exit within 30 s of SIG{signal}");
    }

    /// The JSON log lines written so far.
    pub fn log_lines(&self) -> Vec<serde_json::Value> {
        log_lines(&self.log)
    }

    /// The first log line whose `message` is `message`, waiting up to 10 s for it (the
    /// server writes its log on a background thread, so a line can trail the
    /// `listening on` line on stdout).
    pub fn log_line(&self, message: &str) -> serde_json::Value {
        for _ in 0..200 {
            if let Some(line) = self
                .log_lines()
                .into_iter()
                .find(|l| l["message"] == message)
            {
                return line;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no {message:?} line in the log within 10 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON lines of a log file.
pub fn log_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A client that reports every status as a value, with a 10 s budget per call.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// An answer: status and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// `x-amzn-RequestId`.
    pub request_id: Option<String>,
    /// `X-Amz-Executed-Version` (of an `Invoke`).
    pub executed_version: Option<String>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends one request; `Err` when no answer came (refused connection, reset, timeout).
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<&str>,
) -> Result<Answer, ureq::Error> {
    let mut response = match (method, body) {
        ("GET", _) => agent.get(url).call()?,
        ("DELETE", _) => agent.delete(url).call()?,
        ("POST", body) => agent
            .post(url)
            .header("content-type", "application/json")
            .send(body.unwrap_or(""))?,
        ("PUT", body) => agent
            .put(url)
            .header("content-type", "application/json")
            .send(body.unwrap_or(""))?,
        _ => panic!("unsupported method {method}"),
    };
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let executed_version = response
        .headers()
        .get("x-amz-executed-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.body_mut().read_to_string()?;
    Ok(Answer {
        status,
        body,
        request_id,
        executed_version,
    })
}

/// As [`send`], panicking when no answer came.
pub fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<&str>) -> Answer {
    send(agent, method, url, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// The `CreateFunction` body of a Python function `name`.
pub fn create_body(name: &str) -> String {
    format!(
        r#"{{"FunctionName":"{name}","Role":"{ROLE}","Runtime":"python3.12","Handler":"app.handler","Code":{{"ZipFile":"{EMPTY_ZIP}"}}}}"#
    )
}

/// Every version of a function (all pages of `ListVersionsByFunction`); `function_url`
/// is `{base}/2015-03-31/functions/{name}`.
pub fn list_versions(agent: &ureq::Agent, function_url: &str) -> Vec<serde_json::Value> {
    let mut versions = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let url = match &marker {
            None => format!("{function_url}/versions"),
            Some(m) => format!("{function_url}/versions?Marker={m}"),
        };
        let page = call(agent, "GET", &url, None);
        assert_eq!(page.status, 200, "{}", page.body);
        let page = page.json();
        versions.extend(page["Versions"].as_array().cloned().unwrap_or_default());
        match page["NextMarker"].as_str() {
            Some(next) => marker = Some(next.to_owned()),
            None => return versions,
        }
    }
}
