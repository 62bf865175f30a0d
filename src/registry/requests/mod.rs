//! Request values of the registry's operations.
//!
//! Requests carry the raw strings a caller (or an HTTP facade) received, because the service
//! validates every member of a request together and reports all violations at once (R93).
//! Typed vocabulary values convert into these strings (`String::from(alias_name)`), so
//! Rust callers can pass either. Each request has a constructor for its required members
//! and `with_*` methods for the optional ones. One file per group of operations.

use std::collections::BTreeMap;

mod aliases;
mod functions;
mod permissions;
mod versions;

pub use aliases::{
    AliasHistoryRequest, CreateAliasRequest, DeleteAliasRequest, GetAliasRequest,
    ListAliasesRequest, UndoAliasRequest, UpdateAliasRequest,
};
pub(crate) use aliases::{AliasUpdate, WeightEntries, weight_entries};
pub use functions::{
    CreateFunctionRequest, DeleteFunctionRequest, GetFunctionConfigurationRequest,
    GetFunctionRequest, GetPolicyRequest, InvokeRequest, UpdateFunctionCodeRequest,
    UpdateFunctionConfigurationRequest,
};
pub use permissions::{AddPermissionRequest, RemovePermissionRequest};
pub use versions::{ListVersionsByFunctionRequest, PruneVersionsRequest, PublishVersionRequest};

/// `AdditionalVersionWeights` as a request carries it: version key to weight. An empty map
/// means "no routing" (R53).
pub type AdditionalVersionWeights = BTreeMap<String, f64>;
