//! Model-based state-machine test: random sequences of control-plane calls (valid and
//! invalid) applied both to the `Registry` and to a small reference model written here
//! from docs/rules.md (plain maps, no code shared with the library). Every outcome —
//! success or error kind and full message, returned version numbers and routing — must
//! agree, and invariants are checked after every step, including the resolver's answers.
//!
//! Beyond the service, the same sequences drive multi-version routing (in half the runs
//! the registry is in `RoutingMode::MultiVersion`), alias history and undo, semantic
//! version labels, pruning, and export → import round trips of the whole state; and what
//! is bound to qualifiers — invoke configs, function URLs and event source mappings
//! (tests/model_attached, R190) — through every alias, version and function change.
//!
//! Cases: `PROPTEST_CASES` (default 256 sequences of up to 60 steps).

#[path = "model_attached/mod.rs"]
mod attached;
mod common;
#[path = "model_concurrency/mod.rs"]
mod concurrency;

use std::collections::{BTreeMap, VecDeque};

use common::*;
use lambda_versioning::registry::{
    AddPermissionRequest, AliasHistoryRequest, CreateAliasRequest, CreateFunctionRequest,
    DeleteAliasRequest, DeleteFunctionRequest, GetAliasRequest, GetFunctionRequest,
    GetPolicyRequest, ListAliasesRequest, ListVersionsByFunctionRequest, NOTHING_TO_UNDO,
    PruneVersionsRequest, PublishVersionRequest, RemovePermissionRequest, UndoAliasRequest,
    UpdateAliasRequest, UpdateFunctionCodeRequest, UpdateFunctionConfigurationRequest,
    WEIGHT_SUM_EXCEEDED,
};
use lambda_versioning::{Code, Error, ErrorKind, Lifecycle, Registry, RoutingMode, Version};
use proptest::prelude::*;
use rand::SeedableRng as _;

const FUNCTIONS: [&str; 2] = ["f0", "f1"];
const ALIASES: [&str; 2] = ["a0", "a1"];
const CODES: [&[u8]; 3] = [b"c0", b"c1", b"c2"];
const ROLES: [&str; 2] = [ROLE, OTHER_ROLE];
const LABELS: [&str; 2] = ["1.0.0", "2.0.0"];
/// How many earlier targets an alias remembers (the registry's default).
const HISTORY: usize = 10;

#[derive(Clone, Copy, Debug)]
enum Sel {
    Latest,
    N(u64),
    Bad,
}

impl Sel {
    fn text(self) -> String {
        match self {
            Sel::Latest => "$LATEST".into(),
            Sel::N(n) => n.to_string(),
            Sel::Bad => "x".into(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Pre {
    None,
    Right,
    Wrong,
}

/// Routing entries as a request writes them (key, weight); the request's map keeps the
/// last weight of a repeated key and orders keys as strings.
type Entries = Vec<(Sel, f64)>;

#[derive(Clone, Debug)]
enum Route {
    Keep,
    Clear,
    Set(Entries),
}

#[derive(Clone, Debug)]
enum Op {
    Create(usize),
    Code(usize, usize),
    Role(usize, usize),
    Publish(usize, Pre, Pre, Option<usize>),
    CreateAlias(usize, usize, Sel, Entries),
    UpdateAlias(usize, usize, Option<Sel>, Route, Pre),
    DeleteAlias(usize, usize),
    DeleteVersion(usize, String),
    DeleteFunction(usize),
    Grant(usize, Option<&'static str>, usize),
    Revoke(usize, Option<&'static str>, usize),
    FinishCreation(usize),
    FinishUpdate(usize),
    PublishBadName,
    Undo(usize, usize),
    Prune(usize, usize),
    RoundTrip,
    /// Invoke configs, function URLs and event source mappings.
    Attached(attached::AttachedOp),
    /// Provisioned and reserved concurrency, tags.
    Concurrency(concurrency::ConcurrencyOp),
}

const SIDS: [&str; 2] = ["s0", "s1"];

fn sel() -> impl Strategy<Value = Sel> {
    prop_oneof![2 => Just(Sel::Latest), 12 => (1u64..4).prop_map(Sel::N), 1 => Just(Sel::Bad)]
}

fn pre() -> impl Strategy<Value = Pre> {
    prop_oneof![3 => Just(Pre::None), 1 => Just(Pre::Right), 1 => Just(Pre::Wrong)]
}

fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![4 => Just(0.3), 1 => Just(0.0), 1 => Just(1.0), 1 => Just(1.5)]
}

/// Every sequence starts from the same small state (two functions, versions, an alias), so
/// that random steps mostly exercise rules rather than "function not found".
fn prelude() -> Vec<Op> {
    vec![
        Op::Create(0),
        Op::FinishCreation(0),
        Op::Publish(0, Pre::None, Pre::None, None),
        Op::Code(0, 1),
        Op::FinishUpdate(0),
        Op::Publish(0, Pre::None, Pre::None, Some(0)),
        Op::CreateAlias(0, 0, Sel::N(1), vec![(Sel::N(2), 0.3)]),
        Op::Create(1),
        Op::FinishCreation(1),
        Op::Publish(1, Pre::None, Pre::None, None),
    ]
}

fn policy_target() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        3 => Just(None),
        2 => Just(Some("1")),
        1 => Just(Some("3")),
        2 => Just(Some("a0")),
        1 => Just(Some("a1")),
        1 => Just(Some("$LATEST")),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    // Mostly the first function, so that sequences build up state worth testing.
    let f = prop_oneof![4 => Just(0usize), 1 => Just(1usize)];
    let a = 0..ALIASES.len();
    let entries = || {
        prop_oneof![
            4 => proptest::collection::vec((sel(), weight()), 1..=1),
            1 => proptest::collection::vec((sel(), weight()), 2..=3),
        ]
    };
    let route = move || prop_oneof![2 => Just(Vec::new()), 1 => entries()];
    let label = || prop_oneof![3 => Just(None), 1 => (0..LABELS.len()).prop_map(Some)];
    prop_oneof![
        2 => f.clone().prop_map(Op::Create),
        2 => (f.clone(), 0..CODES.len()).prop_map(|(f, c)| Op::Code(f, c)),
        1 => (f.clone(), prop_oneof![4 => Just(0usize), 1 => Just(1usize)]).prop_map(|(f, r)| Op::Role(f, r)),
        4 => (f.clone(), pre(), pre(), label()).prop_map(|(f, s, r, l)| Op::Publish(f, s, r, l)),
        4 => (f.clone(), a.clone(), sel(), route())
            .prop_map(|(f, a, p, r)| Op::CreateAlias(f, a, p, r)),
        3 => (
            f.clone(),
            a.clone(),
            proptest::option::of(sel()),
            prop_oneof![2 => Just(Route::Keep), 1 => Just(Route::Clear), 2 => entries().prop_map(Route::Set)],
            pre()
        )
            .prop_map(|(f, a, p, r, v)| Op::UpdateAlias(f, a, p, r, v)),
        1 => (f.clone(), a.clone()).prop_map(|(f, a)| Op::DeleteAlias(f, a)),
        2 => (f.clone(), a).prop_map(|(f, a)| Op::Undo(f, a)),
        1 => (f.clone(), 0usize..3).prop_map(|(f, k)| Op::Prune(f, k)),
        1 => Just(Op::RoundTrip),
        2 => (f.clone(), prop_oneof![(1u64..4).prop_map(|n| n.to_string()), Just("$LATEST".to_owned()), Just("a0".to_owned())])
            .prop_map(|(f, q)| Op::DeleteVersion(f, q)),
        1 => f.clone().prop_map(Op::DeleteFunction),
        2 => (f.clone(), policy_target(), 0..SIDS.len()).prop_map(|(f, q, s)| Op::Grant(f, q, s)),
        1 => (f.clone(), policy_target(), 0..SIDS.len()).prop_map(|(f, q, s)| Op::Revoke(f, q, s)),
        1 => f.clone().prop_map(Op::FinishCreation),
        2 => f.prop_map(Op::FinishUpdate),
        1 => Just(Op::PublishBadName),
        4 => attached::attached_op(FUNCTIONS.len()).prop_map(Op::Attached),
        3 => concurrency::concurrency_op(FUNCTIONS.len()).prop_map(Op::Concurrency),
    ]
}

// ---------------------------------------------------------------- the reference model

#[derive(Clone, Debug)]
struct MVersion {
    code: usize,
    role: usize,
    label: Option<usize>,
}

/// An alias's target: its primary (`None` = `$LATEST`) and routing entries in key order.
type MTarget = (Option<u64>, Vec<(u64, f64)>);

#[derive(Clone, Debug)]
struct MAlias {
    primary: Option<u64>, // None = $LATEST
    route: Vec<(u64, f64)>,
    /// Earlier targets, newest first.
    history: VecDeque<MTarget>,
}

/// Targets compare weights by their bits, as the registry does.
fn same_target(a: &MTarget, b: &MTarget) -> bool {
    a.0 == b.0
        && a.1.len() == b.1.len()
        && a.1
            .iter()
            .zip(&b.1)
            .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
}

#[derive(Clone, Debug)]
struct MFunction {
    code: usize,
    role: usize,
    dirty: bool,
    counter: u64,
    last_published: Option<u64>,
    versions: BTreeMap<u64, MVersion>,
    aliases: BTreeMap<String, MAlias>,
    /// `None` = ready; `Some(true)` = being created; `Some(false)` = update in progress.
    busy: Option<bool>,
    /// Statement ids by policy target (`None` = the unqualified function).
    policies: BTreeMap<Option<String>, Vec<&'static str>>,
    /// Invoke configs and function URLs.
    bound: attached::MBound,
    /// Provisioned configs, reservation, tags.
    conc: concurrency::MConcurrency,
}

#[derive(Default)]
struct Model {
    functions: BTreeMap<String, MFunction>,
    retired: BTreeMap<String, u64>,
    /// Lifecycle::Manual: states stay busy until a Finish step.
    manual: bool,
    /// RoutingMode::MultiVersion: up to three additional versions.
    multi: bool,
    /// Event source mappings (they outlive functions).
    mappings: attached::MMappings,
}

fn busy_error(f: &str, creating: bool) -> Res {
    if creating {
        err(
            ErrorKind::ResourceConflict,
            format!(
                "The operation cannot be performed at this time. The resource {} is currently in the following state: 'Pending'. StateReasonCode: 'Creating'",
                arn(f)
            ),
        )
    } else {
        err(
            ErrorKind::ResourceConflict,
            format!(
                "The operation cannot be performed at this time. An update is in progress for resource: {}",
                arn(f)
            ),
        )
    }
}

/// What a successful step returned, in terms both sides can produce.
#[derive(Debug, PartialEq)]
enum Out {
    Unit,
    Version(u64),
    Alias(Option<u64>, Vec<(u64, u64)>), // primary, (additional, weight bits)
    Changed(bool),
    Pruned(Vec<u64>),
}

type Res = Result<Out, (ErrorKind, String)>;

fn err(kind: ErrorKind, msg: impl Into<String>) -> Res {
    Err((kind, msg.into()))
}

fn arn(f: &str) -> String {
    format!("{ARN}:{f}")
}

fn not_found_q(f: &str, q: &str) -> Res {
    err(
        ErrorKind::ResourceNotFound,
        format!("Function not found: {}:{q}", arn(f)),
    )
}

const ROUTE_KEY_CONSTRAINT: &str = "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]";
const ROUTE_VALUE_CONSTRAINT: &str = "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]";

fn java(w: f64) -> String {
    if w == w.trunc() {
        format!("{w:.1}")
    } else {
        format!("{w}")
    }
}

/// The routing map a request carries for `entries`.
fn route_map(entries: &[(Sel, f64)]) -> BTreeMap<String, f64> {
    entries.iter().map(|(k, w)| (k.text(), *w)).collect()
}

/// The framework validation of `FunctionVersion` and the routing map.
fn alias_validation(
    primary: Option<Sel>,
    route: Option<&BTreeMap<String, f64>>,
) -> Option<(ErrorKind, String)> {
    let mut items = Vec::new();
    if let Some(Sel::Bad) = primary {
        items.push("Value 'x' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST(\\.PUBLISHED)?|[0-9]+)".to_owned());
    }
    if let Some(route) = route.filter(|m| !m.is_empty()) {
        let pairs: Vec<String> = route
            .iter()
            .map(|(k, w)| format!("{k}={}", java(*w)))
            .collect();
        let map = format!("{{{}}}", pairs.join(", "));
        if !route.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit())) {
            items.push(format!("Value '{map}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: {ROUTE_KEY_CONSTRAINT}"));
        }
        if !route.values().all(|w| (0.0..=1.0).contains(w)) {
            items.push(format!("Value '{map}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: {ROUTE_VALUE_CONSTRAINT}"));
        }
    }
    match items.len() {
        0 => None,
        1 => Some((
            ErrorKind::Validation,
            format!("1 validation error detected: {}", items[0]),
        )),
        n => Some((
            ErrorKind::Validation,
            format!("{n} validation errors detected: {}", items.join("; ")),
        )),
    }
}

/// R46 (and the multi-version weight sum), then R47 and R50 on each key, written from
/// docs/check-order.md.
fn route_shape(
    primary: Option<&str>,
    route: &BTreeMap<String, f64>,
    multi: bool,
) -> Option<(ErrorKind, String)> {
    let max = if multi { 3 } else { 1 };
    if route.len() > max {
        return Some((
            ErrorKind::InvalidParameterValue,
            format!("Number of items in AdditionalVersionWeights cannot be greater than {max}"),
        ));
    }
    if route.values().sum::<f64>() > 1.0 {
        return Some((ErrorKind::InvalidParameterValue, WEIGHT_SUM_EXCEEDED.into()));
    }
    let primary = primary?;
    route.keys().find_map(|k| route_syntax(primary, k))
}

/// R47 and R50 on a primary and a routing key.
fn route_syntax(primary: &str, key: &str) -> Option<(ErrorKind, String)> {
    if primary == "$LATEST" {
        return Some((
            ErrorKind::InvalidParameterValue,
            "$LATEST is not supported for an alias pointing to more than 1 version".into(),
        ));
    }
    if primary == key {
        return Some((
            ErrorKind::InvalidParameterValue,
            format!(
                "Invalid function version {key}. Function version {key} is already included in routing configuration."
            ),
        ));
    }
    None
}

/// How storing an alias changes its history.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    /// A new alias: no history.
    Start,
    /// An update: remember the target it replaces, if it changed.
    Record,
    /// An undo: forget the target it restores.
    Undo,
}

/// The request map of a routing held by an alias.
fn map_of(route: &[(u64, f64)]) -> BTreeMap<String, f64> {
    route.iter().map(|(k, w)| (k.to_string(), *w)).collect()
}

impl Model {
    /// Stores an alias of an existing function and reports it as the registry does.
    fn store_alias(&mut self, f: &str, a: &str, target: MTarget, step: Step) -> Res {
        if let Some(m) = self.functions.get(f) {
            let current = m.aliases.get(a).map(|x| x.primary);
            let shape_of = |m: &MFunction| {
                let versions: Vec<u64> = m.versions.keys().copied().collect();
                let aliases: concurrency::Aliases = m
                    .aliases
                    .iter()
                    .map(|(k, v)| (k.clone(), (v.primary, !v.route.is_empty())))
                    .collect();
                (versions, aliases)
            };
            let (versions, aliases) = shape_of(m);
            let shape = concurrency::Shape {
                version_exists: &|n| versions.contains(&n),
                alias: &|q| aliases.get(q).copied(),
            };
            if current.is_some() {
                m.conc
                    .check_alias_move(a, current.flatten(), target.0, &shape)?;
            }
        }
        let out = Out::Alias(
            target.0,
            target.1.iter().map(|(k, w)| (*k, w.to_bits())).collect(),
        );
        if let Some(m) = self.functions.get_mut(f) {
            let old = m.aliases.get(a);
            let mut history = old.map(|x| x.history.clone()).unwrap_or_default();
            match (step, old) {
                (Step::Record, Some(old)) => {
                    let before = (old.primary, old.route.clone());
                    if !same_target(&before, &target) {
                        history.push_front(before);
                        history.truncate(HISTORY);
                    }
                }
                (Step::Undo, _) => {
                    history.pop_front();
                }
                _ => history.clear(),
            }
            m.aliases.insert(
                a.into(),
                MAlias {
                    primary: target.0,
                    route: target.1,
                    history,
                },
            );
        }
        Ok(out)
    }

    /// The routing keys of `route` resolved against `m`'s versions (R51), in key order.
    fn routed(
        m: &MFunction,
        f: &str,
        route: &BTreeMap<String, f64>,
    ) -> Result<Vec<(u64, f64)>, (ErrorKind, String)> {
        let mut out = Vec::new();
        for (k, w) in route {
            match k.parse::<u64>() {
                Ok(n) if m.versions.contains_key(&n) => out.push((n, *w)),
                _ => return not_found_q(f, k).map(|_| Vec::new()),
            }
        }
        Ok(out)
    }

    /// R52 on every routed version.
    fn roles_agree(m: &MFunction, p: Option<u64>, route: &[(u64, f64)]) -> Res {
        if let Some(p) = p
            && route
                .iter()
                .any(|(k, _)| m.versions[&p].role != m.versions[k].role)
        {
            return err(
                ErrorKind::InvalidParameterValue,
                "Specified versions must be associated with the same execution role",
            );
        }
        Ok(Out::Unit)
    }

    /// `UpdateAlias` (and undo, which is an update with the earlier target).
    fn update_alias(
        &mut self,
        f: &str,
        a: &str,
        primary: Option<Sel>,
        requested: Option<BTreeMap<String, f64>>,
        rev: Pre,
        step: Step,
    ) -> Res {
        if let Some(e) = alias_validation(primary, requested.as_ref()) {
            return Err(e);
        }
        if let Some(route) = &requested
            && let Some(e) = route_shape(primary.map(Sel::text).as_deref(), route, self.multi)
        {
            return Err(e);
        }
        let Some(m) = self.functions.get(f) else {
            return err(
                ErrorKind::ResourceNotFound,
                format!("Function not found: {}", arn(f)),
            );
        };
        let Some(current) = m.aliases.get(a) else {
            return err(
                ErrorKind::ResourceNotFound,
                format!("Alias not found: {}:{a}", arn(f)),
            );
        };
        let primary_text = primary
            .map(Sel::text)
            .unwrap_or_else(|| current.primary.map_or("$LATEST".into(), |n| n.to_string()));
        let route = requested.unwrap_or_else(|| map_of(&current.route));
        if let Some(e) = route_shape(Some(&primary_text), &route, self.multi) {
            return Err(e);
        }
        let p = if primary_text == "$LATEST" {
            None
        } else {
            match primary_text.parse::<u64>() {
                Ok(n) if m.versions.contains_key(&n) => Some(n),
                _ => return not_found_q(f, &primary_text),
            }
        };
        let r = Model::routed(m, f, &route)?;
        Model::roles_agree(m, p, &r)?;
        if let Pre::Wrong = rev {
            return err(ErrorKind::PreconditionFailed, REVISION_MISMATCH);
        }
        self.store_alias(f, a, (p, r), step)
    }

    fn apply(&mut self, op: &Op) -> Res {
        match op {
            Op::Create(fi) => {
                let f = FUNCTIONS[*fi];
                if self.functions.contains_key(f) {
                    return err(
                        ErrorKind::ResourceConflict,
                        format!("Function already exist: {f}"),
                    );
                }
                let counter = self.retired.get(f).copied().unwrap_or(0);
                self.functions.insert(
                    f.into(),
                    MFunction {
                        code: 0,
                        role: 0,
                        dirty: true,
                        counter,
                        last_published: None,
                        versions: BTreeMap::new(),
                        aliases: BTreeMap::new(),
                        busy: self.manual.then_some(true),
                        policies: BTreeMap::new(),
                        bound: attached::MBound::default(),
                        conc: concurrency::MConcurrency::default(),
                    },
                );
                Ok(Out::Unit)
            }
            Op::Code(fi, c) | Op::Role(fi, c) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                if let Some(creating) = m.busy {
                    return busy_error(f, creating);
                }
                if matches!(op, Op::Code(..)) {
                    m.code = *c
                } else {
                    m.role = *c
                }
                m.dirty = true;
                if self.manual {
                    m.busy = Some(false);
                }
                Ok(Out::Unit)
            }
            Op::Publish(fi, sha, rev, label) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                if let Some(creating) = m.busy {
                    return busy_error(f, creating);
                }
                if let Pre::Wrong = rev {
                    return err(ErrorKind::PreconditionFailed, REVISION_MISMATCH);
                }
                if let Pre::Wrong = sha {
                    let current = Code::from_zip_bytes(CODES[m.code]).sha256().to_owned();
                    return err(
                        ErrorKind::InvalidParameterValue,
                        format!(
                            "CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST ({current}). Please try again with the CodeSHA256 in $LATEST."
                        ),
                    );
                }
                let noop = if m.dirty {
                    None
                } else {
                    m.last_published.filter(|n| m.versions.contains_key(n))
                };
                let holder = label.and_then(|l| {
                    m.versions
                        .iter()
                        .find(|(_, v)| v.label == Some(l))
                        .map(|(n, _)| *n)
                });
                if let (Some(l), Some(h)) = (*label, holder)
                    && Some(h) != noop
                {
                    return err(
                        ErrorKind::ResourceConflict,
                        format!(
                            "Label {} is already attached to version {h} of {}",
                            LABELS[l],
                            arn(f)
                        ),
                    );
                }
                if let Some(n) = noop {
                    let v = m.versions.get_mut(&n).expect("noop names a version");
                    match (v.label, *label) {
                        (Some(e), Some(l)) if e != l => {
                            return err(
                                ErrorKind::InvalidParameterValue,
                                format!(
                                    "Nothing changed since version {n} was published, and it already has label {}",
                                    LABELS[e]
                                ),
                            );
                        }
                        (None, Some(l)) => v.label = Some(l),
                        _ => {}
                    }
                    return Ok(Out::Version(n));
                }
                m.counter += 1;
                let n = m.counter;
                m.versions.insert(
                    n,
                    MVersion {
                        code: m.code,
                        role: m.role,
                        label: *label,
                    },
                );
                m.last_published = Some(n);
                m.dirty = false;
                Ok(Out::Version(n))
            }
            Op::CreateAlias(fi, ai, primary, route) => {
                let (f, a) = (FUNCTIONS[*fi], ALIASES[*ai]);
                let route = route_map(route);
                if let Some(e) = alias_validation(Some(*primary), Some(&route)) {
                    return Err(e);
                }
                if let Some(e) = route_shape(Some(&primary.text()), &route, self.multi) {
                    return Err(e);
                }
                let Some(m) = self.functions.get(f) else {
                    return not_found_q(f, &primary.text());
                };
                let p = match primary {
                    Sel::Latest => None,
                    Sel::N(n) if m.versions.contains_key(n) => Some(*n),
                    _ => return not_found_q(f, &primary.text()),
                };
                let r = Model::routed(m, f, &route)?;
                if m.aliases.contains_key(a) {
                    return err(
                        ErrorKind::ResourceConflict,
                        format!("Alias already exists: {}:{a}", arn(f)),
                    );
                }
                Model::roles_agree(m, p, &r)?;
                self.store_alias(f, a, (p, r), Step::Start)
            }
            Op::UpdateAlias(fi, ai, primary, route, rev) => {
                let requested = match route {
                    Route::Keep => None,
                    Route::Clear => Some(BTreeMap::new()),
                    Route::Set(entries) => Some(route_map(entries)),
                };
                let (f, a) = (FUNCTIONS[*fi], ALIASES[*ai]);
                self.update_alias(f, a, *primary, requested, *rev, Step::Record)
            }
            Op::Undo(fi, ai) => {
                let (f, a) = (FUNCTIONS[*fi], ALIASES[*ai]);
                let Some(m) = self.functions.get(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                let Some(alias) = m.aliases.get(a) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Alias not found: {}:{a}", arn(f)),
                    );
                };
                let Some((primary, route)) = alias.history.front().cloned() else {
                    return err(ErrorKind::InvalidParameterValue, NOTHING_TO_UNDO);
                };
                let primary = primary.map_or(Sel::Latest, Sel::N);
                self.update_alias(
                    f,
                    a,
                    Some(primary),
                    Some(map_of(&route)),
                    Pre::None,
                    Step::Undo,
                )
            }
            Op::Prune(fi, keep) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                let newest: Vec<u64> = m.versions.keys().rev().take(*keep).copied().collect();
                let doomed: Vec<u64> = m
                    .versions
                    .keys()
                    .copied()
                    .filter(|n| !newest.contains(n))
                    .filter(|n| {
                        !m.aliases
                            .values()
                            .any(|a| a.primary == Some(*n) || a.route.iter().any(|(k, _)| k == n))
                    })
                    .collect();
                for n in &doomed {
                    m.versions.remove(n);
                    m.policies.remove(&Some(n.to_string()));
                    m.bound.forget(&n.to_string());
                    m.conc.provisioned.remove(&n.to_string());
                }
                Ok(Out::Pruned(doomed))
            }
            Op::RoundTrip => Ok(Out::Unit),
            Op::DeleteAlias(fi, ai) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                m.aliases.remove(ALIASES[*ai]);
                m.policies.remove(&Some(ALIASES[*ai].to_owned()));
                m.bound.forget(ALIASES[*ai]);
                m.conc.provisioned.remove(ALIASES[*ai]);
                Ok(Out::Unit)
            }
            Op::DeleteVersion(fi, q) => {
                let f = FUNCTIONS[*fi];
                if q == "$LATEST" {
                    return err(
                        ErrorKind::InvalidParameterValue,
                        "$LATEST version cannot be deleted without deleting the function.",
                    );
                }
                if !q.bytes().all(|b| b.is_ascii_digit()) {
                    return err(
                        ErrorKind::InvalidParameterValue,
                        "Deletion of aliases is not currently supported.",
                    );
                }
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                let n: u64 = q.parse().unwrap();
                if !m.versions.contains_key(&n) {
                    return Ok(Out::Unit);
                }
                let refs: Vec<&str> = m
                    .aliases
                    .iter()
                    .filter(|(_, a)| a.primary == Some(n) || a.route.iter().any(|(k, _)| *k == n))
                    .map(|(name, _)| name.as_str())
                    .collect();
                if !refs.is_empty() {
                    return err(
                        ErrorKind::ResourceConflict,
                        format!(
                            "Unable to delete version because the following aliases reference it: [{}]",
                            refs.join(", ")
                        ),
                    );
                }
                m.versions.remove(&n);
                m.policies.remove(&Some(n.to_string()));
                m.bound.forget(&n.to_string());
                m.conc.provisioned.remove(&n.to_string());
                Ok(Out::Unit)
            }
            Op::Concurrency(c) => {
                let f = FUNCTIONS[concurrency::function_of(c)];
                let (versions, aliases): (Vec<u64>, concurrency::Aliases) = self
                    .functions
                    .get(f)
                    .map(|m| {
                        (
                            m.versions.keys().copied().collect(),
                            m.aliases
                                .iter()
                                .map(|(k, v)| (k.clone(), (v.primary, !v.route.is_empty())))
                                .collect(),
                        )
                    })
                    .unwrap_or_default();
                let shape = concurrency::Shape {
                    version_exists: &|n| versions.contains(&n),
                    alias: &|q| aliases.get(q).copied(),
                };
                let part = self.functions.get_mut(f).map(|m| &mut m.conc);
                concurrency::apply(c, f, part, &shape).map(|()| Out::Unit)
            }
            Op::Attached(a) => {
                let f = FUNCTIONS[attached::function_of(a).unwrap_or(0)];
                let manual = self.manual;
                let (versions, aliases): (Vec<u64>, Vec<String>) = self
                    .functions
                    .get(f)
                    .map(|m| {
                        (
                            m.versions.keys().copied().collect(),
                            m.aliases.keys().cloned().collect(),
                        )
                    })
                    .unwrap_or_default();
                let exists = |q: &str| {
                    q == "$LATEST"
                        || q.parse::<u64>().is_ok_and(|n| versions.contains(&n))
                        || aliases.iter().any(|a| a == q)
                };
                let bound = self.functions.get_mut(f).map(|m| &mut m.bound);
                self.mappings
                    .apply(a, f, bound, &exists, manual)
                    .map(|()| Out::Unit)
            }
            Op::Grant(fi, q, si) => {
                let (f, sid) = (FUNCTIONS[*fi], SIDS[*si]);
                if *q == Some("$LATEST") {
                    return err(
                        ErrorKind::InvalidParameterValue,
                        "We currently do not support adding policies for $LATEST.",
                    );
                }
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                match q {
                    Some(v)
                        if v.bytes().all(|b| b.is_ascii_digit())
                            && !m.versions.contains_key(&v.parse::<u64>().unwrap()) =>
                    {
                        return not_found_q(f, v);
                    }
                    Some(a) if a.starts_with('a') && !m.aliases.contains_key(*a) => {
                        return err(
                            ErrorKind::ResourceNotFound,
                            format!("Cannot find alias arn: {}:{a}", arn(f)),
                        );
                    }
                    _ => {}
                }
                let sids = m.policies.entry(q.map(str::to_owned)).or_default();
                if sids.contains(&sid) {
                    if sids.is_empty() {
                        m.policies.remove(&q.map(str::to_owned));
                    }
                    return err(
                        ErrorKind::ResourceConflict,
                        format!(
                            "The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement."
                        ),
                    );
                }
                sids.push(sid);
                Ok(Out::Unit)
            }
            Op::Revoke(fi, q, si) => {
                let (f, sid) = (FUNCTIONS[*fi], SIDS[*si]);
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("No policy found for: {}", arn(f)),
                    );
                };
                match q {
                    Some("$LATEST") => {
                        return err(
                            ErrorKind::ResourceNotFound,
                            "No policy is associated with the given resource.",
                        );
                    }
                    Some(a) if a.starts_with('a') && !m.aliases.contains_key(*a) => {
                        return err(
                            ErrorKind::ResourceNotFound,
                            format!("Cannot find alias arn: {}:{a}", arn(f)),
                        );
                    }
                    Some(v)
                        if v.bytes().all(|b| b.is_ascii_digit())
                            && !m.versions.contains_key(&v.parse::<u64>().unwrap()) =>
                    {
                        return not_found_q(f, v);
                    }
                    _ => {}
                }
                let key = q.map(str::to_owned);
                let Some(sids) = m.policies.get_mut(&key) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        "No policy is associated with the given resource.",
                    );
                };
                let Some(pos) = sids.iter().position(|s| *s == sid) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Statement {sid} is not found in resource policy."),
                    );
                };
                sids.remove(pos);
                if sids.is_empty() {
                    m.policies.remove(&key);
                }
                Ok(Out::Unit)
            }
            Op::FinishCreation(fi) | Op::FinishUpdate(fi) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.get_mut(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                let wanted = matches!(op, Op::FinishCreation(_));
                let changed = m.busy == Some(wanted);
                if changed {
                    m.busy = None;
                }
                Ok(Out::Changed(changed))
            }
            Op::PublishBadName => err(
                ErrorKind::Validation,
                format!(
                    "1 validation error detected: Value 'f!' at 'functionName' failed to satisfy constraint: {CLASSIC_PATTERN}"
                ),
            ),
            Op::DeleteFunction(fi) => {
                let f = FUNCTIONS[*fi];
                let Some(m) = self.functions.remove(f) else {
                    return err(
                        ErrorKind::ResourceNotFound,
                        format!("Function not found: {}", arn(f)),
                    );
                };
                let used = self.retired.entry(f.into()).or_insert(0);
                *used = (*used).max(m.counter);
                Ok(Out::Unit)
            }
        }
    }
}

// ---------------------------------------------------------------- the system under test

fn stale() -> String {
    "00000000-0000-4000-8000-000000000000".into()
}

fn run(r: &mut Registry, op: &Op) -> Res {
    let conv = |e: Error| (e.kind(), e.message().to_owned());
    let latest_rev = |r: &Registry, f: &str| {
        r.get_function(GetFunctionRequest::new(f))
            .map(|g| g.configuration.revision_id.to_string())
            .unwrap_or_else(|_| stale())
    };
    let out = match op {
        Op::Create(fi) => r
            .create_function(CreateFunctionRequest::new(FUNCTIONS[*fi], config(CODES[0])))
            .map(|_| Out::Unit),
        Op::Code(fi, c) => r
            .update_function_code(UpdateFunctionCodeRequest::new(
                FUNCTIONS[*fi],
                Code::from_zip_bytes(CODES[*c]),
            ))
            .map(|_| Out::Unit),
        Op::Role(fi, ri) => r
            .update_function_configuration(
                UpdateFunctionConfigurationRequest::new(FUNCTIONS[*fi]).with_role(ROLES[*ri]),
            )
            .map(|_| Out::Unit),
        Op::Publish(fi, sha, rev, label) => {
            let f = FUNCTIONS[*fi];
            let mut req = PublishVersionRequest::new(f);
            req.label = label.map(|l| LABELS[l].parse().unwrap());
            req.code_sha256 = match sha {
                Pre::None => None,
                Pre::Right => r
                    .get_function(GetFunctionRequest::new(f))
                    .ok()
                    .map(|g| g.configuration.config.code.sha256().to_owned()),
                Pre::Wrong => Some("wrong".into()),
            };
            req.revision_id = match rev {
                Pre::None => None,
                Pre::Right => Some(latest_rev(r, f)),
                Pre::Wrong => Some(stale()),
            };
            r.publish_version(req)
                .map(|c| Out::Version(c.version.number().map_or(0, |n| n.get())))
        }
        Op::CreateAlias(fi, ai, p, route) => {
            let mut req = CreateAliasRequest::new(FUNCTIONS[*fi], ALIASES[*ai], p.text());
            if !route.is_empty() {
                req = req.with_routing_config(route_map(route));
            }
            r.create_alias(req).map(alias_out)
        }
        Op::UpdateAlias(fi, ai, p, route, rev) => {
            let (f, a) = (FUNCTIONS[*fi], ALIASES[*ai]);
            let mut req = UpdateAliasRequest::new(f, a);
            req.function_version = p.map(Sel::text);
            req = match route {
                Route::Keep => req,
                Route::Clear => req.without_routing(),
                Route::Set(entries) => req.with_routing_config(route_map(entries)),
            };
            req.revision_id = match rev {
                Pre::None => None,
                Pre::Right => Some(
                    r.get_alias(GetAliasRequest::new(f, a))
                        .map(|x| x.revision_id.to_string())
                        .unwrap_or_else(|_| stale()),
                ),
                Pre::Wrong => Some(stale()),
            };
            r.update_alias(req).map(alias_out)
        }
        Op::DeleteAlias(fi, ai) => r
            .delete_alias(DeleteAliasRequest::new(FUNCTIONS[*fi], ALIASES[*ai]))
            .map(|_| Out::Unit),
        Op::DeleteVersion(fi, q) => r
            .delete_function(DeleteFunctionRequest::new(FUNCTIONS[*fi]).with_qualifier(q.clone()))
            .map(|_| Out::Unit),
        Op::DeleteFunction(fi) => r
            .delete_function(DeleteFunctionRequest::new(FUNCTIONS[*fi]))
            .map(|_| Out::Unit),
        Op::Grant(fi, q, si) => {
            let mut req = AddPermissionRequest::new(
                FUNCTIONS[*fi],
                SIDS[*si],
                "lambda:InvokeFunction",
                "s3.amazonaws.com",
            );
            req.qualifier = q.map(str::to_owned);
            r.add_permission(req).map(|_| Out::Unit)
        }
        Op::Revoke(fi, q, si) => {
            let mut req = RemovePermissionRequest::new(FUNCTIONS[*fi], SIDS[*si]);
            req.qualifier = q.map(str::to_owned);
            r.remove_permission(req).map(|_| Out::Unit)
        }
        Op::FinishCreation(fi) => r.finish_creation(FUNCTIONS[*fi]).map(Out::Changed),
        Op::FinishUpdate(fi) => r.finish_update(FUNCTIONS[*fi]).map(Out::Changed),
        Op::PublishBadName => r
            .publish_version(PublishVersionRequest::new("f!"))
            .map(|_| Out::Unit),
        Op::Undo(fi, ai) => r
            .undo_alias(UndoAliasRequest::new(FUNCTIONS[*fi], ALIASES[*ai]))
            .map(alias_out),
        Op::Prune(fi, keep) => r
            .prune_versions(PruneVersionsRequest::new(FUNCTIONS[*fi], *keep))
            .map(|report| Out::Pruned(report.deleted.iter().map(|n| n.get()).collect())),
        Op::Attached(a) => attached::run(r, a, &FUNCTIONS).map(|()| Out::Unit),
        Op::Concurrency(c) => concurrency::run(r, c, &FUNCTIONS).map(|()| Out::Unit),
        Op::RoundTrip => {
            // The whole state through JSON and a strict import, into a registry with the
            // same options; nothing observable may change.
            let json = serde_json::to_string(&r.export()).unwrap();
            let rebuilt = Registry::builder()
                .clock(clock())
                .seed(9)
                .lifecycle(r.lifecycle())
                .routing_mode(r.routing_mode())
                .build_from_snapshot(serde_json::from_str(&json).unwrap());
            match rebuilt {
                Ok(rebuilt) if rebuilt.export() == r.export() => {
                    *r = rebuilt;
                    Ok(Out::Unit)
                }
                Ok(_) => Err(Error::new(
                    ErrorKind::Service,
                    "round trip changed the state",
                )),
                Err(e) => Err(Error::new(ErrorKind::Service, e.to_string())),
            }
        }
    };
    out.map_err(conv)
}

fn alias_out(a: lambda_versioning::registry::AliasConfiguration) -> Out {
    Out::Alias(
        a.function_version.number().map(|n| n.get()),
        entries_of(a.routing_config)
            .into_iter()
            .map(|(n, w)| (n, w.to_bits()))
            .collect(),
    )
}

fn entries_of(routing: Option<lambda_versioning::AliasRouting>) -> Vec<(u64, f64)> {
    routing.map_or_else(Vec::new, |r| {
        r.entries().map(|(n, w)| (n.get(), w.get())).collect()
    })
}

/// The registry's observable state equals the model's, and the invariants hold.
fn check(r: &Registry, m: &Model) -> Result<(), TestCaseError> {
    let names: Vec<String> = r.function_names().iter().map(|n| n.to_string()).collect();
    prop_assert_eq!(&names, &m.functions.keys().cloned().collect::<Vec<_>>());
    let resolver = r.resolver();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    for (name, mf) in &m.functions {
        let listed = r
            .list_versions_by_function(ListVersionsByFunctionRequest::new(name.as_str()))
            .unwrap();
        let got: Vec<String> = listed
            .versions
            .iter()
            .map(|c| c.version.to_string())
            .collect();
        let mut want = vec!["$LATEST".to_owned()];
        want.extend(mf.versions.keys().map(u64::to_string));
        prop_assert_eq!(got, want);
        // Frozen content: each version still has the code and role it was published with.
        for (n, v) in &mf.versions {
            let c = r
                .get_function(GetFunctionRequest::new(format!("{name}:{n}")))
                .unwrap()
                .configuration;
            let expected = Code::from_zip_bytes(CODES[v.code]);
            prop_assert_eq!(c.config.code.sha256(), expected.sha256());
            prop_assert_eq!(&c.config.role, ROLES[v.role]);
        }
        let aliases = r
            .list_aliases(ListAliasesRequest::new(name.as_str()))
            .unwrap()
            .aliases;
        prop_assert_eq!(aliases.len(), mf.aliases.len());
        for a in aliases {
            let ma = &mf.aliases[a.name.as_str()];
            prop_assert_eq!(a.function_version.number().map(|n| n.get()), ma.primary);
            let route = entries_of(a.routing_config);
            prop_assert!(
                same_target(&(None, route), &(None, ma.route.clone())),
                "routing of {}",
                a.name
            );
            // The alias history, newest first.
            let history: Vec<MTarget> = r
                .alias_history(AliasHistoryRequest::new(name.as_str(), a.name.as_str()))
                .unwrap()
                .into_iter()
                .map(|t| {
                    (
                        t.function_version.number().map(|n| n.get()),
                        entries_of(t.routing),
                    )
                })
                .collect();
            prop_assert_eq!(history.len(), ma.history.len());
            for (got, want) in history.iter().zip(&ma.history) {
                prop_assert!(
                    same_target(got, want),
                    "history of {}: {:?} vs {:?}",
                    a.name,
                    got,
                    want
                );
            }
            // Invariants: targets exist, routing never names $LATEST or the primary.
            if let Some(p) = ma.primary {
                prop_assert!(mf.versions.contains_key(&p));
            }
            for (k, _) in &ma.route {
                prop_assert!(mf.versions.contains_key(k));
                prop_assert!(ma.primary.is_some() && ma.primary != Some(*k));
            }
            // Every resolution agrees with the registry's state.
            for _ in 0..4 {
                let v = resolver
                    .resolve(name, Some(a.name.as_str()), &mut rng)
                    .unwrap()
                    .executed_version();
                let allowed: Vec<Version> = [ma
                    .primary
                    .map_or(Version::Latest, |p| p.to_string().parse().unwrap())]
                .into_iter()
                .chain(ma.route.iter().map(|(k, _)| k.to_string().parse().unwrap()))
                .collect();
                prop_assert!(allowed.contains(&v), "{:?} not in {:?}", v, allowed);
            }
        }
        for target in [
            None,
            Some("1"),
            Some("2"),
            Some("3"),
            Some("a0"),
            Some("a1"),
        ] {
            let mut g = GetPolicyRequest::new(name.as_str());
            g.qualifier = target.map(str::to_owned);
            let got: Vec<String> = r
                .get_policy(g)
                .map(|p| p.statements.iter().map(|s| s.sid.to_string()).collect())
                .unwrap_or_default();
            let want: Vec<String> = mf
                .policies
                .get(&target.map(str::to_owned))
                .map(|v| v.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default();
            prop_assert_eq!(got, want, "policy of {:?}", target);
        }
        for (l, label) in LABELS.iter().enumerate() {
            let got = r
                .version_by_label(name, &label.parse().unwrap())
                .ok()
                .and_then(|c| c.version.number().map(|n| n.get()));
            let want = mf
                .versions
                .iter()
                .find(|(_, v)| v.label == Some(l))
                .map(|(n, _)| *n);
            prop_assert_eq!(got, want, "label {}", label);
        }
        for n in 1..7u64 {
            let direct = resolver
                .resolve(name, Some(&n.to_string()), &mut rng)
                .map(|x| x.executed_version());
            prop_assert_eq!(direct.is_ok(), mf.versions.contains_key(&n));
        }
    }
    for f in FUNCTIONS {
        if !m.functions.contains_key(f) {
            prop_assert!(resolver.resolve(f, None, &mut rng).is_err());
        }
    }
    for (name, mf) in &m.functions {
        concurrency::check(r, name, &mf.conc)?;
    }
    let bound: BTreeMap<String, &attached::MBound> = m
        .functions
        .iter()
        .map(|(k, v)| (k.clone(), &v.bound))
        .collect();
    attached::check(r, &bound, &m.mappings)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn registry_agrees_with_the_reference_model(
        ops in proptest::collection::vec(op(), 1..60),
        manual in any::<bool>(),
        multi in any::<bool>(),
    ) {
        let lifecycle = if manual { Lifecycle::Manual } else { Lifecycle::Immediate };
        let mode = if multi { RoutingMode::MultiVersion } else { RoutingMode::Aws };
        let mut r = Registry::builder()
            .clock(clock())
            .seed(1)
            .lifecycle(lifecycle)
            .routing_mode(mode)
            .build();
        let mut m = Model { manual, multi, ..Model::default() };
        for (i, op) in prelude().iter().chain(&ops).enumerate() {
            let want = m.apply(op);
            let got = run(&mut r, op);
            prop_assert_eq!(&got, &want, "step {}: {:?}", i, op);
            check(&r, &m)?;
        }
    }
}
