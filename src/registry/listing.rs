//! ListFunctions (R167–R171): every function's `$LATEST`, and with `FunctionVersion=ALL`
//! every published version too.

use super::checks::validated;
use super::control::Registry;
use super::pagination::{self, MarkerKind};
use super::responses::FunctionConfiguration;
use crate::error::Error;
use crate::names::{FunctionName, Qualifier, VersionNumber};
use crate::validate::{Violations, is_region};

/// `ListFunctions` (R167).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFunctionsRequest {
    /// `FunctionVersion`: `ALL` lists published versions too.
    pub function_version: Option<String>,
    /// `MasterRegion`: Lambda@Edge replicas of that region (there are none here).
    pub master_region: Option<String>,
    /// `Marker`.
    pub marker: Option<String>,
    /// `MaxItems` (1–10000; at most 50 per page).
    pub max_items: Option<i64>,
}

impl ListFunctionsRequest {
    /// Every function's `$LATEST`, and with `all` every published version.
    pub fn new(all: bool) -> Self {
        ListFunctionsRequest {
            function_version: all.then(|| "ALL".to_owned()),
            ..Default::default()
        }
    }
}

/// The answer of `ListFunctions`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ListFunctionsResponse {
    /// `Functions`: by function name; within a function `$LATEST`, then versions by
    /// number (R171). Entries carry no state members (R169).
    pub functions: Vec<FunctionConfiguration>,
    /// `NextMarker`, while more remain.
    pub next_marker: Option<String>,
}

/// The position of a list entry: a function and `None` for its `$LATEST`.
type Position = (FunctionName, Option<VersionNumber>);

fn encode(p: &Position) -> String {
    let version = p.1.map_or_else(|| "$LATEST".to_owned(), |n| n.to_string());
    pagination::encode(MarkerKind::Function, &format!("{}:{version}", p.0))
}

fn decode(marker: &str) -> Result<Position, Error> {
    let invalid = || Error::invalid_parameter(format!("Invalid marker: {marker}"));
    let text: String = pagination::decode(MarkerKind::Function, marker)?;
    let (name, version) = text.split_once(':').ok_or_else(invalid)?;
    let name = name.parse().map_err(|_| invalid())?;
    let version = match version {
        "$LATEST" => None,
        n => Some(n.parse().map_err(|_| invalid())?),
    };
    Ok((name, version))
}

impl Registry {
    /// `ListFunctions` (R167–R171).
    ///
    /// # Errors
    ///
    /// `ValidationException` for a `FunctionVersion` other than `ALL` (R170), a bad
    /// `MasterRegion` or `MaxItems`; `InvalidParameterValueException` for `MasterRegion`
    /// without `FunctionVersion=ALL` (R170) or a marker this registry did not issue.
    pub fn list_functions(
        &self,
        req: ListFunctionsRequest,
    ) -> Result<ListFunctionsResponse, Error> {
        let mut v = Violations::new();
        if let Some(fv) = req.function_version.as_deref()
            && fv != "ALL"
        {
            v.push(
                fv,
                "functionVersion",
                "Member must satisfy enum value set: [ALL]",
            );
        }
        if let Some(region) = req.master_region.as_deref() {
            v.check_string(
                region,
                "masterRegion",
                1,
                50,
                Some((
                    r"ALL|(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}",
                    region == "ALL" || is_region(region),
                )),
            );
        }
        pagination::check_max_items(&mut v, req.max_items);
        v.finish()?;
        let all = req.function_version.is_some();
        if let Some(region) = req.master_region.as_deref() {
            if !all {
                return Err(Error::invalid_parameter(format!(
                    "The combination MasterArn={region} and FunctionVersion=NULL is not supported. Please see our documentation for valid combinations of ListFunctions options."
                )));
            }
            // Lambda@Edge replicas are not modelled: none (R170).
            return Ok(ListFunctionsResponse {
                functions: Vec::new(),
                next_marker: None,
            });
        }
        let start = req.marker.as_deref().map(decode).transpose()?;
        let size = pagination::page_size(req.max_items);
        let mut names: Vec<&FunctionName> = self.functions.keys().collect();
        names.sort();
        let mut out = Vec::with_capacity(size);
        for name in names {
            let Some(f) = self.functions.get(name) else {
                continue;
            };
            let mut positions: Vec<Option<VersionNumber>> = vec![None];
            if all {
                positions.extend(f.versions.keys().copied().map(Some));
            }
            for p in positions {
                let position = (name.clone(), p);
                if start
                    .as_ref()
                    .is_some_and(|s| (&position.0, position.1) < (&s.0, s.1))
                {
                    continue;
                }
                if out.len() == size {
                    return Ok(ListFunctionsResponse {
                        functions: out,
                        next_marker: Some(encode(&position)),
                    });
                }
                let entry = match p {
                    None if all => FunctionConfiguration::of_latest(
                        f,
                        f.arn.with_qualifier(Qualifier::Latest),
                        false,
                    ),
                    None => FunctionConfiguration::of_latest(f, f.arn.clone(), false),
                    Some(n) => validated(FunctionConfiguration::of_version(
                        f,
                        n,
                        f.arn.with_qualifier(n),
                        false,
                    ))?,
                };
                out.push(entry);
            }
        }
        Ok(ListFunctionsResponse {
            functions: out,
            next_marker: None,
        })
    }
}
