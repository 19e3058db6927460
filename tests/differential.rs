//! Differential test: on random small workspaces, the engine's verdicts must
//! equal those of a deliberately naive reference evaluator written here from
//! the language's semantics (README "Verdicts"): brute force over every fact
//! for every atom, no index, no closed-world table, so a fast path in the
//! engine can never drift from the meaning.

use claimcheck::load::{FileKind, Files};
use proptest::prelude::*;

const PEOPLE: [&str; 3] = ["Ann", "Bob", "Cy"];

/// A number phrase and the interval it means: (lo, lo closed, hi, hi closed),
/// with `None` for an infinite end.
#[derive(Clone, Copy, Debug)]
enum Num {
    Exactly(i64),
    MoreThan(i64),
    AtMost(i64),
    Between(i64, i64),
}

type Iv = (Option<i64>, bool, Option<i64>, bool);

impl Num {
    fn text(self) -> String {
        match self {
            Num::Exactly(n) => n.to_string(),
            Num::MoreThan(n) => format!("more than {n}"),
            Num::AtMost(n) => format!("at most {n}"),
            Num::Between(a, b) => format!("between {a} and {b}"),
        }
    }
    fn iv(self) -> Iv {
        match self {
            Num::Exactly(n) => (Some(n), true, Some(n), true),
            Num::MoreThan(n) => (Some(n), false, None, false),
            Num::AtMost(n) => (None, false, Some(n), true),
            Num::Between(a, b) => (Some(a), true, Some(b), true),
        }
    }
}

/// Whether `x` (in half-units, so open bounds are exact) lies in `iv`.
fn contains(iv: Iv, x2: i64) -> bool {
    let lo_ok = match iv.0 {
        None => true,
        Some(l) => x2 > 2 * l || (iv.1 && x2 == 2 * l),
    };
    let hi_ok = match iv.2 {
        None => true,
        Some(h) => x2 < 2 * h || (iv.3 && x2 == 2 * h),
    };
    lo_ok && hi_ok
}

/// The points where intervals of small integers differ: every half-unit
/// from -2 to 30, and far beyond.
fn points() -> impl Iterator<Item = i64> {
    (-4..=60).chain([1_000_000, -1_000_000])
}

fn subset(a: Iv, b: Iv) -> bool {
    points().all(|x| !contains(a, x) || contains(b, x))
        && (a.0.is_some() || b.0.is_none())
        && (a.2.is_some() || b.2.is_none())
}

fn disjoint(a: Iv, b: Iv) -> bool {
    points().all(|x| !(contains(a, x) && contains(b, x)))
        && !(a.2.is_none() && b.2.is_none())
        && !(a.0.is_none() && b.0.is_none())
}

#[derive(Clone, Debug)]
enum Fact {
    Likes(usize, usize, bool),
    Has(usize, Num, bool),
    Only(usize, usize),
}

#[derive(Clone, Debug)]
enum C {
    Likes(T, T),
    Has(T, Num),
    Not(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
    Every(Box<C>),
    Some(Box<C>),
    No(Box<C>),
}

/// A person, or the variable of the innermost quantifier (x0, x1, ...).
#[derive(Clone, Copy, Debug)]
enum T {
    P(usize),
    Var,
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        (0i64..6).prop_map(Num::Exactly),
        (0i64..6).prop_map(Num::MoreThan),
        (0i64..6).prop_map(Num::AtMost),
        (0i64..4, 0i64..4).prop_map(|(a, d)| Num::Between(a, a + d)),
    ]
}

fn fact() -> impl Strategy<Value = Fact> {
    prop_oneof![
        (0..3usize, 0..3usize, any::<bool>()).prop_map(|(a, b, n)| Fact::Likes(a, b, n)),
        (0..3usize, num(), any::<bool>()).prop_map(|(a, v, n)| Fact::Has(a, v, n)),
        (0..3usize, 0..3usize).prop_map(|(a, b)| Fact::Only(a, b)),
    ]
}

fn term() -> impl Strategy<Value = T> {
    prop_oneof![(0..3usize).prop_map(T::P), Just(T::Var)]
}

fn claim() -> impl Strategy<Value = C> {
    let leaf = prop_oneof![
        (term(), term()).prop_map(|(a, b)| C::Likes(a, b)),
        (term(), num()).prop_map(|(a, v)| C::Has(a, v)),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| C::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| C::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| C::Or(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|c| C::Every(Box::new(c))),
            inner.clone().prop_map(|c| C::Some(Box::new(c))),
            inner.prop_map(|c| C::No(Box::new(c))),
        ]
    })
}

fn text(c: &C, depth: usize) -> String {
    let t = |t: &T| match t {
        T::P(p) => PEOPLE[*p].to_string(),
        T::Var if depth == 0 => PEOPLE[0].to_string(),
        T::Var => format!("x{}", depth - 1),
    };
    match c {
        C::Likes(a, b) => format!("{} likes {}", t(a), t(b)),
        C::Has(a, v) => format!("{} has {} cats", t(a), v.text()),
        C::Not(c) => format!("not ({})", text(c, depth)),
        C::And(a, b) => format!("({}) and ({})", text(a, depth), text(b, depth)),
        C::Or(a, b) => format!("({}) or ({})", text(a, depth), text(b, depth)),
        C::Every(c) => format!("(every x{depth} in g: {})", text(c, depth + 1)),
        C::Some(c) => format!("(some x{depth} in g: {})", text(c, depth + 1)),
        C::No(c) => format!("(no x{depth} in g: {})", text(c, depth + 1)),
    }
}

/// Belnap–Dunn bits: (told true, told false).
type Bits = (bool, bool);

struct Reference<'a> {
    facts: &'a [Fact],
    group: &'a [usize],
}

impl Reference<'_> {
    fn atom_likes(&self, a: usize, b: usize) -> Bits {
        let (mut t, mut f) = (false, false);
        for fact in self.facts {
            match *fact {
                Fact::Likes(x, y, neg) if (x, y) == (a, b) => {
                    if neg {
                        f = true
                    } else {
                        t = true
                    }
                }
                Fact::Only(x, y) => {
                    if (x, y) == (a, b) {
                        t = true;
                    } else if self.group.contains(&a) && self.group.contains(&b) {
                        f = true;
                    }
                }
                _ => {}
            }
        }
        (t, f)
    }

    fn atom_has(&self, a: usize, v: Num) -> Bits {
        let claim = v.iv();
        let (mut t, mut f) = (false, false);
        for fact in self.facts {
            if let Fact::Has(x, w, neg) = *fact {
                if x != a {
                    continue;
                }
                let fv = w.iv();
                if neg {
                    f |= subset(claim, fv);
                } else {
                    t |= subset(fv, claim);
                    // `has` is functional: disjoint values refute.
                    f |= disjoint(fv, claim);
                }
            }
        }
        (t, f)
    }

    fn eval(&self, c: &C, env: &[usize]) -> Bits {
        let t = |t: &T| match t {
            T::P(p) => *p,
            T::Var => env.last().copied().unwrap_or(0),
        };
        match c {
            C::Likes(a, b) => self.atom_likes(t(a), t(b)),
            C::Has(a, v) => self.atom_has(t(a), *v),
            C::Not(c) => {
                let (x, y) = self.eval(c, env);
                (y, x)
            }
            C::And(a, b) => {
                let (a, b) = (self.eval(a, env), self.eval(b, env));
                (a.0 && b.0, a.1 || b.1)
            }
            C::Or(a, b) => {
                let (a, b) = (self.eval(a, env), self.eval(b, env));
                (a.0 || b.0, a.1 && b.1)
            }
            _ => eval(self, c, env),
        }
    }
}

fn quant(r: &Reference, kind: u8, body: &C, env: &[usize]) -> Bits {
    let mut acc: Bits = if kind == 0 {
        (true, false)
    } else {
        (false, true)
    };
    for &m in r.group {
        let mut e = env.to_vec();
        e.push(m);
        let b = eval(r, body, &e);
        acc = if kind == 0 {
            (acc.0 && b.0, acc.1 || b.1)
        } else {
            (acc.0 || b.0, acc.1 && b.1)
        };
    }
    if kind == 2 {
        (acc.1, acc.0)
    } else {
        acc
    }
}

fn eval(r: &Reference, c: &C, env: &[usize]) -> Bits {
    match c {
        C::Every(b) => quant(r, 0, b, env),
        C::Some(b) => quant(r, 1, b, env),
        C::No(b) => quant(r, 2, b, env),
        C::Not(x) => {
            let (a, b) = eval(r, x, env);
            (b, a)
        }
        C::And(a, b) => {
            let (a, b) = (eval(r, a, env), eval(r, b, env));
            (a.0 && b.0, a.1 || b.1)
        }
        C::Or(a, b) => {
            let (a, b) = (eval(r, a, env), eval(r, b, env));
            (a.0 || b.0, a.1 && b.1)
        }
        leaf => r.eval(leaf, env),
    }
}

fn verdict(b: Bits) -> &'static str {
    match b {
        (true, false) => "supported",
        (false, true) => "refuted",
        (true, true) => "contested",
        (false, false) => "unknown",
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_the_naive_reference(
        facts in prop::collection::vec(fact(), 0..8),
        members in 0u8..8,
        claims in prop::collection::vec(claim(), 1..6),
    ) {
        let group: Vec<usize> = (0..3).filter(|i| members & (1 << i) != 0).collect();
        let mut rules = String::from(
            "relation likes: {a:person} likes {b:person}\nrelation has functional: {a:person} has {n:number} cats\n",
        );
        for p in PEOPLE {
            rules.push_str(&format!("entity {p} (person)\n"));
        }
        let names: Vec<&str> = group.iter().map(|&i| PEOPLE[i]).collect();
        rules.push_str(&format!("group g = {}\n", names.join(", ")));
        for c in &claims {
            rules.push_str(&format!("check: {}\n", text(c, 0)));
        }
        let mut yaml = String::from("sources:\n  - id: s\nfacts:\n");
        for f in &facts {
            let line = match f {
                Fact::Likes(a, b, n) => format!("says: {}{} likes {}", if *n { "not " } else { "" }, PEOPLE[*a], PEOPLE[*b]),
                Fact::Has(a, v, n) => format!("says: {}{} has {} cats", if *n { "not " } else { "" }, PEOPLE[*a], v.text()),
                Fact::Only(a, b) => format!("only: {} likes {}\n    among: g", PEOPLE[*a], PEOPLE[*b]),
            };
            yaml.push_str(&format!("  - {line}\n    source: s\n"));
        }
        let mut files = Files::new();
        files.add_text("rules.claims", FileKind::Rules, &rules);
        files.add_text("facts.yaml", FileKind::Yaml, &yaml);
        let model = match claimcheck::analyze::analyze(&files, &Default::default()) {
            Ok(m) => m,
            Err(errors) => {
                let failure = claimcheck::LoadFailure { files, errors };
                panic!("a valid workspace failed to load:\n{rules}\n{yaml}\n{}", failure.render());
            }
        };
        let results = claimcheck::eval::check(&model);
        let reference = Reference { facts: &facts, group: &group };
        for (r, c) in results.iter().zip(&claims) {
            let want = verdict(eval(&reference, c, &[]));
            prop_assert_eq!(
                r.outcome.verdict().name(),
                want,
                "claim {}\n{}\n{}",
                text(c, 0),
                rules,
                yaml
            );
        }
    }
}
