//! SARIF 2.1.0 (what GitHub code scanning, GitLab, Azure DevOps and others
//! read): a rule per kind of finding, a result per unmet expectation
//! (`error`), per contested `check:` line (`warning`) and per load error.
//! Renders the JSON report's data, so it never looks into the model.

use std::path::Path;

use serde_json::{json, Value};

use super::json::{AssertionJson, Report};
use super::Problem;

const UNMET: &str = "unmet-expectation";
const CONTESTED: &str = "contested-check";

/// A rule of the driver: id, level and what it means.
struct Rule {
    id: String,
    level: &'static str,
    short: String,
    full: String,
}

fn assertion_rules() -> Vec<Rule> {
    vec![
        Rule {
            id: UNMET.into(),
            level: "error",
            short: "An expectation is not met".into(),
            full: "An `assert:` or `expect VERDICT:` statement whose claim got another verdict from the facts.".into(),
        },
        Rule {
            id: CONTESTED.into(),
            level: "warning",
            short: "A checked claim is contested".into(),
            full: "A `check:` statement (never a failure) whose claim the sources both support and refute.".into(),
        },
    ]
}

/// The id of the rule for a load error of `kind`.
fn load_rule(kind: &str) -> String {
    format!("load-error/{kind}")
}

/// A path as a SARIF artifact URI: relative (with `/`) when it lies under
/// the current folder, else an absolute `file://` URI. Percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let abs = crate::load::normalize(Path::new(path));
    let cwd = std::env::current_dir()
        .map(|d| crate::load::normalize(&d))
        .unwrap_or_default();
    match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => encode(&slashed(rel)),
        _ => {
            let s = slashed(&abs);
            let s = if s.starts_with('/') {
                s
            } else {
                format!("/{s}")
            };
            format!("file://{}", encode(&s))
        }
    }
}

fn slashed(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Percent-encodes everything but unreserved characters, `/` and `:`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn assertion_message(a: &AssertionJson) -> String {
    let head = match a.expected {
        Some(want) => format!("expected {want}, got {}", a.verdict),
        None => a.verdict.to_string(),
    };
    // The claim text includes its `as of` suffix.
    let mut s = format!(
        "{head}: {}\nsources: {} for, {} against",
        a.claim, a.support_sources, a.refute_sources
    );
    for (label, list) in [("for", &a.support), ("against", &a.refute)] {
        for e in list {
            s.push_str(&format!("\n{label}: {}", super::evidence_json_line(e)));
        }
    }
    s
}

fn location(file: &str, line: u32, col: u32) -> Value {
    json!([{
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(file) },
            "region": { "startLine": line.max(1), "startColumn": col.max(1) }
        }
    }])
}

/// The SARIF log of a run (`report.errors` empty) or of a failed load.
pub fn render(report: &Report) -> String {
    let mut rules = assertion_rules();
    let mut kinds: Vec<&str> = report.errors.iter().map(|p| p.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        rules.push(Rule {
            id: load_rule(kind),
            level: "error",
            short: format!(
                "The workspace could not be loaded: {}",
                kind.replace('_', " ")
            ),
            full: "A rule or fact file has an error; nothing was checked.".into(),
        });
    }
    let index = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
    let mut results = Vec::new();
    for a in &report.assertions {
        let rule = match (a.passed, a.verdict) {
            (Some(false), _) => UNMET,
            (None, "contested") => CONTESTED,
            _ => continue,
        };
        let i = index(rule);
        results.push(json!({
            "ruleId": rule,
            "ruleIndex": i,
            "level": rules[i].level,
            "message": { "text": assertion_message(a) },
            "locations": location(&a.file, a.line, a.col),
            "properties": {
                "claim": a.claim,
                "expected": a.expected,
                "verdict": a.verdict,
            }
        }));
    }
    for p in &report.errors {
        results.push(problem_result(p, index(&load_rule(&p.kind))));
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "claimcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| json!({
                    "id": r.id,
                    "name": pascal(&r.id),
                    "shortDescription": { "text": r.short },
                    "fullDescription": { "text": r.full },
                    "defaultConfiguration": { "level": r.level },
                })).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    super::json::to_text(&log)
}

fn problem_result(p: &Problem, rule_index: usize) -> Value {
    let text = p.message.clone();
    let mut r = json!({
        "ruleId": load_rule(&p.kind),
        "ruleIndex": rule_index,
        "level": "error",
        "message": { "text": text },
    });
    // A usage error belongs to no file.
    if p.file != "<command line>" {
        r["locations"] = location(&p.file, p.line, p.col);
    }
    r
}

/// `load-error/unknown_entity` → `LoadErrorUnknownEntity`.
fn pascal(id: &str) -> String {
    id.split(['-', '/', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}
