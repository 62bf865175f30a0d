//! AddPermission, RemovePermission and GetPolicy (R73–R85, R90).

use super::checks::{check_revision_against, vanished};
use super::control::Registry;
use super::{
    AddPermissionRequest, AddPermissionResponse, GetPolicyRequest, GetPolicyResponse,
    RemovePermissionRequest,
};
use crate::error::{Error, ErrorKind};
use crate::function::Function;
use crate::names::{Qualifier, RevisionId};
use crate::policy::{
    Conditions, POLICY_SIZE_LIMIT, Policy, PolicyTarget, Principal, Statement, StatementId,
    document_json, document_size,
};
use crate::validate::{
    ACTION_PATTERN, EVENT_SOURCE_TOKEN_PATTERN, ORG_ID_PATTERN, PRINCIPAL_PATTERN,
    REMOVE_STATEMENT_ID_PATTERN, SOURCE_ACCOUNT_PATTERN, SOURCE_ARN_PATTERN, STATEMENT_ID_PATTERN,
    Violations, is_digits, is_name_char, matches_action, matches_org_id, matches_source_arn,
};

/// The 412 text for policy revisions (R85; Q12: also used by RemovePermission).
const POLICY_REVISION_MISMATCH: &str = "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id";
const NO_POLICY: &str = "No policy is associated with the given resource.";
const NO_RESOURCE: &str = "The resource you requested does not exist.";
/// R90: the service's text was not captured; this is the crate's wording.
const PUBLIC_POLICY: &str = "The resource-based policy would make the function public, and block public access is enabled for this account.";

/// What a qualifier names for policy purposes.
enum Target {
    Found(PolicyTarget),
    MissingVersion,
    MissingAlias,
    /// Syntactically accepted but names nothing (`valid-with-$`, `01`, `$LATEST.PUBLISHED`).
    Unknown,
}

fn target_of(f: &Function, qualifier: Option<&str>) -> Target {
    let parsed = match qualifier.map(str::parse::<Qualifier>) {
        None => None,
        Some(Ok(q)) => Some(q),
        Some(Err(_)) if qualifier.is_some_and(is_digits) => return Target::MissingVersion,
        Some(Err(_)) => return Target::Unknown,
    };
    match PolicyTarget::of(parsed.as_ref()) {
        Some(t) if f.has_policy_target(&t) => Target::Found(t),
        Some(PolicyTarget::Alias(_)) => Target::MissingAlias,
        Some(_) => Target::MissingVersion,
        None => Target::Unknown,
    }
}

/// The revision of the resource a policy is attached to (Q10: the precondition an
/// `AddPermission` on a target without a policy is compared with).
fn resource_revision(f: &Function, target: &PolicyTarget) -> Option<RevisionId> {
    match target {
        PolicyTarget::Function => Some(f.latest.revision_id),
        PolicyTarget::Version(n) => f.versions.get(n).map(|v| v.revision_id),
        PolicyTarget::Alias(a) => f.aliases.get(a).map(|a| a.revision_id),
    }
}

fn check_optional(
    v: &mut Violations,
    value: Option<&str>,
    member: &str,
    (min, max): (usize, usize),
    pattern: &str,
    matches: impl Fn(&str) -> bool,
) {
    if let Some(s) = value {
        v.check_string(s, member, min, max, Some((pattern, matches(s))));
    }
}

impl Registry {
    /// `AddPermission` (201, R73–R82, R85, R90): appends a statement to the policy of the
    /// unqualified function, a version or an alias, and answers with the statement's JSON.
    ///
    /// # Errors
    ///
    /// `ValidationException` for malformed members (R79, R80, R93);
    /// `InvalidParameterValueException` for `$LATEST` (R73), an unrecognised principal
    /// (R76) or a field the action does not support (R78); `ResourceNotFoundException`
    /// for a missing function, version or alias (R81); `ResourceConflictException` for a
    /// Sid already in the policy (R79); `PreconditionFailedException` for a stale policy
    /// `RevisionId` (R85); `PolicyLengthExceededException` past 20 480 bytes (R82);
    /// `PublicPolicyException` for a public grant while block-public-access is on (R90).
    pub fn add_permission(
        &mut self,
        req: AddPermissionRequest,
    ) -> Result<AddPermissionResponse, Error> {
        let mut v = Violations::new();
        let sid = req.statement_id.as_str();
        v.check_string(
            sid,
            "statementId",
            1,
            StatementId::MAX_LEN,
            Some((STATEMENT_ID_PATTERN, sid.chars().all(is_name_char))),
        );
        v.check_string(
            &req.action,
            "action",
            0,
            usize::MAX,
            Some((ACTION_PATTERN, matches_action(&req.action))),
        );
        let principal_ok =
            !req.principal.is_empty() && !req.principal.chars().any(char::is_whitespace);
        v.check_string(
            &req.principal,
            "principal",
            1,
            2048,
            Some((PRINCIPAL_PATTERN, principal_ok)),
        );
        check_optional(
            &mut v,
            req.source_arn.as_deref(),
            "sourceArn",
            (0, usize::MAX),
            SOURCE_ARN_PATTERN,
            matches_source_arn,
        );
        check_optional(
            &mut v,
            req.source_account.as_deref(),
            "sourceAccount",
            (0, 12),
            SOURCE_ACCOUNT_PATTERN,
            |s| s.len() == 12 && is_digits(s),
        );
        check_optional(
            &mut v,
            req.principal_org_id.as_deref(),
            "principalOrgID",
            (12, 34),
            ORG_ID_PATTERN,
            matches_org_id,
        );
        check_optional(
            &mut v,
            req.event_source_token.as_deref(),
            "eventSourceToken",
            (0, 256),
            EVENT_SOURCE_TOKEN_PATTERN,
            |s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            },
        );
        let (fref, qualifier) =
            self.qualified_target(v, &req.function_name, req.qualifier.as_deref())?;

        // (4) syntactic refusals.
        if qualifier.as_deref() == Some("$LATEST") {
            return Err(Error::invalid_parameter(
                "We currently do not support adding policies for $LATEST.",
            ));
        }
        let principal = Principal::normalise(&req.principal, &self.partition).ok_or_else(|| {
            Error::invalid_parameter(
                "The provided principal was invalid. Please check the principal and try again.",
            )
        })?;
        if req.function_url_auth_type.is_some() && req.action != "lambda:InvokeFunctionUrl" {
            return Err(Error::invalid_parameter(
                "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action",
            ));
        }
        if req.invoked_via_function_url && req.action != "lambda:InvokeFunction" {
            // The service's text was not captured (R78); this is the crate's wording.
            return Err(Error::invalid_parameter(
                "InvokedViaFunctionUrl is only supported for lambda:InvokeFunction action",
            ));
        }

        // (5) existence.
        let f = self.existing(&fref)?;
        let q = qualifier.as_deref().unwrap_or_default();
        let target = match target_of(f, qualifier.as_deref()) {
            Target::Found(t) => t,
            Target::MissingVersion | Target::Unknown => {
                return Err(self.qualified_not_found(&fref, q));
            }
            Target::MissingAlias => {
                return Err(Error::not_found(format!(
                    "Cannot find alias arn: {}:{q}",
                    f.arn
                )));
            }
        };
        let sid: StatementId = req
            .statement_id
            .parse()
            .map_err(|e: crate::ParseError| Error::new(ErrorKind::Validation, e.to_string()))?;
        let existing = f.policies.get(&target);

        // (6) conflicts.
        if existing.is_some_and(|p| p.statements.iter().any(|s| s.sid == sid)) {
            return Err(Error::conflict(format!(
                "The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement."
            )));
        }

        // (7) preconditions.
        let current = match existing {
            Some(p) => Some(p.revision_id),
            None => resource_revision(f, &target),
        };
        check_revision_against(
            req.revision_id.as_deref(),
            current,
            POLICY_REVISION_MISMATCH,
        )?;

        let conditions = Conditions {
            source_arn: req.source_arn,
            source_account: req.source_account,
            event_source_token: req.event_source_token,
            function_url_auth_type: req.function_url_auth_type,
            principal_org_id: req.principal_org_id,
            invoked_via_function_url: req.invoked_via_function_url,
        };
        if self.block_public_access
            && principal == Principal::Anyone
            && conditions.source_account.is_none()
            && conditions.source_arn.is_none()
            && conditions.principal_org_id.is_none()
        {
            return Err(Error::new(ErrorKind::PublicPolicy, PUBLIC_POLICY));
        }
        let statement = Statement {
            sid,
            principal,
            action: req.action,
            resource: target.resource(&f.arn).to_string(),
            conditions,
        };
        let size = document_size(
            existing
                .into_iter()
                .flat_map(|p| &p.statements)
                .chain([&statement]),
        );
        if size > POLICY_SIZE_LIMIT {
            return Err(Error::new(
                ErrorKind::PolicyLengthExceeded,
                format!(
                    "The final policy size ({size}) is bigger than the limit ({POLICY_SIZE_LIMIT})."
                ),
            ));
        }
        let key = f.name.clone();

        // (8) the mutation.
        let revision_id = self.new_revision_id();
        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
        let response = AddPermissionResponse {
            statement: statement.to_json(),
            parsed: statement.clone(),
        };
        let policy = f.policies.entry(target).or_insert_with(|| Policy {
            statements: Vec::new(),
            revision_id,
        });
        policy.statements.push(statement);
        policy.revision_id = revision_id;
        Ok(response)
    }

    /// `RemovePermission` (204, R84, R85): removes one statement; the policy disappears
    /// with its last statement.
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `No policy found for: {arn}` (missing function),
    /// `Cannot find alias arn: …` (missing alias), `Function not found: {arn}:{v}`
    /// (missing version), `No policy is associated with the given resource.` (no policy;
    /// Q9: also for `$LATEST`), `Statement <sid> is not found in resource policy.`;
    /// `PreconditionFailedException` for a stale policy `RevisionId` (Q12: the GetPolicy
    /// wording).
    pub fn remove_permission(&mut self, req: RemovePermissionRequest) -> Result<(), Error> {
        let mut v = Violations::new();
        let sid = req.statement_id.as_str();
        let sid_ok = sid.chars().all(|c| is_name_char(c) || c == '.');
        v.check_string(
            sid,
            "statementId",
            1,
            StatementId::MAX_LEN,
            Some((REMOVE_STATEMENT_ID_PATTERN, sid_ok)),
        );
        let (fref, qualifier) =
            self.qualified_target(v, &req.function_name, req.qualifier.as_deref())?;
        let f = self.lookup(&fref).ok_or_else(|| {
            Error::not_found(format!("No policy found for: {}", self.arn_text(&fref)))
        })?;
        let q = qualifier.as_deref().unwrap_or_default();
        let target = match target_of(f, qualifier.as_deref()) {
            Target::Found(t) => t,
            Target::MissingAlias => {
                return Err(Error::not_found(format!(
                    "Cannot find alias arn: {}:{q}",
                    f.arn
                )));
            }
            Target::MissingVersion => return Err(self.qualified_not_found(&fref, q)),
            Target::Unknown => return Err(Error::not_found(NO_POLICY)),
        };
        let policy = f
            .policies
            .get(&target)
            .ok_or_else(|| Error::not_found(NO_POLICY))?;
        let index = policy
            .statements
            .iter()
            .position(|s| s.sid.as_str() == sid)
            .ok_or_else(|| {
                Error::not_found(format!("Statement {sid} is not found in resource policy."))
            })?;
        check_revision_against(
            req.revision_id.as_deref(),
            Some(policy.revision_id),
            POLICY_REVISION_MISMATCH,
        )?;
        let key = f.name.clone();
        let revision_id = self.new_revision_id();
        let f = self.functions.get_mut(&key).ok_or_else(vanished)?;
        if let Some(policy) = f.policies.get_mut(&target) {
            policy.statements.remove(index);
            policy.revision_id = revision_id;
            if policy.statements.is_empty() {
                f.policies.remove(&target);
            }
        }
        Ok(())
    }

    /// `GetPolicy` (200, R83): the target's policy document as JSON text, statements in
    /// insertion order.
    ///
    /// # Errors
    ///
    /// `ResourceNotFoundException` `The resource you requested does not exist.` when the
    /// function, version or alias is missing or has no statements (Q9: always for
    /// `$LATEST`).
    pub fn get_policy(&self, req: GetPolicyRequest) -> Result<GetPolicyResponse, Error> {
        let (fref, qualifier) = self.qualified_target(
            Violations::new(),
            &req.function_name,
            req.qualifier.as_deref(),
        )?;
        let none = || Error::not_found(NO_RESOURCE);
        let f = self.lookup(&fref).ok_or_else(none)?;
        let Target::Found(target) = target_of(f, qualifier.as_deref()) else {
            return Err(none());
        };
        let policy = f.policies.get(&target).ok_or_else(none)?;
        Ok(GetPolicyResponse {
            policy: document_json(&policy.statements),
            revision_id: policy.revision_id,
            statements: policy.statements.clone(),
        })
    }
}
