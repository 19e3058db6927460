//! Units, percentages and currencies as a user meets them outside the case
//! folders: the warning for a multiplier on one bound, `eval` hints,
//! `explain` reasons, conflicts over time and units, the JSON `unit` field,
//! and the property that a fact in another unit never changes a verdict.

use proptest::prelude::*;

use crate::{workspace, Test};

const RULES: &str = "relation inflation functional: inflation in {c:country} was {p:number} in {y:date}\n  | inflation in {c:country} was {p:number}\nrelation aid functional: {a:country} pledged {v:number} to {b:country}\nentity Testland (country)\nentity Otherland (country)\n";
const FACTS: &str = "sources:\n  - id: stats\n    publisher: Statistics Office\n    date: 2024-01-11\n  - id: bank\n    publisher: Central Bank\n    date: 2024-02-01\nfacts:\n  - says: inflation in Testland was 3.4% in 2023\n    source: stats\n  - says: inflation in Testland was 6.5% in 2022\n    source: stats\n  - says: Testland pledged $50 billion to Otherland\n    source: stats\n";

fn with_rules(extra: &str, facts: &str) -> tempfile::TempDir {
    workspace(&[
        ("rules.claims", &format!("{RULES}{extra}")),
        ("facts.yaml", facts),
    ])
}

#[test]
fn a_multiplier_on_one_bound_warns_but_loads() {
    let ws = with_rules(
        "assert: Testland pledged between 40 and 60 billion dollars to Otherland\n",
        FACTS,
    );
    let out = Test::new(ws.path()).args(&["check", "."]).expect_code(0);
    assert!(
        out.stderr.contains("warning: `between 40 and 60 billion dollars`: the multiplier is written on one bound only"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[$40, $60 billion]"), "{}", out.stderr);
    assert!(out.stderr.contains("rules.claims:6:9"), "{}", out.stderr);
    assert!(
        out.stdout.ends_with("1 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    // In a fact file too, at the fact.
    let facts = format!("{FACTS}  - relation: aid\n    args: {{a: Otherland, b: Testland, v: between 1 and 2 billion euros}}\n    source: bank\n");
    let ws = with_rules("", &facts);
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "Otherland pledged at most €2 billion to Testland",
            ".",
        ])
        .expect_code(0);
    assert!(
        out.stderr
            .contains("warning: `between 1 and 2 billion euros`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("facts.yaml:15:"), "{}", out.stderr);
    // With its snippet: a fact file a warning points into keeps its text
    // when the others are let go after loading.
    assert!(
        out.stderr.contains("15 |   - relation: aid"),
        "{}",
        out.stderr
    );
    // [€1, €2 billion] lies within (−∞, €2 billion].
    assert!(out.stdout.starts_with("supported"), "{}", out.stdout);
}

#[test]
fn eval_hints_when_no_fact_has_the_claims_unit() {
    let ws = with_rules("", FACTS);
    let out = Test::new(ws.path())
        .args(&["eval", "inflation in Testland was more than 3 in 2023", "."])
        .expect_code(0);
    assert!(out.stdout.starts_with("unknown"), "{}", out.stdout);
    assert!(
        out.stderr.contains("hint: `more than 3` has no unit, but the facts of relation `inflation` state {p} in percent"),
        "{}",
        out.stderr
    );
    // A claim in the facts' unit gets no hint.
    let out = Test::new(ws.path())
        .args(&[
            "eval",
            "Testland pledged more than $40 billion to Otherland",
            ".",
        ])
        .expect_code(0);
    assert!(out.stdout.starts_with("supported"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let out = Test::new(ws.path())
        .args(&["eval", "Testland pledged €50 billion to Otherland", "."])
        .expect_code(0);
    assert!(
        out.stderr.contains(
            "`€50 billion` is in euro, but the facts of relation `aid` state {v} in dollar"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_says_why_a_fact_was_silent() {
    let ws = with_rules(
        "expect unknown: inflation in Testland was more than 3 in 2023\nassert: inflation in Testland was 6.5% in 2022\n",
        FACTS,
    );
    let out = Test::new(ws.path())
        .args(&["explain", "rules.claims:6", "."])
        .expect_code(0);
    assert!(out.stdout.contains("silent"), "{}", out.stdout);
    assert!(
        out.stdout.contains("its value is in percent, the claim's in no unit, and values compare only within one unit: [3.4%, 3.4%] vs the claim's (3, ∞)"),
        "{}",
        out.stdout
    );
    let out = Test::new(ws.path())
        .args(&["explain", "rules.claims:7", "."])
        .expect_code(0);
    assert!(
        out.stdout.contains("says nothing: its numbers differ, but its dates do not overlap the claim's: [3.4%, 3.4%] vs the claim's [6.5%, 6.5%]"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("explain_units", out.stdout);
}

#[test]
fn conflicts_need_one_unit_and_overlapping_dates() {
    let facts = format!(
        "{FACTS}  - says: inflation in Testland was 4.1% in 2023\n    source: bank\n  - says: inflation in Testland was 4.1 in 2023\n    source: bank\n  - says: Testland pledged €50 billion to Otherland\n    source: bank\n  - says: Testland pledged $61 billion to Otherland\n    source: bank\n"
    );
    let ws = with_rules("", &facts);
    let out = Test::new(ws.path())
        .args(&["conflicts", "."])
        .expect_code(0);
    // 3.4% vs 4.1% for 2023, and $50 billion vs $61 billion: two pairs. Not
    // 6.5% (2022) vs 4.1% (2023), nor the plain 4.1, nor the euros.
    assert!(out.stdout.contains("2 conflicts"), "{}", out.stdout);
    assert!(out.stdout.contains("4.1% in 2023"), "{}", out.stdout);
    assert!(out.stdout.contains("$61 billion"), "{}", out.stdout);
    assert!(!out.stdout.contains("€50"), "{}", out.stdout);
    assert!(!out.stdout.contains("6.5%"), "{}", out.stdout);
    Test::new(ws.path())
        .args(&["conflicts", ".", "--fail-on-conflict"])
        .expect_code(1);
}

#[test]
fn json_evidence_gives_bounds_and_unit() {
    let ws = with_rules(
        "assert: Testland pledged about $50bn to Otherland\nassert: inflation in Testland was 3.4% in 2023\n",
        FACTS,
    );
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "json"])
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let aid = &v["assertions"][0]["support"][0]["values"][0];
    assert_eq!(aid["text"], "$50 billion");
    assert_eq!(aid["lo"], "50000000000");
    assert_eq!(aid["hi"], "50000000000");
    assert_eq!(aid["unit"], "dollar");
    let infl = &v["assertions"][1]["support"][0]["values"];
    assert_eq!(infl[0]["unit"], "percent");
    assert_eq!(infl[0]["lo"], "3.4");
    assert_eq!(infl[1]["slot"], "y");
    assert_eq!(infl[1]["lo"], "2023-01-01");
    assert_eq!(infl[1]["unit"], serde_json::Value::Null);
}

// ---------------------------------------------------------------------------
// Property: adding a fact in another unit never changes a verdict.

const UNITS: [&str; 5] = ["", "%", "$", "€", "£"];

fn number(unit: usize, tenths: i32) -> String {
    let v = format!("{}", tenths as f64 / 10.0);
    match UNITS[unit] {
        "" => v,
        "%" => format!("{v}%"),
        sign => match v.strip_prefix('-') {
            Some(abs) => format!("-{sign}{abs}"),
            None => format!("{sign}{v}"),
        },
    }
}

fn phrase(form: usize, unit: usize, a: i32, b: i32) -> String {
    let (lo, hi) = (a.min(b), a.max(b));
    match form {
        0 => number(unit, a),
        1 => format!("more than {}", number(unit, a)),
        2 => format!("at most {}", number(unit, a)),
        3 => format!("about {}", number(unit, a)),
        _ => format!("between {} and {}", number(unit, lo), number(unit, hi)),
    }
}

fn sentence(value: &str, year: Option<u16>) -> String {
    match year {
        Some(y) => format!("inflation in Testland was {value} in {y}"),
        None => format!("inflation in Testland was {value}"),
    }
}

#[derive(Clone, Debug)]
struct FactSpec {
    form: usize,
    unit: usize,
    a: i32,
    b: i32,
    year: Option<u16>,
    negated: bool,
}

fn fact_spec(units: std::ops::Range<usize>) -> impl Strategy<Value = FactSpec> {
    (
        0..5usize,
        units,
        -30..30i32,
        -30..30i32,
        proptest::option::of(2021..2024u16),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(form, unit, a, b, year, negated)| FactSpec {
            form,
            unit,
            a,
            b,
            year,
            negated,
        })
}

fn facts_yaml(facts: &[FactSpec]) -> String {
    let mut s = String::from("sources:\n  - id: s\n    title: Statistics\nfacts:\n");
    for f in facts {
        let text = sentence(&phrase(f.form, f.unit, f.a, f.b), f.year);
        let not = if f.negated { "not " } else { "" };
        s.push_str(&format!("  - says: \"{not}{text}\"\n    source: s\n"));
    }
    s
}

/// Loading for the command line lets go of each fact file's text, except
/// where a warning points (its snippet is shown); the library's default
/// keeps them all.
#[test]
fn fact_texts_are_let_go_after_loading_unless_a_warning_needs_them() {
    let warned = format!("{FACTS}  - relation: aid\n    args: {{a: Otherland, b: Testland, v: between 1 and 2 billion euros}}\n    source: bank\n");
    let more = "facts:\n  - says: inflation in Testland was 2.5% in 2021\n    source: stats\n";
    let dir = workspace(&[
        ("rules.claims", RULES),
        ("facts.yaml", &warned),
        ("more.yaml", more),
    ]);
    let load = |release_fact_texts| {
        let options = claimcheck::analyze::Options {
            release_fact_texts,
            ..Default::default()
        };
        claimcheck::load_workspace(&[dir.path().to_path_buf()], &options)
            .unwrap_or_else(|f| panic!("{}", f.render()))
    };
    let text_of = |ws: &claimcheck::Workspace, name: &str| {
        let f = ws.files.files.iter().find(|f| f.display.ends_with(name));
        f.map(|f| f.text.clone()).expect("the file is loaded")
    };
    let ws = load(true);
    assert_eq!(ws.warnings.len(), 1);
    assert_eq!(text_of(&ws, "facts.yaml"), warned);
    assert_eq!(text_of(&ws, "more.yaml"), "");
    assert_eq!(text_of(&ws, "rules.claims"), RULES);
    assert_eq!(ws.model.facts.len(), 5);
    let ws = load(false);
    assert_eq!(text_of(&ws, "more.yaml"), more);
}

fn verdicts(dir: &std::path::Path) -> Vec<String> {
    let ws = claimcheck::load_workspace(&[dir.to_path_buf()], &Default::default())
        .unwrap_or_else(|f| panic!("{}", f.render()));
    claimcheck::eval::check(&ws.model)
        .iter()
        .map(|c| c.outcome.verdict().name().to_string())
        .collect()
}

fn conflicts(dir: &std::path::Path) -> usize {
    let ws = claimcheck::load_workspace(&[dir.to_path_buf()], &Default::default())
        .unwrap_or_else(|f| panic!("{}", f.render()));
    claimcheck::conflicts::find(&ws.model).conflicts.len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn a_fact_in_another_unit_never_conflicts(
        facts in proptest::collection::vec(fact_spec(0..5), 0..6),
        extra in fact_spec(0..5),
        shift in 1..5usize,
    ) {
        // Every fact in one unit; the extra one in another (or none).
        let unit = facts.first().map_or(0, |f| f.unit);
        let facts: Vec<FactSpec> = facts.into_iter().map(|f| FactSpec { unit, ..f }).collect();
        let mut extra = extra;
        extra.unit = (unit + shift) % UNITS.len();
        let rules = "relation inflation functional: inflation in {c:country} was {p:number} in {y:date}\n  | inflation in {c:country} was {p:number}\nentity Testland (country)\ncheck: inflation in Testland was 1%\n";
        let before = workspace(&[("rules.claims", rules), ("facts.yaml", &facts_yaml(&facts))]);
        let mut more = facts.clone();
        more.push(extra);
        let after = workspace(&[("rules.claims", rules), ("facts.yaml", &facts_yaml(&more))]);
        prop_assert_eq!(conflicts(before.path()), conflicts(after.path()));
    }

    #[test]
    fn a_fact_in_another_unit_never_changes_a_verdict(
        facts in proptest::collection::vec(fact_spec(0..5), 0..5),
        claims in proptest::collection::vec(fact_spec(0..5), 1..6),
        extra in fact_spec(0..5),
        shift in 1..5usize,
    ) {
        // The claims share one unit; the extra fact is in another (or none).
        let unit = claims[0].unit;
        let mut extra = extra;
        extra.unit = (unit + shift) % UNITS.len();
        let rules: String = claims
            .iter()
            .map(|c| format!("check: {}\n", sentence(&phrase(c.form, unit, c.a, c.b), c.year)))
            .collect();
        let rules = format!("relation inflation functional: inflation in {{c:country}} was {{p:number}} in {{y:date}}\n  | inflation in {{c:country}} was {{p:number}}\nentity Testland (country)\n{rules}");
        let before = workspace(&[("rules.claims", &rules), ("facts.yaml", &facts_yaml(&facts))]);
        let mut more = facts.clone();
        more.push(extra);
        let after = workspace(&[("rules.claims", &rules), ("facts.yaml", &facts_yaml(&more))]);
        prop_assert_eq!(verdicts(before.path()), verdicts(after.path()));
    }
}

#[test]
fn the_economy_example_passes() {
    let out = Test::new(crate::root())
        .args(&["check", "examples/economy"])
        .expect_code(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(
        out.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("economy_report", out.stdout);
    // The revised quarter is dated apart from the advance estimate, so the
    // two estimates do not conflict; nor do figures of other years or units.
    let out = Test::new(crate::root())
        .args(&["conflicts", "examples/economy", "--fail-on-conflict"])
        .expect_code(0);
    assert_eq!(out.stdout, "0 conflicts\n");
}

#[test]
fn ci_formats_show_values_as_written() {
    let ws = with_rules(
        "assert: inflation in Testland was 5% in 2023\nassert: Testland pledged $50bn to Otherland\n",
        FACTS,
    );
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "github"])
        .expect_code(1);
    // `%` is escaped in GitHub annotations; the claim keeps its unit.
    assert!(
        out.stdout
            .contains("got refuted: inflation in Testland was 5%25 in 2023"),
        "{}",
        out.stdout
    );
    let out = Test::new(ws.path())
        .args(&["check", ".", "--format", "junit"])
        .expect_code(1);
    assert!(
        out.stdout.contains("inflation in Testland was 5% in 2023"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("for      stats (Statistics Office, 2024-01-11): Testland pledged $50 billion to Otherland"),
        "{}",
        out.stdout
    );
}
