//! The reference model of concurrency and tags (R98–R122, R161–R166, Q32, Q33), for the
//! model-based test: provisioned configs, the reservation and tags per function. Plain
//! maps written from docs/rules-concurrency.md.

use std::collections::{BTreeMap, BTreeSet};

use lambda_versioning::registry::{
    ListProvisionedConcurrencyConfigsRequest, PutFunctionConcurrencyRequest,
    PutProvisionedConcurrencyConfigRequest, TagResourceRequest,
};
use lambda_versioning::{Error, ErrorKind, Registry};
use proptest::prelude::*;

use crate::common::ARN;

#[derive(Clone, Debug)]
pub enum ConcurrencyOp {
    PutProvisioned(usize, &'static str, i64),
    DeleteProvisioned(usize, &'static str),
    PutReserved(usize, i64),
    DeleteReserved(usize),
    Tag(usize, &'static str),
    Untag(usize, &'static str),
}

pub fn concurrency_op(functions: usize) -> impl Strategy<Value = ConcurrencyOp> {
    let f = prop_oneof![4 => Just(0usize), 1 => 0..functions];
    let target = || {
        prop_oneof![
            Just("1"),
            Just("2"),
            Just("3"),
            Just("a0"),
            Just("a1"),
            Just("$LATEST")
        ]
    };
    let key = || prop_oneof![Just("k0"), Just("k1")];
    prop_oneof![
        3 => (f.clone(), target(), 0i64..4).prop_map(|(f, t, n)| ConcurrencyOp::PutProvisioned(f, t, n)),
        1 => (f.clone(), target()).prop_map(|(f, t)| ConcurrencyOp::DeleteProvisioned(f, t)),
        2 => (f.clone(), 0i64..6).prop_map(|(f, n)| ConcurrencyOp::PutReserved(f, n)),
        1 => f.clone().prop_map(ConcurrencyOp::DeleteReserved),
        1 => (f.clone(), key()).prop_map(|(f, k)| ConcurrencyOp::Tag(f, k)),
        1 => (f, key()).prop_map(|(f, k)| ConcurrencyOp::Untag(f, k)),
    ]
}

pub fn function_of(op: &ConcurrencyOp) -> usize {
    match op {
        ConcurrencyOp::PutProvisioned(f, ..)
        | ConcurrencyOp::DeleteProvisioned(f, _)
        | ConcurrencyOp::PutReserved(f, _)
        | ConcurrencyOp::DeleteReserved(f)
        | ConcurrencyOp::Tag(f, _)
        | ConcurrencyOp::Untag(f, _) => *f,
    }
}

/// What one function holds.
#[derive(Clone, Debug, Default)]
pub struct MConcurrency {
    /// Provisioned configs by qualifier (a version number or an alias name).
    pub provisioned: BTreeMap<String, u32>,
    pub reserved: Option<u32>,
    pub tags: BTreeSet<String>,
}

/// An alias as this model sees it: its primary (`None` = `$LATEST`) and whether it is
/// weighted.
pub type AliasShape = (Option<u64>, bool);

/// The aliases of a function by name.
pub type Aliases = BTreeMap<String, AliasShape>;

/// What the model needs to know of the function's versions and aliases.
pub struct Shape<'a> {
    pub version_exists: &'a dyn Fn(u64) -> bool,
    pub alias: &'a dyn Fn(&str) -> Option<AliasShape>,
}

type Res = Result<(), (ErrorKind, String)>;

fn err(kind: ErrorKind, msg: impl Into<String>) -> Res {
    Err((kind, msg.into()))
}

fn arn(f: &str) -> String {
    format!("{ARN}:{f}")
}

pub const ALIAS_ON_PROVISIONED: &str = "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version";
pub const UNPUBLISHED: &str =
    "Provisioned Concurrency Configs cannot be applied to unpublished function versions.";

impl MConcurrency {
    /// The version a provisioned qualifier serves.
    fn served(&self, q: &str, shape: &Shape<'_>) -> Option<u64> {
        match q.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => (shape.alias)(q).and_then(|(p, _)| p),
        }
    }

    /// Q33 before an alias store: may alias `a` (with a config) move to `primary`?
    pub fn check_alias_move(
        &self,
        a: &str,
        current: Option<u64>,
        primary: Option<u64>,
        shape: &Shape<'_>,
    ) -> Res {
        if !self.provisioned.contains_key(a) || current == primary {
            return Ok(());
        }
        let Some(n) = primary else {
            return err(ErrorKind::InvalidParameterValue, UNPUBLISHED);
        };
        if self
            .provisioned
            .keys()
            .filter(|q| q.as_str() != a)
            .any(|q| self.served(q, shape) == Some(n))
        {
            return err(ErrorKind::ResourceConflict, ALIAS_ON_PROVISIONED);
        }
        Ok(())
    }

    /// R101 for a target of function `f` (`exists` false: the function is missing).
    fn target(f: &str, q: &str, exists: bool, shape: &Shape<'_>, put: bool) -> Res {
        if q == "$LATEST" {
            return err(
                ErrorKind::InvalidParameterValue,
                if put {
                    UNPUBLISHED
                } else {
                    "The function resource provided must be an alias or a published version."
                },
            );
        }
        match q.parse::<u64>() {
            Ok(n) if exists && (shape.version_exists)(n) => Ok(()),
            Ok(_) => err(
                ErrorKind::ResourceNotFound,
                format!("Function not found: {}:{q}", arn(f)),
            ),
            Err(_) if exists && (shape.alias)(q).is_some() => Ok(()),
            Err(_) => err(
                ErrorKind::ResourceNotFound,
                format!("Cannot find alias arn: {}:{q}", arn(f)),
            ),
        }
    }
}

/// Applies `op` to function `f`'s part (`None` when the function is missing).
pub fn apply(op: &ConcurrencyOp, f: &str, m: Option<&mut MConcurrency>, shape: &Shape<'_>) -> Res {
    let exists = m.is_some();
    match op {
        ConcurrencyOp::PutProvisioned(_, q, n) => {
            if *n < 1 {
                return err(
                    ErrorKind::Validation,
                    format!(
                        "1 validation error detected: Value '{n}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1"
                    ),
                );
            }
            MConcurrency::target(f, q, exists, shape, true)?;
            let Some(m) = m else { return Ok(()) };
            if let Some((primary, weighted)) =
                (shape.alias)(q).filter(|_| q.parse::<u64>().is_err())
            {
                if weighted {
                    return err(
                        ErrorKind::InvalidParameterValue,
                        "Alias with weights can not be used with Provisioned Concurrency",
                    );
                }
                if primary.is_none() {
                    return err(ErrorKind::InvalidParameterValue, UNPUBLISHED);
                }
            }
            let served = m.served(q, shape);
            if let Some(other) = m
                .provisioned
                .keys()
                .filter(|o| o.as_str() != *q)
                .find(|o| m.served(o, shape) == served)
            {
                let version_target = q.parse::<u64>().is_ok();
                let other_alias = other.parse::<u64>().is_err();
                return err(
                    ErrorKind::ResourceConflict,
                    if version_target && other_alias {
                        "Version is pointed by a Provisioned Concurrency alias"
                    } else {
                        ALIAS_ON_PROVISIONED
                    },
                );
            }
            let n = u32::try_from(*n).unwrap_or(0);
            if let Some(r) = m.reserved {
                let others: u32 = m
                    .provisioned
                    .iter()
                    .filter(|(o, _)| o.as_str() != *q)
                    .map(|(_, v)| *v)
                    .sum();
                if n + others > r {
                    return err(
                        ErrorKind::InvalidParameterValue,
                        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
                    );
                }
            }
            m.provisioned.insert(q.to_string(), n);
            Ok(())
        }
        ConcurrencyOp::DeleteProvisioned(_, q) => {
            MConcurrency::target(f, q, exists, shape, false)?;
            if let Some(m) = m {
                m.provisioned.remove(*q);
            }
            Ok(())
        }
        ConcurrencyOp::PutReserved(_, n) => {
            let Some(m) = m else {
                return err(
                    ErrorKind::ResourceNotFound,
                    format!("Function not found: {}:$LATEST", arn(f)),
                );
            };
            let n = u32::try_from(*n).unwrap_or(0);
            let total: u32 = m.provisioned.values().sum();
            if n < total {
                return err(
                    ErrorKind::InvalidParameterValue,
                    format!(
                        " ReservedConcurrentExecutions  {n} should not be lower than function's total provisioned concurrency [{total}]."
                    ),
                );
            }
            m.reserved = Some(n);
            Ok(())
        }
        ConcurrencyOp::DeleteReserved(_) => match m {
            Some(m) => {
                m.reserved = None;
                Ok(())
            }
            None => err(
                ErrorKind::ResourceNotFound,
                format!("Function not found: {}", arn(f)),
            ),
        },
        ConcurrencyOp::Tag(_, k) | ConcurrencyOp::Untag(_, k) => match m {
            Some(m) => {
                if matches!(op, ConcurrencyOp::Tag(..)) {
                    m.tags.insert(k.to_string());
                } else {
                    m.tags.remove(*k);
                }
                Ok(())
            }
            None => err(
                ErrorKind::ResourceNotFound,
                format!("Function not found: {}", arn(f)),
            ),
        },
    }
}

/// Runs `op` on the registry.
pub fn run(r: &mut Registry, op: &ConcurrencyOp, functions: &[&'static str]) -> Result<(), Error> {
    let f = functions[function_of(op)];
    match op {
        ConcurrencyOp::PutProvisioned(_, q, n) => r
            .put_provisioned_concurrency_config(PutProvisionedConcurrencyConfigRequest::new(
                f, *q, *n,
            ))
            .map(|_| ()),
        ConcurrencyOp::DeleteProvisioned(_, q) => r.delete_provisioned_concurrency_config(f, q),
        ConcurrencyOp::PutReserved(_, n) => r
            .put_function_concurrency(PutFunctionConcurrencyRequest::new(f, *n))
            .map(|_| ()),
        ConcurrencyOp::DeleteReserved(_) => r.delete_function_concurrency(f),
        ConcurrencyOp::Tag(_, k) => r.tag_resource(TagResourceRequest::new(
            arn(f),
            BTreeMap::from([(k.to_string(), "v".to_owned())]),
        )),
        ConcurrencyOp::Untag(_, k) => r.untag_resource(&arn(f), &[k.to_string()]),
    }
}

/// Every function's configs, reservation and tags agree with the model.
pub fn check(r: &Registry, name: &str, m: &MConcurrency) -> Result<(), TestCaseError> {
    let got: BTreeMap<String, u32> = r
        .list_provisioned_concurrency_configs(ListProvisionedConcurrencyConfigsRequest::new(name))
        .unwrap()
        .provisioned_concurrency_configs
        .into_iter()
        .map(|c| {
            let arn = c.function_arn.unwrap_or_default();
            let q = arn.rsplit(':').next().unwrap_or_default().to_owned();
            (q, c.requested_provisioned_concurrent_executions)
        })
        .collect();
    prop_assert_eq!(&got, &m.provisioned, "provisioned configs of {}", name);
    let reserved = r
        .get_function_concurrency(name)
        .unwrap()
        .reserved_concurrent_executions;
    prop_assert_eq!(reserved, m.reserved, "reservation of {}", name);
    let tags: BTreeSet<String> = r.list_tags(&arn(name)).unwrap().into_keys().collect();
    prop_assert_eq!(&tags, &m.tags, "tags of {}", name);
    Ok(())
}
