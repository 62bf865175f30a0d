//! A function's rows: `lv_functions` holds everything but its published versions (the
//! snapshot format with `"versions": []`), `lv_versions` one row per published version.
//! A change writes only what it changed — the function row always (it carries the
//! compare-and-swap version), a version row only when that version is new, changed or
//! gone — so an alias update costs the same whatever the number of versions.

use std::collections::BTreeMap;

use postgres::GenericClient;

use super::corrupt_state;
use crate::Registry;
use crate::error::Error;
use crate::names::{FunctionName, VersionNumber};
use crate::registry::install::VersionMark;

/// The published versions of one function, in number order.
pub(super) fn read_versions(
    client: &mut impl GenericClient,
    scope: &str,
    name: &FunctionName,
) -> Result<Vec<serde_json::Value>, postgres::Error> {
    Ok(client
        .query(
            "SELECT state FROM lv_versions WHERE scope = $1 AND name = $2 ORDER BY number",
            &[&scope, &name.as_str()],
        )?
        .into_iter()
        .map(|row| row.get(0))
        .collect())
}

/// One function's row and its versions, read in one statement (so in one snapshot and
/// one round trip).
pub(super) fn read_function(
    client: &mut impl GenericClient,
    scope: &str,
    name: &FunctionName,
) -> Result<Option<(i64, serde_json::Value, Vec<serde_json::Value>)>, postgres::Error> {
    let row = client.query_opt(
        "SELECT f.version, f.state,
                (SELECT coalesce(jsonb_agg(v.state ORDER BY v.number), '[]'::jsonb)
                 FROM lv_versions v WHERE v.scope = f.scope AND v.name = f.name)
         FROM lv_functions f WHERE f.scope = $1 AND f.name = $2",
        &[&scope, &name.as_str()],
    )?;
    Ok(row.map(|r| {
        let versions = match r.get::<_, serde_json::Value>(2) {
            serde_json::Value::Array(versions) => versions,
            _ => Vec::new(),
        };
        (r.get(0), r.get(1), versions)
    }))
}

/// One function as stored: row version, state without versions, versions.
pub(super) struct StoredFunction {
    pub(super) name: FunctionName,
    pub(super) version: i64,
    pub(super) meta: serde_json::Value,
    pub(super) versions: Vec<serde_json::Value>,
}

/// Every function of `scope` (call it inside one repeatable-read transaction for a
/// consistent picture). Rows whose name is not a function name are skipped.
pub(super) fn read_all(
    client: &mut impl GenericClient,
    scope: &str,
) -> Result<Vec<StoredFunction>, postgres::Error> {
    let mut functions: BTreeMap<String, StoredFunction> = BTreeMap::new();
    for row in client.query(
        "SELECT name, version, state FROM lv_functions WHERE scope = $1",
        &[&scope],
    )? {
        let text: String = row.get(0);
        let Ok(name) = text.parse::<FunctionName>() else {
            continue;
        };
        functions.insert(
            text,
            StoredFunction {
                name,
                version: row.get(1),
                meta: row.get(2),
                versions: Vec::new(),
            },
        );
    }
    for row in client.query(
        "SELECT name, state FROM lv_versions WHERE scope = $1 ORDER BY name, number",
        &[&scope],
    )? {
        let text: String = row.get(0);
        if let Some(f) = functions.get_mut(&text) {
            f.versions.push(row.get(1));
        }
    }
    Ok(functions.into_values().collect())
}

/// Installs a stored function into `registry`.
pub(super) fn install(
    registry: &mut Registry,
    name: &FunctionName,
    meta: serde_json::Value,
    versions: Vec<serde_json::Value>,
) -> Result<(), Error> {
    registry
        .install_function_rows(name, meta, versions)
        .map_err(|e| corrupt_state(&e))
}

/// What a function looked like before an operation, to write only the difference.
pub(super) struct Before {
    /// The function row's version, when the row exists.
    pub(super) row_version: Option<i64>,
    meta: Option<serde_json::Value>,
    /// In number order.
    marks: Vec<VersionMark>,
    /// The row held its versions inline (written before versions had rows of their
    /// own): every version is written out on the next change.
    inline_versions: bool,
}

impl Before {
    pub(super) fn of(
        registry: &Registry,
        name: &FunctionName,
        row_version: Option<i64>,
        inline_versions: bool,
    ) -> Before {
        Before {
            row_version,
            meta: registry.function_meta_json(name),
            marks: registry.version_marks(name),
            inline_versions,
        }
    }

    /// Whether `registry` holds `name` exactly as before.
    pub(super) fn unchanged(&self, registry: &Registry, name: &FunctionName) -> bool {
        registry.function_meta_json(name) == self.meta && registry.version_marks(name) == self.marks
    }
}

/// Whether a stored state holds versions inline.
pub(super) fn has_inline_versions(meta: &serde_json::Value) -> bool {
    meta.get("versions")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|v| !v.is_empty())
}

/// The mark of version `n` in `marks` (in number order).
fn find(marks: &[VersionMark], n: VersionNumber) -> Option<&VersionMark> {
    marks
        .binary_search_by_key(&n, |m| m.number)
        .ok()
        .and_then(|i| marks.get(i))
}

/// What [`write`] did.
pub(super) enum Written {
    /// Nothing differed; nothing was written.
    Nothing,
    /// The change is written (not yet committed); the function row's new version, or
    /// `None` when the function was deleted.
    Changed(Option<i64>),
    /// The function row moved on meanwhile: nothing was written.
    LostRace,
}

/// Writes what changed in `name` since `before`.
pub(super) fn write(
    tx: &mut postgres::Transaction<'_>,
    scope: &str,
    name: &FunctionName,
    before: &Before,
    after: &Registry,
) -> Result<Written, postgres::Error> {
    let meta = after.function_meta_json(name);
    let marks = after.version_marks(name);
    let versions_changed: Vec<VersionNumber> = marks
        .iter()
        .filter(|mark| before.inline_versions || find(&before.marks, mark.number) != Some(*mark))
        .map(|mark| mark.number)
        .collect();
    let versions_gone: Vec<i64> = before
        .marks
        .iter()
        .filter(|mark| find(&marks, mark.number).is_none())
        .filter_map(|mark| i64::try_from(mark.number.get()).ok())
        .collect();
    if meta == before.meta && versions_changed.is_empty() && versions_gone.is_empty() {
        return Ok(Written::Nothing);
    }
    let name_text = name.as_str();
    let (written, new_version) = match (before.row_version, &meta) {
        (None, None) => return Ok(Written::Nothing),
        (None, Some(state)) => (
            tx.execute(
                "INSERT INTO lv_functions (scope, name, version, state) VALUES ($1, $2, 1, $3)
                 ON CONFLICT DO NOTHING",
                &[&scope, &name_text, state],
            )?,
            Some(1),
        ),
        (Some(version), Some(state)) => (
            tx.execute(
                "UPDATE lv_functions SET version = version + 1, state = $4
                 WHERE scope = $1 AND name = $2 AND version = $3",
                &[&scope, &name_text, &version, state],
            )?,
            Some(version + 1),
        ),
        (Some(version), None) => (
            tx.execute(
                "DELETE FROM lv_functions WHERE scope = $1 AND name = $2 AND version = $3",
                &[&scope, &name_text, &version],
            )?,
            None,
        ),
    };
    if written == 0 {
        return Ok(Written::LostRace);
    }
    if meta.is_none() {
        tx.execute(
            "DELETE FROM lv_versions WHERE scope = $1 AND name = $2",
            &[&scope, &name_text],
        )?;
        return Ok(Written::Changed(None));
    }
    if before.row_version.is_none() {
        // A new function: no version row of an earlier one with this name may remain.
        tx.execute(
            "DELETE FROM lv_versions WHERE scope = $1 AND name = $2",
            &[&scope, &name_text],
        )?;
    }
    for n in versions_changed {
        let (Some(state), Ok(number)) = (after.version_json(name, n), i64::try_from(n.get()))
        else {
            continue;
        };
        tx.execute(
            "INSERT INTO lv_versions (scope, name, number, state) VALUES ($1, $2, $3, $4)
             ON CONFLICT (scope, name, number) DO UPDATE SET state = EXCLUDED.state",
            &[&scope, &name_text, &number, &state],
        )?;
    }
    if !versions_gone.is_empty() {
        tx.execute(
            "DELETE FROM lv_versions WHERE scope = $1 AND name = $2 AND number = ANY($3)",
            &[&scope, &name_text, &versions_gone],
        )?;
    }
    Ok(Written::Changed(new_version))
}
