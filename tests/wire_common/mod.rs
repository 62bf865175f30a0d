//! Helpers shared by the tests of the wire layer: sending prepared requests to a
//! `wire::Service` and reading the answers.
#![allow(dead_code)]

use base64::Engine as _;
use http::Method;
use lambda_versioning::Registry;
use lambda_versioning::wire::Service;

use crate::common::{ROLE, clock};

/// An empty zip archive (end-of-central-directory record only).
pub const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

pub struct Answer {
    pub status: u16,
    pub error_type: Option<String>,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
}

pub fn send(service: &Service, method: Method, path: &str, body: &str) -> Answer {
    send_bytes(service, method, path, body.as_bytes(), &[])
}

pub fn send_bytes(
    service: &Service,
    method: Method,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Answer {
    let mut builder = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = service.handle(builder.body(body.to_vec()).unwrap());
    assert!(response.headers().contains_key("x-amzn-requestid"));
    Answer {
        status: response.status().as_u16(),
        error_type: response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned()),
        headers: response.headers().clone(),
        body: String::from_utf8(response.into_body()).unwrap(),
    }
}

#[track_caller]
pub fn assert_error(answer: &Answer, status: u16, exception: &str, body: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.error_type.as_deref(), Some(exception));
    assert_eq!(answer.body, body);
}

pub fn zip_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn create_body(name: &str) -> String {
    format!(
        r#"{{"FunctionName":"{name}","Role":"{ROLE}","Runtime":"python3.12","Handler":"app.handler","Code":{{"ZipFile":"{}"}}}}"#,
        zip_b64(EMPTY_ZIP)
    )
}

pub fn service() -> Service {
    Service::builder(Registry::builder().clock(clock()).seed(1).build())
        .settle_immediately()
        .build()
}

/// A function `f` with versions 1 and 2 (different code) and alias `live` on 1.
pub fn populated() -> Service {
    let s = service();
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions", &create_body("f")).status,
        201
    );
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/versions", "").status,
        201
    );
    let code = format!(r#"{{"ZipFile":"{}"}}"#, zip_b64(b"PK\x03\x04v2"));
    assert_eq!(
        send(&s, Method::PUT, "/2015-03-31/functions/f/code", &code).status,
        200
    );
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/versions", "{}").status,
        201
    );
    let alias = r#"{"Name":"live","FunctionVersion":"1"}"#;
    assert_eq!(
        send(&s, Method::POST, "/2015-03-31/functions/f/aliases", alias).status,
        201
    );
    s
}

pub fn snapshot(service: &Service) -> String {
    service.read(|r| serde_json::to_string(&r.export()).unwrap())
}
