//! Helpers shared by the integration tests.
#![allow(dead_code)]

use lambda_versioning::registry::{
    CreateFunctionRequest, FunctionConfiguration, GetFunctionRequest,
    ListVersionsByFunctionRequest, PublishVersionRequest, UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
};
use lambda_versioning::{Code, Error, ErrorKind, FunctionConfig, ManualClock, Registry, Timestamp};

pub const ROLE: &str = "arn:aws:iam::123456789012:role/exec";
pub const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/other";
/// The unqualified ARN prefix of every function in the default registry.
pub const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function";
/// 2025-11-28T00:00:00.000Z
pub const T0: i64 = 1_764_288_000_000;

pub fn clock() -> ManualClock {
    ManualClock::new(Timestamp::from_unix_millis(T0))
}

/// A seeded registry with a fixed clock and immediate lifecycle.
pub fn registry() -> Registry {
    Registry::builder().clock(clock()).seed(1).build()
}

pub fn config(code: &[u8]) -> FunctionConfig {
    FunctionConfig::new(ROLE, Code::from_zip_bytes(code))
        .with_runtime("python3.12")
        .with_handler("app.handler")
}

/// Creates `name` with code `b"v0"`.
#[track_caller]
pub fn create(registry: &mut Registry, name: &str) -> FunctionConfiguration {
    registry
        .create_function(CreateFunctionRequest::new(name, config(b"v0")))
        .expect("create_function")
}

#[track_caller]
pub fn publish(registry: &mut Registry, name: &str) -> FunctionConfiguration {
    registry
        .publish_version(PublishVersionRequest::new(name))
        .expect("publish_version")
}

#[track_caller]
pub fn update_code(registry: &mut Registry, name: &str, code: &[u8]) -> FunctionConfiguration {
    registry
        .update_function_code(UpdateFunctionCodeRequest::new(
            name,
            Code::from_zip_bytes(code),
        ))
        .expect("update_function_code")
}

#[track_caller]
pub fn set_role(registry: &mut Registry, name: &str, role: &str) {
    registry
        .update_function_configuration(
            UpdateFunctionConfigurationRequest::new(name).with_role(role),
        )
        .expect("update_function_configuration");
}

/// Creates `name` and publishes `n` versions with distinct code.
#[track_caller]
pub fn with_versions(registry: &mut Registry, name: &str, n: u32) {
    create(registry, name);
    for i in 1..=n {
        if i > 1 {
            update_code(registry, name, format!("code {i}").as_bytes());
        }
        publish(registry, name);
    }
}

/// The configuration `GetFunction` reports for `name` (which may carry a `:qualifier`).
#[track_caller]
pub fn get(registry: &Registry, name: &str) -> FunctionConfiguration {
    registry
        .get_function(GetFunctionRequest::new(name))
        .expect("get_function")
        .configuration
}

/// The `Version` strings `ListVersionsByFunction` reports for `name` (first page).
#[track_caller]
pub fn version_list(registry: &Registry, name: &str) -> Vec<String> {
    registry
        .list_versions_by_function(ListVersionsByFunctionRequest::new(name))
        .expect("list_versions_by_function")
        .versions
        .iter()
        .map(|c| c.version.to_string())
        .collect()
}

/// Asserts the exact exception and message.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(result: Result<T, Error>, kind: ErrorKind, message: &str) {
    match result {
        Ok(v) => panic!("expected {kind} {message:?}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "kind of {e}");
            assert_eq!(e.message(), message);
        }
    }
}

/// The `ValidationException` text for one violation.
pub fn validation(value: &str, member: &str, constraint: &str) -> String {
    format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    )
}

pub const NAMESPACED_PATTERN: &str = r"Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
pub const CLASSIC_PATTERN: &str = r"Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";
pub const QUALIFIER_PATTERN: &str =
    r"Member must satisfy regular expression pattern: \$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

pub const REVISION_MISMATCH: &str = "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id";
pub const ONLY_LATEST: &str = "Current operation does not support versions other than $LATEST. Please set the version to $LATEST or do not set a version in your request.";

/// An alias target as `(primary, (first additional version, weight))`, for comparisons.
pub fn route_of(
    primary: lambda_versioning::Version,
    routing: Option<lambda_versioning::AliasRouting>,
) -> (String, Option<(u64, f64)>) {
    (
        primary.to_string(),
        routing.map(|r| (r.additional_version().get(), r.weight().get())),
    )
}

/// The current target of alias `alias` of `function`, as [`route_of`] gives it.
#[track_caller]
pub fn alias_state(
    registry: &Registry,
    function: &str,
    alias: &str,
) -> (String, Option<(u64, f64)>) {
    let a = registry
        .get_alias(lambda_versioning::registry::GetAliasRequest::new(
            function, alias,
        ))
        .expect("get_alias");
    route_of(a.function_version, a.routing_config)
}
