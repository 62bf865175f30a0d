//! The operations on what is bound to a function's qualifiers — event source mappings,
//! asynchronous-invocation configs, function URLs (R124–R160) — and requests that
//! arrive on a function URL.

use std::borrow::Cow;

use http::{HeaderValue, StatusCode};

use super::headers::{EXECUTED_VERSION, executed_version_value};
use super::query::{
    EVENT_SOURCE_ARN, FUNCTION_NAME, FUNCTION_VERSION, LIST, MARKER, MASTER_REGION, QUALIFIER,
    Query,
};
use super::requests::parse_body;
use super::responses::{ListFunctionsResponse, ListTagsResponse};
use super::route::Operation;
use super::service::{Service, empty, json, max_items};
use crate::error::Error;
use crate::registry::{
    CreateEventSourceMappingRequest, FunctionEventInvokeConfigRequest, FunctionUrlConfigRequest,
    ListEventSourceMappingsRequest, ListFunctionEventInvokeConfigsRequest,
    ListFunctionUrlConfigsRequest, ListFunctionsRequest, ListProvisionedConcurrencyConfigsRequest,
    PutFunctionConcurrencyRequest, PutProvisionedConcurrencyConfigRequest, TagResourceRequest,
    UpdateEventSourceMappingRequest,
};
use crate::{Caller, FunctionUrlAuthType};

impl Service {
    pub(super) fn dispatch_attached(
        &self,
        op: Operation,
        name: String,
        resource: String,
        query: &Query<'_>,
        body: &[u8],
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let qualifier = query.param(QUALIFIER).map(Cow::into_owned);
        let marker = query.param(MARKER).map(Cow::into_owned);
        match op {
            Operation::CreateEventSourceMapping => {
                let req = parse_body::<CreateEventSourceMappingRequest>(body)?;
                let r = self.registry_write().create_event_source_mapping(req)?;
                self.schedule_mapping_settle(&r.uuid);
                json(op, &r)
            }
            Operation::GetEventSourceMapping => json(
                op,
                &self.registry_read().get_event_source_mapping(&resource)?,
            ),
            Operation::UpdateEventSourceMapping => {
                let req = UpdateEventSourceMappingRequest {
                    uuid: resource,
                    ..parse_body::<UpdateEventSourceMappingRequest>(body)?
                };
                let r = self.registry_write().update_event_source_mapping(req)?;
                self.schedule_mapping_settle(&r.uuid);
                json(op, &r)
            }
            Operation::DeleteEventSourceMapping => {
                let r = self
                    .registry_write()
                    .delete_event_source_mapping(&resource)?;
                self.schedule_mapping_settle(&r.uuid);
                json(op, &r)
            }
            Operation::ListEventSourceMappings => {
                let req = ListEventSourceMappingsRequest {
                    event_source_arn: query.param(EVENT_SOURCE_ARN).map(Cow::into_owned),
                    function_name: query.param(FUNCTION_NAME).map(Cow::into_owned),
                    marker,
                    max_items: max_items(query)?,
                };
                json(op, &self.registry_read().list_event_source_mappings(req)?)
            }
            Operation::PutFunctionEventInvokeConfig
            | Operation::UpdateFunctionEventInvokeConfig => {
                let req = FunctionEventInvokeConfigRequest {
                    function_name: name,
                    qualifier,
                    ..parse_body::<FunctionEventInvokeConfigRequest>(body)?
                };
                let mut registry = self.registry_write();
                let r = if op == Operation::PutFunctionEventInvokeConfig {
                    registry.put_function_event_invoke_config(req)?
                } else {
                    registry.update_function_event_invoke_config(req)?
                };
                json(op, &r)
            }
            Operation::GetFunctionEventInvokeConfig => {
                let r = self
                    .registry_read()
                    .get_function_event_invoke_config(&name, qualifier.as_deref())?;
                json(op, &r)
            }
            Operation::DeleteFunctionEventInvokeConfig => {
                self.registry_write()
                    .delete_function_event_invoke_config(&name, qualifier.as_deref())?;
                empty(op)
            }
            Operation::ListFunctionEventInvokeConfigs => {
                let req = ListFunctionEventInvokeConfigsRequest {
                    marker,
                    max_items: max_items(query)?,
                    ..ListFunctionEventInvokeConfigsRequest::new(name)
                };
                json(
                    op,
                    &self
                        .registry_read()
                        .list_function_event_invoke_configs(req)?,
                )
            }
            Operation::CreateFunctionUrlConfig | Operation::UpdateFunctionUrlConfig => {
                let req = FunctionUrlConfigRequest {
                    function_name: name,
                    qualifier,
                    ..parse_body::<FunctionUrlConfigRequest>(body)?
                };
                let mut registry = self.registry_write();
                let r = if op == Operation::CreateFunctionUrlConfig {
                    registry.create_function_url_config(req)?
                } else {
                    registry.update_function_url_config(req)?
                };
                json(op, &r)
            }
            Operation::GetFunctionUrlConfig => {
                let r = self
                    .registry_read()
                    .get_function_url_config(&name, qualifier.as_deref())?;
                json(op, &r)
            }
            Operation::DeleteFunctionUrlConfig => {
                self.registry_write()
                    .delete_function_url_config(&name, qualifier.as_deref())?;
                empty(op)
            }
            Operation::ListFunctionUrlConfigs => {
                let req = ListFunctionUrlConfigsRequest {
                    marker,
                    max_items: max_items(query)?,
                    ..ListFunctionUrlConfigsRequest::new(name)
                };
                json(op, &self.registry_read().list_function_url_configs(req)?)
            }
            Operation::PutProvisionedConcurrencyConfig => {
                let function = name
                    .parse::<crate::arn::FunctionRef>()
                    .ok()
                    .and_then(|f| f.function_name());
                let req = PutProvisionedConcurrencyConfigRequest {
                    function_name: name,
                    qualifier,
                    ..parse_body::<PutProvisionedConcurrencyConfigRequest>(body)?
                };
                let r = self
                    .registry_write()
                    .put_provisioned_concurrency_config(req)?;
                if let Some(function) = function {
                    self.schedule_provisioned_settle(&function);
                }
                json(op, &r)
            }
            Operation::GetProvisionedConcurrencyConfig
            | Operation::ListProvisionedConcurrencyConfigs
                if query.param(LIST).as_deref() == Some("ALL") =>
            {
                let req = ListProvisionedConcurrencyConfigsRequest {
                    marker,
                    max_items: max_items(query)?,
                    ..ListProvisionedConcurrencyConfigsRequest::new(name)
                };
                let r = self
                    .registry_read()
                    .list_provisioned_concurrency_configs(req)?;
                json(Operation::ListProvisionedConcurrencyConfigs, &r)
            }
            Operation::GetProvisionedConcurrencyConfig => {
                let r = self
                    .registry_read()
                    .get_provisioned_concurrency_config_param(&name, qualifier.as_deref())?;
                json(op, &r)
            }
            Operation::DeleteProvisionedConcurrencyConfig => {
                self.registry_write()
                    .delete_provisioned_concurrency_config_param(&name, qualifier.as_deref())?;
                empty(op)
            }
            Operation::PutFunctionConcurrency => {
                let req = PutFunctionConcurrencyRequest {
                    function_name: name,
                    ..parse_body::<PutFunctionConcurrencyRequest>(body)?
                };
                json(op, &self.registry_write().put_function_concurrency(req)?)
            }
            Operation::GetFunctionConcurrency => {
                json(op, &self.registry_read().get_function_concurrency(&name)?)
            }
            Operation::DeleteFunctionConcurrency => {
                self.registry_write().delete_function_concurrency(&name)?;
                empty(op)
            }
            Operation::ListFunctions => {
                let req = ListFunctionsRequest {
                    function_version: query.param(FUNCTION_VERSION).map(Cow::into_owned),
                    master_region: query.param(MASTER_REGION).map(Cow::into_owned),
                    marker,
                    max_items: max_items(query)?,
                };
                let r = self.registry_read().list_functions(req)?;
                json(op, &ListFunctionsResponse::from(&r))
            }
            Operation::TagResource => {
                let req = TagResourceRequest {
                    resource,
                    ..parse_body::<TagResourceRequest>(body)?
                };
                self.registry_write().tag_resource(req)?;
                empty(op)
            }
            Operation::UntagResource => {
                let keys: Vec<String> = query
                    .get_all("tagKeys")
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect();
                self.registry_write().untag_resource(&resource, &keys)?;
                empty(op)
            }
            Operation::ListTags => {
                let tags = self.registry_read().list_tags(&resource)?;
                json(op, &ListTagsResponse { tags })
            }
            other => Err(super::service::unknown_operation(
                &http::Method::GET,
                other.name(),
            )),
        }
    }

    /// Answers a request that arrived on function URL `url_id` (the first label of its
    /// `Host`, see [`url_id_of_host`](crate::url_id_of_host)): the refusals of the
    /// endpoint (403 for an unknown id or a policy that does not allow it, R134, R135),
    /// else 200 with the request body echoed and the version that served it in
    /// `X-Amz-Executed-Version` (no code runs). A URL with auth type `AWS_IAM` is served
    /// as for a caller of the registry's own account (signatures are not checked).
    pub fn handle_function_url<B: AsRef<[u8]>>(
        &self,
        url_id: &str,
        request: &http::Request<B>,
    ) -> http::Response<Vec<u8>> {
        self.settle_due();
        let registry = self.registry_read();
        let caller = match registry.function_url_auth_type(url_id) {
            Some(FunctionUrlAuthType::AwsIam) => Caller::account(registry.account()),
            _ => Caller::anonymous(),
        };
        let answer = registry.invoke_function_url(url_id, &caller, &mut rand::rng());
        drop(registry);
        let mut response = match answer {
            Ok(invocation) => {
                let mut response = http::Response::new(request.body().as_ref().to_vec());
                response.headers_mut().insert(
                    EXECUTED_VERSION,
                    executed_version_value(invocation.executed_version),
                );
                response
            }
            Err(refusal) => {
                let mut response = http::Response::new(refusal.body().into_bytes());
                *response.status_mut() =
                    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::FORBIDDEN);
                response.headers_mut().insert(
                    "x-amzn-ErrorType",
                    HeaderValue::from_static(refusal.error_type()),
                );
                response.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
        };
        super::service::add_request_id(&mut response);
        response
    }
}
