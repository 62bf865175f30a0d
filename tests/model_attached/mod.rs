//! The reference model of what is bound to qualifiers (R139–R158, R190), for the
//! model-based test: asynchronous-invocation configs and function URLs per function,
//! event source mappings per registry. Plain maps written from docs/rules-bound.md.

use std::collections::{BTreeMap, BTreeSet};

use lambda_versioning::registry::{
    CreateEventSourceMappingRequest, FunctionEventInvokeConfigRequest, FunctionUrlConfigRequest,
    ListEventSourceMappingsRequest, ListFunctionEventInvokeConfigsRequest,
    ListFunctionUrlConfigsRequest,
};
use lambda_versioning::{Error, ErrorKind, FunctionUrlAuthType, MappingState, Registry};
use proptest::prelude::*;

use crate::common::ARN;

pub const SOURCES: [&str; 2] = [
    "arn:aws:sqs:us-east-1:123456789012:q0",
    "arn:aws:sqs:us-east-1:123456789012:q1",
];

/// Targets as a qualifier string: `None` is the unqualified function.
pub type Target = Option<&'static str>;

#[derive(Clone, Debug)]
pub enum AttachedOp {
    PutConfig(usize, Target, i64),
    DeleteConfig(usize, Target),
    CreateUrl(usize, Target),
    DeleteUrl(usize, Target),
    Map(usize, usize, Target),
    Unmap(usize, usize),
    FinishMappings,
}

/// The function an operation names, if any.
pub fn function_of(op: &AttachedOp) -> Option<usize> {
    match op {
        AttachedOp::PutConfig(f, ..)
        | AttachedOp::DeleteConfig(f, _)
        | AttachedOp::CreateUrl(f, _)
        | AttachedOp::DeleteUrl(f, _)
        | AttachedOp::Map(_, f, _)
        | AttachedOp::Unmap(_, f) => Some(*f),
        AttachedOp::FinishMappings => None,
    }
}

pub fn attached_op(functions: usize) -> impl Strategy<Value = AttachedOp> {
    let f = prop_oneof![4 => Just(0usize), 1 => 0..functions];
    let config_target = || {
        prop_oneof![
            2 => Just(None), 1 => Just(Some("$LATEST")), 2 => Just(Some("1")),
            1 => Just(Some("3")), 2 => Just(Some("a0")), 1 => Just(Some("a1")),
        ]
    };
    let url_target = || prop_oneof![2 => Just(None), 2 => Just(Some("a0")), 1 => Just(Some("a1"))];
    let map_target = || {
        prop_oneof![
            2 => Just(None), 1 => Just(Some("$LATEST")), 1 => Just(Some("1")),
            1 => Just(Some("3")), 2 => Just(Some("a0")),
        ]
    };
    prop_oneof![
        2 => (f.clone(), config_target(), 0i64..4).prop_map(|(f, q, n)| AttachedOp::PutConfig(f, q, n)),
        1 => (f.clone(), config_target()).prop_map(|(f, q)| AttachedOp::DeleteConfig(f, q)),
        2 => (f.clone(), url_target()).prop_map(|(f, q)| AttachedOp::CreateUrl(f, q)),
        1 => (f.clone(), url_target()).prop_map(|(f, q)| AttachedOp::DeleteUrl(f, q)),
        2 => (0..SOURCES.len(), f.clone(), map_target()).prop_map(|(s, f, q)| AttachedOp::Map(s, f, q)),
        1 => (0..SOURCES.len(), f).prop_map(|(s, f)| AttachedOp::Unmap(s, f)),
        1 => Just(AttachedOp::FinishMappings),
    ]
}

/// What one function holds: configs (retries) and URLs, by normalized target
/// (`None` = the function and `$LATEST`).
#[derive(Clone, Debug, Default)]
pub struct MBound {
    pub configs: BTreeMap<Option<String>, i64>,
    pub urls: BTreeSet<Option<String>>,
}

impl MBound {
    /// R148, R134: what goes with a deleted version or alias.
    pub fn forget(&mut self, target: &str) {
        self.configs.remove(&Some(target.to_owned()));
        self.urls.remove(&Some(target.to_owned()));
    }
}

#[derive(Clone, Debug)]
struct MMapping {
    source: usize,
    function: &'static str,
    target: Target,
    deleting: bool,
}

/// The registry-wide part: mappings outlive functions (R155).
#[derive(Clone, Debug, Default)]
pub struct MMappings {
    mappings: Vec<MMapping>,
}

type Res = Result<(), (ErrorKind, String)>;

fn err(kind: ErrorKind, msg: impl Into<String>) -> Res {
    Err((kind, msg.into()))
}

fn arn(f: &str) -> String {
    format!("{ARN}:{f}")
}

fn normalized(q: Target) -> Option<String> {
    q.filter(|q| *q != "$LATEST").map(str::to_owned)
}

/// Whether a qualifier names something in the function (`$LATEST` always does).
pub type Exists<'a> = &'a dyn Fn(&str) -> bool;

impl MMappings {
    /// Applies `op` to the model. `bound` is the function's part (`None` when the function
    /// does not exist), `exists` says whether a version or alias of it exists.
    pub fn apply(
        &mut self,
        op: &AttachedOp,
        function: &'static str,
        bound: Option<&mut MBound>,
        exists: Exists<'_>,
        manual: bool,
    ) -> Res {
        match op {
            AttachedOp::PutConfig(_, q, n) => {
                if *n > 2 {
                    return err(
                        ErrorKind::Validation,
                        format!(
                            "1 validation error detected: Value '{n}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"
                        ),
                    );
                }
                let missing = || err(ErrorKind::ResourceNotFound, "The function doesn't exist.");
                let Some(b) = bound else { return missing() };
                if q.is_some_and(|q| !exists(q)) {
                    return missing();
                }
                b.configs.insert(normalized(*q), *n);
                Ok(())
            }
            AttachedOp::DeleteConfig(_, q) => {
                let none = || {
                    err(
                        ErrorKind::ResourceNotFound,
                        format!(
                            "The function {}:{} doesn't have an EventInvokeConfig",
                            arn(function),
                            q.unwrap_or("$LATEST")
                        ),
                    )
                };
                match bound.and_then(|b| b.configs.remove(&normalized(*q))) {
                    Some(_) => Ok(()),
                    None => none(),
                }
            }
            AttachedOp::CreateUrl(_, q) => {
                let missing = || err(ErrorKind::ResourceNotFound, "Function does not exist");
                let Some(b) = bound else { return missing() };
                if q.is_some_and(|q| !exists(q)) {
                    return missing();
                }
                if !b.urls.insert(q.map(str::to_owned)) {
                    let target =
                        q.map_or_else(|| arn(function), |q| format!("{}:{q}", arn(function)));
                    return err(
                        ErrorKind::ResourceConflict,
                        format!(
                            "Failed to create function url config for [functionArn = {target}]. Error message:  FunctionUrlConfig exists for this Lambda function"
                        ),
                    );
                }
                Ok(())
            }
            AttachedOp::DeleteUrl(_, q) => {
                if bound.is_some_and(|b| b.urls.remove(&q.map(str::to_owned))) {
                    Ok(())
                } else {
                    err(
                        ErrorKind::ResourceNotFound,
                        "The resource you requested does not exist.",
                    )
                }
            }
            AttachedOp::Map(s, _, q) => {
                let missing = || err(ErrorKind::InvalidParameterValue, "Function does not exist");
                if bound.is_none() || q.is_some_and(|q| !exists(q)) {
                    return missing();
                }
                if self
                    .mappings
                    .iter()
                    .any(|m| m.source == *s && m.function == function)
                {
                    return err(
                        ErrorKind::ResourceConflict,
                        format!(
                            "An event source mapping with SQS arn (\" {} \") and function (\" {function} \") already exists. Please update or delete the existing mapping with UUID <uuid>",
                            SOURCES[*s]
                        ),
                    );
                }
                self.mappings.push(MMapping {
                    source: *s,
                    function,
                    target: *q,
                    deleting: false,
                });
                Ok(())
            }
            AttachedOp::Unmap(s, _) => {
                let Some(i) = self
                    .mappings
                    .iter()
                    .position(|m| m.source == *s && m.function == function)
                else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        "The resource you requested does not exist.",
                    );
                };
                if manual {
                    self.mappings[i].deleting = true;
                } else {
                    self.mappings.remove(i);
                }
                Ok(())
            }
            AttachedOp::FinishMappings => {
                self.mappings.retain(|m| !m.deleting);
                Ok(())
            }
        }
    }

    /// The mappings as the registry should list them: (source, FunctionArn, deleting).
    fn listed(&self) -> BTreeSet<(String, String, bool)> {
        self.mappings
            .iter()
            .map(|m| {
                let target = m
                    .target
                    .map_or_else(|| arn(m.function), |q| format!("{}:{q}", arn(m.function)));
                (SOURCES[m.source].to_owned(), target, m.deleting)
            })
            .collect()
    }
}

/// Runs `op` on the registry.
pub fn run(r: &mut Registry, op: &AttachedOp, functions: &[&'static str]) -> Result<(), Error> {
    match op {
        AttachedOp::PutConfig(fi, q, n) => {
            let mut req = FunctionEventInvokeConfigRequest::new(functions[*fi])
                .with_maximum_retry_attempts(*n);
            req.qualifier = q.map(str::to_owned);
            r.put_function_event_invoke_config(req).map(|_| ())
        }
        AttachedOp::DeleteConfig(fi, q) => {
            r.delete_function_event_invoke_config(functions[*fi], *q)
        }
        AttachedOp::CreateUrl(fi, q) => {
            let mut req = FunctionUrlConfigRequest::new(functions[*fi])
                .with_auth_type(FunctionUrlAuthType::None);
            req.qualifier = q.map(str::to_owned);
            r.create_function_url_config(req).map(|_| ())
        }
        AttachedOp::DeleteUrl(fi, q) => r.delete_function_url_config(functions[*fi], *q),
        AttachedOp::Map(s, fi, q) => {
            let name = q.map_or_else(
                || functions[*fi].to_owned(),
                |q| format!("{}:{q}", functions[*fi]),
            );
            r.create_event_source_mapping(CreateEventSourceMappingRequest::new(SOURCES[*s], name))
                .map(|_| ())
                .map_err(|e| match e.message().rsplit_once("with UUID ") {
                    Some((head, _)) => Error::new(e.kind(), format!("{head}with UUID <uuid>")),
                    None => e,
                })
        }
        AttachedOp::Unmap(s, fi) => {
            let mut req = ListEventSourceMappingsRequest::default();
            req.event_source_arn = Some(SOURCES[*s].to_owned());
            req.function_name = Some(functions[*fi].to_owned());
            let found = r.list_event_source_mappings(req)?.event_source_mappings;
            match found.first() {
                Some(m) => r.delete_event_source_mapping(&m.uuid).map(|_| ()),
                None => Err(Error::new(
                    ErrorKind::ResourceNotFound,
                    "The resource you requested does not exist.",
                )),
            }
        }
        AttachedOp::FinishMappings => {
            for uuid in r.unsettled_event_source_mappings() {
                r.finish_event_source_mapping(&uuid);
            }
            Ok(())
        }
    }
}

/// Every config, URL and mapping agrees with the model.
pub fn check(
    r: &Registry,
    functions: &BTreeMap<String, &MBound>,
    mappings: &MMappings,
) -> Result<(), TestCaseError> {
    for (name, b) in functions {
        let got: BTreeSet<(String, i64)> = r
            .list_function_event_invoke_configs(ListFunctionEventInvokeConfigsRequest::new(
                name.as_str(),
            ))
            .unwrap()
            .function_event_invoke_configs
            .into_iter()
            .map(|c| {
                (
                    c.function_arn,
                    i64::from(c.maximum_retry_attempts.unwrap_or(9)),
                )
            })
            .collect();
        let want: BTreeSet<(String, i64)> = b
            .configs
            .iter()
            .map(|(q, n)| {
                (
                    format!("{}:{}", arn(name), q.as_deref().unwrap_or("$LATEST")),
                    *n,
                )
            })
            .collect();
        prop_assert_eq!(got, want, "invoke configs of {}", name);
        let got: BTreeSet<String> = r
            .list_function_url_configs(ListFunctionUrlConfigsRequest::new(name.as_str()))
            .unwrap()
            .function_url_configs
            .into_iter()
            .map(|c| c.function_arn)
            .collect();
        let want: BTreeSet<String> = b
            .urls
            .iter()
            .map(|q| {
                q.as_ref()
                    .map_or_else(|| arn(name), |q| format!("{}:{q}", arn(name)))
            })
            .collect();
        prop_assert_eq!(got, want, "URLs of {}", name);
    }
    let got: BTreeSet<(String, String, bool)> = r
        .list_event_source_mappings(ListEventSourceMappingsRequest::default())
        .unwrap()
        .event_source_mappings
        .into_iter()
        .map(|m| {
            (
                m.event_source_arn,
                m.function_arn,
                m.state == MappingState::Deleting,
            )
        })
        .collect();
    prop_assert_eq!(got, mappings.listed(), "event source mappings");
    Ok(())
}
