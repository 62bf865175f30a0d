//! Names, qualifiers, ARNs and the `FunctionName` parameter (R1–R9, R93).

mod common;

use common::*;
use lambda_versioning::registry::{
    CreateFunctionRequest, DeleteFunctionRequest, GetFunctionConfigurationRequest,
    GetFunctionRequest, InvokeRequest,
};
use lambda_versioning::{
    AccountId, AliasName, ErrorKind, FunctionArn, FunctionName, FunctionRef, FunctionRefForm,
    NamePattern, Partition, Qualifier, Region, Version, VersionNumber,
};
use proptest::prelude::*;

#[test]
fn r1_function_name_is_1_to_64_name_characters() {
    assert!("a".parse::<FunctionName>().is_ok());
    assert!("A-b_9".parse::<FunctionName>().is_ok());
    assert!("a".repeat(64).parse::<FunctionName>().is_ok());
    assert_eq!(
        "a".repeat(65)
            .parse::<FunctionName>()
            .unwrap_err()
            .to_string(),
        format!(
            "invalid function name \"{}\": longer than 64 characters",
            "a".repeat(65)
        )
    );
    assert_eq!(
        "".parse::<FunctionName>().unwrap_err().to_string(),
        "invalid function name \"\": must not be empty"
    );
    assert_eq!(
        "my.fn".parse::<FunctionName>().unwrap_err().to_string(),
        "invalid function name \"my.fn\": only letters, digits, '-' and '_' are allowed"
    );
}

#[test]
fn r1_create_function_with_65_char_name_is_ipve_with_validation_text() {
    let mut r = registry();
    let name = "a".repeat(65);
    assert_err(
        r.create_function(CreateFunctionRequest::new(name.clone(), config(b"x"))),
        ErrorKind::InvalidParameterValue,
        &format!(
            "1 validation error detected: Value '{name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64"
        ),
    );
    assert_eq!(r.function_count(), 0);
}

#[test]
fn r1_r65_reads_of_a_65_char_name_are_not_found() {
    let r = registry();
    let name = "a".repeat(65);
    assert_err(
        r.get_function(GetFunctionRequest::new(name.clone())),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:{name}"),
    );
    assert_err(
        r.invoke_target(InvokeRequest::new(name.clone()), &mut rand::rng()),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:{name}:$LATEST"),
    );
    let mut r = registry();
    assert_err(
        r.delete_function(DeleteFunctionRequest::new(name.clone())),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:{name}"),
    );
}

#[test]
fn r2_create_function_length_limit_is_140() {
    let mut r = registry();
    let long = format!("{ARN}:{}", "b".repeat(140 - ARN.len()));
    assert_eq!(long.len(), 141);
    assert_err(
        r.create_function(CreateFunctionRequest::new(long.clone(), config(b"x"))),
        ErrorKind::Validation,
        &validation(
            &long,
            "functionName",
            "Member must have length less than or equal to 140",
        ),
    );
}

#[test]
fn r2_create_function_quotes_the_classic_pattern() {
    let mut r = registry();
    assert_err(
        r.create_function(CreateFunctionRequest::new(
            "invalid:function:name",
            config(b"x"),
        )),
        ErrorKind::Validation,
        &validation("invalid:function:name", "functionName", CLASSIC_PATTERN),
    );
}

#[test]
fn r2_namespaced_names_admit_dots_classic_do_not() {
    let r = FunctionRef::parse("my.fn", NamePattern::Namespaced).unwrap();
    assert_eq!(r.name(), "my.fn");
    assert_eq!(r.function_name(), None);
    assert!(FunctionRef::parse("my.fn", NamePattern::Classic).is_err());
    assert!(FunctionRef::parse("f:$LATEST.PUBLISHED", NamePattern::Namespaced).is_ok());
    assert!(FunctionRef::parse("f:$LATEST.PUBLISHED", NamePattern::Classic).is_err());
    assert!(FunctionRef::parse(&"a".repeat(256), NamePattern::Namespaced).is_ok());
    assert!(FunctionRef::parse(&"a".repeat(257), NamePattern::Namespaced).is_err());
    assert!(FunctionRef::parse(&"a".repeat(141), NamePattern::Classic).is_err());
}

#[test]
fn r2_r93_invalid_function_names_on_reads_quote_the_namespaced_pattern() {
    let r = registry();
    let cases = [
        "my-function!".to_owned(),
        format!("{ARN}:my-function:1:2"),
        "function:my-function:$LATEST:extra".to_owned(),
        format!("{ARN}:my-function:$LATES"),
        "arn:aws:lambda::123456789012:function:my-function".to_owned(),
        "arn:aws:lambda:us-east-1::function:my-function".to_owned(),
        "arn:aws:lambda:invalid-region:123456789012:function:my-function".to_owned(),
        "invalid-account:function:my-function".to_owned(),
        "arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0".to_owned(),
        "arn:aws:lambda:us-east-1:123400000000@function:myfn".to_owned(),
    ];
    for name in cases {
        let expected = validation(&name, "functionName", NAMESPACED_PATTERN);
        assert_err(
            r.get_function(GetFunctionRequest::new(name.clone())),
            ErrorKind::Validation,
            &expected,
        );
        assert_err(
            r.invoke_target(InvokeRequest::new(name.clone()), &mut rand::rng()),
            ErrorKind::Validation,
            &expected,
        );
        let mut w = registry();
        assert_err(
            w.delete_function(DeleteFunctionRequest::new(name.clone())),
            ErrorKind::Validation,
            &expected,
        );
    }
}

#[test]
fn r3_parsing_is_positional() {
    let r = FunctionRef::parse("123456789012:function:f", NamePattern::Classic).unwrap();
    assert_eq!(r.form(), FunctionRefForm::PartialArn);
    assert_eq!(r.account(), Some(AccountId::EXAMPLE));
    assert_eq!(r.name(), "f");
    assert_eq!(r.qualifier(), None);

    let r = FunctionRef::parse("us-west-2:f:live", NamePattern::Classic).unwrap();
    assert_eq!(r.region().map(Region::as_str), Some("us-west-2"));
    assert_eq!((r.name(), r.qualifier()), ("f", Some("live")));

    let r = FunctionRef::parse(&format!("{ARN}:f:$LATEST"), NamePattern::Classic).unwrap();
    assert_eq!(r.form(), FunctionRefForm::Arn);
    assert_eq!(r.partition(), Some(&Partition::AWS));
    assert_eq!(r.qualifier(), Some("$LATEST"));

    let r = FunctionRef::parse("f", NamePattern::Classic).unwrap();
    assert_eq!(r.form(), FunctionRefForm::Name);

    // `arn::lambda:` names no partition but is still the ARN form.
    let r = FunctionRef::parse(
        "arn::lambda:us-east-1:123456789012:function:f",
        NamePattern::Classic,
    )
    .unwrap();
    assert_eq!((r.form(), r.partition()), (FunctionRefForm::Arn, None));
}

#[test]
fn r3_an_arn_ending_in_function_names_a_function_called_function() {
    let r = registry();
    let name = "arn:aws:lambda:us-east-1:123456789012:function";
    assert_eq!(
        FunctionRef::parse(name, NamePattern::Namespaced)
            .unwrap()
            .name(),
        "function"
    );
    assert_err(
        r.get_function(GetFunctionRequest::new(name)),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:function"),
    );
    assert_err(
        r.invoke_target(InvokeRequest::new(name), &mut rand::rng()),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:function:$LATEST"),
    );
}

#[test]
fn r4_qualifier_param_pattern_and_length() {
    let r = registry();
    assert_err(
        r.get_function(GetFunctionRequest::new("f").with_qualifier("invalid!")),
        ErrorKind::Validation,
        &validation("invalid!", "qualifier", QUALIFIER_PATTERN),
    );
    let long = "a".repeat(129);
    assert_err(
        r.get_function(GetFunctionRequest::new("f").with_qualifier(long.clone())),
        ErrorKind::Validation,
        &validation(
            &long,
            "qualifier",
            "Member must have length less than or equal to 128",
        ),
    );
    // `$` anywhere passes validation, then names nothing.
    let mut w = registry();
    create(&mut w, "f");
    assert_err(
        w.get_function(
            GetFunctionRequest::new("f").with_qualifier("valid-with-$-but-doesnotexist"),
        ),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:f:valid-with-$-but-doesnotexist"),
    );
}

#[test]
fn r4_latest_is_case_sensitive() {
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
            &mut rand::rng(),
        ),
        ErrorKind::ResourceNotFound,
        &format!("Function not found: {ARN}:my-function:$latest"),
    );
    // As a suffix, `$latest` fails the name pattern.
    let name = "my-function:$latest";
    assert_err(
        r.get_function(GetFunctionRequest::new(name)),
        ErrorKind::Validation,
        &validation(name, "functionName", NAMESPACED_PATTERN),
    );
    assert!("$latest".parse::<Version>().is_err());
}

#[test]
fn r4_r5_r33_alias_names_are_never_all_digits() {
    assert!("2024-01-02".parse::<AliasName>().is_ok());
    assert!("a".repeat(128).parse::<AliasName>().is_ok());
    assert!("a".repeat(129).parse::<AliasName>().is_err());
    assert_eq!(
        "2024".parse::<AliasName>().unwrap_err().to_string(),
        "invalid alias name \"2024\": an alias name cannot be all digits"
    );
    assert_eq!(
        "$LATEST".parse::<AliasName>().unwrap_err().to_string(),
        "invalid alias name \"$LATEST\": only letters, digits, '-' and '_' are allowed"
    );
}

#[test]
fn r4_qualifier_parsing_is_unambiguous() {
    assert_eq!("$LATEST".parse::<Qualifier>().unwrap(), Qualifier::Latest);
    assert_eq!(
        "42".parse::<Qualifier>().unwrap(),
        Qualifier::Version(VersionNumber::new(42).unwrap())
    );
    assert_eq!(
        "live".parse::<Qualifier>().unwrap(),
        Qualifier::Alias("live".parse().unwrap())
    );
    assert!("0".parse::<Qualifier>().is_err());
    assert!("01".parse::<Qualifier>().is_err());
    assert!("".parse::<Qualifier>().is_err());
    assert!("a$b".parse::<Qualifier>().is_err());
}

#[test]
fn r6_suffix_and_qualifier_must_agree_before_lookup() {
    let r = registry();
    let msg =
        "The derived qualifier from the function name does not match the specified qualifier.";
    assert_err(
        r.get_function(GetFunctionRequest::new("missing:1").with_qualifier("2")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    assert_err(
        r.get_function_configuration(
            GetFunctionConfigurationRequest::new("missing:1").with_qualifier("2"),
        ),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    assert_err(
        r.invoke_target(
            InvokeRequest::new("missing:$LATEST").with_qualifier("live"),
            &mut rand::rng(),
        ),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    let mut w = registry();
    assert_err(
        w.delete_function(DeleteFunctionRequest::new("missing:1").with_qualifier("2")),
        ErrorKind::InvalidParameterValue,
        msg,
    );
    // Equal values proceed.
    create(&mut w, "f");
    let got = w
        .get_function(GetFunctionRequest::new("f:$LATEST").with_qualifier("$LATEST"))
        .unwrap();
    assert_eq!(
        got.configuration.function_arn.to_string(),
        format!("{ARN}:f:$LATEST")
    );
}

#[test]
fn r7_an_arn_of_another_region_is_not_reachable() {
    let mut r = registry();
    create(&mut r, "f");
    let other = "arn:aws:lambda:ap-southeast-1:123456789012:function:f";
    let msg = "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')";
    assert_err(
        r.get_function(GetFunctionRequest::new(other)),
        ErrorKind::ResourceNotFound,
        msg,
    );
    assert_err(
        r.invoke_target(InvokeRequest::new(other), &mut rand::rng()),
        ErrorKind::ResourceNotFound,
        msg,
    );
    assert_err(
        r.create_function(CreateFunctionRequest::new(other, config(b"x"))),
        ErrorKind::ResourceNotFound,
        msg,
    );
    // The region check precedes the qualifier-agreement check (R94).
    assert_err(
        r.get_function(GetFunctionRequest::new(format!("{other}:1")).with_qualifier("2")),
        ErrorKind::ResourceNotFound,
        msg,
    );
}

#[test]
fn r8_r179_another_accounts_function_is_access_denied() {
    let mut r = registry();
    create(&mut r, "f");
    let err = r
        .get_function(GetFunctionRequest::new(
            "arn:aws:lambda:us-east-1:210987654321:function:f",
        ))
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.message(), err.has_null_message()),
        (ErrorKind::AccessDenied, "", true)
    );
    assert_eq!(err.http_status(), 403);
    let create_elsewhere = r
        .create_function(lambda_versioning::registry::CreateFunctionRequest::new(
            "arn:aws:lambda:us-east-1:210987654321:function:x",
            config(b"x"),
        ))
        .unwrap_err();
    assert_eq!(create_elsewhere.kind(), ErrorKind::AccessDenied);
    assert_eq!(r.function_count(), 1);
    // The same account, written as a partial ARN, is this registry's function.
    assert!(
        r.get_function(GetFunctionRequest::new("123456789012:function:f"))
            .is_ok()
    );
}

#[test]
fn r9_arn_shapes_round_trip() {
    let name: FunctionName = "my-fn".parse().unwrap();
    let arn = FunctionArn::new(Partition::AWS, Region::US_EAST_1, AccountId::EXAMPLE, name);
    assert_eq!(
        arn.to_string(),
        "arn:aws:lambda:us-east-1:123456789012:function:my-fn"
    );
    assert_eq!(
        arn.with_qualifier(Qualifier::Latest).to_string(),
        format!("{ARN}:my-fn:$LATEST")
    );
    assert_eq!(
        arn.with_qualifier(VersionNumber::new(3).unwrap())
            .to_string(),
        format!("{ARN}:my-fn:3")
    );
    let alias: AliasName = "PROD".parse().unwrap();
    let alias_arn = arn.with_qualifier(alias);
    assert_eq!(alias_arn.to_string(), format!("{ARN}:my-fn:PROD"));
    assert_eq!(
        alias_arn.to_string().parse::<FunctionArn>().unwrap(),
        alias_arn
    );
    for s in [
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:f",
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:7",
        "arn:aws:lambda:eusc-de-east-1:123456789012:function:f:$LATEST",
    ] {
        assert_eq!(s.parse::<FunctionArn>().unwrap().to_string(), s);
    }
    for bad in [
        "arn:aws:lambda:us-east-1:123456789012:function:f:01",
        "arn:aws:lambda:us-east-1:123456789012:function:f:1:2",
        "arn:aws:s3:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:12345678901:function:f",
        "arn:aws:lambda:us-east-1:123456789012:layer:f",
        "arn:gcp:lambda:us-east-1:123456789012:function:f",
        "123456789012:function:f",
    ] {
        assert!(bad.parse::<FunctionArn>().is_err(), "{bad}");
    }
}

#[test]
fn serde_goes_through_validation() {
    let arn: FunctionArn = serde_json::from_str(&format!("\"{ARN}:f:live\"")).unwrap();
    assert_eq!(
        serde_json::to_string(&arn).unwrap(),
        format!("\"{ARN}:f:live\"")
    );
    assert!(serde_json::from_str::<AliasName>("\"2024\"").is_err());
    assert!(serde_json::from_str::<VersionNumber>("\"0\"").is_err());
    assert!(serde_json::from_str::<FunctionName>("\"a.b\"").is_err());
    assert_eq!(
        serde_json::from_str::<Version>("\"$LATEST\"").unwrap(),
        Version::Latest
    );
}

fn name_strategy() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_-]{1,64}"
}

fn qualifier_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$LATEST".to_owned()),
        (1u64..1_000_000).prop_map(|n| n.to_string()),
        "[a-zA-Z_-][a-zA-Z0-9_-]{0,20}",
    ]
}

proptest! {
    #[test]
    fn r9_function_arn_display_round_trips(
        name in name_strategy(),
        q in proptest::option::of(qualifier_strategy()),
        region in prop_oneof![Just("us-east-1"), Just("eu-west-2"), Just("us-gov-west-1"), Just("ap-southeast-3")],
        partition in prop_oneof![Just("aws"), Just("aws-cn"), Just("aws-us-gov")],
        account in "[0-9]{12}",
    ) {
        let mut s = format!("arn:{partition}:lambda:{region}:{account}:function:{name}");
        if let Some(q) = &q {
            s.push(':');
            s.push_str(q);
        }
        let arn: FunctionArn = s.parse().unwrap();
        prop_assert_eq!(arn.to_string(), s.clone());
        prop_assert_eq!(arn.name().as_str(), name.as_str());
        // R2: the classic grammar caps the whole string at 140 characters.
        let classic = FunctionRef::parse(&s, NamePattern::Classic);
        prop_assert_eq!(classic.is_ok(), s.len() <= 140);
        let r = FunctionRef::parse(&s, NamePattern::Namespaced).unwrap();
        prop_assert_eq!(r.to_string(), s.clone());
        prop_assert_eq!(r.name(), name.as_str());
        prop_assert_eq!(r.qualifier(), q.as_deref());
    }

    #[test]
    fn function_ref_never_panics_and_round_trips(s in "\\PC{0,80}") {
        for pattern in [NamePattern::Classic, NamePattern::Namespaced] {
            if let Ok(r) = FunctionRef::parse(&s, pattern) {
                prop_assert_eq!(r.to_string(), s.clone());
                prop_assert_eq!(FunctionRef::parse(&r.to_string(), pattern).unwrap(), r);
            }
        }
    }
}
