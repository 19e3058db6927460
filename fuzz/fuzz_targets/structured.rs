//! Structure-aware: `arbitrary` builds a workspace that is valid by
//! construction (declared names, matching templates, well-formed values), so
//! fuzzing spends its time in claim reading, evaluation, explain, conflicts
//! and the reports rather than in parse errors. It must load; `explain`'s
//! verdict must equal the evaluator's.
#![no_main]
use arbitrary::Arbitrary;
use claimcheck::load::FileKind;
use libfuzzer_sys::fuzz_target;

#[path = "common/mod.rs"]
mod common;

const ENTITIES: [&str; 5] = ["Russia", "China", "North Korea", "Iran", "Cuba"];
const NUMBERS: [&str; 8] = [
    "100",
    "about 100",
    "more than 50",
    "at most 200",
    "between 10 and 20",
    "1.5 thousand",
    "fewer than 100",
    "14,000",
];
const DATES: [&str; 6] = [
    "2024",
    "June 2025",
    "2025-06-23",
    "before 2024",
    "after March 2023",
    "between 2020 and 2022",
];

#[derive(Arbitrary, Debug)]
struct Ws {
    symmetric: bool,
    functional: bool,
    members: u8,
    facts: Vec<F>,
    claims: Vec<(u8, C, Option<u8>)>,
}

#[derive(Arbitrary, Debug)]
enum F {
    Ally(u8, u8, bool, Option<u8>),
    Troops(u8, u8, Option<u8>, bool, Option<u8>),
    Only(u8, u8),
    Structured(u8, u8, u8, bool),
}

#[derive(Arbitrary, Debug)]
enum C {
    Ally(T, T),
    Troops(T, T, Option<u8>),
    Allies(T, T),
    Not(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
    Quant(u8, bool, Box<C>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum T {
    Entity(u8),
    Var(u8),
}

fn e(i: u8) -> &'static str {
    ENTITIES[i as usize % ENTITIES.len()]
}

fn term(t: T, vars: &[String]) -> String {
    match t {
        T::Var(v) if !vars.is_empty() => vars[v as usize % vars.len()].clone(),
        T::Var(v) | T::Entity(v) => e(v).to_string(),
    }
}

fn claim(c: &C, vars: &mut Vec<String>, depth: usize) -> String {
    if depth > 6 {
        return format!("ally of {} and {}", e(0), e(1));
    }
    match c {
        C::Ally(a, b) => format!("ally of {} and {}", term(*a, vars), term(*b, vars)),
        C::Troops(a, b, n) => match n {
            Some(n) => format!(
                "{} sent {} troops to {}",
                term(*a, vars),
                NUMBERS[*n as usize % NUMBERS.len()],
                term(*b, vars)
            ),
            None => format!("{} sent troops to {}", term(*a, vars), term(*b, vars)),
        },
        C::Allies(a, b) => format!("{} and {} stand together", term(*a, vars), term(*b, vars)),
        C::Not(c) => format!("not ({})", claim(c, vars, depth + 1)),
        C::And(a, b) => format!(
            "({}) and ({})",
            claim(a, vars, depth + 1),
            claim(b, vars, depth + 1)
        ),
        C::Or(a, b) => format!(
            "({}) or ({})",
            claim(a, vars, depth + 1),
            claim(b, vars, depth + 1)
        ),
        C::Quant(q, two, body) => {
            let q = ["every", "some", "no"][*q as usize % 3];
            let names: Vec<String> = if *two {
                vec![format!("x{depth}"), format!("y{depth}")]
            } else {
                vec![format!("x{depth}")]
            };
            let n = vars.len();
            vars.extend(names.iter().cloned());
            let body = claim(body, vars, depth + 1);
            vars.truncate(n);
            format!("({q} {} in axis: {body})", names.join(", "))
        }
    }
}

fn build(ws: &Ws) -> (String, String) {
    let mut rules = String::new();
    rules.push_str(&format!(
        "relation ally{}: ally of {{a:country}} and {{b:country}}\n",
        if ws.symmetric { " symmetric" } else { "" }
    ));
    rules.push_str(&format!(
        "relation troops{}: {{from:country}} sent {{n:number}} troop(s) to {{to:country}}\n  | {{from}} sent troops to {{to}}\n",
        if ws.functional { " functional" } else { "" }
    ));
    rules.push_str(
        "define {a} and {b} stand together: ally of {a} and {b} or ally of {b} and {a}\n",
    );
    for name in ENTITIES {
        rules.push_str(&format!("entity {name} (country)\n"));
    }
    let members: Vec<&str> = (0..ENTITIES.len())
        .filter(|i| ws.members & (1 << i) != 0)
        .map(|i| ENTITIES[i])
        .collect();
    rules.push_str(&format!("group axis = {}\n", members.join(", ")));
    for (expect, c, as_of) in ws.claims.iter().take(12) {
        let head = match expect % 6 {
            0 => "assert",
            1 => "expect refuted",
            2 => "expect contested",
            3 => "expect unknown",
            _ => "check",
        };
        let mut vars = Vec::new();
        let suffix = as_of.map_or(String::new(), |d| {
            format!(" as of {}", DATES[d as usize % DATES.len()])
        });
        rules.push_str(&format!("{head}: {}{suffix}\n", claim(c, &mut vars, 0)));
    }
    let mut yaml =
        String::from("sources:\n  - id: doc\n  - {id: voice, name: A Voice, via: doc}\nfacts:\n");
    for f in ws.facts.iter().take(24) {
        let (body, as_of) = match f {
            F::Ally(a, b, neg, d) => (
                format!(
                    "says: {}ally of {} and {}",
                    if *neg { "not " } else { "" },
                    e(*a),
                    e(*b)
                ),
                *d,
            ),
            F::Troops(a, b, n, neg, d) => (
                match n {
                    Some(n) => format!(
                        "says: {}{} sent {} troops to {}",
                        if *neg { "not " } else { "" },
                        e(*a),
                        NUMBERS[*n as usize % NUMBERS.len()],
                        e(*b)
                    ),
                    None => format!(
                        "says: {}{} sent troops to {}",
                        if *neg { "not " } else { "" },
                        e(*a),
                        e(*b)
                    ),
                },
                *d,
            ),
            F::Only(a, b) => (
                format!("only: ally of {} and {}\n    among: axis", e(*a), e(*b)),
                None,
            ),
            F::Structured(a, b, n, neg) => (
                format!(
                    "relation: troops\n    args: {{from: {}, to: {}, n: \"{}\"}}\n    negated: {neg}",
                    e(*a),
                    e(*b),
                    NUMBERS[*n as usize % NUMBERS.len()]
                ),
                None,
            ),
        };
        let source = if body.len() % 2 == 0 { "doc" } else { "voice" };
        yaml.push_str(&format!("  - {body}\n    source: {source}\n"));
        if let Some(d) = as_of {
            yaml.push_str(&format!("    as_of: {}\n", DATES[d as usize % DATES.len()]));
        }
    }
    (rules, yaml)
}

fuzz_target!(|ws: Ws| {
    let (rules, yaml) = build(&ws);
    let files = common::files(&[
        ("r.claims", FileKind::Rules, &rules),
        ("f.yaml", FileKind::Yaml, &yaml),
    ]);
    let model = match claimcheck::analyze::analyze(&files, &common::options()) {
        Ok(m) => m,
        // Nested quantifiers can range over more bindings than the
        // documented limit allows: a refused workspace, not a failure.
        Err(errors)
            if errors.iter().all(|e| {
                matches!(
                    e.kind,
                    claimcheck::diag::ErrorKind::TooManyBindings { .. }
                        | claimcheck::diag::ErrorKind::LimitExceeded { .. }
                )
            }) =>
        {
            return;
        }
        Err(errors) => {
            let failure = claimcheck::LoadFailure { files, errors };
            panic!(
                "a valid workspace failed to load:\n{rules}\n{yaml}\n{}",
                failure.render()
            );
        }
    };
    let results = claimcheck::eval::check(&model);
    for r in &results {
        let a = &model.assertions[r.assertion];
        // A tree past the default `--max-explain-nodes` is refused, as the
        // command refuses it; the walk still ran to the end.
        let Ok(tree) = claimcheck::explain::Explainer::new(&model, a.as_of.as_deref().cloned())
            .explain_within(&a.claim, &a.text, claimcheck::explain::MAX_EXPLAIN_NODES)
        else {
            continue;
        };
        assert_eq!(
            claimcheck::Verdict::from_bits(tree.bits),
            r.outcome.verdict(),
            "explain and check disagree on {}",
            a.text
        );
    }
    common::run(&[
        ("r.claims", FileKind::Rules, &rules),
        ("f.yaml", FileKind::Yaml, &yaml),
    ]);
});
