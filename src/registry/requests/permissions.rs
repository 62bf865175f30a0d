//! Requests of the resource-policy operations: add and remove a permission.

/// `AddPermission` (R74).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddPermissionRequest {
    /// `FunctionName` (namespaced pattern), possibly with a `:qualifier` suffix.
    pub function_name: String,
    /// The `Qualifier` parameter: the version or alias whose policy to change.
    pub qualifier: Option<String>,
    /// `StatementId` (R79).
    pub statement_id: String,
    /// `Action` (R80), e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// `Principal` (R76): a service principal, an account id, an IAM ARN or `*`.
    pub principal: String,
    /// `SourceArn` → `ArnLike` `AWS:SourceArn`.
    pub source_arn: Option<String>,
    /// `SourceAccount` → `StringEquals` `AWS:SourceAccount`.
    pub source_account: Option<String>,
    /// `PrincipalOrgID` → `StringEquals` `aws:PrincipalOrgID`.
    pub principal_org_id: Option<String>,
    /// `EventSourceToken` → `StringEquals` `lambda:EventSourceToken`.
    pub event_source_token: Option<String>,
    /// `FunctionUrlAuthType` → `StringEquals` `lambda:FunctionUrlAuthType` (R78).
    pub function_url_auth_type: Option<crate::policy::FunctionUrlAuthType>,
    /// `InvokedViaFunctionUrl` → `Bool` `lambda:InvokedViaFunctionUrl` (R78).
    pub invoked_via_function_url: bool,
    /// `RevisionId` precondition on the target's policy (R85).
    pub revision_id: Option<String>,
}

impl AddPermissionRequest {
    /// Grants `action` on `function_name` to `principal` under `statement_id`.
    pub fn new(
        function_name: impl Into<String>,
        statement_id: impl Into<String>,
        action: impl Into<String>,
        principal: impl Into<String>,
    ) -> Self {
        AddPermissionRequest {
            function_name: function_name.into(),
            statement_id: statement_id.into(),
            action: action.into(),
            principal: principal.into(),
            ..Default::default()
        }
    }

    /// Sets the `Qualifier` parameter.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets `SourceArn`.
    pub fn with_source_arn(mut self, arn: impl Into<String>) -> Self {
        self.source_arn = Some(arn.into());
        self
    }

    /// Sets `SourceAccount`.
    pub fn with_source_account(mut self, account: impl Into<String>) -> Self {
        self.source_account = Some(account.into());
        self
    }

    /// Sets `PrincipalOrgID`.
    pub fn with_principal_org_id(mut self, org: impl Into<String>) -> Self {
        self.principal_org_id = Some(org.into());
        self
    }

    /// Sets `EventSourceToken`.
    pub fn with_event_source_token(mut self, token: impl Into<String>) -> Self {
        self.event_source_token = Some(token.into());
        self
    }

    /// Sets `FunctionUrlAuthType`.
    pub fn with_function_url_auth_type(mut self, auth: crate::policy::FunctionUrlAuthType) -> Self {
        self.function_url_auth_type = Some(auth);
        self
    }

    /// Sets `InvokedViaFunctionUrl`.
    pub fn with_invoked_via_function_url(mut self, via_url: bool) -> Self {
        self.invoked_via_function_url = via_url;
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}

/// `RemovePermission` (R84).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemovePermissionRequest {
    /// `FunctionName` (namespaced pattern), possibly with a `:qualifier` suffix.
    pub function_name: String,
    /// `StatementId` (path parameter, pattern `([a-zA-Z0-9-_.]+)`).
    pub statement_id: String,
    /// The `Qualifier` parameter.
    pub qualifier: Option<String>,
    /// `RevisionId` precondition on the target's policy (R85).
    pub revision_id: Option<String>,
}

impl RemovePermissionRequest {
    /// Removes statement `statement_id` from `function_name`'s policy.
    pub fn new(function_name: impl Into<String>, statement_id: impl Into<String>) -> Self {
        RemovePermissionRequest {
            function_name: function_name.into(),
            statement_id: statement_id.into(),
            ..Default::default()
        }
    }

    /// Sets the `Qualifier` parameter.
    pub fn with_qualifier(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    /// Sets the `RevisionId` precondition.
    pub fn with_revision_id(mut self, revision_id: impl Into<String>) -> Self {
        self.revision_id = Some(revision_id.into());
        self
    }
}
