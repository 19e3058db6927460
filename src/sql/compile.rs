//! `claimcheck compile --sql`: one SQL script that computes every
//! assertion's verdict over the tables `export` wrote. The SQL mirrors the
//! evaluator rule for rule: an atom's facts are looked up by key, each fact
//! supports or refutes by interval tests on its values (within one unit; in
//! a functional relation with numbers, dates qualify them), `only`
//! statements refute the tuples they leave out, and `and`/`or`/`not` and
//! the quantifiers combine the two bits told-true and told-false.
//!
//! Every CTE is keyed by `assertion_id` and the quantifier variables its
//! claim part uses (`x1`, `x2`, …), with one row per binding. Assertions of
//! one shape share their CTEs (`s{shape}_n{node}`).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::shape::{Node, Shape, Shapes, Term};
use crate::model::{Model, Quantifier};
use crate::value::ValueKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Spark,
}

/// The value kind of each value parameter of a shape, in parameter order.
pub fn value_kinds(model: &Model, shape: &Shape) -> Vec<ValueKind> {
    fn go(model: &Model, n: &Node, out: &mut Vec<(usize, ValueKind)>) {
        match n {
            Node::Atom {
                relation, values, ..
            } => {
                let kinds = model.value_slots(*relation);
                for (p, (_, k)) in values.iter().zip(kinds) {
                    out.push((*p, k));
                }
            }
            Node::Not(c) => go(model, c, out),
            Node::And(cs) | Node::Or(cs) => cs.iter().for_each(|c| go(model, c, out)),
            Node::Quant { body, .. } => go(model, body, out),
        }
    }
    let mut all = Vec::new();
    go(model, &shape.root, &mut all);
    all.sort_by_key(|(p, _)| *p);
    all.into_iter().map(|(_, k)| k).collect()
}

/// The SQL expressions of one interval: bounds (NULL when infinite), open
/// flags, unit (`None`: dates, which have no unit).
struct Iv {
    lo: String,
    lo_open: String,
    hi: String,
    hi_open: String,
    unit: Option<String>,
}

impl Iv {
    fn cols(prefix: &str, unit: bool) -> Iv {
        Iv {
            lo: format!("{prefix}_lo"),
            lo_open: format!("{prefix}_lo_open"),
            hi: format!("{prefix}_hi"),
            hi_open: format!("{prefix}_hi_open"),
            unit: unit.then(|| format!("{prefix}_unit")),
        }
    }

    /// Every value: both bounds infinite.
    fn all(&self) -> String {
        format!("({} IS NULL AND {} IS NULL)", self.lo, self.hi)
    }

    fn empty(&self) -> String {
        format!(
            "({lo} IS NOT NULL AND {hi} IS NOT NULL AND ({lo} > {hi} OR ({lo} = {hi} AND ({lo_open} OR {hi_open}))))",
            lo = self.lo,
            hi = self.hi,
            lo_open = self.lo_open,
            hi_open = self.hi_open
        )
    }
}

/// Values compare only within one unit, or when one is every value.
fn comparable(a: &Iv, b: &Iv) -> String {
    match (&a.unit, &b.unit) {
        (Some(x), Some(y)) => format!(
            "(coalesce({x}, '') = coalesce({y}, '') OR {} OR {})",
            a.all(),
            b.all()
        ),
        _ => "TRUE".into(),
    }
}

/// `a ⊆ b`.
fn subset(a: &Iv, b: &Iv) -> String {
    let lo_ge = format!(
        "({blo} IS NULL OR ({alo} IS NOT NULL AND ({alo} > {blo} OR ({alo} = {blo} AND ({aopen} OR NOT {bopen})))))",
        alo = a.lo,
        blo = b.lo,
        aopen = a.lo_open,
        bopen = b.lo_open
    );
    let hi_le = format!(
        "({bhi} IS NULL OR ({ahi} IS NOT NULL AND ({ahi} < {bhi} OR ({ahi} = {bhi} AND ({aopen} OR NOT {bopen})))))",
        ahi = a.hi,
        bhi = b.hi,
        aopen = a.hi_open,
        bopen = b.hi_open
    );
    format!(
        "({} AND ({} OR ({lo_ge} AND {hi_le})))",
        comparable(a, b),
        a.empty()
    )
}

/// `a` lies wholly before `b`.
fn below(a: &Iv, b: &Iv) -> String {
    format!(
        "({ahi} IS NOT NULL AND {blo} IS NOT NULL AND ({ahi} < {blo} OR ({ahi} = {blo} AND ({aopen} OR {bopen}))))",
        ahi = a.hi,
        blo = b.lo,
        aopen = a.hi_open,
        bopen = b.lo_open
    )
}

/// No value in common, within one unit.
fn disjoint(a: &Iv, b: &Iv) -> String {
    format!(
        "({} AND ({} OR {} OR {} OR {}))",
        comparable(a, b),
        a.empty(),
        b.empty(),
        below(a, b),
        below(b, a)
    )
}

/// A fact of alias `fact` counts for the assertion row `d`: no `as of`, or
/// the two dates overlap.
fn counts(fact: &str) -> String {
    let a = Iv::cols("d.as_of", false);
    let f = Iv::cols(&format!("{fact}.as_of"), false);
    format!(
        "(d.as_of IS NULL OR {fact}.as_of IS NULL OR NOT {})",
        disjoint(&a, &f)
    )
}

fn and_all(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "TRUE".into()
    } else {
        parts.join(" AND ")
    }
}

fn or_all(parts: Vec<String>) -> String {
    if parts.is_empty() {
        "FALSE".into()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

fn var_cols(vars: &BTreeSet<usize>, alias: &str) -> String {
    vars.iter().map(|v| format!(", {alias}.x{v}")).collect()
}

fn var_join(vars: &BTreeSet<usize>, a: &str, b: &str) -> String {
    let mut s = format!("{a}.assertion_id = {b}.assertion_id");
    for v in vars {
        let _ = write!(s, " AND {a}.x{v} = {b}.x{v}");
    }
    s
}

struct Gen<'a> {
    model: &'a Model,
    shape: &'a Shape,
    prefix: String,
    ctes: Vec<String>,
    next: usize,
}

impl Gen<'_> {
    fn name(&mut self) -> String {
        self.next += 1;
        format!("{}_n{}", self.prefix, self.next)
    }

    /// The binding rows of `vars`: the shape's assertions, each with every
    /// assignment of distinct group members to the variables of one
    /// quantifier.
    fn domain(&self, vars: &BTreeSet<usize>) -> String {
        if vars.is_empty() {
            return self.prefix.clone();
        }
        let mut select = "SELECT p.*".to_string();
        let mut from = format!("{} p", self.prefix);
        for &v in vars {
            let info = &self.shape.vars[v - 1];
            let _ = write!(select, ", m{v}.entity_id AS x{v}");
            let _ = write!(
                from,
                " JOIN group_members m{v} ON m{v}.group_id = p.g{}",
                info.group
            );
            for &u in vars.iter().filter(|&&u| u < v) {
                if self.shape.vars[u - 1].quant == info.quant {
                    let _ = write!(from, " AND m{v}.entity_id <> m{u}.entity_id");
                }
            }
        }
        format!("({select} FROM {from})")
    }

    fn term(&self, t: &Term) -> String {
        match t {
            Term::Entity(i) => format!("d.e{i}"),
            Term::Text(i) => format!("d.t{i}"),
            Term::Var(v) => format!("d.x{v}"),
        }
    }

    /// `f.key1 = … AND f.key2 = …`, symmetric keys in sorted order.
    fn key_match(&self, relation: u32, keys: &[Term], fact: &str) -> String {
        let rel = &self.model.relations[relation as usize];
        let mut exprs: Vec<String> = keys.iter().map(|t| self.term(t)).collect();
        let ents: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, t)| !matches!(t, Term::Text(_)))
            .map(|(i, _)| i)
            .collect();
        if rel.symmetric {
            if let [a, b] = ents[..] {
                let (x, y) = (exprs[a].clone(), exprs[b].clone());
                exprs[a] = format!("LEAST({x}, {y})");
                exprs[b] = format!("GREATEST({x}, {y})");
            }
        }
        let mut parts = vec![format!("{fact}.relation_id = {relation}")];
        for (i, (t, e)) in keys.iter().zip(exprs).enumerate() {
            let col = match t {
                Term::Text(_) => format!("key{}_text", i + 1),
                _ => format!("key{}", i + 1),
            };
            parts.push(format!("{fact}.{col} = {e}"));
        }
        parts.join(" AND ")
    }

    /// Compiles a node into CTEs; gives the name of the one holding its bits
    /// and the variables it is keyed by.
    fn node(&mut self, n: &Node) -> (String, BTreeSet<usize>) {
        match n {
            Node::Atom {
                relation,
                keys,
                values,
                text,
            } => self.atom(*relation, keys, values, text),
            Node::Not(c) => {
                let (child, vars) = self.node(c);
                let name = self.name();
                self.ctes.push(format!(
                    "-- not\n{name} AS (\n  SELECT c.assertion_id{v}, c.told_false AS told_true, c.told_true AS told_false\n  FROM {child} c\n)",
                    v = var_cols(&vars, "c")
                ));
                (name, vars)
            }
            Node::And(cs) | Node::Or(cs) => {
                let and = matches!(n, Node::And(_));
                let children: Vec<(String, BTreeSet<usize>)> =
                    cs.iter().map(|c| self.node(c)).collect();
                let vars: BTreeSet<usize> = children
                    .iter()
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                let name = self.name();
                let (tt_op, tf_op) = if and {
                    (" AND ", " OR ")
                } else {
                    (" OR ", " AND ")
                };
                let tt: Vec<String> = (1..=children.len())
                    .map(|i| format!("c{i}.told_true"))
                    .collect();
                let tf: Vec<String> = (1..=children.len())
                    .map(|i| format!("c{i}.told_false"))
                    .collect();
                let (tt, tf) = if children.is_empty() {
                    let t = if and {
                        ("TRUE", "FALSE")
                    } else {
                        ("FALSE", "TRUE")
                    };
                    (t.0.to_string(), t.1.to_string())
                } else {
                    (
                        format!("({})", tt.join(tt_op)),
                        format!("({})", tf.join(tf_op)),
                    )
                };
                // Drive from a child keyed by every variable, else from the
                // binding rows.
                let driver = children.iter().position(|(_, v)| *v == vars);
                let mut from = match driver {
                    Some(k) => format!("{} c{}", children[k].0, k + 1),
                    None => format!("{} d", self.domain(&vars)),
                };
                let d = match driver {
                    Some(k) => format!("c{}", k + 1),
                    None => "d".into(),
                };
                for (i, (child, cv)) in children.iter().enumerate() {
                    if Some(i) == driver {
                        continue;
                    }
                    let _ = write!(
                        from,
                        "\n  JOIN {child} c{} ON {}",
                        i + 1,
                        var_join(cv, &format!("c{}", i + 1), &d)
                    );
                }
                self.ctes.push(format!(
                    "-- {}\n{name} AS (\n  SELECT {d}.assertion_id{v},\n         {tt} AS told_true,\n         {tf} AS told_false\n  FROM {from}\n)",
                    if and { "and" } else { "or" },
                    v = var_cols(&vars, &d)
                ));
                (name, vars)
            }
            Node::Quant {
                quantifier,
                vars: qvars,
                names,
                body,
                ..
            } => {
                let (child, body_vars) = self.node(body);
                let outer: BTreeSet<usize> = body_vars
                    .iter()
                    .copied()
                    .filter(|v| !qvars.contains(v))
                    .collect();
                let all: BTreeSet<usize> = outer.iter().chain(qvars).copied().collect();
                let name = self.name();
                let (tt_agg, tf_agg, tt_none, tf_none) = match quantifier {
                    Quantifier::Every => ("bool_and", "bool_or", "TRUE", "FALSE"),
                    _ => ("bool_or", "bool_and", "FALSE", "TRUE"),
                };
                let (tt, tf) = if *quantifier == Quantifier::No {
                    ("told_false", "told_true")
                } else {
                    ("told_true", "told_false")
                };
                let bound: Vec<String> = qvars
                    .iter()
                    .zip(names)
                    .map(|(v, n)| format!("x{v} = {n}"))
                    .collect();
                self.ctes.push(format!(
                    "-- {q} {} in group g{g}\n{name} AS (\n  SELECT o.assertion_id{ov},\n         coalesce(x.tt, {tt_none}) AS {tt},\n         coalesce(x.tf, {tf_none}) AS {tf}\n  FROM {od} o\n  LEFT JOIN (\n    SELECT d.assertion_id{dv}, {tt_agg}(b.told_true) AS tt, {tf_agg}(b.told_false) AS tf\n    FROM {dd} d\n    JOIN {child} b ON {bj}\n    GROUP BY d.assertion_id{dv}\n  ) x ON {xj}\n)",
                    bound.join(", "),
                    q = match quantifier {
                        Quantifier::Every => "every",
                        Quantifier::Some => "some",
                        Quantifier::No => "no",
                    },
                    g = self.shape.vars[qvars[0] - 1].group,
                    ov = var_cols(&outer, "o"),
                    od = self.domain(&outer),
                    dv = var_cols(&outer, "d"),
                    dd = self.domain(&all),
                    bj = var_join(&body_vars, "b", "d"),
                    xj = var_join(&outer, "x", "o"),
                ));
                (name, outer)
            }
        }
    }

    fn atom(
        &mut self,
        relation: u32,
        keys: &[Term],
        values: &[usize],
        text: &str,
    ) -> (String, BTreeSet<usize>) {
        let rel = &self.model.relations[relation as usize];
        let kinds = self.model.value_kinds(relation);
        let vars: BTreeSet<usize> = keys
            .iter()
            .filter_map(|t| match t {
                Term::Var(v) => Some(*v),
                _ => None,
            })
            .collect();
        let name = self.name();
        let dom = self.domain(&vars);
        let fact_iv: Vec<Iv> = (1..=values.len())
            .map(|j| Iv::cols(&format!("f.value{j}"), true))
            .collect();
        let claim_iv: Vec<Iv> = values
            .iter()
            .map(|p| Iv::cols(&format!("d.v{p}"), true))
            .collect();
        let within = and_all(
            fact_iv
                .iter()
                .zip(&claim_iv)
                .map(|(f, c)| subset(f, c))
                .collect(),
        );
        let covers = and_all(
            fact_iv
                .iter()
                .zip(&claim_iv)
                .map(|(f, c)| subset(c, f))
                .collect(),
        );
        let slots = || kinds.iter().zip(fact_iv.iter().zip(&claim_iv));
        let apart = if !rel.functional {
            "FALSE".to_string()
        } else if kinds.contains(&ValueKind::Number) {
            // Dates qualify numbers: a number apart, on overlapping dates.
            let numbers = or_all(
                slots()
                    .filter(|(k, _)| **k == ValueKind::Number)
                    .map(|(_, (f, c))| disjoint(f, c))
                    .collect(),
            );
            let dates = and_all(
                slots()
                    .filter(|(k, _)| **k == ValueKind::Date)
                    .map(|(_, (f, c))| format!("NOT {}", disjoint(f, c)))
                    .collect(),
            );
            format!("{numbers} AND {dates}")
        } else {
            or_all(slots().map(|(_, (f, c))| disjoint(f, c)).collect())
        };
        let vc = var_cols(&vars, "d");
        let key = self.key_match(relation, keys, "f");
        // `only` statements: every entity of the key a member, the key not
        // among the tuples listed.
        let mut members = String::new();
        for (i, t) in keys.iter().enumerate() {
            if !matches!(t, Term::Text(_)) {
                let _ = write!(
                    members,
                    "\n    JOIN group_members m{k} ON m{k}.group_id = o.group_id AND m{k}.entity_id = {}",
                    self.term(t),
                    k = i + 1
                );
            }
        }
        let listed = self.key_match(relation, keys, "l");
        let rows = format!("{name}_facts");
        let only = format!("{name}_only");
        self.ctes.push(format!(
            "-- atom: {}\n{rows} AS (\n  SELECT assertion_id{v}, fact_id,\n         NOT negated AND within AS supports,\n         (negated AND covers) OR (NOT negated AND NOT within AND apart) AS refutes\n  FROM (\n    SELECT d.assertion_id{vc}, f.fact_id, f.negated,\n           {within} AS within,\n           {covers} AS covers,\n           {apart} AS apart\n    FROM {dom} d\n    JOIN facts f ON {key}\n    WHERE {cnt}\n  ) t\n),\n{only} AS (\n  SELECT DISTINCT d.assertion_id{vc}, o.fact_id\n  FROM {dom} d\n  JOIN only_facts o ON o.relation_id = {relation}{members}\n  LEFT JOIN facts l ON l.fact_id = o.fact_id AND {listed}\n  WHERE l.fact_id IS NULL AND {ocnt}\n),\n{name} AS (\n  SELECT d.assertion_id{vc},\n         coalesce(r.tt, FALSE) AS told_true,\n         coalesce(r.tf, FALSE) OR o.assertion_id IS NOT NULL AS told_false\n  FROM {dom} d\n  LEFT JOIN (SELECT assertion_id{v}, bool_or(supports) AS tt, bool_or(refutes) AS tf\n             FROM {rows} GROUP BY assertion_id{v}) r ON {rj}\n  LEFT JOIN (SELECT DISTINCT assertion_id{v} FROM {only}) o ON {oj}\n)",
            text.replace(['\n', '\r'], " "),
            v = vars.iter().map(|v| format!(", x{v}")).collect::<String>(),
            cnt = counts("f"),
            ocnt = counts("o"),
            rj = var_join(&vars, "r", "d"),
            oj = var_join(&vars, "o", "d"),
        ));
        (name, vars)
    }
}

/// Quotes a path as an SQL string literal of the dialect.
fn literal(s: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
        Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
    }
}

/// The tables the query reads, as views over the Parquet files in `dir`.
const VIEWS: [(&str, &str); 4] = [
    ("facts", "facts"),
    ("only_facts", "only"),
    ("group_members", "group_members"),
    ("assertions", "assertions"),
];

/// The whole script: views over the exported tables, then one query.
pub fn script(
    model: &Model,
    files: &crate::load::Files,
    shapes: &Shapes,
    dir: &str,
    dialect: Dialect,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- claimcheck compile --sql --dialect {}\n-- {} assertions in {} shapes, over the tables exported to {dir}.\n-- The last statement gives one row per assertion: file, line, claim,\n-- expected, verdict, passed.\n",
        match dialect {
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
        },
        model.assertions.len(),
        shapes.shapes.len()
    );
    for (view, file) in VIEWS {
        let path = literal(&format!("{dir}/{file}.parquet"), dialect);
        let _ = match dialect {
            Dialect::DuckDb => writeln!(
                out,
                "CREATE OR REPLACE TEMPORARY VIEW {view} AS SELECT * FROM read_parquet({path});"
            ),
            Dialect::Spark => writeln!(
                out,
                "CREATE OR REPLACE TEMPORARY VIEW {view} USING parquet OPTIONS (path {path});"
            ),
        };
    }
    let mut ctes = Vec::new();
    let mut roots = Vec::new();
    for (n, shape) in shapes.shapes.iter().enumerate() {
        let prefix = format!("s{}", n + 1);
        let lines: Vec<String> = shapes
            .order
            .iter()
            .filter(|&&i| shapes.assertions[i].0 == n)
            .map(|&i| {
                let a = &model.assertions[i];
                format!("{}:{}", files.get(a.file).display, a.line)
            })
            .collect();
        let first = shapes
            .order
            .iter()
            .find(|&&i| shapes.assertions[i].0 == n)
            .map(|&i| model.assertions[i].text.clone())
            .unwrap_or_default();
        let shown: Vec<String> = lines.iter().take(5).cloned().collect();
        let more = if lines.len() > 5 {
            format!(" and {} more", lines.len() - 5)
        } else {
            String::new()
        };
        ctes.push(format!(
            "-- shape {}: {}{more}\n--   e.g. {}\n{prefix} AS (SELECT * FROM assertions WHERE shape = {})",
            n + 1,
            shown.join(", "),
            first.replace('\n', " "),
            n
        ));
        let mut g = Gen {
            model,
            shape,
            prefix: prefix.clone(),
            ctes: Vec::new(),
            next: 0,
        };
        let (root, _) = g.node(&shape.root);
        ctes.extend(g.ctes);
        roots.push(root);
    }
    // One UNION ALL of every shape nests as deep as there are shapes, and
    // engines cap expression depth (DuckDB at 1000: a workspace of ~180
    // shapes failed). Shapes are unioned in CTEs of at most UNION_WIDTH, and
    // those again, so the depth grows with the logarithm of the shapes.
    const UNION_WIDTH: usize = 16;
    let union_of = |names: &[String]| {
        let selects: Vec<String> = names
            .iter()
            .map(|r| format!("  SELECT assertion_id, told_true, told_false FROM {r}"))
            .collect();
        selects.join("\n  UNION ALL\n")
    };
    let mut level = roots;
    let mut round = 0;
    while level.len() > UNION_WIDTH {
        round += 1;
        let mut next = Vec::new();
        for (i, group) in level.chunks(UNION_WIDTH).enumerate() {
            let name = format!("verdicts_{round}_{}", i + 1);
            ctes.push(format!("{name} AS (\n{}\n)", union_of(group)));
            next.push(name);
        }
        level = next;
    }
    ctes.push(format!(
        "-- told-true and told-false of every assertion\nverdicts AS (\n{}\n)",
        union_of(&level)
    ));
    // Ties of file and line (assertions sharing a line) in the engine's
    // order, the model's: without `assertion_id` last, Spark and DuckDB may
    // give them in either order.
    let _ = write!(
        out,
        "\nWITH\n{}\nSELECT file, line, claim, expected, verdict,\n       CASE WHEN expected IS NULL THEN NULL ELSE verdict = expected END AS passed\nFROM (\n  SELECT a.assertion_id, a.file, a.line, a.claim, a.expected,\n         CASE WHEN v.told_true AND v.told_false THEN 'contested'\n              WHEN v.told_true THEN 'supported'\n              WHEN v.told_false THEN 'refuted'\n              ELSE 'unknown' END AS verdict\n  FROM assertions a\n  JOIN verdicts v ON v.assertion_id = a.assertion_id\n) r\nORDER BY file, line, assertion_id;\n",
        ctes.join(",\n\n")
    );
    out
}
