//! Function ARNs (the shapes the service emits, R9) and the parsed `FunctionName` request
//! parameter (bare name, `name:qualifier`, partial ARN, full ARN; R1–R3).

use std::fmt;
use std::str::FromStr;

use crate::error::{Component, ParseError, ParseErrorReason};
use crate::names::{AccountId, FunctionName, Partition, Qualifier, Region, string_conversions};
use crate::validate::{NamePattern, java_len};

/// A function ARN as the service emits it: `arn:{partition}:lambda:{region}:{account}:function:{name}`,
/// optionally followed by `:{qualifier}` (`$LATEST`, a version number or an alias name).
///
/// ```
/// use lambda_versioning::{FunctionArn, Qualifier};
/// let arn: FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:my-fn:live".parse().unwrap();
/// assert_eq!(arn.name().as_str(), "my-fn");
/// assert_eq!(arn.qualifier().map(Qualifier::to_string).as_deref(), Some("live"));
/// assert_eq!(arn.unqualified().to_string(), "arn:aws:lambda:us-east-1:123456789012:function:my-fn");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionArn {
    partition: Partition,
    region: Region,
    account: AccountId,
    name: FunctionName,
    qualifier: Option<Qualifier>,
}

impl FunctionArn {
    /// The unqualified ARN of function `name`.
    pub fn new(
        partition: Partition,
        region: Region,
        account: AccountId,
        name: FunctionName,
    ) -> Self {
        FunctionArn {
            partition,
            region,
            account,
            name,
            qualifier: None,
        }
    }

    /// The same function, qualified by `qualifier` (replacing any qualifier it had).
    pub fn with_qualifier(&self, qualifier: impl Into<Qualifier>) -> Self {
        FunctionArn {
            qualifier: Some(qualifier.into()),
            ..self.clone()
        }
    }

    /// The same function without a qualifier.
    pub fn unqualified(&self) -> Self {
        FunctionArn {
            qualifier: None,
            ..self.clone()
        }
    }

    /// The partition.
    pub fn partition(&self) -> &Partition {
        &self.partition
    }

    /// The region.
    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The account id.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// The function name.
    pub fn name(&self) -> &FunctionName {
        &self.name
    }

    /// The qualifier, if this is a qualified ARN.
    pub fn qualifier(&self) -> Option<&Qualifier> {
        self.qualifier.as_ref()
    }
}

/// Appends `arn:{partition}:lambda:{region}:{account}:function:{name}` to `out`, part by
/// part (no formatting machinery).
pub(crate) fn push_unqualified_arn(
    out: &mut Vec<u8>,
    partition: &Partition,
    region: &Region,
    account: AccountId,
    name: &str,
) {
    for part in [
        "arn:",
        partition.as_str(),
        ":lambda:",
        region.as_str(),
        ":",
        account.as_str(),
        ":function:",
        name,
    ] {
        out.extend_from_slice(part.as_bytes());
    }
}

impl fmt::Display for FunctionArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:lambda:{}:{}:function:{}",
            self.partition, self.region, self.account, self.name
        )?;
        if let Some(q) = &self.qualifier {
            write!(f, ":{q}")?;
        }
        Ok(())
    }
}

impl FromStr for FunctionArn {
    type Err = ParseError;

    /// Parses a full function ARN. Partial ARNs and bare names are [`FunctionRef`]s, not
    /// `FunctionArn`s.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let bad = |what| ParseError::syntax(Component::FunctionArn, s, what);
        let rest = s
            .strip_prefix("arn:")
            .ok_or_else(|| bad("an ARN starts with 'arn:'"))?;
        let mut parts = rest.splitn(7, ':');
        let mut next = |what| parts.next().ok_or_else(|| bad(what));
        let partition = next("missing partition")?;
        if next("missing service")? != "lambda" {
            return Err(bad("not a lambda ARN"));
        }
        let region = next("missing region")?;
        let account = next("missing account id")?;
        if next("missing resource type")? != "function" {
            return Err(bad("not a function ARN"));
        }
        let name = next("missing function name")?;
        let qualifier = parts.next();
        let component =
            |e: ParseError| ParseError::new(Component::FunctionArn, s, e.reason().clone());
        Ok(FunctionArn {
            partition: partition.parse().map_err(component)?,
            region: region.parse().map_err(component)?,
            account: account.parse().map_err(component)?,
            name: name.parse().map_err(component)?,
            qualifier: qualifier.map(str::parse).transpose().map_err(component)?,
        })
    }
}

string_conversions!(FunctionArn);

/// Which form a [`FunctionRef`] was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FunctionRefForm {
    /// A bare name, optionally with `:qualifier` (`my-fn`, `my-fn:live`).
    Name,
    /// A partial ARN: region, account id or `function:` before the name, but no `arn:`
    /// prefix (`123456789012:function:my-fn`).
    PartialArn,
    /// A string with the `arn:{partition}:lambda:` prefix.
    Arn,
}

/// The `FunctionName` request parameter, parsed positionally over the service's pattern
/// groups (R2, R3): optional `arn:{partition}:lambda:`, optional `{region}:`, optional
/// `{account}:`, optional `function:`, the name, optional `:{qualifier}`.
///
/// The name and qualifier are kept as written: a namespaced name may contain `.`, and a
/// qualifier may be a string the service accepts syntactically but that names nothing
/// (`$LATEST.PUBLISHED`, `01`). `Display` writes the input back exactly.
///
/// ```
/// use lambda_versioning::{FunctionRef, FunctionRefForm, NamePattern};
/// let r = FunctionRef::parse("123456789012:function:my-fn:7", NamePattern::Classic).unwrap();
/// assert_eq!(r.form(), FunctionRefForm::PartialArn);
/// assert_eq!(r.name(), "my-fn");
/// assert_eq!(r.qualifier(), Some("7"));
/// assert_eq!(r.to_string(), "123456789012:function:my-fn:7");
///
/// // R3: a full ARN that stops after `function` names a function called "function".
/// let r: FunctionRef = "arn:aws:lambda:us-east-1:123456789012:function".parse().unwrap();
/// assert_eq!(r.name(), "function");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionRef {
    source: Box<str>,
    form: FunctionRefForm,
    partition: Option<Partition>,
    region: Option<Region>,
    account: Option<AccountId>,
    name: (usize, usize),
    qualifier: Option<(usize, usize)>,
}

impl FunctionRef {
    /// Parses `s` with the grammar of `pattern`, including its length limit.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] when `s` is empty, longer than [`NamePattern::max_len`], or does not
    /// match the pattern: `f:1:2`, `function:f:$LATEST:extra`, `…:f:$LATES`, an ARN with an
    /// empty region or account, a non-lambda ARN, a name containing `!`.
    pub fn parse(s: &str, pattern: NamePattern) -> Result<FunctionRef, ParseError> {
        if s.is_empty() {
            return Err(ParseError::new(
                Component::FunctionRef,
                s,
                ParseErrorReason::Empty,
            ));
        }
        if java_len(s) > pattern.max_len() {
            return Err(ParseError::new(
                Component::FunctionRef,
                s,
                ParseErrorReason::TooLong {
                    max: pattern.max_len(),
                },
            ));
        }
        // Without a `:` only the pattern's name group can match: a bare name is decided
        // without the regular expression (the common case on the wire).
        if !s.contains(':') && s.chars().all(|c| pattern.name_char(c)) {
            return Ok(FunctionRef {
                source: s.into(),
                form: FunctionRefForm::Name,
                partition: None,
                region: None,
                account: None,
                name: (0, s.len()),
                qualifier: None,
            });
        }
        FunctionRef::parse_with_pattern(s, pattern)
    }

    /// [`FunctionRef::parse`] by the pattern's regular expression, after the length checks.
    fn parse_with_pattern(s: &str, pattern: NamePattern) -> Result<FunctionRef, ParseError> {
        let caps = pattern.regex().captures(s).ok_or_else(|| {
            ParseError::syntax(
                Component::FunctionRef,
                s,
                "expected a function name, a partial ARN or a function ARN",
            )
        })?;
        let span = |name: &str| caps.name(name).map(|m| (m.start(), m.end()));
        let has_arn = caps.name("arn").is_some();
        let region_text = caps
            .name("region")
            .map(|m| m.as_str().trim_end_matches(':'));
        let account_text = caps
            .name("account")
            .map(|m| m.as_str().trim_end_matches(':'));
        let form = if has_arn {
            FunctionRefForm::Arn
        } else if region_text.is_some() || account_text.is_some() || caps.name("function").is_some()
        {
            FunctionRefForm::PartialArn
        } else {
            FunctionRefForm::Name
        };
        // The pattern already constrains these groups; re-parsing cannot fail, but stays
        // total instead of panicking.
        let component =
            |e: ParseError| ParseError::new(Component::FunctionRef, s, e.reason().clone());
        let partition = caps
            .name("partition")
            .map(|m| m.as_str().parse())
            .transpose()
            .map_err(component)?;
        let region = region_text.map(str::parse).transpose().map_err(component)?;
        let account = account_text
            .map(str::parse)
            .transpose()
            .map_err(component)?;
        let name = span("name").ok_or_else(|| {
            ParseError::syntax(Component::FunctionRef, s, "missing function name")
        })?;
        Ok(FunctionRef {
            source: s.into(),
            form,
            partition,
            region,
            account,
            name,
            qualifier: span("qualifier"),
        })
    }

    /// The form the reference was written in.
    pub fn form(&self) -> FunctionRefForm {
        self.form
    }

    /// The function name part, as written.
    pub fn name(&self) -> &str {
        &self.source[self.name.0..self.name.1]
    }

    /// The name part as a [`FunctionName`], or `None` when it is not a valid bare name (it
    /// contains `.` or is longer than 64 characters); no function can have such a name.
    pub fn function_name(&self) -> Option<FunctionName> {
        self.name().parse().ok()
    }

    /// The qualifier suffix, as written.
    pub fn qualifier(&self) -> Option<&str> {
        self.qualifier.map(|(a, b)| &self.source[a..b])
    }

    /// The partition of an `arn:` form, when it names one (`arn::lambda:…` names none).
    pub fn partition(&self) -> Option<&Partition> {
        self.partition.as_ref()
    }

    /// The region, when the reference names one.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }

    /// The account id, when the reference names one.
    pub fn account(&self) -> Option<AccountId> {
        self.account
    }

    /// The reference exactly as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for FunctionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for FunctionRef {
    type Err = ParseError;

    /// Parses with the lenient [`NamePattern::Namespaced`] grammar.
    fn from_str(s: &str) -> Result<Self, ParseError> {
        FunctionRef::parse(s, NamePattern::Namespaced)
    }
}

string_conversions!(FunctionRef);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The bare-name shortcut answers exactly what the pattern answers.
        #[test]
        fn bare_names_parse_as_the_pattern_says(s in "[a-zA-Z0-9._!$ -]{1,70}") {
            for pattern in [NamePattern::Classic, NamePattern::Namespaced] {
                prop_assert_eq!(
                    FunctionRef::parse(&s, pattern),
                    FunctionRef::parse_with_pattern(&s, pattern)
                );
            }
        }
    }
}
