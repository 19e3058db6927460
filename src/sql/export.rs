//! `claimcheck export --parquet DIR`: the resolved workspace as Parquet
//! tables, the input of the SQL that `compile` writes. Values are exact
//! (DECIMAL(38,16) bounds with open and infinite flags), keys are entity ids
//! in key order (a symmetric relation's two entities sorted), and every fact
//! keeps its evidence (source, speaker, document, quote, file, line).
//! Reads the model; never evaluates.

use std::path::Path;

use super::shape::{expected, Shapes};
use super::table::{Cell, ColumnType, Table};
use super::{fingerprint, Layout, SqlError};
use crate::model::{FactBody, KeyArg, Tuple, Value};
use crate::report::document_of;
use crate::value::{Bound, Interval, ValueKind};
use crate::Workspace;

/// Written beside the tables: which workspace they came from.
pub const MANIFEST: &str = "manifest.json";

fn int(x: usize) -> Cell {
    Cell::Int(Some(x as i32))
}
fn text(s: impl Into<String>) -> Cell {
    Cell::Text(Some(s.into()))
}
fn opt(s: Option<&String>) -> Cell {
    Cell::Text(s.cloned())
}

/// A bound as its DECIMAL(38,16) unscaled integer. Numbers are scaled by
/// 10^18 in the engine; dates are day numbers.
fn decimal(x: i128, kind: ValueKind) -> Result<i128, SqlError> {
    match kind {
        ValueKind::Date => Ok(x * 10i128.pow(16)),
        ValueKind::Number if x % 100 == 0 => Ok(x / 100),
        ValueKind::Number => Err(SqlError::Inexact {
            value: crate::value::format_number(x),
        }),
    }
}

/// Five cells for an interval: lo, lo_open, hi, hi_open, unit.
pub fn interval_cells(i: &Interval, kind: ValueKind) -> Result<Vec<Cell>, SqlError> {
    let bound = |b: Bound| -> Result<(Option<i128>, bool), SqlError> {
        Ok(match b {
            Bound::Infinite => (None, false),
            Bound::Closed(x) => (Some(decimal(x.get(), kind)?), false),
            Bound::Open(x) => (Some(decimal(x.get(), kind)?), true),
        })
    };
    let (lo, lo_open) = bound(i.lo)?;
    let (hi, hi_open) = bound(i.hi)?;
    Ok(vec![
        Cell::Decimal(lo),
        Cell::Bool(lo_open),
        Cell::Decimal(hi),
        Cell::Bool(hi_open),
        Cell::Text(i.unit.map(|u| u.name().to_string())),
    ])
}

/// Five cells for an `as of` date: text, lo, lo_open, hi, hi_open (dates
/// as DATE; `None` when there is none).
fn as_of_cells(v: Option<&Value>) -> Vec<Cell> {
    let day = |b: Bound| match b {
        Bound::Infinite => (None, false),
        Bound::Closed(x) => (Some(x.get() as i32), false),
        Bound::Open(x) => (Some(x.get() as i32), true),
    };
    let (lo, lo_open) = v.map_or((None, false), |v| day(v.interval.lo));
    let (hi, hi_open) = v.map_or((None, false), |v| day(v.interval.hi));
    vec![
        Cell::Text(v.map(|v| v.text.clone())),
        Cell::Date(lo),
        Cell::Bool(lo_open),
        Cell::Date(hi),
        Cell::Bool(hi_open),
    ]
}

fn as_of_columns() -> Vec<(String, ColumnType)> {
    [
        ("as_of", ColumnType::Text),
        ("as_of_lo", ColumnType::Date),
        ("as_of_lo_open", ColumnType::Bool),
        ("as_of_hi", ColumnType::Date),
        ("as_of_hi_open", ColumnType::Bool),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t))
    .collect()
}

/// Columns of an interval named `prefix` (`value1`, `v3`).
pub fn interval_columns(prefix: &str) -> Vec<(String, ColumnType)> {
    [
        ("lo", ColumnType::Decimal),
        ("lo_open", ColumnType::Bool),
        ("hi", ColumnType::Decimal),
        ("hi_open", ColumnType::Bool),
        ("unit", ColumnType::Text),
    ]
    .into_iter()
    .map(|(n, t)| (format!("{prefix}_{n}"), t))
    .collect()
}

fn cols(list: &[(&str, ColumnType)]) -> Vec<(String, ColumnType)> {
    list.iter().map(|(n, t)| (n.to_string(), *t)).collect()
}

struct Writer<'a> {
    dir: &'a Path,
}

impl Writer<'_> {
    fn table(&self, name: &str, columns: &[(String, ColumnType)]) -> Result<Table, SqlError> {
        Table::create(&self.dir.join(format!("{name}.parquet")), columns)
            .map_err(|e| SqlError::Write(format!("{name}.parquet: {e}")))
    }
}

fn w(r: Result<(), String>, name: &str) -> Result<(), SqlError> {
    r.map_err(|e| SqlError::Write(format!("{name}.parquet: {e}")))
}

/// Writes every table of the workspace to `dir` (created if missing).
pub fn export(ws: &Workspace, shapes: &Shapes, dir: &Path) -> Result<(), SqlError> {
    let model = &ws.model;
    std::fs::create_dir_all(dir)
        .map_err(|e| SqlError::Write(format!("cannot create {}: {e}", dir.display())))?;
    let layout = Layout::of(model, shapes);
    let out = Writer { dir };

    // relations
    let mut t = out.table(
        "relations",
        &cols(&[
            ("relation_id", ColumnType::Int),
            ("name", ColumnType::Text),
            ("symmetric", ColumnType::Bool),
            ("functional", ColumnType::Bool),
            ("keys", ColumnType::Int),
            ("values", ColumnType::Int),
        ]),
    )?;
    for (i, r) in model.relations.iter().enumerate() {
        let keys = r.slots.iter().filter(|s| s.ty.is_key()).count();
        w(
            t.push(vec![
                int(i),
                text(&r.name),
                Cell::Bool(r.symmetric),
                Cell::Bool(r.functional),
                int(keys),
                int(r.slots.len() - keys),
            ]),
            "relations",
        )?;
    }
    w(t.finish(), "relations")?;

    // entities and aliases
    let mut t = out.table(
        "entities",
        &cols(&[
            ("entity_id", ColumnType::Int),
            ("name", ColumnType::Text),
            ("kind", ColumnType::Text),
        ]),
    )?;
    let mut a = out.table(
        "aliases",
        &cols(&[("entity_id", ColumnType::Int), ("alias", ColumnType::Text)]),
    )?;
    for (i, e) in model.entities.iter().enumerate() {
        w(
            t.push(vec![int(i), text(&e.name), text(&e.kind)]),
            "entities",
        )?;
        for al in &e.aliases {
            w(a.push(vec![int(i), text(al)]), "aliases")?;
        }
    }
    w(t.finish(), "entities")?;
    w(a.finish(), "aliases")?;

    // groups and members (each member once)
    let mut t = out.table(
        "groups",
        &cols(&[("group_id", ColumnType::Int), ("name", ColumnType::Text)]),
    )?;
    let mut m = out.table(
        "group_members",
        &cols(&[
            ("group_id", ColumnType::Int),
            ("entity_id", ColumnType::Int),
        ]),
    )?;
    for (i, g) in model.groups.iter().enumerate() {
        w(t.push(vec![int(i), text(&g.name)]), "groups")?;
        let mut seen = std::collections::HashSet::new();
        for &e in &g.members {
            if seen.insert(e) {
                w(m.push(vec![int(i), int(e as usize)]), "group_members")?;
            }
        }
    }
    w(t.finish(), "groups")?;
    w(m.finish(), "group_members")?;

    // sources
    let mut t = out.table(
        "sources",
        &cols(&[
            ("source_id", ColumnType::Int),
            ("id", ColumnType::Text),
            ("title", ColumnType::Text),
            ("publisher", ColumnType::Text),
            ("date", ColumnType::Text),
            ("url", ColumnType::Text),
            ("name", ColumnType::Text),
            ("role", ColumnType::Text),
            ("via_id", ColumnType::Int),
        ]),
    )?;
    for (i, s) in model.sources.iter().enumerate() {
        w(
            t.push(vec![
                int(i),
                text(&s.id),
                opt(s.title.as_ref()),
                opt(s.publisher.as_ref()),
                opt(s.date.as_ref()),
                opt(s.url.as_ref()),
                opt(s.name.as_ref()),
                opt(s.role.as_ref()),
                Cell::Int(s.via.map(|v| v as i32)),
            ]),
            "sources",
        )?;
    }
    w(t.finish(), "sources")?;

    // facts: one row per asserted or denied tuple (an `only` statement has
    // one row per tuple it lists), and the `only` statements themselves.
    let mut fc = cols(&[
        ("fact_id", ColumnType::Int),
        ("tuple", ColumnType::Int),
        ("kind", ColumnType::Text),
        ("relation_id", ColumnType::Int),
        ("negated", ColumnType::Bool),
    ]);
    for k in 1..=layout.keys {
        fc.push((format!("key{k}"), ColumnType::Int));
        fc.push((format!("key{k}_text"), ColumnType::Text));
    }
    for v in 1..=layout.values {
        fc.extend(interval_columns(&format!("value{v}")));
        fc.push((format!("value{v}_text"), ColumnType::Text));
    }
    fc.extend(as_of_columns());
    let evidence = cols(&[
        ("source_id", ColumnType::Int),
        ("source", ColumnType::Text),
        ("speaker", ColumnType::Text),
        ("document", ColumnType::Text),
        ("quote", ColumnType::Text),
        ("sentence", ColumnType::Text),
        ("file", ColumnType::Text),
        ("line", ColumnType::Int),
    ]);
    fc.extend(evidence.clone());
    let mut t = out.table("facts", &fc)?;
    let mut oc = cols(&[
        ("fact_id", ColumnType::Int),
        ("relation_id", ColumnType::Int),
        ("group_id", ColumnType::Int),
        ("tuples", ColumnType::Int),
    ]);
    oc.extend(as_of_columns());
    oc.extend(evidence);
    let mut o = out.table("only", &oc)?;
    for (id, f) in model.facts.iter().enumerate() {
        let s = &model.sources[f.source as usize];
        let evidence = [
            int(f.source as usize),
            text(&s.id),
            Cell::Text(
                s.via
                    .map(|_| s.name.clone().unwrap_or_else(|| s.id.clone())),
            ),
            text(&model.sources[document_of(model, f.source) as usize].id),
            Cell::Text(f.quote().map(str::to_string)),
            text(model.fact_text(f).into_owned()),
            text(&ws.files.get(f.loc.file).display),
            int(f.line as usize),
        ];
        let row =
            |tuple: &Tuple, i: usize, kind: &str, negated: bool| -> Result<Vec<Cell>, SqlError> {
                let mut r = vec![
                    int(id),
                    int(i),
                    text(kind),
                    int(tuple.key.relation as usize),
                    Cell::Bool(negated),
                ];
                for k in 0..layout.keys {
                    match tuple.key.args.get(k) {
                        Some(KeyArg::Entity(e)) => r.extend([int(*e as usize), Cell::Text(None)]),
                        Some(KeyArg::Text(s)) => r.extend([Cell::Int(None), text(&**s)]),
                        None => r.extend([Cell::Int(None), Cell::Text(None)]),
                    }
                }
                let kinds = model.value_slots(tuple.key.relation);
                for v in 0..layout.values {
                    let value = tuple.values.get(v).cloned().flatten();
                    let kind = kinds.get(v).map_or(ValueKind::Number, |k| k.1);
                    let i = value.as_ref().map_or(Interval::ALL, |v| v.interval);
                    r.extend(interval_cells(&i, kind)?);
                    r.push(Cell::Text(value.map(|v| v.text)));
                }
                r.extend(as_of_cells(f.as_of.as_deref()));
                r.extend(evidence.iter().cloned());
                Ok(r)
            };
        match &f.body {
            FactBody::Atom { tuple } => w(t.push(row(tuple, 0, "atom", f.negated)?), "facts")?,
            FactBody::Only(only) => {
                let (relation, group, listed) = (&only.relation, &only.group, &only.listed);
                for (i, tuple) in listed.iter().enumerate() {
                    w(t.push(row(tuple, i, "only", false)?), "facts")?;
                }
                let mut r = vec![
                    int(id),
                    int(*relation as usize),
                    int(*group as usize),
                    int(listed.len()),
                ];
                r.extend(as_of_cells(f.as_of.as_deref()));
                r.extend(evidence.iter().cloned());
                w(o.push(r), "only")?;
            }
        }
    }
    w(t.finish(), "facts")?;
    w(o.finish(), "only")?;

    // assertions, with the constants of their shapes
    let mut ac = cols(&[
        ("assertion_id", ColumnType::Int),
        ("file", ColumnType::Text),
        ("line", ColumnType::Int),
        ("col", ColumnType::Int),
        ("claim", ColumnType::Text),
        ("expected", ColumnType::Text),
    ]);
    ac.extend(as_of_columns());
    ac.push(("shape".into(), ColumnType::Int));
    let c = shapes.counts;
    for i in 1..=c.entities {
        ac.push((format!("e{i}"), ColumnType::Int));
    }
    for i in 1..=c.texts {
        ac.push((format!("t{i}"), ColumnType::Text));
    }
    for i in 1..=c.values {
        ac.extend(interval_columns(&format!("v{i}")));
    }
    for i in 1..=c.groups {
        ac.push((format!("g{i}"), ColumnType::Int));
    }
    let mut t = out.table("assertions", &ac)?;
    for &i in &shapes.order {
        let a = &model.assertions[i];
        let (shape, p) = &shapes.assertions[i];
        let kinds = super::compile::value_kinds(model, &shapes.shapes[*shape]);
        let mut r = vec![
            int(i),
            text(&ws.files.get(a.file).display),
            int(a.line as usize),
            int(a.col as usize),
            text(&a.text),
            Cell::Text(expected(a).map(str::to_string)),
        ];
        r.extend(as_of_cells(a.as_of.as_deref()));
        r.push(int(*shape));
        for k in 0..c.entities {
            r.push(Cell::Int(p.entities.get(k).map(|e| *e as i32)));
        }
        for k in 0..c.texts {
            r.push(Cell::Text(p.texts.get(k).cloned()));
        }
        #[allow(clippy::needless_range_loop)] // k indexes two lists of different lengths
        for k in 0..c.values {
            let (iv, kind) = match (p.values.get(k), kinds.get(k)) {
                (Some(iv), Some(kind)) => (*iv, *kind),
                _ => (Interval::ALL, ValueKind::Number),
            };
            r.extend(interval_cells(&iv, kind)?);
        }
        for k in 0..c.groups {
            r.push(Cell::Int(p.groups.get(k).map(|g| *g as i32)));
        }
        w(t.push(r), "assertions")?;
    }
    w(t.finish(), "assertions")?;

    let manifest = serde_json::json!({
        "format": 1,
        "fingerprint": fingerprint(ws, shapes),
        "facts": model.facts.len(),
        "assertions": model.assertions.len(),
    });
    std::fs::write(dir.join(MANIFEST), format!("{manifest:#}\n"))
        .map_err(|e| SqlError::Write(format!("{MANIFEST}: {e}")))?;
    Ok(())
}
