//! A synthetic workspace generator for benchmarks and scale tests.
//!
//! `cargo run --release --example synth -- --facts N --claims M --out DIR`
//! writes `DIR/rules/*.claims` and `DIR/fixtures/` (sources, entities, groups
//! and `only` facts in YAML; the bulk facts in JSONL, or in YAML with
//! `--format yaml`). Every assertion is an `expect VERDICT:` (or `assert:`)
//! whose verdict the generator computes itself from the facts it wrote,
//! following the language's evaluation rules, so `claimcheck check DIR`
//! exiting 0 proves every verdict right. It never runs claimcheck.
//!
//! `DIR/peer/` holds machine-readable sidecars for other engines
//! (`.ndjson`/`.json`, which claimcheck does not load): the schema, the
//! entities with their aliases, the `only` statements and every assertion
//! as structured atoms. The same seed always gives the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

#[derive(Parser, Debug, Clone)]
#[command(about = "Write a synthetic claimcheck workspace with known verdicts")]
pub struct Options {
    /// Number of bulk facts to write.
    #[arg(long, default_value_t = 10_000)]
    pub facts: usize,
    /// Number of assertions to write.
    #[arg(long, default_value_t = 1_000)]
    pub claims: usize,
    /// The workspace folder to write (created; existing files are overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Seed of the pseudo-random generator: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Bulk fact format: JSONL lines, or structured YAML facts.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Yaml,
}

/// What was written, for the caller to check a run against.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub entities: usize,
    pub sources: usize,
    pub facts: usize,
    pub only: usize,
    pub claims: usize,
    /// Expected verdict counts: supported, refuted, contested, unknown.
    pub verdicts: [usize; 4],
}

#[allow(dead_code)]
fn main() {
    let opts = Options::parse();
    match generate(&opts) {
        Ok(s) => eprintln!(
            "synth: {} entities, {} sources, {} facts + {} only, {} assertions \
             ({} supported, {} refuted, {} contested, {} unknown) in {}",
            s.entities,
            s.sources,
            s.facts,
            s.only,
            s.claims,
            s.verdicts[0],
            s.verdicts[1],
            s.verdicts[2],
            s.verdicts[3],
            opts.out.display()
        ),
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------- randomness

/// SplitMix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash(a: u64, b: u64) -> u64 {
    mix(a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix(b))
}

// ---------------------------------------------------------------- names

const CONS: &[u8] = b"bdfgklmnprstvz";
const VOWELS: &[u8] = b"aeiou";
const FINAL: &[u8] = b"nrsktl";
const CODES: u64 = 70 * 70 * 70 * 6;

/// A unique seven-letter word (consonant, vowel ×3, final consonant) for
/// each `i < CODES`; no keyword or template word has that shape.
fn code(i: u64) -> String {
    let j = (i % CODES) * 7919 % CODES; // 7919 is prime to CODES: a bijection
    let mut s = String::with_capacity(7);
    let mut k = j;
    for _ in 0..3 {
        let syl = (k % 70) as usize;
        k /= 70;
        s.push(CONS[syl / 5] as char);
        s.push(VOWELS[syl % 5] as char);
    }
    s.push(FINAL[k as usize % FINAL.len()] as char);
    s
}

fn capital(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

const SURNAMES: &[&str] = &[
    "Abe", "Okoro", "Lind", "Ferro", "Tanaka", "Mwangi", "Novak", "Quispe", "Haddad", "Ivanov",
    "Silva", "Kowal", "Nakamura", "Osei", "Petrov", "Ruiz", "Sato", "Weber", "Yilmaz", "Zhou",
];
const FIRMS: &[&str] = &[
    "Holdings",
    "Labs",
    "Works",
    "Partners",
    "Systems",
    "Industries",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Country,
    Company,
    Person,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Company => "company",
            Kind::Person => "person",
        }
    }
}

struct Entity {
    name: String,
    kind: Kind,
    alias: Option<String>,
}

// ---------------------------------------------------------------- schema

#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    None,
    Number,
    Date,
}

struct Relation {
    name: &'static str,
    slots: [(&'static str, Kind); 2],
    /// Relations with one entity slot use only `slots[0]`.
    arity: usize,
    symmetric: bool,
    functional: bool,
    value: Value,
    value_slot: &'static str,
    /// Share of the facts, in per mille.
    share: usize,
    /// Templates: `{0}`, `{1}` entity slots, `{v}` the value phrase.
    templates: &'static [&'static str],
}

const RELATIONS: &[Relation] = &[
    Relation {
        name: "employs",
        slots: [("c", Kind::Company), ("p", Kind::Person)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 150,
        templates: &["{0} employs {1}"],
    },
    Relation {
        name: "based",
        slots: [("c", Kind::Company), ("k", Kind::Country)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 50,
        templates: &["{0} is based in {1}"],
    },
    Relation {
        name: "met",
        slots: [("a", Kind::Person), ("b", Kind::Person)],
        arity: 2,
        symmetric: true,
        functional: false,
        value: Value::Date,
        value_slot: "d",
        share: 150,
        templates: &["{0} met {1} {v}", "{0} met {1}"],
    },
    Relation {
        name: "supplies",
        slots: [("s", Kind::Company), ("b", Kind::Company)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 120,
        templates: &["{0} supplies {1}", "{1} buys from {0}"],
    },
    Relation {
        name: "borders",
        slots: [("a", Kind::Country), ("b", Kind::Country)],
        arity: 2,
        symmetric: true,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 30,
        templates: &["{0} borders {1}"],
    },
    Relation {
        name: "owns",
        slots: [("p", Kind::Person), ("c", Kind::Company)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 120,
        templates: &["{0} owns shares in {1}"],
    },
    Relation {
        name: "sanctioned",
        slots: [("k", Kind::Country), ("p", Kind::Person)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 80,
        templates: &["{0} sanctioned {1}"],
    },
    Relation {
        name: "advises",
        slots: [("p", Kind::Person), ("q", Kind::Person)],
        arity: 2,
        symmetric: false,
        functional: false,
        value: Value::None,
        value_slot: "",
        share: 150,
        templates: &["{0} advises {1}"],
    },
    Relation {
        name: "headcount",
        slots: [("c", Kind::Company), ("c", Kind::Company)],
        arity: 1,
        symmetric: false,
        functional: true,
        value: Value::Number,
        value_slot: "n",
        share: 150,
        templates: &["{0} has {v} employees"],
    },
];

const BORDERS: usize = 4;
const HEADCOUNT: usize = 8;

/// Words that no generated name may be (keywords, template words, months).
const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "no",
    "every",
    "some",
    "in",
    "as",
    "of",
    "between",
    "more",
    "than",
    "over",
    "at",
    "least",
    "fewer",
    "less",
    "under",
    "most",
    "about",
    "around",
    "roughly",
    "on",
    "before",
    "after",
    "since",
    "employs",
    "is",
    "based",
    "met",
    "supplies",
    "buys",
    "from",
    "borders",
    "owns",
    "shares",
    "sanctioned",
    "advises",
    "has",
    "employees",
];

// ---------------------------------------------------------------- values

/// A closed interval of integers; `i64::MIN`/`i64::MAX` are the infinities.
/// Numbers are held in half units (an open bound `more than N` is `2N + 1`),
/// which is exact because every bound the generator writes is an integer.
/// Dates are day numbers (whole days).
type Iv = (i64, i64);
const NEG: i64 = i64::MIN;
const POS: i64 = i64::MAX;
const FULL: Iv = (NEG, POS);

fn within(inner: Iv, outer: Iv) -> bool {
    outer.0 <= inner.0 && inner.1 <= outer.1
}
fn disjoint(a: Iv, b: Iv) -> bool {
    a.1 < b.0 || b.1 < a.0
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn month_len(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A calendar date of one day, month or year.
#[derive(Clone, Copy)]
enum Date {
    Day(i64, i64, i64),
    Month(i64, i64),
    Year(i64),
}

impl Date {
    fn range(self) -> Iv {
        match self {
            Date::Day(y, m, d) => (days(y, m, d), days(y, m, d)),
            Date::Month(y, m) => (days(y, m, 1), days(y, m, month_len(y, m))),
            Date::Year(y) => (days(y, 1, 1), days(y, 12, 31)),
        }
    }
    /// ISO form, as fact files write it.
    fn iso(self) -> String {
        match self {
            Date::Day(y, m, d) => format!("{y}-{m:02}-{d:02}"),
            Date::Month(y, m) => format!("{y}-{m:02}"),
            Date::Year(y) => format!("{y}"),
        }
    }
    /// Words, as claims often write them.
    fn words(self) -> String {
        match self {
            Date::Day(y, m, d) => format!("{} {d}, {y}", MONTHS[m as usize - 1]),
            Date::Month(y, m) => format!("{} {y}", MONTHS[m as usize - 1]),
            Date::Year(y) => format!("{y}"),
        }
    }
    fn random(rng: &mut Rng) -> Date {
        let y = 2016 + rng.below(9) as i64;
        let m = 1 + rng.below(12) as i64;
        match rng.below(10) {
            0..=5 => Date::Day(y, m, 1 + rng.below(month_len(y, m) as usize) as i64),
            6..=8 => Date::Month(y, m),
            _ => Date::Year(y),
        }
    }
}

/// A number as a claim may write it: plain or with thousands separators.
fn num_text(n: i64, rng: &mut Rng) -> String {
    if n >= 1000 && rng.pct(30) {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        n.to_string()
    }
}

/// A fact's or claim's value: its phrase and interval.
struct Phrase {
    text: String,
    iv: Iv,
    /// A JSON number instead of a string, in fact files.
    plain: bool,
}

/// The true headcount of company `c`: a multiple of 10.
fn base_headcount(seed: u64, c: u32) -> i64 {
    10 * (5 + (hash(seed ^ 0x4EAD, c as u64) % 5000) as i64)
}

fn fact_number(rng: &mut Rng, b: i64, negated: bool) -> Phrase {
    if negated {
        let x = b * 3;
        return Phrase {
            text: format!("more than {x}"),
            iv: (2 * x + 1, POS),
            plain: false,
        };
    }
    match rng.below(100) {
        0..=54 => Phrase {
            text: b.to_string(),
            iv: (2 * b, 2 * b),
            plain: true,
        },
        55..=64 => Phrase {
            text: format!("about {b}"),
            iv: (2 * (b - b / 10), 2 * (b + b / 10)),
            plain: false,
        },
        65..=72 => {
            let (lo, hi) = (b - b / 10 + 10, b + b / 5);
            Phrase {
                text: format!("between {lo} and {hi}"),
                iv: (2 * lo, 2 * hi),
                plain: false,
            }
        }
        73..=79 => Phrase {
            text: format!("at least {}", b / 2),
            iv: (b, POS),
            plain: false,
        },
        80..=84 => Phrase {
            text: format!("more than {}", b / 2),
            iv: (b + 1, POS),
            plain: false,
        },
        // A different figure: the source disagrees.
        _ => {
            let x = if rng.pct(50) { b * 2 } else { b / 2 };
            Phrase {
                text: x.to_string(),
                iv: (2 * x, 2 * x),
                plain: true,
            }
        }
    }
}

fn claim_number(rng: &mut Rng, b: i64) -> Phrase {
    let (text, iv) = match rng.below(9) {
        0 | 1 => (num_text(b, rng), (2 * b, 2 * b)),
        2 => (
            format!("about {}", num_text(b, rng)),
            (2 * (b - b / 10), 2 * (b + b / 10)),
        ),
        3 => (format!("more than {}", num_text(b / 2, rng)), (b + 1, POS)),
        4 => (format!("at least {}", num_text(b, rng)), (2 * b, POS)),
        5 => (
            format!("fewer than {}", num_text(b * 2, rng)),
            (NEG, 4 * b - 1),
        ),
        6 => (format!("at most {}", num_text(b, rng)), (NEG, 2 * b)),
        7 => {
            let (lo, hi) = (b - b / 5, b + b / 5);
            (
                format!("between {} and {}", num_text(lo, rng), num_text(hi, rng)),
                (2 * lo, 2 * hi),
            )
        }
        _ => {
            let x = b * 4;
            (format!("more than {}", num_text(x, rng)), (2 * x + 1, POS))
        }
    };
    Phrase {
        text,
        iv,
        plain: false,
    }
}

fn claim_date(rng: &mut Rng, near: Option<Date>) -> Phrase {
    let d = match near {
        Some(d) if rng.pct(70) => d,
        _ => Date::random(rng),
    };
    let (first, last) = d.range();
    let (text, iv) = match rng.below(8) {
        0 | 1 => match d {
            Date::Day(..) => (format!("on {}", d.words()), (first, last)),
            _ => (format!("in {}", d.words()), (first, last)),
        },
        2 => (format!("in {}", d.iso()), (first, last)),
        3 => {
            let y = match d {
                Date::Day(y, ..) | Date::Month(y, _) | Date::Year(y) => y,
            };
            let r = Date::Year(y).range();
            (format!("in {y}"), r)
        }
        4 => (format!("before {}", d.words()), (NEG, first - 1)),
        5 => (format!("after {}", d.words()), (last + 1, POS)),
        6 => (format!("since {}", d.words()), (first, POS)),
        _ => {
            let y = match d {
                Date::Day(y, ..) | Date::Month(y, _) | Date::Year(y) => y,
            };
            (
                format!("between {} and {}", y - 1, y + 1),
                (Date::Year(y - 1).range().0, Date::Year(y + 1).range().1),
            )
        }
    };
    Phrase {
        text,
        iv,
        plain: false,
    }
}

// ---------------------------------------------------------------- facts

struct Fact {
    rel: u8,
    /// Canonical entity ids (a symmetric relation's in sorted order).
    key: [u32; 2],
    negated: bool,
    value: Iv,
    as_of: Option<Iv>,
}

type Key = (u8, u32, u32);

fn key_of(rel: usize, a: u32, b: u32) -> Key {
    if RELATIONS[rel].symmetric && b < a {
        (rel as u8, b, a)
    } else {
        (rel as u8, a, b)
    }
}

/// `only: … among GROUP` for `borders`: the listed pairs (sorted) are the
/// only ones among the group's members.
struct Only {
    group: usize,
    pairs: Vec<(u32, u32)>,
    source: usize,
}

struct World {
    seed: u64,
    entities: Vec<Entity>,
    by_kind: [Vec<u32>; 3],
    groups: Vec<Vec<u32>>,
    group_of: HashMap<u32, usize>,
    facts: Vec<Fact>,
    index: HashMap<Key, Vec<u32>>,
    only: Vec<Only>,
}

fn kind_index(k: Kind) -> usize {
    match k {
        Kind::Country => 0,
        Kind::Company => 1,
        Kind::Person => 2,
    }
}

impl World {
    fn pick(&self, k: Kind, rng: &mut Rng) -> u32 {
        let v = &self.by_kind[kind_index(k)];
        v[rng.below(v.len())]
    }

    /// The two entities of the `i`-th key of a relation: keys repeat, so
    /// several facts (and sources) speak of each.
    fn key_entities(&self, rel: usize, i: u64) -> (u32, u32) {
        let r = &RELATIONS[rel];
        let h = hash(self.seed ^ rel as u64, i);
        if rel == BORDERS && h.is_multiple_of(2) && !self.groups.is_empty() {
            // Half the borders facts stay within a region, where `only` speaks.
            let g = &self.groups[(h >> 8) as usize % self.groups.len()];
            let a = g[(h >> 24) as usize % g.len()];
            let mut b = g[(h >> 40) as usize % g.len()];
            if a == b {
                b = g[(g.iter().position(|&x| x == a).unwrap() + 1) % g.len()];
            }
            return (a, b);
        }
        let va = &self.by_kind[kind_index(r.slots[0].1)];
        let vb = &self.by_kind[kind_index(r.slots[1].1)];
        let a = va[(h % va.len() as u64) as usize];
        let mut b = vb[((h >> 32) % vb.len() as u64) as usize];
        if r.arity == 2 && a == b {
            b = vb[(((h >> 32) + 1) % vb.len() as u64) as usize];
        }
        (a, b)
    }

    /// Told-true and told-false of one atom, by the evaluation rules:
    /// asserting facts support when their value lies inside the claim's;
    /// a functional relation's facts refute when the values are disjoint;
    /// denials refute when the claim's value lies inside theirs; an `only`
    /// refutes an unlisted pair of members and supports a listed one.
    fn atom_bits(&self, key: Key, claim: Iv, as_of: Option<Iv>) -> (bool, bool) {
        let r = &RELATIONS[key.0 as usize];
        let (mut t, mut f) = (false, false);
        if let Some(ids) = self.index.get(&key) {
            for &i in ids {
                let fact = &self.facts[i as usize];
                if let (Some(a), Some(c)) = (fact.as_of, as_of) {
                    if disjoint(a, c) {
                        continue;
                    }
                }
                if fact.negated {
                    f |= within(claim, fact.value);
                } else {
                    t |= within(fact.value, claim);
                    f |= r.functional && disjoint(fact.value, claim);
                }
            }
        }
        if key.0 as usize == BORDERS {
            if let (Some(&ga), Some(&gb)) = (self.group_of.get(&key.1), self.group_of.get(&key.2)) {
                for o in self.only.iter().filter(|o| o.group == ga && ga == gb) {
                    if o.pairs.contains(&(key.1, key.2)) {
                        t = true;
                    } else {
                        f = true;
                    }
                }
            }
        }
        (t, f)
    }
}

// ---------------------------------------------------------------- claims

struct Atom {
    text: String,
    key: Key,
    value: Iv,
    /// For the sidecar: the names as written and the value slot's kind.
    args: [String; 2],
}

fn verdict(t: bool, f: bool) -> usize {
    match (t, f) {
        (true, false) => 0,
        (false, true) => 1,
        (true, true) => 2,
        (false, false) => 3,
    }
}
const VERDICTS: [&str; 4] = ["supported", "refuted", "contested", "unknown"];

fn written(w: &World, e: u32, rng: &mut Rng) -> String {
    let ent = &w.entities[e as usize];
    match &ent.alias {
        Some(a) if rng.pct(25) => a.clone(),
        _ => ent.name.clone(),
    }
}

/// An atom about entities `a`, `b` of relation `rel`, written in one of its
/// templates; `near` is a fact's date to stay close to.
fn make_atom(w: &World, rel: usize, a: u32, b: u32, near: Option<Date>, rng: &mut Rng) -> Atom {
    let r = &RELATIONS[rel];
    // A symmetric relation may be written in either order.
    let (a, b) = if r.symmetric && rng.pct(50) {
        (b, a)
    } else {
        (a, b)
    };
    let na = written(w, a, rng);
    let nb = if r.arity == 2 {
        written(w, b, rng)
    } else {
        String::new()
    };
    let t = r.templates[rng.below(r.templates.len())];
    let value = match r.value {
        Value::None => None,
        Value::Number => Some(claim_number(rng, base_headcount(w.seed, a))),
        Value::Date if t.contains("{v}") => Some(claim_date(rng, near)),
        Value::Date => None,
    };
    let text = t
        .replace("{0}", &na)
        .replace("{1}", &nb)
        .replace("{v}", value.as_ref().map_or("", |v| v.text.as_str()));
    Atom {
        text,
        key: key_of(rel, a, if r.arity == 1 { u32::MAX } else { b }),
        value: value.map_or(FULL, |v| v.iv),
        args: [na, nb],
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn json_iv(iv: Iv) -> String {
    let b = |x: i64| {
        if x == NEG || x == POS {
            "null".to_string()
        } else {
            x.to_string()
        }
    };
    format!("[{},{}]", b(iv.0), b(iv.1))
}

// ---------------------------------------------------------------- writing

fn create(path: &Path) -> io::Result<BufWriter<std::fs::File>> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    Ok(BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path)?,
    ))
}

/// A YAML plain scalar when safe, else a single-quoted one.
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '-')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off"
        );
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// Writes the workspace and returns what it holds.
pub fn generate(opts: &Options) -> io::Result<Summary> {
    let mut rng = Rng(opts.seed ^ 0x5EED_CAFE);
    let n = opts.facts;
    let seed = opts.seed;

    // Entities: 50,000 at a million facts, scaled down for fewer.
    let total = (n / 20).clamp(60, 50_000);
    let countries = (total / 100).max(12);
    let companies = total * 3 / 10;
    let mut entities = Vec::with_capacity(total);
    let mut by_kind: [Vec<u32>; 3] = Default::default();
    for i in 0..total {
        let kind = if i < countries {
            Kind::Country
        } else if i < countries + companies {
            Kind::Company
        } else {
            Kind::Person
        };
        let c = code(2 * i as u64);
        debug_assert!(!RESERVED.contains(&c.as_str()));
        let h = hash(seed, i as u64);
        let name = match kind {
            Kind::Country => capital(&c),
            Kind::Company => format!("{} {}", capital(&c), FIRMS[h as usize % FIRMS.len()]),
            Kind::Person => format!(
                "{} {}",
                capital(&c),
                SURNAMES[(h >> 16) as usize % SURNAMES.len()]
            ),
        };
        let alias = h.is_multiple_of(2).then(|| {
            let a = code(2 * i as u64 + 1);
            match kind {
                Kind::Company => a.to_ascii_uppercase(),
                _ => capital(&a),
            }
        });
        by_kind[kind_index(kind)].push(i as u32);
        entities.push(Entity { name, kind, alias });
    }

    // Regions: the countries in groups of six, each closed by an `only`.
    let mut groups = Vec::new();
    let mut group_of = HashMap::new();
    for chunk in by_kind[0].chunks(6) {
        if chunk.len() < 3 {
            break;
        }
        for &c in chunk {
            group_of.insert(c, groups.len());
        }
        groups.push(chunk.to_vec());
    }
    let sources = (n / 500).clamp(6, 2000);

    let mut w = World {
        seed,
        entities,
        by_kind,
        groups,
        group_of,
        facts: Vec::with_capacity(n),
        index: HashMap::new(),
        only: Vec::new(),
    };
    for (g, members) in w.groups.iter().enumerate() {
        let mut pairs = Vec::new();
        for k in 0..2 {
            let a = members[(2 * k) % members.len()];
            let b = members[(2 * k + 1 + g % 2) % members.len()];
            pairs.push((a.min(b), a.max(b)));
        }
        pairs.sort_unstable();
        pairs.dedup();
        w.only.push(Only {
            group: g,
            pairs,
            source: hash(seed, g as u64 ^ 0x0417) as usize % sources,
        });
    }

    // ------------------------------------------------------------ sources, entities, groups
    let fixtures = opts.out.join("fixtures");
    let mut out = create(&fixtures.join("sources.yaml"))?;
    writeln!(out, "sources:")?;
    for s in 0..sources {
        writeln!(out, "  - id: s{s}")?;
        if s % 5 == 4 {
            let name = format!(
                "{} {}",
                capital(&code(1_500_000 + s as u64)),
                SURNAMES[s % SURNAMES.len()]
            );
            writeln!(out, "    name: {name}\n    via: s{}", s - 1)?;
        } else {
            let y = 2018 + s % 8;
            let m = 1 + s % 12;
            writeln!(
                out,
                "    title: Report {s}\n    publisher: {} Daily\n    date: {y}-{m:02}-{:02}",
                capital(&code(1_000_000 + s as u64)),
                1 + s % 28
            )?;
        }
    }
    out.flush()?;

    let mut out = create(&fixtures.join("entities.yaml"))?;
    let mut side = create(&opts.out.join("peer/entities.ndjson"))?;
    writeln!(out, "entities:")?;
    for e in &w.entities {
        match &e.alias {
            Some(a) => {
                writeln!(
                    out,
                    "  - {{name: {}, kind: {}, aka: [{a}]}}",
                    e.name,
                    e.kind.word()
                )?;
                writeln!(
                    side,
                    "{{\"name\":{},\"kind\":\"{}\",\"aka\":[{}]}}",
                    json_str(&e.name),
                    e.kind.word(),
                    json_str(a)
                )?;
            }
            None => {
                writeln!(out, "  - {{name: {}, kind: {}}}", e.name, e.kind.word())?;
                writeln!(
                    side,
                    "{{\"name\":{},\"kind\":\"{}\",\"aka\":[]}}",
                    json_str(&e.name),
                    e.kind.word()
                )?;
            }
        }
    }
    out.flush()?;
    side.flush()?;

    let mut out = create(&fixtures.join("regions.yaml"))?;
    let mut side = create(&opts.out.join("peer/only.ndjson"))?;
    writeln!(out, "groups:")?;
    for (g, members) in w.groups.iter().enumerate() {
        let names: Vec<&str> = members
            .iter()
            .map(|&m| w.entities[m as usize].name.as_str())
            .collect();
        writeln!(out, "  region{g}: [{}]", names.join(", "))?;
    }
    writeln!(out, "facts:")?;
    for o in &w.only {
        let sentences: Vec<String> = o
            .pairs
            .iter()
            .map(|&(a, b)| {
                format!(
                    "{} borders {}",
                    w.entities[a as usize].name, w.entities[b as usize].name
                )
            })
            .collect();
        writeln!(
            out,
            "  - only: {}\n    among: region{}\n    source: s{}",
            sentences.join("; "),
            o.group,
            o.source
        )?;
        let members: Vec<String> = w.groups[o.group]
            .iter()
            .map(|&m| json_str(&w.entities[m as usize].name))
            .collect();
        let pairs: Vec<String> = o
            .pairs
            .iter()
            .map(|&(a, b)| {
                format!(
                    "[{},{}]",
                    json_str(&w.entities[a as usize].name),
                    json_str(&w.entities[b as usize].name)
                )
            })
            .collect();
        writeln!(
            side,
            "{{\"relation\":\"borders\",\"group\":\"region{}\",\"members\":[{}],\"pairs\":[{}],\"source\":\"s{}\"}}",
            o.group,
            members.join(","),
            pairs.join(","),
            o.source
        )?;
    }
    out.flush()?;
    side.flush()?;

    // ------------------------------------------------------------ bulk facts
    let shares: usize = RELATIONS.iter().map(|r| r.share).sum();
    let mut plan: Vec<usize> = Vec::new(); // cumulative fact counts
    let mut acc = 0;
    for r in RELATIONS {
        acc += r.share;
        plan.push(n * acc / shares);
    }
    let mut dates: Vec<Option<Date>> = Vec::with_capacity(n);
    let path = match opts.format {
        Format::Jsonl => fixtures.join("facts.jsonl"),
        Format::Yaml => fixtures.join("facts.yaml"),
    };
    let mut out = create(&path)?;
    if opts.format == Format::Yaml {
        writeln!(out, "facts:")?;
    }
    let mut line = String::with_capacity(256);
    let mut rel = 0;
    for i in 0..n {
        while i >= plan[rel] {
            rel += 1;
        }
        let r = &RELATIONS[rel];
        let count = plan[rel] - if rel == 0 { 0 } else { plan[rel - 1] };
        let keys = (count as u64 / 2).max(1);
        let (a, b) = w.key_entities(rel, rng.next() % keys);
        let negated = rng.pct(if rel == HEADCOUNT { 6 } else { 8 });
        let mut date = None;
        let value = match r.value {
            Value::None => None,
            Value::Number => Some(fact_number(&mut rng, base_headcount(seed, a), negated)),
            Value::Date => {
                if rng.pct(if negated { 30 } else { 60 }) {
                    let d = Date::random(&mut rng);
                    date = Some(d);
                    Some(Phrase {
                        text: d.iso(),
                        iv: d.range(),
                        plain: false,
                    })
                } else {
                    None
                }
            }
        };
        let as_of = rng.pct(15).then(|| {
            let y = 2019 + rng.below(6) as i64;
            if rng.pct(50) {
                Date::Year(y)
            } else {
                Date::Month(y, 1 + rng.below(12) as i64)
            }
        });
        let source = rng.below(sources);
        let quote = rng.pct(5);
        // Entities are written by an alias now and then.
        let na = written(&w, a, &mut rng);
        let nb = written(&w, b, &mut rng);

        line.clear();
        match opts.format {
            Format::Jsonl => {
                write!(
                    line,
                    "{{\"relation\":\"{}\",\"args\":{{\"{}\":{}",
                    r.name,
                    r.slots[0].0,
                    json_str(&na)
                )
                .unwrap();
                if r.arity == 2 {
                    write!(line, ",\"{}\":{}", r.slots[1].0, json_str(&nb)).unwrap();
                }
                if let Some(v) = &value {
                    if v.plain {
                        write!(line, ",\"{}\":{}", r.value_slot, v.text).unwrap();
                    } else {
                        write!(line, ",\"{}\":{}", r.value_slot, json_str(&v.text)).unwrap();
                    }
                }
                line.push('}');
                if negated {
                    line.push_str(",\"negated\":true");
                }
                write!(line, ",\"source\":\"s{source}\"").unwrap();
                if let Some(d) = as_of {
                    write!(line, ",\"as_of\":\"{}\"", d.iso()).unwrap();
                }
                if quote {
                    write!(line, ",\"quote\":\"{} {} {}\"", na, r.name, nb).unwrap();
                }
                line.push_str("}\n");
            }
            Format::Yaml => {
                write!(
                    line,
                    "  - relation: {}\n    args: {{{}: {}",
                    r.name, r.slots[0].0, na
                )
                .unwrap();
                if r.arity == 2 {
                    write!(line, ", {}: {}", r.slots[1].0, nb).unwrap();
                }
                if let Some(v) = &value {
                    if v.plain {
                        write!(line, ", {}: {}", r.value_slot, v.text).unwrap();
                    } else {
                        write!(line, ", {}: {}", r.value_slot, yaml_str(&v.text)).unwrap();
                    }
                }
                line.push_str("}\n");
                if negated {
                    line.push_str("    negated: true\n");
                }
                writeln!(line, "    source: s{source}").unwrap();
                if let Some(d) = as_of {
                    writeln!(line, "    as_of: '{}'", d.iso()).unwrap();
                }
                if quote {
                    writeln!(line, "    quote: {} {} {}", na, r.name, nb).unwrap();
                }
            }
        }
        out.write_all(line.as_bytes())?;

        let key = key_of(rel, a, if r.arity == 1 { u32::MAX } else { b });
        w.index.entry(key).or_default().push(w.facts.len() as u32);
        w.facts.push(Fact {
            rel: rel as u8,
            key: [key.1, key.2],
            negated,
            value: value.map_or(FULL, |v| v.iv),
            as_of: as_of.map(Date::range),
        });
        dates.push(date);
    }
    out.flush()?;

    // ------------------------------------------------------------ rules and assertions
    let rules = opts.out.join("rules");
    let mut out = create(&rules.join("schema.claims"))?;
    writeln!(
        out,
        "# A synthetic workspace: {} facts, {} assertions, seed {}.",
        n, opts.claims, seed
    )?;
    for r in RELATIONS {
        let mut flags = String::new();
        if r.symmetric {
            flags.push_str(" symmetric");
        }
        if r.functional {
            flags.push_str(" functional");
        }
        let slot = |i: usize| format!("{{{}:{}}}", r.slots[i].0, r.slots[i].1.word());
        let value = match r.value {
            Value::None => String::new(),
            Value::Number => format!("{{{}:number}}", r.value_slot),
            Value::Date => format!("{{{}:date}}", r.value_slot),
        };
        let templates: Vec<String> = r
            .templates
            .iter()
            .map(|t| {
                t.replace("{0}", &slot(0))
                    .replace("{1}", &slot(1))
                    .replace("{v}", &value)
            })
            .collect();
        writeln!(
            out,
            "relation {}{}: {}",
            r.name,
            flags,
            templates.join("\n  | ")
        )?;
    }
    out.flush()?;

    let mut side = create(&opts.out.join("peer/schema.json"))?;
    writeln!(side, "{{\"relations\":[")?;
    for (i, r) in RELATIONS.iter().enumerate() {
        let slots: Vec<String> = r.slots[..r.arity].iter().map(|s| json_str(s.0)).collect();
        writeln!(
            side,
            "  {{\"name\":\"{}\",\"slots\":[{}],\"symmetric\":{},\"functional\":{},\"value\":{},\"value_slot\":{}}}{}",
            r.name,
            slots.join(","),
            r.symmetric,
            r.functional,
            match r.value {
                Value::None => "null",
                Value::Number => "\"number\"",
                Value::Date => "\"date\"",
            },
            if r.value_slot.is_empty() { "null".to_string() } else { json_str(r.value_slot) },
            if i + 1 < RELATIONS.len() { "," } else { "" }
        )?;
    }
    writeln!(side, "]}}")?;
    side.flush()?;

    const PER_FILE: usize = 10_000;
    let mut side = create(&opts.out.join("peer/claims.ndjson"))?;
    let mut verdicts = [0usize; 4];
    let mut file = 0;
    let mut out: Option<BufWriter<std::fs::File>> = None;
    let mut line_no = 0;
    for c in 0..opts.claims {
        if c % PER_FILE == 0 {
            if let Some(mut o) = out.take() {
                o.flush()?;
            }
            let name = format!("claims-{file:03}.claims");
            out = Some(create(&rules.join(&name))?);
            file += 1;
            line_no = 0;
        }
        let o = out.as_mut().expect("a claims file is open");
        // One atom, from a written fact's key, a random key, or a region.
        let atom = |rng: &mut Rng| -> Atom {
            match rng.below(100) {
                0..=74 if !w.facts.is_empty() => {
                    let i = rng.below(w.facts.len());
                    let f = &w.facts[i];
                    let rel = f.rel as usize;
                    make_atom(&w, rel, f.key[0], f.key[1], dates[i], rng)
                }
                75..=84 if !w.only.is_empty() => {
                    let g = &w.groups[rng.below(w.groups.len())];
                    let a = g[rng.below(g.len())];
                    let mut b = g[rng.below(g.len())];
                    if a == b {
                        b = g[(g.iter().position(|&x| x == a).unwrap() + 1) % g.len()];
                    }
                    make_atom(&w, BORDERS, a, b, None, rng)
                }
                _ => {
                    let rel = rng.below(RELATIONS.len());
                    let r = &RELATIONS[rel];
                    let a = w.pick(r.slots[0].1, rng);
                    let mut b = w.pick(r.slots[1].1, rng);
                    if r.arity == 2 && a == b {
                        b = w.pick(r.slots[1].1, rng);
                        if a == b {
                            return make_atom(&w, rel, a, w.key_entities(rel, 0).1, None, rng);
                        }
                    }
                    make_atom(&w, rel, a, b, None, rng)
                }
            }
        };
        let as_of = rng.pct(10).then(|| {
            let y = 2019 + rng.below(6) as i64;
            if rng.pct(50) {
                Date::Year(y)
            } else {
                Date::Month(y, 1 + rng.below(12) as i64)
            }
        });
        let ao = as_of.map(Date::range);
        let (op, atoms) = match rng.below(100) {
            0..=69 => ("atom", vec![atom(&mut rng)]),
            70..=79 => ("not", vec![atom(&mut rng)]),
            80..=89 => ("and", vec![atom(&mut rng), atom(&mut rng)]),
            _ => ("or", vec![atom(&mut rng), atom(&mut rng)]),
        };
        let bits: Vec<(bool, bool)> = atoms
            .iter()
            .map(|a| w.atom_bits(a.key, a.value, ao))
            .collect();
        let (t, f) = match op {
            "atom" => bits[0],
            "not" => (bits[0].1, bits[0].0),
            "and" => (bits[0].0 && bits[1].0, bits[0].1 || bits[1].1),
            _ => (bits[0].0 || bits[1].0, bits[0].1 && bits[1].1),
        };
        let v = verdict(t, f);
        verdicts[v] += 1;
        let claim = match op {
            "atom" => atoms[0].text.clone(),
            "not" => format!("not {}", atoms[0].text),
            _ => format!("{} {op} {}", atoms[0].text, atoms[1].text),
        };
        let suffix = as_of.map_or(String::new(), |d| format!(" as of {}", d.words()));
        if c % PER_FILE == 0 {
            writeln!(
                o,
                "# Assertions {} to {}.",
                c + 1,
                (c + PER_FILE).min(opts.claims)
            )?;
            line_no += 1;
        }
        line_no += 1;
        if v == 0 && rng.pct(30) {
            writeln!(o, "assert: {claim}{suffix}")?;
        } else {
            writeln!(o, "expect {}: {claim}{suffix}", VERDICTS[v])?;
        }
        let mut js = String::new();
        for (k, a) in atoms.iter().enumerate() {
            let r = &RELATIONS[a.key.0 as usize];
            if k > 0 {
                js.push(',');
            }
            write!(
                js,
                "{{\"relation\":\"{}\",\"args\":[{}",
                r.name,
                json_str(&a.args[0])
            )
            .unwrap();
            if r.arity == 2 {
                write!(js, ",{}", json_str(&a.args[1])).unwrap();
            }
            write!(js, "],\"value\":{}}}", json_iv(a.value)).unwrap();
        }
        writeln!(
            side,
            "{{\"file\":\"rules/claims-{:03}.claims\",\"line\":{},\"expected\":\"{}\",\"op\":\"{op}\",\"as_of\":{},\"atoms\":[{js}]}}",
            file - 1,
            line_no,
            VERDICTS[v],
            ao.map_or("null".to_string(), json_iv),
        )?;
    }
    if let Some(mut o) = out.take() {
        o.flush()?;
    }
    side.flush()?;

    let summary = Summary {
        entities: w.entities.len(),
        sources,
        facts: n,
        only: w.only.len(),
        claims: opts.claims,
        verdicts,
    };
    let mut side = create(&opts.out.join("peer/summary.json"))?;
    writeln!(
        side,
        "{{\"facts\":{},\"claims\":{},\"entities\":{},\"sources\":{},\"only\":{},\"format\":\"{}\",\"seed\":{},\"verdicts\":{{\"supported\":{},\"refuted\":{},\"contested\":{},\"unknown\":{}}}}}",
        n,
        opts.claims,
        summary.entities,
        sources,
        summary.only,
        match opts.format {
            Format::Jsonl => "jsonl",
            Format::Yaml => "yaml",
        },
        seed,
        verdicts[0],
        verdicts[1],
        verdicts[2],
        verdicts[3]
    )?;
    side.flush()?;
    Ok(summary)
}
