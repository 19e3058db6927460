//! The shape of an assertion: its claim with definitions inlined and every
//! constant (entity, text, value, group) replaced by a numbered parameter.
//! Assertions of one shape share one SQL pipeline, and their constants are
//! rows of the exported `assertions` table; so a million assertions written
//! from a few sentence forms compile to a few CTEs, not a million.

use std::collections::HashMap;

use crate::model::{Arg, Assertion, Claim, EntityId, GroupId, KeyArg, Model, Quantifier, Target};
use crate::syntax::ast::Expectation;
use crate::value::Interval;

/// What fills a key slot of an atom in a shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Term {
    /// Entity parameter `e{n}`.
    Entity(usize),
    /// Text parameter `t{n}` (lower-cased, whitespace folded).
    Text(usize),
    /// A quantifier's variable `v{n}`.
    Var(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A relation atom: key terms in key order, value parameters `v{n}` in
    /// value-slot order.
    Atom {
        relation: u32,
        keys: Vec<Term>,
        values: Vec<usize>,
        /// The atom as first written (for comments; not part of the shape's
        /// identity, see `Shape::key`).
        text: String,
    },
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Quant {
        quantifier: Quantifier,
        /// Variable numbers, in order.
        vars: Vec<usize>,
        names: Vec<String>,
        /// Group parameter `g{n}`.
        group: usize,
        body: Box<Node>,
    },
}

/// A variable: which quantifier binds it (its number among the shape's
/// quantifiers) and the group parameter it ranges over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarInfo {
    pub quant: usize,
    pub group: usize,
    pub name: String,
}

/// The constants of one assertion, in parameter order.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pub entities: Vec<EntityId>,
    pub texts: Vec<String>,
    pub values: Vec<Interval>,
    pub groups: Vec<GroupId>,
}

#[derive(Clone, Debug)]
pub struct Shape {
    pub root: Node,
    pub vars: Vec<VarInfo>,
    pub counts: Counts,
}

/// How many parameters of each kind a shape has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    pub entities: usize,
    pub texts: usize,
    pub values: usize,
    pub groups: usize,
}

impl Counts {
    pub fn max(self, o: Counts) -> Counts {
        Counts {
            entities: self.entities.max(o.entities),
            texts: self.texts.max(o.texts),
            values: self.values.max(o.values),
            groups: self.groups.max(o.groups),
        }
    }
}

impl Shape {
    /// The shape's identity: the tree without atom texts and variable names.
    pub fn key(&self) -> String {
        fn go(n: &Node, out: &mut String) {
            match n {
                Node::Atom {
                    relation,
                    keys,
                    values,
                    ..
                } => out.push_str(&format!("A{relation}{keys:?}{values:?}")),
                Node::Not(c) => {
                    out.push_str("N(");
                    go(c, out);
                    out.push(')');
                }
                Node::And(cs) | Node::Or(cs) => {
                    out.push_str(if matches!(n, Node::And(_)) {
                        "&("
                    } else {
                        "|("
                    });
                    for c in cs {
                        go(c, out);
                        out.push(',');
                    }
                    out.push(')');
                }
                Node::Quant {
                    quantifier,
                    vars,
                    group,
                    body,
                    ..
                } => {
                    out.push_str(&format!("Q{quantifier:?}{vars:?}g{group}("));
                    go(body, out);
                    out.push(')');
                }
            }
        }
        let mut s = String::new();
        go(&self.root, &mut s);
        s
    }
}

/// Why an assertion cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub reason: String,
}

/// What a definition's slot stands for inside its inlined body.
#[derive(Clone)]
enum Bound {
    Term(Term),
}

struct Builder<'m> {
    model: &'m Model,
    params: Params,
    vars: Vec<VarInfo>,
    quants: usize,
}

impl Builder<'_> {
    fn term(&mut self, arg: &KeyArg) -> Term {
        match arg {
            KeyArg::Entity(e) => {
                self.params.entities.push(*e);
                Term::Entity(self.params.entities.len())
            }
            KeyArg::Text(t) => {
                self.params.texts.push(t.to_string());
                Term::Text(self.params.texts.len())
            }
        }
    }

    /// `env`: the shape variable of each binding-stack slot; `args`: what
    /// each slot of the definition being inlined stands for.
    fn node(
        &mut self,
        claim: &Claim,
        env: &mut Vec<usize>,
        args: &[Bound],
    ) -> Result<Node, Unsupported> {
        let resolve = |b: &mut Builder, t: &crate::model::Term, env: &[usize]| -> Term {
            match t {
                crate::model::Term::Entity(e) => b.term(&KeyArg::Entity(*e)),
                crate::model::Term::Text { norm, .. } => {
                    b.term(&KeyArg::Text(norm.as_str().into()))
                }
                crate::model::Term::Var(i) => Term::Var(env[*i as usize]),
                crate::model::Term::Param(i) => match &args[*i as usize] {
                    Bound::Term(t) => t.clone(),
                },
            }
        };
        Ok(match claim {
            Claim::Atom(a) => match a.target {
                Target::Relation(r) => {
                    let mut keys = Vec::new();
                    let mut values = Vec::new();
                    for arg in &a.args {
                        match arg {
                            Arg::Key(t) => keys.push(resolve(self, t, env)),
                            Arg::Value(v) => {
                                self.params
                                    .values
                                    .push(v.as_ref().map_or(Interval::ALL, |v| v.interval));
                                values.push(self.params.values.len());
                            }
                        }
                    }
                    Node::Atom {
                        relation: r,
                        keys,
                        values,
                        text: a.text.clone(),
                    }
                }
                Target::Definition(d) => {
                    let def = &self.model.definitions[d as usize];
                    let Some(body) = &def.body else {
                        return Err(Unsupported {
                            reason: format!("the definition used by `{}` has no body", a.text),
                        });
                    };
                    let inner: Vec<Bound> = a
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            Arg::Key(t) => Some(Bound::Term(resolve(self, t, env))),
                            Arg::Value(_) => None,
                        })
                        .collect();
                    self.node(body, &mut Vec::new(), &inner)?
                }
            },
            Claim::Not(c) => Node::Not(Box::new(self.node(c, env, args)?)),
            Claim::And(cs) => Node::And(
                cs.iter()
                    .map(|c| self.node(c, env, args))
                    .collect::<Result<_, _>>()?,
            ),
            Claim::Or(cs) => Node::Or(
                cs.iter()
                    .map(|c| self.node(c, env, args))
                    .collect::<Result<_, _>>()?,
            ),
            Claim::Quant {
                quantifier,
                vars,
                group,
                body,
                ..
            } => {
                self.params.groups.push(*group);
                let g = self.params.groups.len();
                let q = self.quants;
                self.quants += 1;
                let base = env.len();
                let mut ids = Vec::new();
                for name in vars {
                    self.vars.push(VarInfo {
                        quant: q,
                        group: g,
                        name: name.clone(),
                    });
                    ids.push(self.vars.len());
                    env.push(self.vars.len());
                }
                let body = self.node(body, env, args);
                env.truncate(base);
                Node::Quant {
                    quantifier: *quantifier,
                    vars: ids,
                    names: vars.clone(),
                    group: g,
                    body: Box::new(body?),
                }
            }
        })
    }
}

/// The shape and constants of one assertion.
pub fn shape_of(model: &Model, a: &Assertion) -> Result<(Shape, Params), Unsupported> {
    let mut b = Builder {
        model,
        params: Params::default(),
        vars: Vec::new(),
        quants: 0,
    };
    let root = b.node(&a.claim, &mut Vec::new(), &[])?;
    let counts = Counts {
        entities: b.params.entities.len(),
        texts: b.params.texts.len(),
        values: b.params.values.len(),
        groups: b.params.groups.len(),
    };
    Ok((
        Shape {
            root,
            vars: b.vars,
            counts,
        },
        b.params,
    ))
}

/// Every assertion's shape number and constants, with the distinct shapes
/// in order of first use (assertions in file and line order).
pub struct Shapes {
    pub shapes: Vec<Shape>,
    /// Per assertion of the model (model order): shape number and constants.
    pub assertions: Vec<(usize, Params)>,
    /// Assertion indices in file and line order.
    pub order: Vec<usize>,
    pub counts: Counts,
}

/// The expectation as the `expected` column writes it (`None` for `check:`).
pub fn expected(a: &Assertion) -> Option<&'static str> {
    match a.expectation {
        Expectation::Verdict(v) => Some(v.name()),
        Expectation::Check => None,
    }
}

/// Shapes every assertion; the first assertion that cannot be compiled is
/// named with its reason.
pub fn shapes(model: &Model) -> Result<Shapes, (usize, Unsupported)> {
    let mut order: Vec<usize> = (0..model.assertions.len()).collect();
    order.sort_by_key(|&i| (model.assertions[i].file, model.assertions[i].line));
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut shapes = Vec::new();
    let mut assertions = vec![(0, Params::default()); model.assertions.len()];
    let mut counts = Counts::default();
    for &i in &order {
        let (shape, params) = shape_of(model, &model.assertions[i]).map_err(|e| (i, e))?;
        counts = counts.max(shape.counts);
        let n = *by_key.entry(shape.key()).or_insert_with(|| {
            shapes.push(shape);
            shapes.len() - 1
        });
        assertions[i] = (n, params);
    }
    Ok(Shapes {
        shapes,
        assertions,
        order,
        counts,
    })
}
