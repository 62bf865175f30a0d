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
    // Text checked as UTF-8 once is read without checking each string again; a body that
    // is not UTF-8 goes to the byte reader, which words the refusal.
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
    .map_err(|e| invalid_content(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{CreateFunctionBody, UpdateAliasBody, UpdateAliasFields, parse_body};

    /// Pieces of request bodies: members, JSON punctuation, escapes, control characters,
    /// multi-byte text and bytes that are not UTF-8.
    fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b"{".to_vec()),
                Just(b"}".to_vec()),
                Just(b"\"".to_vec()),
                Just(b":".to_vec()),
                Just(b",".to_vec()),
                Just(b"\"FunctionVersion\":".to_vec()),
                Just(b"\"Description\":".to_vec()),
                Just(b"\"RoutingConfig\":{\"AdditionalVersionWeights\":".to_vec()),
                Just(b"\"FunctionName\":".to_vec()),
                Just(b"\"2\":0.5".to_vec()),
                Just(b"\\u0032".to_vec()),
                Just(b"\\ud800".to_vec()),
                Just(b"\\n".to_vec()),
                Just(b"\x01".to_vec()),
                Just("é☃".as_bytes().to_vec()),
                Just(b"\xff".to_vec()),
                Just(b"\xc3".to_vec()),
                Just(b"null".to_vec()),
                Just(b"12".to_vec()),
                Just(b" ".to_vec()),
            ],
            0..24,
        )
        .prop_map(|pieces| pieces.concat())
    }

    /// What the byte reader alone makes of `body`: the reading before the UTF-8 shortcut.
    fn byte_reader<'a, T: serde::Deserialize<'a> + Default>(body: &'a [u8]) -> Result<T, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        serde_json::from_slice(body)
            .map_err(|e| format!("Could not parse request body into json: {e}"))
    }

    proptest! {
        /// Any body, UTF-8 or not, is read and refused as the byte reader reads and
        /// refuses it, word for word (the refusal's position included).
        #[test]
        fn bodies_read_as_the_byte_reader_reads_them(body in body_bytes()) {
            let message = |e: crate::Error| e.message().to_owned();
            prop_assert_eq!(
                parse_body::<UpdateAliasBody>(&body).map_err(message),
                byte_reader::<UpdateAliasBody>(&body)
            );
            prop_assert_eq!(
                parse_body::<CreateFunctionBody>(&body).map_err(message),
                byte_reader::<CreateFunctionBody>(&body)
            );
            let fields = parse_body::<UpdateAliasFields<'_>>(&body).map(|_| ()).map_err(message);
            prop_assert_eq!(fields, byte_reader::<UpdateAliasFields<'_>>(&body).map(|_| ()));
        }
    }
}
