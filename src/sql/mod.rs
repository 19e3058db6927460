//! Beyond one machine: the workspace exported as Parquet tables (`export`),
//! and its assertions compiled to one SQL script over them (`compile`), for
//! DuckDB or Spark SQL. The SQL reproduces the evaluator's verdicts exactly;
//! where it could not, compiling fails and names the assertion.

pub mod compile;
pub mod export;
pub mod shape;
mod table;

use std::fmt;
use std::path::Path;

pub use compile::Dialect;

use crate::model::{Model, SlotType};
use crate::Workspace;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlError {
    /// An assertion the SQL cannot express.
    Unsupported {
        file: String,
        line: u32,
        reason: String,
    },
    /// A number with more decimals than the exported DECIMAL(38,16) holds.
    Inexact { value: String },
    /// The data folder was exported from another workspace (or not at all).
    Stale { dir: String, why: String },
    /// The workspace has no assertion to compile.
    NoAssertions,
    /// Writing a table failed.
    Write(String),
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlError::Unsupported { file, line, reason } => {
                write!(f, "{file}:{line}: this assertion cannot be compiled to SQL: {reason}")
            }
            SqlError::Inexact { value } => write!(
                f,
                "the value {value} has more than 16 decimals, which the exported DECIMAL(38,16) columns cannot hold exactly"
            ),
            SqlError::Stale { dir, why } => write!(
                f,
                "{dir} does not hold this workspace's export ({why}); run `claimcheck export --parquet {dir}` with the same paths first"
            ),
            SqlError::NoAssertions => f.write_str("the workspace has no assertion statement to compile"),
            SqlError::Write(e) => write!(f, "cannot write the export: {e}"),
        }
    }
}

/// How many key and value columns the facts table has: the most of any
/// relation (at least one of each, so the schema never changes shape).
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub keys: usize,
    pub values: usize,
}

impl Layout {
    pub fn of(model: &Model, _shapes: &shape::Shapes) -> Layout {
        let mut l = Layout { keys: 1, values: 1 };
        for r in &model.relations {
            let keys = r.slots.iter().filter(|s| s.ty.is_key()).count();
            l.keys = l.keys.max(keys);
            l.values = l.values.max(r.slots.len() - keys);
        }
        l
    }
}

/// A digest of everything the compiled SQL relies on besides the facts:
/// relations, entities, groups and the assertions' shapes and constants.
/// FNV-1a: a stable checksum, not a defence against forgery.
pub fn fingerprint(ws: &Workspace, shapes: &shape::Shapes) -> String {
    let model = &ws.model;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for r in &model.relations {
        let slots: Vec<String> = r
            .slots
            .iter()
            .map(|s| match &s.ty {
                SlotType::Entity(_) => "e".to_string(),
                SlotType::Text => "t".to_string(),
                SlotType::Value(k) => k.to_string(),
            })
            .collect();
        eat(&format!(
            "r {} {} {} {}",
            r.name,
            r.symmetric,
            r.functional,
            slots.join(",")
        ));
    }
    for e in &model.entities {
        eat(&format!("e {} {}", e.name, e.kind));
    }
    for g in &model.groups {
        eat(&format!("g {} {:?}", g.name, g.members));
    }
    for s in &shapes.shapes {
        eat(&format!("s {}", s.key()));
    }
    for &i in &shapes.order {
        let a = &model.assertions[i];
        let (s, p) = &shapes.assertions[i];
        eat(&format!(
            "a {} {} {} {s} {p:?} {:?}",
            ws.files.get(a.file).display,
            a.line,
            a.text,
            a.as_of
        ));
    }
    format!("{h:016x}")
}

fn shapes_of(ws: &Workspace) -> Result<shape::Shapes, SqlError> {
    shape::shapes(&ws.model).map_err(|(i, e)| {
        let a = &ws.model.assertions[i];
        SqlError::Unsupported {
            file: ws.files.get(a.file).display.clone(),
            line: a.line,
            reason: e.reason,
        }
    })
}

/// Writes the workspace's tables to `dir`.
pub fn export(ws: &Workspace, dir: &Path) -> Result<(), SqlError> {
    let shapes = shapes_of(ws)?;
    export::export(ws, &shapes, dir)
}

/// The SQL script over the tables exported to `dir` (which must hold this
/// workspace's export).
pub fn compile(ws: &Workspace, dir: &Path, dialect: Dialect) -> Result<String, SqlError> {
    if ws.model.assertions.is_empty() {
        return Err(SqlError::NoAssertions);
    }
    let shapes = shapes_of(ws)?;
    let shown = dir.display().to_string();
    let stale = |why: String| SqlError::Stale {
        dir: shown.clone(),
        why,
    };
    let abs = std::fs::canonicalize(dir).map_err(|e| stale(e.to_string()))?;
    let manifest = std::fs::read_to_string(abs.join(export::MANIFEST))
        .map_err(|e| stale(format!("{}: {e}", export::MANIFEST)))?;
    let json: serde_json::Value =
        serde_json::from_str(&manifest).map_err(|e| stale(format!("{}: {e}", export::MANIFEST)))?;
    if json["fingerprint"].as_str() != Some(fingerprint(ws, &shapes).as_str()) {
        return Err(stale(
            "its relations, entities, groups or assertions differ".into(),
        ));
    }
    let dir = abs.to_string_lossy().replace('\\', "/");
    Ok(compile::script(
        &ws.model, &ws.files, &shapes, &dir, dialect,
    ))
}
