//! Framework validation (R93): the service's member constraints, the exact constraint
//! texts it quotes, and the `ValidationException` message with its single- and multi-error
//! forms. Business rules live in the registry; this module only knows lengths, patterns
//! and ranges.

use std::sync::LazyLock;

use regex::Regex;

use crate::error::{Error, ErrorKind};

/// The `FunctionName` pattern the service quotes for the classic operations (CreateFunction,
/// PublishVersion, the alias operations, UpdateFunctionCode/Configuration). Recorded text.
pub(crate) const FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";

/// The `FunctionName` pattern the service quotes for the read, invoke and delete
/// operations (names may contain `.`; `$LATEST.PUBLISHED` is a known qualifier). Recorded text.
pub(crate) const NAMESPACED_FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";

/// The `Qualifier` query parameter pattern (recorded text).
pub(crate) const QUALIFIER_PATTERN: &str = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

/// The alias `Name` pattern (recorded text, R33).
pub(crate) const ALIAS_NAME_PATTERN: &str = r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)";

/// The `FunctionVersion` pattern of CreateAlias/UpdateAlias/ListAliases (recorded text).
pub(crate) const FUNCTION_VERSION_PATTERN: &str = r"(\$LATEST(\.PUBLISHED)?|[0-9]+)";

/// The routing key pattern (R48).
pub(crate) const ADDITIONAL_VERSION_PATTERN: &str = "[0-9]+";

static CLASSIC_NAME_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^(?P<arn>arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]:)?(?P<account>[0-9]{12}:)?(?P<function>function:)?(?P<name>[a-zA-Z0-9_-]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$",
    )
});

static NAMESPACED_NAME_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^(?P<arn>arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]:)?(?P<account>[0-9]{12}:)?(?P<function>function:)?(?P<name>[a-zA-Z0-9_.-]+)(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?$",
    )
});

/// The execution role pattern (model text).
pub(crate) const ROLE_PATTERN: &str =
    r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

static ROLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^arn:(?:aws[a-zA-Z-]*)?:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$")
});

pub(crate) fn matches_role(s: &str) -> bool {
    ROLE_RE.is_match(s)
}

/// The `Environment.Variables` key pattern (model text).
pub(crate) const ENVIRONMENT_KEY_PATTERN: &str = "[a-zA-Z]([a-zA-Z0-9_])+";

pub(crate) fn matches_environment_key(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The layer version ARN pattern, as the service quotes it (reported text).
pub(crate) const LAYER_ARN_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)";

static LAYER_ARN_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]:[0-9]{12}:layer:[a-zA-Z0-9_-]+:[0-9]+|arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9_-]+)$",
    )
});

pub(crate) fn matches_layer_arn(s: &str) -> bool {
    LAYER_ARN_RE.is_match(s)
}

/// The `Runtime` enum of the service's API model (botocore 1.44.8).
pub(crate) const RUNTIMES: &[&str] = &[
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "nodejs4.3-edge",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
    "provided",
    "provided.al2",
    "provided.al2023",
    "nodejs26.x",
    "python3.15",
    "java8.al2023",
    "java11.al2023",
    "java17.al2023",
    "custom",
];

/// `AddPermission` member patterns (model text).
pub(crate) const STATEMENT_ID_PATTERN: &str = "([a-zA-Z0-9-_]+)";
/// `RemovePermission`'s path parameter admits `.` as well.
pub(crate) const REMOVE_STATEMENT_ID_PATTERN: &str = "([a-zA-Z0-9-_.]+)";
pub(crate) const ACTION_PATTERN: &str = "(lambda:[*]|lambda:[a-zA-Z]+|[*])";
pub(crate) const PRINCIPAL_PATTERN: &str = r"[^\s]+";
pub(crate) const SOURCE_ARN_PATTERN: &str =
    r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)";
pub(crate) const SOURCE_ACCOUNT_PATTERN: &str = r"\d{12}";
pub(crate) const ORG_ID_PATTERN: &str = "o-[a-z0-9]{10,32}";
pub(crate) const EVENT_SOURCE_TOKEN_PATTERN: &str = r"[a-zA-Z0-9._\-]+";

static SOURCE_ARN_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^arn:aws[a-zA-Z0-9-]*:[a-zA-Z0-9-]+:(?:[a-z]{2}(?:-gov)?-[a-z]+-[0-9])?:(?:[0-9]{12})?:.*$",
    )
});

/// The `Destination` pattern of `DestinationConfig` (R139, recorded text).
pub(crate) const DESTINATION_PATTERN: &str = r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)";

static DESTINATION_RE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"^(?:|kafka://[^.][a-zA-Z0-9\-_.]{0,248}|arn:aws[a-zA-Z0-9-]*:[a-zA-Z0-9-]+:(?:(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9])?:(?:[0-9]{12})?:.*)$",
    )
});

/// Whether `s` matches [`DESTINATION_PATTERN`] as a whole.
pub(crate) fn matches_destination(s: &str) -> bool {
    DESTINATION_RE.is_match(s)
}

pub(crate) fn matches_source_arn(s: &str) -> bool {
    SOURCE_ARN_RE.is_match(s)
}

pub(crate) fn matches_action(s: &str) -> bool {
    s == "*"
        || s == "lambda:*"
        || s.strip_prefix("lambda:")
            .is_some_and(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_alphabetic()))
}

pub(crate) fn matches_org_id(s: &str) -> bool {
    s.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

static REGION_RE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]$"));

fn compile(pattern: &str) -> Regex {
    // The patterns are constants of this crate; a failure here is a bug caught by every test.
    Regex::new(pattern).unwrap_or_else(|e| panic!("built-in pattern {pattern:?} is invalid: {e}"))
}

/// Which of the two `FunctionName` grammars an operation uses (R2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NamePattern {
    /// The classic `FunctionName` shape: names of `[a-zA-Z0-9-_]`, at most 140 characters
    /// in all. Used by CreateFunction, PublishVersion, UpdateFunctionCode,
    /// UpdateFunctionConfiguration and the alias operations.
    Classic,
    /// The `NamespacedFunctionName` shape: names may also contain `.` and the qualifier
    /// `$LATEST.PUBLISHED` is admitted, at most 256 characters in all. Used by GetFunction,
    /// GetFunctionConfiguration, DeleteFunction, ListVersionsByFunction, Invoke and the
    /// policy operations.
    Namespaced,
}

impl NamePattern {
    /// The longest `FunctionName` string this grammar accepts.
    pub const fn max_len(self) -> usize {
        match self {
            NamePattern::Classic => 140,
            NamePattern::Namespaced => 256,
        }
    }

    /// The pattern text the service quotes in its `ValidationException`.
    pub const fn quoted(self) -> &'static str {
        match self {
            NamePattern::Classic => FUNCTION_NAME_PATTERN,
            NamePattern::Namespaced => NAMESPACED_FUNCTION_NAME_PATTERN,
        }
    }

    /// Whether `c` may appear in the name part of this grammar (`[a-zA-Z0-9_-]`, plus
    /// `.` in the namespaced one).
    pub(crate) fn name_char(self, c: char) -> bool {
        is_name_char(c) || (c == '.' && self == NamePattern::Namespaced)
    }

    pub(crate) fn regex(self) -> &'static Regex {
        match self {
            NamePattern::Classic => &CLASSIC_NAME_RE,
            NamePattern::Namespaced => &NAMESPACED_NAME_RE,
        }
    }
}

pub(crate) fn is_region(s: &str) -> bool {
    REGION_RE.is_match(s)
}

/// Length as the service counts it (Java `String.length()`, UTF-16 code units).
pub(crate) fn java_len(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.encode_utf16().count()
}

pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

pub(crate) fn matches_qualifier_param(s: &str) -> bool {
    s == "$LATEST"
        || s == "$LATEST.PUBLISHED"
        // Every allowed character is ASCII, so bytes serve: a byte of a non-ASCII
        // character is refused as the character would be.
        || (!s.is_empty() && s.bytes().all(|b| is_name_char(char::from(b)) || b == b'$'))
}

/// What breaks the alias-name pattern `(?!^[0-9]+$)([a-zA-Z0-9-_]+)` (R4, R5, R33) in a
/// non-empty `s`, if anything; lengths are checked separately. The one place the pattern
/// is decided: request validation and `AliasName` parsing both ask it.
pub(crate) fn alias_pattern_problem(s: &str) -> Option<&'static str> {
    if !s.chars().all(is_name_char) {
        Some("only letters, digits, '-' and '_' are allowed")
    } else if s.bytes().all(|b| b.is_ascii_digit()) {
        Some("an alias name cannot be all digits")
    } else {
        None
    }
}

pub(crate) fn matches_alias_name(s: &str) -> bool {
    !s.is_empty() && alias_pattern_problem(s).is_none()
}

pub(crate) fn matches_function_version(s: &str) -> bool {
    s == "$LATEST" || s == "$LATEST.PUBLISHED" || is_digits(s)
}

pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Renders a double the way Java's `Double.toString` does, which is how the service
/// prints weights inside validation messages (`2.0`, `-1.0`, `1.0E-4`).
pub(crate) fn java_double(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_owned();
    }
    let magnitude = value.abs();
    if (1e-3..1e7).contains(&magnitude) {
        let plain = format!("{value}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        // Rust prints `1e-4` / `1.5e10`; Java prints `1.0E-4` / `1.5E10`.
        let sci = format!("{value:e}");
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_owned()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exponent}")
    }
}

/// Collects member violations for one request and turns them into the service's
/// `ValidationException` text (R93).
#[derive(Debug, Default)]
pub(crate) struct Violations {
    items: Vec<String>,
}

impl Violations {
    pub(crate) fn new() -> Self {
        Violations::default()
    }

    /// Records one violation; `value` is rendered inside quotes.
    pub(crate) fn push(&mut self, value: &str, member: &str, constraint: &str) {
        self.items.push(format!(
            "Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// Records one violation of a sensitive member, whose value the service never
    /// quotes.
    pub(crate) fn push_unquoted(&mut self, member: &str, constraint: &str) {
        self.items.push(format!(
            "Value at '{member}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// Records a required member that is absent or `null`.
    pub(crate) fn push_null(&mut self, member: &str) {
        self.items.push(format!(
            "Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ));
    }

    /// Checks a string member against a maximum length and a pattern, recording at most
    /// one violation (length first, then pattern). Returns whether it passed.
    pub(crate) fn check_string(
        &mut self,
        value: &str,
        member: &str,
        min_len: usize,
        max_len: usize,
        pattern: Option<(&str, bool)>,
    ) -> bool {
        let len = java_len(value);
        if len > max_len {
            self.push(value, member, &max_len_text(max_len));
            return false;
        }
        if len < min_len {
            self.push(
                value,
                member,
                &format!("Member must have length greater than or equal to {min_len}"),
            );
            return false;
        }
        if let Some((quoted, matched)) = pattern
            && !matched
        {
            self.push(value, member, &pattern_text(quoted));
            return false;
        }
        true
    }

    /// Checks an integer member against an inclusive range.
    pub(crate) fn check_range(&mut self, value: i64, member: &str, min: i64, max: i64) -> bool {
        if value < min {
            self.push(
                &value.to_string(),
                member,
                &format!("Member must have value greater than or equal to {min}"),
            );
            false
        } else if value > max {
            self.push(
                &value.to_string(),
                member,
                &format!("Member must have value less than or equal to {max}"),
            );
            false
        } else {
            true
        }
    }

    /// Checks a required integer member: absent is `Value null …`, else the range.
    pub(crate) fn check_required_range(
        &mut self,
        value: Option<i64>,
        member: &str,
        min: i64,
        max: i64,
    ) {
        match value {
            None => self.push_null(member),
            Some(n) => {
                self.check_range(n, member, min, max);
            }
        }
    }

    /// Appends the violations recorded in `other` (for members checked separately).
    pub(crate) fn append(&mut self, other: Violations) {
        self.items.extend(other.items);
    }

    /// `Ok(())` when nothing was recorded, else the `ValidationException`.
    #[inline]
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.items.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The `ValidationException` for what was recorded (at least one violation).
    #[cold]
    fn into_error(self) -> Error {
        match self.items.len() {
            1 => Error::new(
                ErrorKind::Validation,
                format!("1 validation error detected: {}", self.items[0]),
            ),
            n => Error::new(
                ErrorKind::Validation,
                format!("{n} validation errors detected: {}", self.items.join("; ")),
            ),
        }
    }
}

pub(crate) fn max_len_text(max: usize) -> String {
    format!("Member must have length less than or equal to {max}")
}

pub(crate) fn pattern_text(quoted: &str) -> String {
    format!("Member must satisfy regular expression pattern: {quoted}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_double_matches_java_rendering() {
        assert_eq!(java_double(2.0), "2.0");
        assert_eq!(java_double(-1.0), "-1.0");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(0.0), "0.0");
        assert_eq!(java_double(1.0001), "1.0001");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(f64::NAN), "NaN");
        assert_eq!(java_double(f64::INFINITY), "Infinity");
    }

    #[test]
    fn r93_single_and_multi_error_forms() {
        let mut v = Violations::new();
        v.push("2024", "name", &pattern_text(ALIAS_NAME_PATTERN));
        assert_eq!(
            v.finish().unwrap_err().message(),
            "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
        );
        let mut v = Violations::new();
        v.push("a", "x", "c1");
        v.push("b", "y", "c2");
        assert_eq!(
            v.finish().unwrap_err().message(),
            "2 validation errors detected: Value 'a' at 'x' failed to satisfy constraint: c1; Value 'b' at 'y' failed to satisfy constraint: c2"
        );
    }
}
