//! `$latest` is not `$LATEST` (R181), and the `Code` member of `GetFunction` (R172).

mod common;

use common::*;
use lambda_versioning::ErrorKind;
use lambda_versioning::registry::{
    CodeLocation, DeleteFunctionRequest, GetFunctionRequest, InvokeRequest,
};

#[test]
fn r181_lowercase_latest_names_nothing() {
    let mut r = registry();
    create(&mut r, "my-function");
    assert_err(
        r.get_function(GetFunctionRequest::new("my-function").with_qualifier("$latest")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:my-function:$latest"),
    );
    assert_err(
        r.invoke_target(
            InvokeRequest::new("my-function").with_qualifier("$latest"),
            &mut lambda_versioning::rand::rng(),
        ),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:my-function:$latest"),
    );
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("missing").with_qualifier("$latest")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:missing"),
    );
    // Q51: on an existing function.
    assert_err(
        r.delete_function(DeleteFunctionRequest::new("my-function").with_qualifier("$latest")),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:my-function:$latest"),
    );
    assert_eq!(r.function_count(), 1);
}

#[test]
fn r172_get_function_names_a_code_location() {
    let mut r = registry();
    with_versions(&mut r, "f", 1);
    let latest = r.get_function(GetFunctionRequest::new("f")).unwrap();
    assert_eq!(
        latest.code,
        CodeLocation::Zip {
            location: "https://lambda-versioning.invalid/code/us-east-1/123456789012/f/$LATEST"
                .into()
        }
    );
    let v1 = r.get_function(GetFunctionRequest::new("f:1")).unwrap();
    assert_eq!(
        v1.code,
        CodeLocation::Zip {
            location: "https://lambda-versioning.invalid/code/us-east-1/123456789012/f/1".into()
        }
    );
}
