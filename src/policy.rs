//! Resource-based policies (R73–R90): statements as `AddPermission` builds them, the
//! per-target policy document, its JSON text and the size the service counts.

use std::fmt;
use std::str::FromStr;

use crate::arn::FunctionArn;
use crate::error::{Component, ParseError};
use crate::names::{
    AccountId, AliasName, Partition, Qualifier, RevisionId, VersionNumber, string_conversions,
};

/// The most bytes one policy document may hold (R82, R92).
pub const POLICY_SIZE_LIMIT: usize = 20_480;

/// A statement id: 1–100 characters of `[a-zA-Z0-9-_]` (R79).
///
/// ```
/// use lambda_versioning::StatementId;
/// assert!("s3-invoke".parse::<StatementId>().is_ok());
/// assert!("example.com".parse::<StatementId>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatementId(Box<str>);

impl StatementId {
    /// The longest accepted id.
    pub const MAX_LEN: usize = 100;

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for StatementId {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        crate::names::check_len(Component::StatementId, s, Self::MAX_LEN)?;
        if !s.chars().all(crate::validate::is_name_char) {
            return Err(ParseError::syntax(
                Component::StatementId,
                s,
                "only letters, digits, '-' and '_' are allowed",
            ));
        }
        Ok(StatementId(s.into()))
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_conversions!(StatementId);

/// Who a statement grants (R76), normalised the way the service writes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Principal {
    /// A service principal such as `s3.amazonaws.com`: `{"Service": "…"}`.
    Service(String),
    /// An IAM ARN: `{"AWS": "…"}`. A bare account id is stored as its root ARN,
    /// `arn:{partition}:iam::{account}:root`.
    Aws(String),
    /// Anyone: `"*"`.
    Anyone,
}

impl Principal {
    /// Normalises an `AddPermission` `Principal` value, or `None` if the service would
    /// refuse it (`The provided principal was invalid. …`).
    pub fn normalise(value: &str, partition: &Partition) -> Option<Principal> {
        if value == "*" {
            Some(Principal::Anyone)
        } else if value.ends_with(".amazonaws.com") && value.len() > ".amazonaws.com".len() {
            Some(Principal::Service(value.to_owned()))
        } else if let Ok(account) = value.parse::<AccountId>() {
            Some(Principal::Aws(format!(
                "arn:{partition}:iam::{account}:root"
            )))
        } else if value.starts_with("arn:") && value.split(':').nth(2) == Some("iam") {
            Some(Principal::Aws(value.to_owned()))
        } else {
            None
        }
    }

    fn json(&self) -> String {
        match self {
            Principal::Service(s) => format!("{{\"Service\":{}}}", json_string(s)),
            Principal::Aws(a) => format!("{{\"AWS\":{}}}", json_string(a)),
            Principal::Anyone => "\"*\"".to_owned(),
        }
    }
}

/// `FunctionUrlAuthType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FunctionUrlAuthType {
    /// `NONE`: a public function URL.
    #[serde(rename = "NONE")]
    None,
    /// `AWS_IAM`: callers sign with IAM credentials.
    #[serde(rename = "AWS_IAM")]
    AwsIam,
}

impl FunctionUrlAuthType {
    /// The service's spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            FunctionUrlAuthType::None => "NONE",
            FunctionUrlAuthType::AwsIam => "AWS_IAM",
        }
    }
}

/// The conditions a statement carries, one per optional `AddPermission` field (R77).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Conditions {
    /// `ArnLike` `AWS:SourceArn` (wildcards `*` and `?`).
    pub source_arn: Option<String>,
    /// `StringEquals` `AWS:SourceAccount`.
    pub source_account: Option<String>,
    /// `StringEquals` `lambda:EventSourceToken`.
    pub event_source_token: Option<String>,
    /// `StringEquals` `lambda:FunctionUrlAuthType`.
    pub function_url_auth_type: Option<FunctionUrlAuthType>,
    /// `StringEquals` `aws:PrincipalOrgID`.
    pub principal_org_id: Option<String>,
    /// `Bool` `lambda:InvokedViaFunctionUrl` = `"true"`.
    pub invoked_via_function_url: bool,
}

impl Conditions {
    fn is_empty(&self) -> bool {
        *self == Conditions::default()
    }

    /// The `Condition` object: operators in the order `StringEquals`, `ArnLike`, `Bool`;
    /// keys inside `StringEquals` in the order `AWS:SourceAccount`,
    /// `lambda:EventSourceToken`, `lambda:FunctionUrlAuthType`, `aws:PrincipalOrgID`.
    fn json(&self) -> String {
        let mut operators = Vec::new();
        let mut equals = Vec::new();
        let mut add = |key: &str, value: Option<&str>| {
            if let Some(v) = value {
                equals.push(format!("{}:{}", json_string(key), json_string(v)));
            }
        };
        add("AWS:SourceAccount", self.source_account.as_deref());
        add(
            "lambda:EventSourceToken",
            self.event_source_token.as_deref(),
        );
        add(
            "lambda:FunctionUrlAuthType",
            self.function_url_auth_type.map(FunctionUrlAuthType::as_str),
        );
        add("aws:PrincipalOrgID", self.principal_org_id.as_deref());
        if !equals.is_empty() {
            operators.push(format!("\"StringEquals\":{{{}}}", equals.join(",")));
        }
        if let Some(arn) = &self.source_arn {
            operators.push(format!(
                "\"ArnLike\":{{\"AWS:SourceArn\":{}}}",
                json_string(arn)
            ));
        }
        if self.invoked_via_function_url {
            operators.push("\"Bool\":{\"lambda:InvokedViaFunctionUrl\":\"true\"}".to_owned());
        }
        format!("{{{}}}", operators.join(","))
    }
}

/// One statement of a resource policy (R75): always `Effect` `Allow`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Statement {
    /// `Sid`.
    pub sid: StatementId,
    /// `Principal`.
    pub principal: Principal,
    /// `Action`, as the request gave it (R80).
    pub action: String,
    /// `Resource`: the ARN of the target the policy belongs to.
    pub resource: String,
    /// `Condition`.
    pub conditions: Conditions,
}

impl Statement {
    /// The statement as compact JSON, keys in the service's order: `Sid`, `Effect`,
    /// `Principal`, `Action`, `Resource`, `Condition` (omitted when empty).
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"Sid\":{},\"Effect\":\"Allow\",\"Principal\":{},\"Action\":{},\"Resource\":{}",
            json_string(self.sid.as_str()),
            self.principal.json(),
            json_string(&self.action),
            json_string(&self.resource)
        );
        if !self.conditions.is_empty() {
            out.push_str(",\"Condition\":");
            out.push_str(&self.conditions.json());
        }
        out.push('}');
        out
    }
}

/// What a policy is attached to (R73): the unqualified function, a published version or
/// an alias. `$LATEST` carries none.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum PolicyTarget {
    Function,
    Version(VersionNumber),
    Alias(AliasName),
}

impl PolicyTarget {
    /// The policy target a qualifier names (R73, R86): the unqualified function for no
    /// qualifier, the version or alias otherwise, and `None` for `$LATEST`, which never
    /// has a policy. The one mapping from qualifiers to targets.
    pub(crate) fn of(qualifier: Option<&Qualifier>) -> Option<PolicyTarget> {
        match qualifier {
            None => Some(PolicyTarget::Function),
            Some(Qualifier::Latest) => None,
            Some(Qualifier::Version(n)) => Some(PolicyTarget::Version(*n)),
            Some(Qualifier::Alias(a)) => Some(PolicyTarget::Alias(a.clone())),
        }
    }

    /// The ARN the target's statements name as their `Resource` (R75).
    pub(crate) fn resource(&self, function: &FunctionArn) -> FunctionArn {
        match self {
            PolicyTarget::Function => function.clone(),
            PolicyTarget::Version(n) => function.with_qualifier(*n),
            PolicyTarget::Alias(a) => function.with_qualifier(a.clone()),
        }
    }
}

/// The resource policy of one target: statements in insertion order and a revision id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) statements: Vec<Statement>,
    pub(crate) revision_id: RevisionId,
}

/// The policy document as `GetPolicy` returns it, for a list of statements.
pub(crate) fn document_json<'a>(statements: impl IntoIterator<Item = &'a Statement>) -> String {
    let items: Vec<String> = statements.into_iter().map(Statement::to_json).collect();
    format!(
        "{{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{}]}}",
        items.join(",")
    )
}

/// The size the service reports for a document: the bytes of its compact JSON (Q20).
pub(crate) fn document_size<'a>(statements: impl IntoIterator<Item = &'a Statement>) -> usize {
    document_json(statements).len()
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Whether `value` matches an `ArnLike` pattern: `*` matches any run of characters
/// (including `:`), `?` exactly one; everything else is compared case-sensitively.
pub(crate) fn arn_like(pattern: &str, value: &str) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let (mut pi, mut vi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_like_wildcards() {
        assert!(arn_like("arn:aws:s3:::bucket", "arn:aws:s3:::bucket"));
        assert!(arn_like("arn:aws:s3:::*", "arn:aws:s3:::bucket"));
        assert!(arn_like("arn:aws:s3:::b?cket", "arn:aws:s3:::bucket"));
        assert!(arn_like(
            "arn:aws:execute-api:*:*:api/*/GET/*",
            "arn:aws:execute-api:us-east-1:1:api/prod/GET/x"
        ));
        assert!(!arn_like("arn:aws:s3:::b?cket", "arn:aws:s3:::buucket"));
        assert!(!arn_like("arn:aws:s3:::bucket", "arn:aws:s3:::Bucket"));
        assert!(!arn_like("arn:aws:s3:::bucket", "arn:aws:s3:::bucket2"));
        assert!(arn_like("*", ""));
    }
}
