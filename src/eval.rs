//! Evaluation (docs/language.md §14): evidence for each atom from the fact index, then
//! Belnap–Dunn connectives and quantifiers, carrying the facts behind each
//! bit. Pure: reads the model, never changes it, never fails.

use crate::analyze::canonical;
use crate::logic::{Bits, Verdict};
use crate::model::*;
use crate::syntax::ast::Expectation;
use crate::value::{Interval, ValueKind};

/// A claim's two bits and the facts behind each (sorted, without repeats).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub bits: Bits,
    pub support: Vec<FactId>,
    pub refute: Vec<FactId>,
}

impl std::ops::Not for Outcome {
    type Output = Outcome;
    /// `not A`: the bits swap, and so do the facts behind them.
    fn not(self) -> Outcome {
        Outcome {
            bits: !self.bits,
            support: self.refute,
            refute: self.support,
        }
    }
}

impl Outcome {
    pub fn verdict(&self) -> Verdict {
        Verdict::from_bits(self.bits)
    }

    fn identity(bits: Bits) -> Outcome {
        Outcome {
            bits,
            support: Vec::new(),
            refute: Vec::new(),
        }
    }

    pub fn and(self, o: Outcome) -> Outcome {
        let bits = self.bits.and(o.bits);
        let support = if bits.told_true {
            union(self.support, o.support)
        } else {
            Vec::new()
        };
        let refute = union(
            if self.bits.told_false {
                self.refute
            } else {
                Vec::new()
            },
            if o.bits.told_false {
                o.refute
            } else {
                Vec::new()
            },
        );
        Outcome {
            bits,
            support,
            refute,
        }
    }

    pub fn or(self, o: Outcome) -> Outcome {
        let bits = self.bits.or(o.bits);
        let support = union(
            if self.bits.told_true {
                self.support
            } else {
                Vec::new()
            },
            if o.bits.told_true {
                o.support
            } else {
                Vec::new()
            },
        );
        let refute = if bits.told_false {
            union(self.refute, o.refute)
        } else {
            Vec::new()
        };
        Outcome {
            bits,
            support,
            refute,
        }
    }
}

fn union(mut a: Vec<FactId>, b: Vec<FactId>) -> Vec<FactId> {
    if a.is_empty() {
        return b;
    }
    a.extend(b);
    a.sort_unstable();
    a.dedup();
    a
}

/// How one fact bears on one atom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bearing {
    Supports,
    Refutes,
    /// Same key, but its values neither imply nor exclude the claim's.
    Silent,
    /// Left out by the statement's `as of`.
    FilteredOut,
}

/// Why a fact of the atom's key says nothing about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Silence {
    /// Its values neither imply nor exclude the claim's.
    Values,
    /// A value is in another unit than the claim's (values compare only
    /// within one unit).
    Unit,
    /// Its numbers differ, but for other dates than the claim's.
    Dates,
}

/// One fact's bearing on an atom, for `explain`.
#[derive(Clone, Debug)]
pub struct AtomEvidence {
    pub fact: FactId,
    pub tuple: Option<u32>,
    pub bearing: Bearing,
    /// For a silent fact, why.
    pub silence: Option<Silence>,
}

/// How a fact that asserts (or, `negated`, denies) an atom's key with values
/// `stated` bears on a claim of values `claim`, slot by slot:
///
/// - a denial refutes when it covers the claim's values on every slot;
/// - an assertion supports when its values lie within the claim's on every
///   slot;
/// - in a functional relation, an assertion refutes when some value is
///   disjoint from the claim's; when the relation has number slots, its date
///   slots qualify the numbers: only a disjoint number counts, and only when
///   every date slot overlaps (one true number per time).
///
/// Values of different units are neither contained nor disjoint
/// (`Interval::comparable`), so such a slot never supports or refutes.
pub fn classify(
    kinds: &[ValueKind],
    functional: bool,
    negated: bool,
    stated: &[Interval],
    claim: &[Interval],
) -> (Bearing, Option<Silence>) {
    let other_unit = stated.iter().zip(claim).any(|(f, c)| !f.comparable(c));
    let silent = |dates: bool| {
        let why = if other_unit {
            Silence::Unit
        } else if dates {
            Silence::Dates
        } else {
            Silence::Values
        };
        (Bearing::Silent, Some(why))
    };
    if negated {
        if claim.iter().zip(stated).all(|(c, n)| c.subset_of(n)) {
            return (Bearing::Refutes, None);
        }
        return silent(false);
    }
    if stated.iter().zip(claim).all(|(f, c)| f.subset_of(c)) {
        return (Bearing::Supports, None);
    }
    if functional {
        match disjoint_values(kinds, stated, claim) {
            Disjoint::Yes => return (Bearing::Refutes, None),
            Disjoint::OtherDates => return silent(true),
            Disjoint::No => {}
        }
    }
    silent(false)
}

/// Whether two value lists of a functional relation cannot both be true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disjoint {
    Yes,
    No,
    /// Some number is disjoint, but the dates do not all overlap.
    OtherDates,
}

/// The functional rule: with number slots, some number disjoint while every
/// date overlaps; without, some value disjoint.
pub fn disjoint_values(kinds: &[ValueKind], a: &[Interval], b: &[Interval]) -> Disjoint {
    let has_numbers = kinds.contains(&ValueKind::Number);
    let slots = || kinds.iter().zip(a.iter().zip(b));
    if !has_numbers {
        return if slots().any(|(_, (x, y))| x.disjoint(y)) {
            Disjoint::Yes
        } else {
            Disjoint::No
        };
    }
    let numbers_apart = slots().any(|(k, (x, y))| *k == ValueKind::Number && x.disjoint(y));
    if !numbers_apart {
        Disjoint::No
    } else if slots().all(|(k, (x, y))| *k != ValueKind::Date || x.overlaps(y)) {
        Disjoint::Yes
    } else {
        Disjoint::OtherDates
    }
}

pub struct Evaluator<'m> {
    model: &'m Model,
    as_of: Option<Interval>,
}

impl<'m> Evaluator<'m> {
    pub fn new(model: &'m Model, as_of: Option<Interval>) -> Evaluator<'m> {
        Evaluator { model, as_of }
    }

    pub fn eval(&self, claim: &Claim) -> Outcome {
        self.go(claim, &mut Vec::new(), &[])
    }

    fn counts(&self, fact: &Fact) -> bool {
        match (&self.as_of, &fact.as_of) {
            (Some(want), Some(has)) => want.overlaps(&has.interval),
            _ => true,
        }
    }

    fn resolve(term: &Term, env: &[EntityId], params: &[KeyArg]) -> KeyArg {
        match term {
            Term::Entity(e) => KeyArg::Entity(*e),
            Term::Text { norm, .. } => KeyArg::Text(norm.clone()),
            Term::Var(i) => KeyArg::Entity(env[*i as usize]),
            Term::Param(i) => params[*i as usize].clone(),
        }
    }

    /// The key and value intervals of a relation atom, variables bound.
    pub fn key_of(
        &self,
        rel: RelId,
        args: &[Arg],
        env: &[EntityId],
        params: &[KeyArg],
    ) -> (Key, Vec<Interval>) {
        let mut key_args = Vec::new();
        let mut values = Vec::new();
        for a in args {
            match a {
                Arg::Key(t) => key_args.push(Self::resolve(t, env, params)),
                Arg::Value(v) => values.push(v.as_ref().map_or(Interval::ALL, |v| v.interval)),
            }
        }
        canonical(&self.model.relations[rel as usize], &mut key_args);
        (
            Key {
                relation: rel,
                args: key_args.into(),
            },
            values,
        )
    }

    /// Every fact with a bearing on the atom: one classification per fact
    /// of its key (`classify`), then the `only` facts that leave it out
    /// (docs/language.md §14).
    pub fn atom_evidence(&self, key: &Key, claim: &[Interval]) -> Vec<AtomEvidence> {
        let rel = &self.model.relations[key.relation as usize];
        let kinds: Vec<ValueKind> = self
            .model
            .value_slots(key.relation)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        let mut out = Vec::new();
        let mut stated: Vec<Interval> = Vec::with_capacity(claim.len());
        for row in self.model.rows(key) {
            let row = &row;
            let fact = &self.model.facts[row.fact as usize];
            let (bearing, silence) = if !self.counts(fact) {
                (Bearing::FilteredOut, None)
            } else {
                let (tuple, negated) = self.model.tuple(*row);
                stated.clear();
                stated.extend(
                    tuple
                        .values
                        .iter()
                        .map(|v| v.as_ref().map_or(Interval::ALL, |v| v.interval)),
                );
                classify(&kinds, rel.functional, negated, &stated, claim)
            };
            let tuple = matches!(fact.body, FactBody::Only(_)).then_some(row.tuple);
            out.push(AtomEvidence {
                fact: row.fact,
                tuple,
                bearing,
                silence,
            });
        }
        for &fid in self
            .model
            .closed_worlds
            .get(&key.relation)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let fact = &self.model.facts[fid as usize];
            let FactBody::Only(only) = &fact.body else {
                continue;
            };
            let (members, listed_keys) = (&only.members, &only.listed_keys);
            let inside = key.args.iter().all(|a| match a {
                KeyArg::Entity(e) => members.contains(e),
                KeyArg::Text(_) => true,
            });
            if inside && !listed_keys.contains(key) {
                let bearing = if self.counts(fact) {
                    Bearing::Refutes
                } else {
                    Bearing::FilteredOut
                };
                out.push(AtomEvidence {
                    fact: fid,
                    tuple: None,
                    bearing,
                    silence: None,
                });
            }
        }
        out
    }

    fn atom(&self, rel: RelId, args: &[Arg], env: &[EntityId], params: &[KeyArg]) -> Outcome {
        let (key, claim) = self.key_of(rel, args, env, params);
        let mut o = Outcome::default();
        for e in self.atom_evidence(&key, &claim) {
            match e.bearing {
                Bearing::Supports => o.support.push(e.fact),
                Bearing::Refutes => o.refute.push(e.fact),
                Bearing::Silent | Bearing::FilteredOut => {}
            }
        }
        o.support.sort_unstable();
        o.support.dedup();
        o.refute.sort_unstable();
        o.refute.dedup();
        o.bits = Bits {
            told_true: !o.support.is_empty(),
            told_false: !o.refute.is_empty(),
        };
        o
    }

    /// The arguments a definition atom passes to the definition's body.
    pub fn def_args(args: &[Arg], env: &[EntityId], params: &[KeyArg]) -> Vec<KeyArg> {
        args.iter()
            .filter_map(|a| match a {
                Arg::Key(t) => Some(Self::resolve(t, env, params)),
                Arg::Value(_) => None,
            })
            .collect()
    }

    fn go(&self, claim: &Claim, env: &mut Vec<EntityId>, params: &[KeyArg]) -> Outcome {
        match claim {
            Claim::Atom(a) => match a.target {
                Target::Relation(r) => self.atom(r, &a.args, env, params),
                Target::Definition(d) => {
                    let inner = Self::def_args(&a.args, env, params);
                    match &self.model.definitions[d as usize].body {
                        Some(body) => self.go(body, &mut Vec::new(), &inner),
                        None => Outcome::default(),
                    }
                }
            },
            Claim::Not(c) => !self.go(c, env, params),
            Claim::And(all) => all.iter().fold(Outcome::identity(Bits::TRUE), |acc, c| {
                acc.and(self.go(c, env, params))
            }),
            Claim::Or(all) => all.iter().fold(Outcome::identity(Bits::FALSE), |acc, c| {
                acc.or(self.go(c, env, params))
            }),
            Claim::Quant {
                quantifier,
                vars,
                group,
                body,
                ..
            } => {
                let members = &self.model.groups[*group as usize].members;
                let every = *quantifier == Quantifier::Every;
                let mut acc = Outcome::identity(if every { Bits::TRUE } else { Bits::FALSE });
                let base = env.len();
                self.bindings(members, vars.len(), env, base, &mut |env| {
                    let o = self.go(body, env, params);
                    let prev = std::mem::take(&mut acc);
                    acc = if every { prev.and(o) } else { prev.or(o) };
                });
                if *quantifier == Quantifier::No {
                    !acc
                } else {
                    acc
                }
            }
        }
    }

    /// Calls `f` with each binding of `k` distinct members pushed on `env`.
    pub fn bindings(
        &self,
        members: &[EntityId],
        k: usize,
        env: &mut Vec<EntityId>,
        base: usize,
        f: &mut dyn FnMut(&mut Vec<EntityId>),
    ) {
        if env.len() == base + k {
            f(env);
            return;
        }
        for &m in members {
            if env[base..].contains(&m) {
                continue;
            }
            env.push(m);
            self.bindings(members, k, env, base, f);
            env.pop();
        }
    }
}

/// The result of one assertion.
#[derive(Clone, Debug)]
pub struct Checked {
    pub assertion: usize,
    pub outcome: Outcome,
    /// `None` for `check:` lines, which never pass or fail.
    pub passed: Option<bool>,
}

/// Evaluates every assertion of the model, in file and line order, on every
/// core (rayon; `RAYON_NUM_THREADS=1` for one): each assertion is evaluated
/// alone, so the results are the same however many threads run.
pub fn check(model: &Model) -> Vec<Checked> {
    use rayon::prelude::*;
    let mut out: Vec<Checked> = model
        .assertions
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let outcome =
                Evaluator::new(model, a.as_of.as_ref().map(|v| v.interval)).eval(&a.claim);
            let passed = match a.expectation {
                Expectation::Verdict(v) => Some(outcome.verdict() == v),
                Expectation::Check => None,
            };
            Checked {
                assertion: i,
                outcome,
                passed,
            }
        })
        .collect();
    out.sort_by_key(|c| {
        let a = &model.assertions[c.assertion];
        (a.file, a.line)
    });
    out
}
