//! Authorization decisions against the resource policies (R86, R87).
//!
//! Lambda evaluates the policy of exactly the resource a request names: the unqualified
//! function's policy for an unqualified call, version N's for `…:N`, alias A's for `…:A`.
//! A grant on an alias does not let anyone call the version it points to or the function
//! unqualified; a grant on the function does not cover `…:$LATEST`, a version or an alias;
//! and `$LATEST` has no policy, so no cross-account or service caller can be authorized
//! for it. Without a matching statement the answer is an implicit deny.

use super::control::Registry;
use crate::arn::FunctionArn;
use crate::names::{AccountId, Partition};
use crate::policy::{
    FunctionUrlAuthType, PolicyTarget, Principal, Statement, StatementId, arn_like,
};

/// Who is calling, as the service knows it when it evaluates a resource policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallerPrincipal {
    /// An AWS service, e.g. `s3.amazonaws.com`.
    Service(String),
    /// An IAM identity (user, role, assumed role) by its ARN, e.g.
    /// `arn:aws:iam::111122223333:role/deployer`.
    Iam(String),
    /// Any identity of an account, when only the account is known.
    Account(AccountId),
    /// An unauthenticated caller (a request to a function URL with auth type `NONE`):
    /// only statements granting `*` match it.
    Anonymous,
}

/// The caller and the request context the policy conditions test (R77).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Caller {
    /// The principal.
    pub principal: CallerPrincipal,
    /// `AWS:SourceArn`: the resource on whose behalf a service calls.
    pub source_arn: Option<String>,
    /// `AWS:SourceAccount`: the account that owns that resource.
    pub source_account: Option<String>,
    /// `aws:PrincipalOrgID`: the caller's organization.
    pub principal_org_id: Option<String>,
    /// `lambda:EventSourceToken`: the token an event source sends.
    pub event_source_token: Option<String>,
    /// `lambda:InvokedViaFunctionUrl`: whether the call came through a function URL.
    pub via_function_url: bool,
    /// `lambda:FunctionUrlAuthType`: the auth type of that function URL.
    pub function_url_auth_type: Option<FunctionUrlAuthType>,
}

impl Caller {
    fn new(principal: CallerPrincipal) -> Caller {
        Caller {
            principal,
            source_arn: None,
            source_account: None,
            principal_org_id: None,
            event_source_token: None,
            via_function_url: false,
            function_url_auth_type: None,
        }
    }

    /// An AWS service principal such as `s3.amazonaws.com`.
    pub fn service(name: impl Into<String>) -> Caller {
        Caller::new(CallerPrincipal::Service(name.into()))
    }

    /// An IAM identity, by ARN.
    pub fn iam(arn: impl Into<String>) -> Caller {
        Caller::new(CallerPrincipal::Iam(arn.into()))
    }

    /// Some identity of `account`.
    pub fn account(account: AccountId) -> Caller {
        Caller::new(CallerPrincipal::Account(account))
    }

    /// An unauthenticated caller.
    pub fn anonymous() -> Caller {
        Caller::new(CallerPrincipal::Anonymous)
    }

    /// Sets the source ARN.
    pub fn with_source_arn(mut self, arn: impl Into<String>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }

    /// Sets the source account.
    pub fn with_source_account(mut self, account: impl Into<String>) -> Self {
        self.source_account = Some(account.into());
        self
    }

    /// Sets the caller's organization id.
    pub fn with_principal_org_id(mut self, org: impl Into<String>) -> Self {
        self.principal_org_id = Some(org.into());
        self
    }

    /// Sets the event source token.
    pub fn with_event_source_token(mut self, token: impl Into<String>) -> Self {
        self.event_source_token = Some(token.into());
        self
    }

    /// Marks the call as made through a function URL with `auth` as its auth type.
    pub fn via_function_url(mut self, auth: FunctionUrlAuthType) -> Self {
        self.via_function_url = true;
        self.function_url_auth_type = Some(auth);
        self
    }

    /// The caller's account, when it is known: the account itself, or the account of a
    /// well-formed IAM or STS ARN of `partition` (anything else names no account).
    fn account_id(&self, partition: &Partition) -> Option<&str> {
        match &self.principal {
            CallerPrincipal::Account(a) => Some(a.as_str()),
            CallerPrincipal::Iam(arn) => iam_account(arn, partition),
            CallerPrincipal::Service(_) | CallerPrincipal::Anonymous => None,
        }
    }
}

/// The answer of [`Registry::authorize`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decision {
    /// A statement allows the call.
    Allow {
        /// The `Sid` of the first statement (in policy order) that allowed it.
        statement_id: StatementId,
    },
    /// No statement allows the call.
    ImplicitDeny,
}

impl Decision {
    /// Whether the call is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }
}

fn action_matches(granted: &str, requested: &str) -> bool {
    granted == "*"
        || granted.eq_ignore_ascii_case("lambda:*")
        || granted.eq_ignore_ascii_case(requested)
}

/// The account of an identity ARN `arn:{partition}:iam::{account}:{resource}` (or the
/// `sts` form of an assumed role) of exactly `partition`: 12-digit account, empty region,
/// non-empty resource. `None` for anything else, so a string that merely has an account
/// in its fifth field names nobody.
fn iam_account<'a>(arn: &'a str, partition: &Partition) -> Option<&'a str> {
    let mut fields = arn.splitn(6, ':');
    let (Some("arn"), Some(p), Some(service), Some(""), Some(account), Some(resource)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return None;
    };
    let well_formed = p == partition.as_str()
        && matches!(service, "iam" | "sts")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !resource.is_empty();
    well_formed.then_some(account)
}

fn principal_matches(granted: &Principal, caller: &Caller, partition: &Partition) -> bool {
    match granted {
        Principal::Anyone => true,
        Principal::Service(s) => matches!(&caller.principal, CallerPrincipal::Service(c) if c == s),
        Principal::Aws(arn) => {
            let account_grant = iam_account(arn, partition).filter(|_| arn.ends_with(":root"));
            match account_grant {
                Some(account) => caller.account_id(partition) == Some(account),
                None => matches!(&caller.principal, CallerPrincipal::Iam(c) if c == arn),
            }
        }
    }
}

fn conditions_hold(statement: &Statement, caller: &Caller) -> bool {
    let c = &statement.conditions;
    let equals = |wanted: &Option<String>, got: &Option<String>| {
        wanted.as_ref().is_none_or(|w| got.as_ref() == Some(w))
    };
    c.source_arn.as_ref().is_none_or(|pattern| {
        caller
            .source_arn
            .as_deref()
            .is_some_and(|a| arn_like(pattern, a))
    }) && equals(&c.source_account, &caller.source_account)
        && equals(&c.principal_org_id, &caller.principal_org_id)
        && equals(&c.event_source_token, &caller.event_source_token)
        && c.function_url_auth_type
            .is_none_or(|t| caller.function_url_auth_type == Some(t))
        && (!c.invoked_via_function_url || caller.via_function_url)
}

impl Registry {
    /// Decides whether `caller` may perform `action` (e.g. `lambda:InvokeFunction`) on
    /// exactly `resource`, the ARN the request names (unqualified, `$LATEST`, a version or
    /// an alias), by the resource policy of that resource alone (R86, R87).
    ///
    /// A resource outside this registry's partition, region or account, a missing
    /// function or target, and `…:$LATEST` are always denied.
    ///
    /// ```
    /// use lambda_versioning::registry::{AddPermissionRequest, CreateAliasRequest, CreateFunctionRequest, PublishVersionRequest};
    /// use lambda_versioning::{Caller, Code, Decision, FunctionArn, FunctionConfig, Registry};
    ///
    /// let mut registry = Registry::builder().build();
    /// let config = FunctionConfig::new("arn:aws:iam::123456789012:role/r", Code::from_zip_bytes(b"x"));
    /// registry.create_function(CreateFunctionRequest::new("f", config))?;
    /// registry.publish_version(PublishVersionRequest::new("f"))?;
    /// registry.create_alias(CreateAliasRequest::new("f", "live", "1"))?;
    /// registry.add_permission(
    ///     AddPermissionRequest::new("f", "s3-live", "lambda:InvokeFunction", "s3.amazonaws.com")
    ///         .with_qualifier("live")
    ///         .with_source_arn("arn:aws:s3:::uploads-*"),
    /// )?;
    ///
    /// let s3 = Caller::service("s3.amazonaws.com").with_source_arn("arn:aws:s3:::uploads-eu");
    /// let arn = |s: &str| -> FunctionArn { s.parse().unwrap() };
    /// let base = "arn:aws:lambda:us-east-1:123456789012:function:f";
    /// // Allowed through the alias it was granted on...
    /// assert_eq!(
    ///     registry.authorize(&s3, "lambda:InvokeFunction", &arn(&format!("{base}:live"))),
    ///     Decision::Allow { statement_id: "s3-live".parse().unwrap() }
    /// );
    /// // ...but not on the version the alias points to, nor unqualified, nor $LATEST,
    /// assert!(!registry.authorize(&s3, "lambda:InvokeFunction", &arn(&format!("{base}:1"))).is_allowed());
    /// assert!(!registry.authorize(&s3, "lambda:InvokeFunction", &arn(base)).is_allowed());
    /// assert!(!registry.authorize(&s3, "lambda:InvokeFunction", &arn(&format!("{base}:$LATEST"))).is_allowed());
    /// // ...nor from another bucket, nor for another action.
    /// let other = Caller::service("s3.amazonaws.com").with_source_arn("arn:aws:s3:::logs");
    /// assert_eq!(registry.authorize(&other, "lambda:InvokeFunction", &arn(&format!("{base}:live"))), Decision::ImplicitDeny);
    /// assert!(!registry.authorize(&s3, "lambda:GetFunction", &arn(&format!("{base}:live"))).is_allowed());
    /// # Ok::<(), lambda_versioning::Error>(())
    /// ```
    pub fn authorize(&self, caller: &Caller, action: &str, resource: &FunctionArn) -> Decision {
        if *resource.partition() != self.partition
            || *resource.region() != self.region
            || resource.account() != self.account
        {
            return Decision::ImplicitDeny;
        }
        let Some(f) = self.functions.get(resource.name()) else {
            return Decision::ImplicitDeny;
        };
        let Some(target) = PolicyTarget::of(resource.qualifier()) else {
            return Decision::ImplicitDeny;
        };
        let Some(policy) = f.policies.get(&target) else {
            return Decision::ImplicitDeny;
        };
        policy
            .statements
            .iter()
            .find(|s| {
                action_matches(&s.action, action)
                    && principal_matches(&s.principal, caller, &self.partition)
                    && s.resource == resource.to_string()
                    && conditions_hold(s, caller)
            })
            .map_or(Decision::ImplicitDeny, |s| Decision::Allow {
                statement_id: s.sid.clone(),
            })
    }
}
