//! Arbitrary HTTP requests through the wire layer (`wire::Service::handle`): no panic, every
//! refusal is a 4xx/5xx answer with `X-Amzn-ErrorType` and a JSON body carrying a message,
//! and a refusal changes nothing. Memory stays bounded (run with `-rss_limit_mb`).
//!
//! Input: requests separated by `\n====\n`; each is a method line, a path (with query)
//! line, header lines `Name: value`, an empty line, then the body bytes.
#![no_main]

use lambda_versioning::wire::Service;
use lambda_versioning::{ManualClock, Registry, Timestamp};
use libfuzzer_sys::fuzz_target;

const EMPTY_ZIP_B64: &str = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==";

fn populated() -> Service {
    let clock = ManualClock::new(Timestamp::from_unix_millis(0));
    let service = Service::builder(Registry::builder().clock(clock.clone()).seed(0).build())
        .clock(clock)
        .max_body_bytes(1 << 16)
        .settle_immediately()
        .build();
    let create = format!(
        r#"{{"FunctionName":"f","Role":"arn:aws:iam::123456789012:role/r","Code":{{"ZipFile":"{EMPTY_ZIP_B64}"}}}}"#
    );
    for (method, path, body) in [
        ("POST", "/2015-03-31/functions", create.as_str()),
        ("POST", "/2015-03-31/functions/f/versions", ""),
        (
            "POST",
            "/2015-03-31/functions/f/aliases",
            r#"{"Name":"live","FunctionVersion":"1"}"#,
        ),
        (
            "POST",
            "/2021-10-31/functions/f/url?Qualifier=live",
            r#"{"AuthType":"NONE"}"#,
        ),
        (
            "PUT",
            "/2019-09-25/functions/f/event-invoke-config",
            r#"{"MaximumRetryAttempts":1}"#,
        ),
        (
            "POST",
            "/2015-03-31/event-source-mappings",
            r#"{"EventSourceArn":"arn:aws:sqs:us-east-1:123456789012:q","FunctionName":"f:live"}"#,
        ),
    ] {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .body(body.as_bytes().to_vec())
            .expect("seed request");
        assert!(service.handle(request).status().is_success());
    }
    service
}

fn split_request(raw: &[u8]) -> Option<http::Request<Vec<u8>>> {
    let head_end = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let body = raw.get(head_end + 2..).unwrap_or(&[]).to_vec();
    let mut lines = head.lines();
    let method = lines.next()?;
    let path = lines.next().unwrap_or("/");
    let mut builder = http::Request::builder().method(method).uri(path);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            builder = builder.header(name.trim(), value.trim());
        }
    }
    builder.body(body).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let service = populated();
    let mut rest = data;
    let separator = b"\n====\n";
    loop {
        let (raw, next) = match find(rest, separator) {
            Some(i) => (&rest[..i], Some(&rest[i + separator.len()..])),
            None => (rest, None),
        };
        if let Some(request) = split_request(raw) {
            let before = service.read(|r| r.export());
            let response = service.handle(request);
            let status = response.status().as_u16();
            if status >= 400 {
                assert!(response.headers().contains_key("x-amzn-errortype"));
                let body: serde_json::Value =
                    serde_json::from_slice(response.body()).expect("error bodies are JSON");
                // A function URL's endpoint answers an unknown id with the recorded
                // `{"Message":null}` (R134); every other refusal carries a message.
                let url_unknown = status == 403 && body == serde_json::json!({"Message": null});
                assert!(
                    url_unknown
                        || body
                            .get("message")
                            .or(body.get("Message"))
                            .is_some_and(|m| m.is_string())
                );
                assert!(
                    service.read(|r| r.export()) == before,
                    "a refusal changed the registry"
                );
            }
        }
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
});
