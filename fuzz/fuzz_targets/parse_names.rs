//! The vocabulary parsers never panic, and whatever they accept re-displays to text that
//! parses to the same value.
#![no_main]

use lambda_versioning::{
    AccountId, AliasName, FunctionArn, FunctionName, FunctionRef, NamePattern, Partition,
    Qualifier, Region, RevisionId, StatementId, Version, VersionNumber,
};
use libfuzzer_sys::fuzz_target;
use std::fmt::Display;
use std::str::FromStr;

fn round_trip<T: FromStr + Display + PartialEq + std::fmt::Debug>(s: &str) {
    if let Ok(v) = s.parse::<T>() {
        let shown = v.to_string();
        let again = shown.parse::<T>().ok();
        assert_eq!(again.as_ref(), Some(&v), "{s:?} -> {shown:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    round_trip::<FunctionName>(s);
    round_trip::<AliasName>(s);
    round_trip::<VersionNumber>(s);
    round_trip::<Version>(s);
    round_trip::<Qualifier>(s);
    round_trip::<Partition>(s);
    round_trip::<Region>(s);
    round_trip::<AccountId>(s);
    round_trip::<RevisionId>(s);
    round_trip::<StatementId>(s);
    round_trip::<FunctionArn>(s);
    for pattern in [NamePattern::Classic, NamePattern::Namespaced] {
        if let Ok(r) = FunctionRef::parse(s, pattern) {
            assert_eq!(r.to_string(), s);
            assert_eq!(
                FunctionRef::parse(&r.to_string(), pattern).ok(),
                Some(r.clone())
            );
            let _ = r.function_name();
        }
    }
});
