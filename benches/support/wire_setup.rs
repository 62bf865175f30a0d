//! The service and prepared requests of the wire benchmark, shared with
//! `examples/wire_cost.rs` (which measures the same requests by the minimum of batches,
//! and under cachegrind in instructions).

use lambda_versioning::registry::{
    CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
};
use lambda_versioning::wire::Service;
use lambda_versioning::{Code, FunctionConfig, ManualClock, Registry, Timestamp};

/// The execution role of every benchmark function.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/exec";

/// A service with `checkout`: 49 published versions (with `$LATEST`, one full 50-entry
/// list page) and alias `live` on 1 with 10% to 2.
pub fn service() -> Service {
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_764_288_000_000));
    let mut r = Registry::builder().clock(clock.clone()).seed(1).build();
    let config = FunctionConfig::new(ROLE, Code::from_zip_bytes(b"v1"))
        .with_runtime("python3.12")
        .with_handler("app.handler");
    r.create_function(CreateFunctionRequest::new("checkout", config))
        .expect("create");
    for n in 1..=49u32 {
        if n > 1 {
            r.update_function_code(UpdateFunctionCodeRequest::new(
                "checkout",
                Code::from_zip_bytes(format!("v{n}").as_bytes()),
            ))
            .expect("update");
        }
        r.publish_version(PublishVersionRequest::new("checkout"))
            .expect("publish");
    }
    r.create_alias(CreateAliasRequest::new("checkout", "live", "1").with_routing("2", 0.1))
        .expect("alias");
    Service::builder(r)
        .clock(clock)
        .settle_immediately()
        .build()
}

/// Builds one prepared request.
pub type MakeRequest = fn() -> http::Request<Vec<u8>>;

/// `Invoke` of alias `live` (a weighted alias).
pub fn invoke() -> http::Request<Vec<u8>> {
    http::Request::post("/2015-03-31/functions/checkout/invocations?Qualifier=live")
        .body(b"{}".to_vec())
        .expect("request")
}

/// `GetAlias` of `live`.
pub fn get_alias() -> http::Request<Vec<u8>> {
    http::Request::get("/2015-03-31/functions/checkout/aliases/live")
        .body(Vec::new())
        .expect("request")
}

/// `UpdateAlias` of `live`: 20% to version 2.
pub fn update_alias() -> http::Request<Vec<u8>> {
    http::Request::put("/2015-03-31/functions/checkout/aliases/live")
        .body(br#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.2}}}"#.to_vec())
        .expect("request")
}

/// `ListVersionsByFunction`: the first (full, 50-entry) page.
pub fn list_versions() -> http::Request<Vec<u8>> {
    http::Request::get("/2015-03-31/functions/checkout/versions")
        .body(Vec::new())
        .expect("request")
}

/// The floor: an `http::Response` with a fixed JSON body of `len` bytes and the headers
/// every answer carries.
pub fn floor(body: &[u8]) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body.to_vec());
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
