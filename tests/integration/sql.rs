//! `export --parquet` and `compile --sql`: the compiled SQL, run on DuckDB
//! (and on Spark in local mode where Java and pyspark are installed), must
//! give every assertion the engine's verdict — over the example workspace,
//! the economy example, every test case, generated benchmark workspaces and
//! random small workspaces.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::Test;

use crate::synth::generator;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `python3` can import `module`.
fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A workspace to compare: where to run, and the paths to load.
struct Case {
    name: String,
    dir: PathBuf,
    paths: Vec<String>,
}

/// Exports and compiles `case` into `out`; gives the script and the
/// engine's rows (from `check --format json`).
#[track_caller]
fn prepare(case: &Case, out: &Path, dialect: &str) -> (PathBuf, Vec<Value>) {
    let data = out.join(format!("{}-data", case.name));
    let paths: Vec<&str> = case.paths.iter().map(String::as_str).collect();
    let data_s = data.to_str().unwrap();
    let mut export = vec!["export", "--parquet", data_s];
    export.extend(&paths);
    Test::new(&case.dir).args(&export).expect_code(0);
    let mut compile = vec!["compile", "--sql", "--dialect", dialect, "--data", data_s];
    compile.extend(&paths);
    let sql = Test::new(&case.dir).args(&compile).expect_code(0).stdout;
    let script = out.join(format!("{}.{dialect}.sql", case.name));
    std::fs::write(&script, sql).unwrap();
    let mut check = vec!["check", "--format", "json"];
    check.extend(&paths);
    let json = Test::new(&case.dir).args(&check).run();
    assert!(
        json.code <= 1,
        "{}: check failed: {}",
        case.name,
        json.stderr
    );
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    let rows = report["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            Value::Array(
                ["file", "line", "claim", "expected", "verdict", "passed"]
                    .iter()
                    .map(|k| a[k].clone())
                    .collect(),
            )
        })
        .collect();
    (script, rows)
}

/// Compiles every case, runs the scripts on `engine` in one process and
/// compares each row with the engine's.
#[track_caller]
fn agree(engine: &str, dialect: &str, cases: &[Case]) {
    let out = tempfile::tempdir().unwrap();
    let prepared: Vec<(PathBuf, Vec<Value>)> = cases
        .iter()
        .map(|c| prepare(c, out.path(), dialect))
        .collect();
    let status = Command::new("python3")
        .arg(root().join("tests/sql/run.py"))
        .arg(engine)
        .args(prepared.iter().map(|(s, _)| s))
        .status()
        .expect("python3 runs");
    assert!(status.success(), "tests/sql/run.py {engine} failed");
    let mut total = 0;
    for (case, (script, expected)) in cases.iter().zip(&prepared) {
        let rows = std::fs::read_to_string(format!("{}.rows", script.display())).unwrap();
        let got: Vec<Value> = rows
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            got.len(),
            expected.len(),
            "{}: {engine} gave {} rows for {} assertions",
            case.name,
            got.len(),
            expected.len()
        );
        for (g, e) in got.iter().zip(expected) {
            assert_eq!(g, e, "{}: {engine} disagrees with the engine", case.name);
        }
        total += got.len();
    }
    assert!(total > 0);
}

fn fixed_cases() -> Vec<Case> {
    let mut cases = vec![
        Case {
            name: "axis".into(),
            dir: root(),
            paths: vec![],
        },
        Case {
            name: "economy".into(),
            dir: root(),
            paths: vec!["examples/economy".into()],
        },
    ];
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("rules.claims").exists())
        .collect();
    dirs.sort();
    for d in dirs {
        cases.push(Case {
            name: format!("case-{}", d.file_name().unwrap().to_string_lossy()),
            dir: d,
            paths: vec![".".into()],
        });
    }
    cases
}

/// Benchmark workspaces (JSONL and YAML facts) and random small ones,
/// written under `dir`.
fn generated_cases(dir: &Path, random: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for (seed, format) in [(3, generator::Format::Jsonl), (4, generator::Format::Yaml)] {
        let out = dir.join(format!("synth-{seed}"));
        generator::generate(&generator::Options {
            facts: 1_000,
            claims: 100,
            out: out.clone(),
            seed,
            format,
        })
        .expect("the generator writes its workspace");
        cases.push(Case {
            name: format!("synth-{seed}"),
            dir: out,
            paths: vec![".".into()],
        });
    }
    for seed in 0..random {
        let out = dir.join(format!("random-{seed}"));
        random_workspace(&out, seed as u64);
        cases.push(Case {
            name: format!("random-{seed}"),
            dir: out,
            paths: vec![".".into()],
        });
    }
    cases
}

#[test]
fn duckdb_agrees_with_the_engine_on_the_examples_and_every_case() {
    assert!(
        python_has("duckdb"),
        "the SQL tests need the Python package duckdb (pip install duckdb; .ci/run installs it)"
    );
    agree("duckdb", "duckdb", &fixed_cases());
}

#[test]
fn duckdb_agrees_with_the_engine_on_generated_workspaces() {
    assert!(
        python_has("duckdb"),
        "the SQL tests need the Python package duckdb (pip install duckdb; .ci/run installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    agree("duckdb", "duckdb", &generated_cases(dir.path(), 12));
}

/// The same comparison on Spark SQL in local mode, where Java and pyspark
/// are installed (.ci/run installs pyspark where Java is). Spark spends
/// seconds per script planning and starting its stages, whatever the data,
/// so this runs the economy example and three random workspaces (between
/// them every construct: symmetric, functional, text, number and date
/// slots, units, denials, `only`, `as of`, definitions, quantifiers); the
/// DuckDB tests above cover the rest. `CLAIMCHECK_SPARK_ALL=1` adds the
/// example workspace and the generated benchmark workspaces. It takes
/// minutes, so it is left out of `cargo test` and `.ci/run` runs it as a
/// step of its own.
#[test]
#[ignore = "minutes of Spark planning: .ci/run runs it on its own (cargo test --test integration spark -- --ignored)"]
fn spark_agrees_with_the_engine() {
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let pyspark = python_has("pyspark");
    if !java || !pyspark {
        eprintln!(
            "skipped spark_agrees_with_the_engine: it needs Java and the Python package pyspark (found java: {java}, pyspark: {pyspark}; pip install pyspark)"
        );
        return;
    }
    let all = std::env::var_os("CLAIMCHECK_SPARK_ALL").is_some_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let mut cases = fixed_cases();
    cases.retain(|c| c.name == "economy" || (all && c.name == "axis"));
    let mut generated = generated_cases(dir.path(), 3);
    generated.retain(|c| all || c.name.starts_with("random-"));
    cases.extend(generated);
    agree("spark", "spark", &cases);
}

// ---------------------------------------------------------------------------
// Random small workspaces: every construct, seeded.

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const ENTITIES: [&str; 6] = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"];
const NUMBERS: [&str; 16] = [
    "5",
    "6",
    "more than 5",
    "at least 5",
    "under 6",
    "at most 6",
    "between 4 and 6",
    "about 5",
    "5%",
    "more than 4%",
    "about 5.5%",
    "$5",
    "at most $6",
    "about €5",
    "between 4 and 6 percent",
    "5.25",
];
const DATES: [&str; 9] = [
    "2023",
    "in 2024",
    "June 2024",
    "before 2024",
    "after 2023",
    "since June 2023",
    "between 2022 and 2023",
    "2024-06-15",
    "on June 30, 2024",
];
const TEXTS: [&str; 3] = ["\"red\"", "\"Red\"", "\"blue  sky\""];

struct Rel {
    name: String,
    symmetric: bool,
    entities: usize,
    text: bool,
    number: bool,
    date: bool,
}

impl Rel {
    /// A sentence of this relation: `with_values` picks the template with
    /// every value slot.
    fn sentence(&self, r: &mut Rng, a: &str, b: &str) -> String {
        let with_values = (self.number || self.date) && r.chance(75);
        let mut s = format!("{a} {}{}", self.name, if with_values { "x" } else { "y" });
        if self.entities == 2 {
            s = format!("{s} {b}");
        }
        if with_values {
            if self.number {
                s = format!("{s} n{} {}", self.name, r.pick(&NUMBERS));
            }
            if self.date {
                s = format!("{s} d{} {}", self.name, r.pick(&DATES));
            }
        }
        if self.text {
            s = format!("{s} t{} {}", self.name, r.pick(&TEXTS));
        }
        s
    }

    fn declaration(&self, functional: bool) -> String {
        let mut keys = "{a:thing}".to_string();
        keys = format!("{keys} {}@", self.name);
        if self.entities == 2 {
            keys = format!("{keys} {{b:thing}}");
        }
        let mut values = String::new();
        if self.number {
            values = format!("{values} n{} {{n:number}}", self.name);
        }
        if self.date {
            values = format!("{values} d{} {{d:date}}", self.name);
        }
        let text = if self.text {
            format!(" t{} {{w:text}}", self.name)
        } else {
            String::new()
        };
        let flags = format!(
            "{}{}",
            if self.symmetric { " symmetric" } else { "" },
            if functional { " functional" } else { "" }
        );
        let x = keys.replace('@', "x");
        let y = keys.replace('@', "y");
        format!(
            "relation {}{flags}: {x}{values}{text} | {y}{text}\n",
            self.name
        )
    }
}

fn claim(r: &mut Rng, rels: &[Rel], groups: usize, vars: &[&str], depth: usize) -> String {
    let term = |r: &mut Rng| -> String {
        if !vars.is_empty() && r.chance(60) {
            vars[r.below(vars.len())].to_string()
        } else {
            ENTITIES[r.below(ENTITIES.len())].to_string()
        }
    };
    let k = if depth == 0 { 0 } else { r.below(9) };
    match k {
        0..=3 => {
            if r.chance(15) {
                let (a, b) = (term(r), term(r));
                return format!("{a} linked {b}");
            }
            let rel = &rels[r.below(rels.len())];
            let (a, b) = (term(r), term(r));
            rel.sentence(r, &a, &b)
        }
        4 => format!("not {}", claim(r, rels, groups, vars, depth - 1)),
        5 => format!(
            "({} and {})",
            claim(r, rels, groups, vars, depth - 1),
            claim(r, rels, groups, vars, depth - 1)
        ),
        6 => format!(
            "({} or {})",
            claim(r, rels, groups, vars, depth - 1),
            claim(r, rels, groups, vars, depth - 1)
        ),
        _ => {
            let q = r.pick(&["every", "some", "no"]);
            let fresh = ["x", "y", "z"];
            let n = 1 + r.below(2);
            let start = r.below(2);
            let mine: Vec<&str> = fresh[start..start + n].to_vec();
            let mut all: Vec<&str> = vars.to_vec();
            all.extend(&mine);
            format!(
                "({q} {} in g{}: {})",
                mine.join(", "),
                r.below(groups),
                claim(r, rels, groups, &all, depth - 1)
            )
        }
    }
}

/// Writes a random workspace of relations (symmetric, functional, text,
/// number and date slots, units), entities, groups, facts (assertions,
/// denials, `only`, `as_of`), a definition and assertions using all of it.
fn random_workspace(dir: &Path, seed: u64) {
    let mut r = Rng(seed.wrapping_mul(7919).wrapping_add(11));
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::create_dir_all(dir.join("fixtures")).unwrap();
    let mut rules = String::new();
    for (i, e) in ENTITIES.iter().enumerate() {
        if i == 1 {
            rules.push_str(&format!("entity {e} (thing) aka B{e}\n"));
        } else {
            rules.push_str(&format!("entity {e} (thing)\n"));
        }
    }
    let groups = 3;
    for g in 0..groups {
        let members: Vec<&str> = ENTITIES.iter().copied().filter(|_| r.chance(45)).collect();
        rules.push_str(&format!("group g{g} = {}\n", members.join(", ")));
    }
    let mut rels = Vec::new();
    for i in 0..3 {
        let entities = 1 + r.below(2);
        let rel = Rel {
            name: format!("r{i}"),
            symmetric: entities == 2 && r.chance(40),
            entities,
            text: r.chance(25),
            number: r.chance(60),
            date: r.chance(50),
        };
        rules.push_str(&rel.declaration(r.chance(60)));
        rels.push(rel);
    }
    // A definition over two relations, using both of its slots.
    let body0 = rels[0].sentence(&mut r, "{p}", "{q}");
    let body1 = rels[1].sentence(&mut r, "{q}", "{p}");
    let op = r.pick(&["and", "or"]);
    let body = format!("{body0} {op} not {body1}");
    rules.push_str(&format!("define {{p}} linked {{q}}: {body}\n"));
    for _ in 0..25 {
        let c = claim(&mut r, &rels, groups, &[], 3);
        let head = match r.below(6) {
            0 => "check".to_string(),
            1 => "assert".to_string(),
            _ => format!(
                "expect {}",
                r.pick(&["supported", "refuted", "contested", "unknown"])
            ),
        };
        let as_of = if r.chance(20) {
            format!(" as of {}", r.pick(&["2024", "June 2023", "2022"]))
        } else {
            String::new()
        };
        rules.push_str(&format!("{head}: {c}{as_of}\n"));
    }
    std::fs::write(dir.join("rules/random.claims"), rules).unwrap();

    let mut facts =
        "sources:\n  - id: s1\n    title: One\n  - id: s2\n    name: Speaker\n    via: s1\nfacts:\n"
            .to_string();
    for _ in 0..30 {
        let rel = &rels[r.below(rels.len())];
        let a = ENTITIES[r.below(ENTITIES.len())];
        let b = ENTITIES[r.below(ENTITIES.len())];
        let sentence = rel.sentence(&mut r, a, b);
        let not = if r.chance(20) { "not " } else { "" };
        facts.push_str(&format!(
            "  - says: '{not}{}'\n    source: {}\n",
            sentence.replace('\'', "''"),
            r.pick(&["s1", "s2"])
        ));
        if r.chance(25) {
            facts.push_str(&format!(
                "    as_of: {}\n",
                r.pick(&["2023", "June 2024", "2022"])
            ));
        }
    }
    for _ in 0..r.below(3) {
        let rel = &rels[r.below(rels.len())];
        let listed: Vec<String> = (0..1 + r.below(2))
            .map(|_| {
                let a = ENTITIES[r.below(ENTITIES.len())];
                let b = ENTITIES[r.below(ENTITIES.len())];
                rel.sentence(&mut r, a, b)
            })
            .collect();
        facts.push_str(&format!(
            "  - only: '{}'\n    among: g{}\n    source: s1\n",
            listed.join("; ").replace('\'', "''"),
            r.below(groups)
        ));
        if r.chance(30) {
            facts.push_str("    as_of: 2023\n");
        }
    }
    std::fs::write(dir.join("fixtures/facts.yaml"), facts).unwrap();
}

#[test]
fn compile_refuses_a_folder_exported_from_another_workspace() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    Test::new(root())
        .args(&["export", "--parquet", d, "examples/economy"])
        .expect_code(0);
    let out = Test::new(root())
        .args(&["compile", "--sql", "--data", d])
        .expect_code(2);
    assert!(
        out.stderr.contains("does not hold this workspace's export")
            && out.stderr.contains("claimcheck export --parquet"),
        "{}",
        out.stderr
    );
    let missing = data.path().join("nothing-here");
    let out = Test::new(root())
        .args(&["compile", "--sql", "--data", missing.to_str().unwrap()])
        .expect_code(2);
    assert!(
        out.stderr.contains("does not hold this workspace's export"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_compiled_sql_is_deterministic_and_names_its_source_lines() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    Test::new(root())
        .args(&["export", "--parquet", d])
        .expect_code(0);
    let once = Test::new(root())
        .args(&["compile", "--sql", "--data", d])
        .expect_code(0)
        .stdout;
    let again = Test::new(root())
        .args(&["compile", "--sql", "--data", d])
        .expect_code(0)
        .stdout;
    assert_eq!(once, again);
    assert!(once.contains("rules/axis.claims:112"), "{once}");
    assert!(once.contains("read_parquet("), "{once}");
    let spark = Test::new(root())
        .args(&["compile", "--sql", "--dialect", "spark", "--data", d])
        .expect_code(0)
        .stdout;
    assert!(spark.contains("USING parquet OPTIONS (path '"), "{spark}");
    for name in [
        "facts",
        "only",
        "entities",
        "aliases",
        "groups",
        "group_members",
        "sources",
        "relations",
        "assertions",
    ] {
        assert!(
            data.path().join(format!("{name}.parquet")).exists(),
            "{name}"
        );
    }
}
