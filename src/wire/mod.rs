//! The Lambda REST API (2015-03-31) on the wire, for versions, aliases, policies and
//! invocation routing: JSON shapes with the service's member names, error bodies as the
//! service sends them, the HTTP bindings, and [`Service`], which answers an
//! [`http::Request`] with the [`http::Response`] the service would send.
//!
//! This module owns no socket and no runtime: plug [`Service::handle`] into any HTTP
//! server (the workspace's `lambda-versioning-server` uses hyper, the `axum_embed` example
//! axum; any other works the same way).
//! It is enabled by the default cargo feature `wire`.
//!
//! ```
//! use lambda_versioning::Registry;
//! use lambda_versioning::wire::Service;
//!
//! let service = Service::new(Registry::builder().seed(1).build());
//! let request = http::Request::post("/2015-03-31/functions/my-fn/aliases")
//!     .body(br#"{"Name":"live","FunctionVersion":"1"}"#.to_vec())
//!     .unwrap();
//! let response = service.handle(request);
//! assert_eq!(response.status(), 404);
//! assert_eq!(response.headers()["x-amzn-errortype"], "ResourceNotFoundException");
//! assert_eq!(
//!     String::from_utf8(response.into_body()).unwrap(),
//!     // The recorded wording of CreateAlias on a missing function names the version.
//!     r#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:my-fn:1"}"#
//! );
//! ```
//!
//! # What the service answers
//!
//! * Success statuses per R95; bodies are the types of this module, serialized without
//!   `null`s (absent members are absent).
//! * Errors per R96: status, `X-Amzn-ErrorType`, `"Type"` and `message`/`Message` as the
//!   exception spells it ([`error_response`]).
//! * A body that is not JSON, or a member of the wrong JSON type:
//!   `InvalidRequestContentException` (400), `Could not parse request body into json: …`
//!   (the service's prefix; the detail after it is this crate's, from the JSON parser).
//! * A required member absent: `ValidationException`, `Value null at '<member>' failed to
//!   satisfy constraint: Member must not be null`. When a request has both absent
//!   required members and other malformed members, only the absent ones are reported
//!   (the service would list both).
//! * A body over the limit ([`ServiceBuilder::max_body_bytes`], default 8 MiB):
//!   `RequestTooLargeException` (413). An `Invoke` payload over 6 291 456 bytes
//!   (`RequestResponse`, `DryRun`) or 1 048 576 bytes (`Event`) gets the same exception
//!   with the service's text.
//! * A method and path bound to no operation: `UnknownOperationException` (404),
//!   `No operation is bound to <METHOD> <path>` (this crate's wording).
//! * Every answer carries an `x-amzn-RequestId` header.
//! * Signatures (SigV4 `Authorization`) are not checked: this is a development endpoint.
//!
//! # Lifecycle
//!
//! Built on a registry with [`Lifecycle::Manual`](crate::Lifecycle::Manual), the service
//! reports `CreateFunction` as `Pending` and updates as `InProgress`, and finishes them
//! once the settle delay ([`ServiceBuilder::settle_delay`]) has passed on its clock. The
//! transitions are applied when the next request arrives (or [`Service::settle_due`] is
//! called), so a client polling `GetFunction` sees `Active` / `Successful` after the
//! delay. With [`Lifecycle::Immediate`](crate::Lifecycle::Immediate) responses already
//! report the settled state.
//!
//! # Invoke
//!
//! No code runs. The version is chosen by the lock-free [`Resolver`](crate::Resolver),
//! after the registry's checks: a `RequestResponse` invoke answers 200 with
//! `X-Amz-Executed-Version` and a small JSON payload naming the version; `Event` answers
//! 202 and `DryRun` 204, without the header (R66). `X-Amz-Log-Type: Tail` adds an
//! `X-Amz-Log-Result` with a three-line log. A non-empty payload must be JSON.

mod alias_json;
mod attached;
mod code;
mod errors;
mod headers;
mod invoke;
pub mod json;
mod json_text;
mod query;
mod request_id;
mod requests;
mod responses;
mod route;
mod service;
mod settle;
mod version_cache;

pub use code::{CodeSource, SnapStartBody};
pub use errors::{MessageCase, error_body, error_response, message_case};
pub use invoke::InvokePayload;
pub use query::Query;
pub use route::{Operation, Route, route};
pub use service::{Service, ServiceBuilder, function_url_id, request_too_large, unknown_operation};
