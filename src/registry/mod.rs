//! The control plane for one (partition, region, account): API-shaped operations that
//! enforce every rule (docs/rules.md), in the service's order of checks (R94,
//! docs/check-order.md).
//!
//! Each operation takes a request value (raw strings, as the service receives them) and
//! returns a response value or an [`Error`](crate::Error) carrying the service's
//! exception, status and exact message. A refused request changes nothing.
//!
//! This module holds the request and response types of the operations; the
//! [`Registry`](crate::Registry) itself and its builder are at the crate root.

mod aliases;
pub(crate) mod authorize;
mod checks;
mod concurrency;
pub(crate) mod control;
mod event_sources;
mod function_urls;
mod functions;
pub(crate) mod install;
mod invoke;
mod invoke_async;
mod invoke_configs;
mod listing;
mod pagination;
mod permissions;
mod requests;
mod reserved;
mod responses;
pub(crate) mod snapshot;
mod tags;
mod url_requests;
mod versions;

#[cfg(feature = "wire")]
pub(crate) use aliases::AliasRef;
pub(crate) use checks::latest_not_routable;
pub use checks::{NOTHING_TO_UNDO, WEIGHT_SUM_EXCEEDED};
pub use concurrency::{
    ListProvisionedConcurrencyConfigsRequest, ListProvisionedConcurrencyConfigsResponse,
    ProvisionedConcurrencyConfig, PutProvisionedConcurrencyConfigRequest,
};
pub use event_sources::{
    CreateEventSourceMappingRequest, EventSourceMappingConfiguration,
    ListEventSourceMappingsRequest, ListEventSourceMappingsResponse,
    UpdateEventSourceMappingRequest,
};
pub use function_urls::{
    FunctionUrlConfig, FunctionUrlConfigRequest, ListFunctionUrlConfigsRequest,
    ListFunctionUrlConfigsResponse,
};
pub use install::FunctionRecord;
#[cfg(feature = "wire")]
pub(crate) use invoke::check_invocable;
pub use invoke_async::AsyncInvocation;
pub use invoke_configs::{
    FunctionEventInvokeConfig, FunctionEventInvokeConfigRequest,
    ListFunctionEventInvokeConfigsRequest, ListFunctionEventInvokeConfigsResponse,
};
pub use listing::{ListFunctionsRequest, ListFunctionsResponse};
pub use requests::*;
pub use reserved::{FunctionConcurrency, PutFunctionConcurrencyRequest};
pub use responses::*;
pub use tags::TagResourceRequest;
pub use url_requests::{UrlInvocation, UrlRefusal};
#[cfg(feature = "wire")]
pub(crate) use versions::VersionPage;
