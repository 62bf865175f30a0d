//! Container-image functions (R172–R178), code from a platform's object store, SnapStart
//! per published version (R183) and runtime versions (R185), on the wire.

mod common;
mod wire_common;

use common::*;
use http::Method;
use lambda_versioning::wire::{CodeSource, Service};
use lambda_versioning::{Code, Registry};
use wire_common::*;

const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn image_body(name: &str, uri: &str) -> String {
    format!(
        r#"{{"FunctionName":"{name}","Role":"{ROLE}","PackageType":"Image","Code":{{"ImageUri":"{uri}"}},"ImageConfig":{{"Command":["app.handler"]}}}}"#
    )
}

#[test]
fn r172_r173_r175_image_functions() {
    let s = service();
    let uri = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:{DIGEST}");
    let created = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &image_body("img", &uri),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let c = created.json();
    assert_eq!(c["PackageType"], "Image");
    assert_eq!(c["CodeSha256"], DIGEST);
    assert_eq!(c["CodeSize"], 0);
    assert!(c.get("Runtime").is_none() && c.get("Handler").is_none());
    assert!(
        c.get("RuntimeVersionConfig").is_none(),
        "R185: absent for images"
    );
    assert_eq!(
        c["ImageConfigResponse"],
        serde_json::json!({"ImageConfig": {"Command": ["app.handler"]}})
    );
    let got = send(&s, Method::GET, "/2015-03-31/functions/img", "").json();
    assert_eq!(
        got["Code"],
        serde_json::json!({
            "ImageUri": uri,
            "RepositoryType": "ECR",
            "ResolvedImageUri": format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:{DIGEST}"),
        })
    );
    // R175: the publish precondition compares the digest.
    let wrong = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/img/versions",
        &format!(r#"{{"CodeSha256":"{}"}}"#, "a".repeat(64)),
    );
    assert_error(
        &wrong,
        400,
        "InvalidParameterValueException",
        &format!(
            r#"{{"Type":"User","message":"CodeSHA256 ({}) is different from current CodeSHA256 in $LATEST ({DIGEST}). Please try again with the CodeSHA256 in $LATEST."}}"#,
            "a".repeat(64)
        ),
    );
    let v1 = send(
        &s,
        Method::POST,
        "/2015-03-31/functions/img/versions",
        &format!(r#"{{"CodeSha256":"{DIGEST}"}}"#),
    );
    assert_eq!((v1.status, v1.json()["Version"].as_str()), (201, Some("1")));
    // R177: ImageConfig is replaced, `{}` removes it; the version keeps its own.
    let cleared = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/img/configuration",
        r#"{"ImageConfig":{}}"#,
    );
    assert!(
        cleared.json().get("ImageConfigResponse").is_none(),
        "{}",
        cleared.body
    );
    let v1 = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/img:1/configuration",
        "",
    )
    .json();
    assert_eq!(
        v1["ImageConfigResponse"]["ImageConfig"]["Command"][0],
        "app.handler"
    );
}

#[test]
fn r174_tags_resolve_deterministically_until_the_code_is_set_again() {
    let s = service();
    let uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:latest";
    let a = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &image_body("a", uri),
    )
    .json();
    let b = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &image_body("b", uri),
    )
    .json();
    assert_eq!(a["CodeSha256"], b["CodeSha256"]);
    assert_eq!(a["CodeSha256"].as_str().unwrap().len(), 64);
}

#[test]
fn r176_r178_package_type_is_fixed_and_uris_are_checked() {
    let s = populated();
    let uri = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:{DIGEST}");
    let to_image = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/f/code",
        &format!(r#"{{"ImageUri":"{uri}"}}"#),
    );
    assert_error(
        &to_image,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Please don't provide ImageUri when updating a function with packageType Zip."}"#,
    );
    assert_eq!(
        send(
            &s,
            Method::POST,
            "/2015-03-31/functions",
            &image_body("img", &uri)
        )
        .status,
        201
    );
    let to_zip = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/img/code",
        &format!(r#"{{"ZipFile":"{}"}}"#, zip_b64(EMPTY_ZIP)),
    );
    assert_error(
        &to_zip,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Please provide ImageUri when updating a function with packageType Image."}"#,
    );
    let bad = send(
        &s,
        Method::POST,
        "/2015-03-31/functions",
        &image_body("bad", "orders:latest"),
    );
    assert_error(
        &bad,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Source image orders:latest is not valid. Provide a valid source image."}"#,
    );
}

struct Bucket;

impl CodeSource for Bucket {
    fn fetch(&self, bucket: &str, key: &str, _version: Option<&str>) -> Result<Code, String> {
        match (bucket, key) {
            ("deploys", "app.zip") => Ok(Code::from_zip_bytes(b"PK\x05\x06 from s3")),
            _ => Err("Error occurred while GetObject. S3 Error Code: NoSuchKey.".into()),
        }
    }
}

#[test]
fn s3_code_comes_from_the_platforms_code_source() {
    let s = Service::builder(Registry::builder().clock(clock()).seed(1).build())
        .settle_immediately()
        .code_source(Bucket)
        .build();
    let body = |key: &str| {
        format!(
            r#"{{"FunctionName":"s3fn","Role":"{ROLE}","Runtime":"python3.12","Handler":"a.b","Code":{{"S3Bucket":"deploys","S3Key":"{key}"}}}}"#
        )
    };
    let ok = send(&s, Method::POST, "/2015-03-31/functions", &body("app.zip"));
    assert_eq!(ok.status, 201, "{}", ok.body);
    assert_eq!(
        ok.json()["CodeSha256"],
        Code::from_zip_bytes(b"PK\x05\x06 from s3").sha256()
    );
    let missing = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/s3fn/code",
        r#"{"S3Bucket":"deploys","S3Key":"nope"}"#,
    );
    assert_error(
        &missing,
        400,
        "InvalidParameterValueException",
        r#"{"Type":"User","message":"Error occurred while GetObject. S3 Error Code: NoSuchKey."}"#,
    );
}

#[test]
fn r183_snap_start_is_on_for_published_versions_only() {
    let s = service();
    let body = format!(
        r#"{{"FunctionName":"snap","Role":"{ROLE}","Runtime":"java21","Handler":"a::b","Code":{{"ZipFile":"{}"}},"SnapStart":{{"ApplyOn":"PublishedVersions"}}}}"#,
        zip_b64(EMPTY_ZIP)
    );
    let created = send(&s, Method::POST, "/2015-03-31/functions", &body).json();
    assert_eq!(
        created["SnapStart"],
        serde_json::json!({"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"})
    );
    let v1 = send(&s, Method::POST, "/2015-03-31/functions/snap/versions", "").json();
    assert_eq!(
        v1["SnapStart"],
        serde_json::json!({"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"})
    );
    let off = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/snap/configuration",
        r#"{"SnapStart":{"ApplyOn":"None"}}"#,
    )
    .json();
    assert_eq!(off["SnapStart"]["ApplyOn"], "None");
    let v2 = send(&s, Method::POST, "/2015-03-31/functions/snap/versions", "").json();
    assert_eq!(
        v2["SnapStart"],
        serde_json::json!({"ApplyOn": "None", "OptimizationStatus": "Off"})
    );
    let v1_again = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/snap:1/configuration",
        "",
    )
    .json();
    assert_eq!(
        v1_again["SnapStart"]["OptimizationStatus"], "On",
        "frozen with the version"
    );
    let bad = send(
        &s,
        Method::PUT,
        "/2015-03-31/functions/snap/configuration",
        r#"{"SnapStart":{"ApplyOn":"invalidOption"}}"#,
    );
    assert_error(
        &bad,
        400,
        "ValidationException",
        r#"{"message":"1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy constraint: Member must satisfy enum value set: [PublishedVersions, None]"}"#,
    );
}

#[test]
fn r185_runtime_version_outside_list_entries() {
    let s = populated();
    let got = send(
        &s,
        Method::GET,
        "/2015-03-31/functions/f:1/configuration",
        "",
    )
    .json();
    assert!(
        got["RuntimeVersionConfig"]["RuntimeVersionArn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:lambda:us-east-1::runtime:")
    );
    let list = send(&s, Method::GET, "/2015-03-31/functions/f/versions", "").json();
    assert!(list["Versions"][0].get("RuntimeVersionConfig").is_none());
}
