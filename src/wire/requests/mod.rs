//! Request bodies with the service's member names (docs/wire.md#request-bodies), and their
//! conversion into the registry's requests.
//!
//! Bodies are read leniently the way the service reads them: members the service knows
//! but this crate does not model (`Tags`, `VpcConfig`, `TracingConfig`, …) are accepted
//! and ignored, an empty body counts as `{}`. A body that is not JSON, or a member of the
//! wrong JSON type, is `InvalidRequestContentException`; a required member that is
//! absent or `null` is a `ValidationException` (`Value null at '<member>' failed to
//! satisfy constraint: Member must not be null`).

use serde::Deserialize;

use super::errors::invalid_content;
use crate::error::Error;

mod borrowed;
mod functions;
mod qualifiers;

pub use functions::{
    CreateFunctionBody, DRY_RUN_UNSUPPORTED, DeadLetterTarget, Environment, UpdateFunctionCodeBody,
    UpdateFunctionConfigurationBody,
};
pub(crate) use qualifiers::UpdateAliasFields;
pub use qualifiers::{
    AddPermissionBody, CreateAliasBody, PublishVersionBody, RoutingConfigBody, UpdateAliasBody,
};

/// Reads a JSON request body; empty (or all-whitespace) means `{}`.
///
/// # Errors
///
/// `InvalidRequestContentException` `Could not parse request body into json: <reason>`.
pub fn parse_body<'a, T: Deserialize<'a> + Default>(body: &'a [u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| invalid_content(&e.to_string()))
}
