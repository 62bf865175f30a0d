//! Bodies of the operations on what a qualifier names: publishing a version, aliases and
//! their routing, permissions.

use serde::Deserialize;

use super::borrowed::{Text, WeightsBody};
use crate::error::Error;
use crate::policy::FunctionUrlAuthType;
use crate::registry::{self, AdditionalVersionWeights};
use crate::validate::Violations;

/// `PublishVersion` body (docs/wire.md#request-bodies).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PublishVersionBody {
    /// `CodeSha256`.
    pub code_sha256: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `RevisionId`.
    pub revision_id: Option<String>,
}

impl PublishVersionBody {
    /// The registry request for `function_name`.
    pub fn into_request(self, function_name: String) -> registry::PublishVersionRequest {
        let mut req = registry::PublishVersionRequest::new(function_name);
        req.code_sha256 = self.code_sha256;
        req.description = self.description;
        req.revision_id = self.revision_id;
        req
    }
}

/// `RoutingConfig` in a request.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct RoutingConfigBody {
    /// `AdditionalVersionWeights`; absent or `{}` removes the routing (R41, R53). A
    /// version named twice is refused.
    #[serde(deserialize_with = "crate::json_map::optional_unique_keys")]
    pub additional_version_weights: Option<AdditionalVersionWeights>,
}

/// `CreateAlias` body (docs/wire.md#request-bodies).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CreateAliasBody {
    /// `Name` (required).
    pub name: Option<String>,
    /// `FunctionVersion` (required).
    pub function_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig`.
    pub routing_config: Option<RoutingConfigBody>,
}

impl CreateAliasBody {
    /// The registry request for `function_name`.
    ///
    /// # Errors
    ///
    /// `ValidationException` for an absent `Name` or `FunctionVersion`.
    pub fn into_request(
        self,
        function_name: String,
    ) -> Result<registry::CreateAliasRequest, Error> {
        let mut v = Violations::new();
        if self.name.is_none() {
            v.push_null("name");
        }
        if self.function_version.is_none() {
            v.push_null("functionVersion");
        }
        v.finish()?;
        let mut req = registry::CreateAliasRequest::new(
            function_name,
            self.name.unwrap_or_default(),
            self.function_version.unwrap_or_default(),
        );
        req.description = self.description;
        req.routing_config = self
            .routing_config
            .map(|r| r.additional_version_weights.unwrap_or_default());
        Ok(req)
    }
}

/// `UpdateAlias` body (docs/wire.md#request-bodies), with owned members. The service
/// itself reads the same bodies in a borrowed form that copies nothing it does not keep;
/// both read and refuse every body alike.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UpdateAliasBody {
    /// `FunctionVersion`.
    pub function_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig`.
    pub routing_config: Option<RoutingConfigBody>,
    /// `RevisionId`.
    pub revision_id: Option<String>,
}

impl UpdateAliasBody {
    /// The registry request for alias `name` of `function_name`.
    pub fn into_request(self, function_name: String, name: String) -> registry::UpdateAliasRequest {
        let mut req = registry::UpdateAliasRequest::new(function_name, name);
        req.function_version = self.function_version;
        req.description = self.description;
        req.routing_config = self
            .routing_config
            .map(|r| r.additional_version_weights.unwrap_or_default());
        req.revision_id = self.revision_id;
        req
    }
}

/// The service's own reading of an `UpdateAlias` body: [`UpdateAliasBody`]'s members
/// with the text borrowed from the body and the weights inline, so that an update copies
/// nothing it does not keep. Reads and refuses every body as [`UpdateAliasBody`] does, in
/// the same words (the struct names in serde's messages included).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename = "UpdateAliasBody", rename_all = "PascalCase")]
pub(crate) struct UpdateAliasFields<'a> {
    #[serde(borrow)]
    function_version: Option<Text<'a>>,
    description: Option<String>,
    #[serde(borrow)]
    routing_config: Option<RoutingFields<'a>>,
    #[serde(borrow)]
    revision_id: Option<Text<'a>>,
}

/// [`RoutingConfigBody`], read as [`UpdateAliasFields`] reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename = "RoutingConfigBody", rename_all = "PascalCase")]
struct RoutingFields<'a> {
    #[serde(borrow)]
    additional_version_weights: Option<WeightsBody<'a>>,
}

impl UpdateAliasFields<'_> {
    /// The update of alias `name` of `function_name` these members ask for (the
    /// description moves out).
    pub(crate) fn as_update<'a>(
        &'a mut self,
        function_name: &'a str,
        name: &'a str,
    ) -> registry::AliasUpdate<'a> {
        registry::AliasUpdate {
            function_name,
            name,
            function_version: self.function_version.as_ref().map(|t| t.0.as_ref()),
            description: self.description.take(),
            // `RoutingConfig` without `AdditionalVersionWeights`: no routing.
            routing_config: self.routing_config.as_ref().map(|r| {
                r.additional_version_weights
                    .as_ref()
                    .map_or(&[][..], WeightsBody::entries)
            }),
            revision_id: self.revision_id.as_ref().map(|t| t.0.as_ref()),
        }
    }
}

/// `AddPermission` body (docs/wire.md#policies); `Qualifier` is a query parameter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AddPermissionBody {
    /// `StatementId` (required).
    pub statement_id: Option<String>,
    /// `Action` (required).
    pub action: Option<String>,
    /// `Principal` (required).
    pub principal: Option<String>,
    /// `SourceArn`.
    pub source_arn: Option<String>,
    /// `SourceAccount`.
    pub source_account: Option<String>,
    /// `PrincipalOrgID`.
    #[serde(rename = "PrincipalOrgID")]
    pub principal_org_id: Option<String>,
    /// `EventSourceToken`.
    pub event_source_token: Option<String>,
    /// `FunctionUrlAuthType`: `NONE` or `AWS_IAM`.
    pub function_url_auth_type: Option<String>,
    /// `InvokedViaFunctionUrl`.
    pub invoked_via_function_url: Option<bool>,
    /// `RevisionId`.
    pub revision_id: Option<String>,
}

impl AddPermissionBody {
    /// The registry request for `function_name` and the `Qualifier` parameter.
    ///
    /// # Errors
    ///
    /// `ValidationException` for absent required members or a `FunctionUrlAuthType`
    /// outside its enum.
    pub fn into_request(
        self,
        function_name: String,
        qualifier: Option<String>,
    ) -> Result<registry::AddPermissionRequest, Error> {
        let mut v = Violations::new();
        for (value, member) in [
            (&self.statement_id, "statementId"),
            (&self.action, "action"),
            (&self.principal, "principal"),
        ] {
            if value.is_none() {
                v.push_null(member);
            }
        }
        let auth = match self.function_url_auth_type.as_deref() {
            None => None,
            Some("NONE") => Some(FunctionUrlAuthType::None),
            Some("AWS_IAM") => Some(FunctionUrlAuthType::AwsIam),
            Some(other) => {
                v.push(
                    other,
                    "functionUrlAuthType",
                    "Member must satisfy enum value set: [NONE, AWS_IAM]",
                );
                None
            }
        };
        v.finish()?;
        let mut req = registry::AddPermissionRequest::new(
            function_name,
            self.statement_id.unwrap_or_default(),
            self.action.unwrap_or_default(),
            self.principal.unwrap_or_default(),
        );
        req.qualifier = qualifier;
        req.source_arn = self.source_arn;
        req.source_account = self.source_account;
        req.principal_org_id = self.principal_org_id;
        req.event_source_token = self.event_source_token;
        req.function_url_auth_type = auth;
        req.invoked_via_function_url = self.invoked_via_function_url.unwrap_or(false);
        req.revision_id = self.revision_id;
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::requests::parse_body;

    /// The service's borrowed reading and the public body say the same thing for each
    /// member present, absent, `null`, of the wrong type, and for routing with escaped,
    /// unordered and duplicate keys (R39, R41, R48, R53).
    #[test]
    fn r39_r41_update_alias_fields_read_as_the_public_body() {
        let bodies = [
            "",
            "{}",
            r#"{"FunctionVersion":"2","Description":"d \"q\"","RevisionId":"r"}"#,
            r#"{"FunctionVersion":"\u0032"}"#,
            r#"{"RoutingConfig":{}}"#,
            r#"{"RoutingConfig":null,"Description":""}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":null}}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{}}}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"3":0.5,"2":0.25,"10":0.125}}}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":0.1,"\u0032":0.9}}}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":{"2":"x"}}}"#,
            r#"{"RoutingConfig":{"AdditionalVersionWeights":[1]}}"#,
            r#"{"RoutingConfig":[1]}"#,
            r#"{"FunctionVersion":5}"#,
            r#"{"RevisionId":true}"#,
            r#"{"Unknown":{"deep":[1,2]},"FunctionVersion":"1"}"#,
            r#"[1]"#,
            r#"{"FunctionVersion":"1""#,
        ];
        for text in bodies {
            let public = parse_body::<UpdateAliasBody>(text.as_bytes());
            let borrowed = parse_body::<UpdateAliasFields<'_>>(text.as_bytes());
            match (public, borrowed) {
                (Ok(public), Ok(mut borrowed)) => {
                    let mut request = public.into_request("f".to_owned(), "live".to_owned());
                    let description = request.description.take();
                    let routing = request.weight_entries();
                    assert_eq!(
                        borrowed.as_update("f", "live"),
                        request.update(description, routing.as_deref()),
                        "{text}"
                    );
                }
                (Err(public), Err(borrowed)) => {
                    assert_eq!(borrowed.to_string(), public.to_string(), "{text}");
                }
                (public, borrowed) => panic!("{text}: {public:?} against {borrowed:?}"),
            }
        }
    }
}
