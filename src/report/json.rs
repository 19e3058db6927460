//! The JSON report: a stable, versioned schema (documented in
//! docs/json-schema.md). Field order is fixed by these structs.

use serde::Serialize;

use super::{document_of, Problem, Run};
use crate::model::{FactId, Model};
use crate::syntax::ast::Expectation;

/// Bumped on any change that could break a reader. 2: `errors` (load and
/// usage errors reported on stdout too), `checks`.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
pub struct Report {
    pub version: u32,
    pub assertions: Vec<AssertionJson>,
    pub passed: usize,
    pub failed: usize,
    /// `check:` lines, counted in neither `passed` nor `failed`.
    pub checks: usize,
    /// Why the workspace could not be used; empty when it ran.
    pub errors: Vec<Problem>,
    /// With `--baseline`: assertions whose verdict changed, and those only
    /// this run or only the baseline has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<super::baseline::Change>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<Vec<super::baseline::Entry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<Vec<super::baseline::Entry>>,
}

impl Report {
    /// Adds a comparison with a baseline.
    pub fn with_changes(mut self, c: &super::baseline::Comparison) -> Report {
        self.changes = Some(c.changes.clone());
        self.added = Some(c.added.clone());
        self.removed = Some(c.removed.clone());
        self
    }
}

#[derive(Serialize)]
pub struct AssertionJson {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub kind: &'static str,
    pub claim: String,
    pub as_of: Option<String>,
    pub expected: Option<&'static str>,
    pub verdict: &'static str,
    pub passed: Option<bool>,
    pub support: Vec<EvidenceJson>,
    pub refute: Vec<EvidenceJson>,
    /// Independent sources on each side (a source once, a speaker on its own).
    pub support_sources: usize,
    pub refute_sources: usize,
}

#[derive(Serialize)]
pub struct EvidenceJson {
    pub source: String,
    pub speaker: Option<String>,
    pub document: String,
    pub quote: Option<String>,
    pub as_of: Option<String>,
    pub fact: String,
    pub fact_file: String,
    pub fact_line: u32,
    /// The values the fact states (none for an `only`), slot by slot.
    pub values: Vec<ValueJson>,
}

/// One stated value: as written, its bounds and its unit.
#[derive(Serialize)]
pub struct ValueJson {
    pub slot: String,
    /// As written in the fact (`3.4%`, `$27.36 trillion`, `2023`).
    pub text: String,
    /// Exact decimal (numbers) or `YYYY-MM-DD` (dates); null when unbounded.
    pub lo: Option<String>,
    pub lo_closed: bool,
    pub hi: Option<String>,
    pub hi_closed: bool,
    /// `percent`, `dollar`, `euro`, `pound`, or null (a plain number or a date).
    pub unit: Option<&'static str>,
}

fn values(model: &Model, f: &crate::model::Fact) -> Vec<ValueJson> {
    use crate::model::FactBody;
    use crate::value::{format_day, format_number, Bound, ValueKind};
    let FactBody::Atom { tuple, .. } = &f.body else {
        return Vec::new();
    };
    let slots = model.value_slots(tuple.key.relation);
    let rel = &model.relations[tuple.key.relation as usize];
    slots
        .iter()
        .zip(&tuple.values)
        .filter_map(|((i, kind), v)| {
            let v = v.as_ref()?;
            let show = |x: i128| match kind {
                ValueKind::Number => format_number(x),
                ValueKind::Date => format_day(x),
            };
            let bound = |b: Bound| match b {
                Bound::Infinite => (None, false),
                Bound::Closed(x) => (Some(show(x.get())), true),
                Bound::Open(x) => (Some(show(x.get())), false),
            };
            let (lo, lo_closed) = bound(v.interval.lo);
            let (hi, hi_closed) = bound(v.interval.hi);
            Some(ValueJson {
                slot: rel.slots[*i].name.clone(),
                text: v.text.clone(),
                lo,
                lo_closed,
                hi,
                hi_closed,
                unit: v.interval.unit.map(|u| u.name()),
            })
        })
        .collect()
}

pub fn evidence(run: &Run, model: &Model, id: FactId) -> EvidenceJson {
    let f = &model.facts[id as usize];
    let s = &model.sources[f.source as usize];
    let doc = document_of(model, f.source);
    EvidenceJson {
        source: s.id.clone(),
        speaker: s
            .via
            .map(|_| s.name.clone().unwrap_or_else(|| s.id.clone())),
        document: model.sources[doc as usize].id.clone(),
        quote: f.quote().map(str::to_string),
        as_of: f.as_of.as_ref().map(|a| a.text.clone()),
        fact: model.fact_text(f).into_owned(),
        fact_file: run.files.get(f.loc.file).display.clone(),
        fact_line: f.line,
        values: values(model, f),
    }
}

/// The report of a run, as data (also what the HTML and SARIF reports read).
pub fn report(run: &Run) -> Report {
    let assertions = run
        .results
        .iter()
        .map(|r| {
            let a = &run.model.assertions[r.assertion];
            let (kind, expected) = match a.expectation {
                Expectation::Verdict(v) => ("expect", Some(v.name())),
                Expectation::Check => ("check", None),
            };
            AssertionJson {
                file: run.files.get(a.file).display.clone(),
                line: a.line,
                col: a.col,
                kind,
                claim: a.text.clone(),
                as_of: a.as_of.as_ref().map(|v| v.text.clone()),
                expected,
                verdict: r.outcome.verdict().name(),
                passed: r.passed,
                support: r
                    .outcome
                    .support
                    .iter()
                    .map(|f| evidence(run, run.model, *f))
                    .collect(),
                support_sources: super::independent_sources(run.model, &r.outcome.support),
                refute_sources: super::independent_sources(run.model, &r.outcome.refute),
                refute: r
                    .outcome
                    .refute
                    .iter()
                    .map(|f| evidence(run, run.model, *f))
                    .collect(),
            }
        })
        .collect();
    Report {
        version: SCHEMA_VERSION,
        assertions,
        passed: run.passed(),
        failed: run.failed(),
        checks: run.checks(),
        errors: Vec::new(),
        changes: None,
        added: None,
        removed: None,
    }
}

pub fn render(run: &Run) -> String {
    to_text(&report(run))
}

/// The JSON report of a workspace that could not be used: no assertions,
/// nothing passed or failed, and every error.
pub fn render_errors(problems: &[Problem]) -> String {
    to_text(&error_report(problems))
}

/// The report data of a workspace that could not be used.
pub fn error_report(problems: &[Problem]) -> Report {
    Report {
        version: SCHEMA_VERSION,
        assertions: Vec::new(),
        passed: 0,
        failed: 0,
        checks: 0,
        errors: problems.to_vec(),
        changes: None,
        added: None,
        removed: None,
    }
}

/// Pretty JSON with a final newline.
pub fn to_text(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("reports serialize");
    s.push('\n');
    s
}

#[derive(Serialize)]
pub struct ConflictsReport {
    pub version: u32,
    pub conflicts: Vec<ConflictJson>,
    /// More conflicts exist than were listed (`MAX_CONFLICTS`).
    pub truncated: bool,
}

#[derive(Serialize)]
pub struct ConflictJson {
    pub sentence: String,
    pub kind: &'static str,
    pub asserted: EvidenceJson,
    pub against: EvidenceJson,
}

pub fn render_conflicts(run: &Run, found: &crate::eval::conflicts::Found) -> String {
    let report = ConflictsReport {
        version: SCHEMA_VERSION,
        truncated: found.truncated,
        conflicts: found
            .conflicts
            .iter()
            .map(|c| ConflictJson {
                sentence: c.sentence.clone(),
                kind: c.kind.name(),
                asserted: evidence(run, run.model, c.asserted),
                against: evidence(run, run.model, c.against),
            })
            .collect(),
    };
    to_text(&report)
}

/// `eval --format json`: one claim's verdict and evidence.
#[derive(Serialize)]
pub struct OutcomeJson {
    pub version: u32,
    pub claim: String,
    pub as_of: Option<String>,
    pub verdict: &'static str,
    pub support: Vec<EvidenceJson>,
    pub refute: Vec<EvidenceJson>,
    pub support_sources: usize,
    pub refute_sources: usize,
}

pub fn render_outcome(
    run: &Run,
    claim: &str,
    as_of: Option<String>,
    outcome: &crate::eval::Outcome,
) -> String {
    to_text(&OutcomeJson {
        version: SCHEMA_VERSION,
        claim: crate::syntax::lexer::fold_spaces(claim),
        as_of,
        verdict: outcome.verdict().name(),
        support: outcome
            .support
            .iter()
            .map(|f| evidence(run, run.model, *f))
            .collect(),
        refute: outcome
            .refute
            .iter()
            .map(|f| evidence(run, run.model, *f))
            .collect(),
        support_sources: super::independent_sources(run.model, &outcome.support),
        refute_sources: super::independent_sources(run.model, &outcome.refute),
    })
}

/// `explain --format json`: the assertion and its evidence tree.
#[derive(Serialize)]
pub struct ExplainJson {
    pub version: u32,
    pub file: String,
    pub line: u32,
    pub kind: &'static str,
    pub claim: String,
    pub as_of: Option<String>,
    pub expected: Option<&'static str>,
    pub tree: NodeJson,
}

/// A node of the tree: a connective, quantifier binding, definition or atom.
#[derive(Serialize)]
pub struct NodeJson {
    pub text: String,
    pub verdict: &'static str,
    /// Under an atom: every fact of its key and how it bears on the claim.
    pub facts: Vec<FactLineJson>,
    pub children: Vec<NodeJson>,
}

#[derive(Serialize)]
pub struct FactLineJson {
    /// `for`, `against`, `silent` or `skipped` (left out by `as of`).
    pub bearing: &'static str,
    pub why: String,
    pub evidence: EvidenceJson,
}

fn node_json(run: &Run, node: &crate::eval::explain::Node) -> NodeJson {
    use crate::eval::Bearing;
    NodeJson {
        text: node.text.clone(),
        verdict: crate::Verdict::from_bits(node.bits).name(),
        facts: node
            .facts
            .iter()
            .map(|f| FactLineJson {
                bearing: match f.bearing {
                    Bearing::Supports => "for",
                    Bearing::Refutes => "against",
                    Bearing::Silent => "silent",
                    Bearing::FilteredOut => "skipped",
                },
                why: f.why.clone(),
                evidence: evidence(run, run.model, f.fact),
            })
            .collect(),
        children: node.children.iter().map(|c| node_json(run, c)).collect(),
    }
}

pub fn render_explain(
    run: &Run,
    a: &crate::model::Assertion,
    tree: &crate::eval::explain::Node,
) -> String {
    let (kind, expected) = match a.expectation {
        Expectation::Verdict(v) => ("expect", Some(v.name())),
        Expectation::Check => ("check", None),
    };
    to_text(&ExplainJson {
        version: SCHEMA_VERSION,
        file: run.files.get(a.file).display.clone(),
        line: a.line,
        kind,
        claim: a.text.clone(),
        as_of: a.as_of.as_ref().map(|v| v.text.clone()),
        expected,
        tree: node_json(run, tree),
    })
}
