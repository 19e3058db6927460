//! Evaluation (docs/language.md §14): evidence for each atom from the fact index, then
//! Belnap–Dunn connectives and quantifiers, carrying the facts behind each
//! bit. Pure: reads the model, never changes it, never fails.
//!
//! The stage's parts: `evidence` (one atom's facts and their bearing),
//! `logic` (Belnap–Dunn bits and verdicts, pure), `explain` (the evidence
//! tree `explain` shows, built from this walk) and `conflicts` (facts that
//! refute each other).

pub mod conflicts;
mod evidence;
pub mod explain;
pub mod logic;

pub use evidence::{classify, disjoint_values, AtomEvidence, Bearing, Disjoint, Silence};

use crate::analyze::canonical;
use crate::model::*;
use crate::syntax::ast::Expectation;
use crate::value::Interval;
use logic::{Bits, Verdict};

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

    /// `A and B`: supported by the facts of both when both are told true;
    /// refuted by the facts of each side told false.
    pub fn and(self, o: Outcome) -> Outcome {
        let bits = self.bits.and(o.bits);
        Outcome {
            bits,
            support: kept(union(self.support, o.support), bits.told_true),
            refute: union(
                kept(self.refute, self.bits.told_false),
                kept(o.refute, o.bits.told_false),
            ),
        }
    }

    /// `A or B`: the dual of `and`.
    pub fn or(self, o: Outcome) -> Outcome {
        !(!self).and(!o)
    }
}

/// `facts` when `keep`, else none.
fn kept(facts: Vec<FactId>, keep: bool) -> Vec<FactId> {
    if keep {
        facts
    } else {
        Vec::new()
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

/// What the walk of a claim reports as it goes. `check` passes `NoTrace`
/// (compiled away); `explain` builds its tree from the same walk, so the two
/// can never disagree.
pub trait Trace {
    /// A node starts; the nodes closed before its own `close` are its children.
    fn open(&mut self) {}
    /// The node last opened ends, with its bits.
    fn close(&mut self, _step: Step<'_>, _bits: Bits) {}
}

/// A trace that keeps nothing.
pub struct NoTrace;

impl Trace for NoTrace {}

/// One node of the walk, as `Trace::close` sees it.
pub enum Step<'a> {
    /// An atom of a relation, with its bound key, the claim's value
    /// intervals and every fact with a bearing on it.
    Atom {
        atom: &'a Atom,
        key: &'a Key,
        claim: &'a [Interval],
        evidence: &'a [AtomEvidence],
    },
    /// An atom of a definition, with the arguments its body got.
    Definition {
        def: DefId,
        args: &'a [KeyArg],
    },
    Not,
    And,
    Or,
    /// A quantifier, after all its bindings.
    Quant {
        quantifier: Quantifier,
        vars: &'a [String],
        group: GroupId,
        bindings: usize,
    },
    /// One binding of a quantifier's variables.
    Binding {
        vars: &'a [String],
        members: &'a [EntityId],
    },
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
        self.go(claim, &mut Vec::new(), &[], &mut NoTrace)
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
            Term::Text { norm, .. } => KeyArg::Text(norm.as_str().into()),
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
        let mut key_args = KeyArgs::new();
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
                args: key_args,
            },
            values,
        )
    }

    fn atom<T: Trace>(
        &self,
        atom: &Atom,
        rel: RelId,
        env: &[EntityId],
        params: &[KeyArg],
        trace: &mut T,
    ) -> Outcome {
        let (key, claim) = self.key_of(rel, &atom.args, env, params);
        let mut o = Outcome::default();
        let evidence = self.atom_evidence(&key, &claim);
        for e in &evidence {
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
        trace.close(
            Step::Atom {
                atom,
                key: &key,
                claim: &claim,
                evidence: &evidence,
            },
            o.bits,
        );
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

    /// Evaluates `claim`, telling `trace` each node as it is evaluated: the
    /// one walk behind both `check` (with `NoTrace`) and `explain`.
    pub fn eval_traced<T: Trace>(&self, claim: &Claim, trace: &mut T) -> Outcome {
        self.go(claim, &mut Vec::new(), &[], trace)
    }

    fn go<T: Trace>(
        &self,
        claim: &Claim,
        env: &mut Vec<EntityId>,
        params: &[KeyArg],
        trace: &mut T,
    ) -> Outcome {
        trace.open();
        match claim {
            Claim::Atom(a) => match a.target {
                Target::Relation(r) => self.atom(a, r, env, params, trace),
                Target::Definition(d) => {
                    let inner = Self::def_args(&a.args, env, params);
                    let o = match &self.model.definitions[d as usize].body {
                        Some(body) => self.go(body, &mut Vec::new(), &inner, trace),
                        None => Outcome::default(),
                    };
                    trace.close(
                        Step::Definition {
                            def: d,
                            args: &inner,
                        },
                        o.bits,
                    );
                    o
                }
            },
            Claim::Not(c) => {
                let o = !self.go(c, env, params, trace);
                trace.close(Step::Not, o.bits);
                o
            }
            Claim::And(all) => {
                let o = all.iter().fold(Outcome::identity(Bits::TRUE), |acc, c| {
                    acc.and(self.go(c, env, params, trace))
                });
                trace.close(Step::And, o.bits);
                o
            }
            Claim::Or(all) => {
                let o = all.iter().fold(Outcome::identity(Bits::FALSE), |acc, c| {
                    acc.or(self.go(c, env, params, trace))
                });
                trace.close(Step::Or, o.bits);
                o
            }
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
                let mut count = 0;
                self.bindings(members, vars.len(), env, base, &mut |env| {
                    trace.open();
                    let o = self.go(body, env, params, trace);
                    trace.close(
                        Step::Binding {
                            vars,
                            members: &env[base..],
                        },
                        o.bits,
                    );
                    count += 1;
                    let prev = std::mem::take(&mut acc);
                    acc = if every { prev.and(o) } else { prev.or(o) };
                });
                let o = if *quantifier == Quantifier::No {
                    !acc
                } else {
                    acc
                };
                trace.close(
                    Step::Quant {
                        quantifier: *quantifier,
                        vars,
                        group: *group,
                        bindings: count,
                    },
                    o.bits,
                );
                o
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
