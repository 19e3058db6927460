//! The analyzer's definitions (bodies read once every template is known),
//! definition cycles and depth, and the cost (bindings, work) of a claim.

use std::collections::HashMap;

use super::claims::{Context, DefHead, Reader, TemplateIndex};
use super::{Analyzer, Rules};
use crate::diag::{Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::model::*;
use crate::syntax::ast::StatementKind;
use crate::syntax::lexer::Token;

impl Analyzer {
    pub(super) fn definitions(&mut self, rules: &[Rules]) {
        struct Pending<'r> {
            file: FileId,
            src: &'r str,
            body: &'r [Token],
            span: Span,
            name: String,
        }
        let mut pending: Vec<Pending> = Vec::new();
        let mut bodies: HashMap<String, (usize, String, Loc)> = HashMap::new();
        for r in rules {
            for s in &r.ast.statements {
                let StatementKind::Define(d) = &s.kind else {
                    continue;
                };
                let Some((slots, mut templates, spans)) =
                    self.compile_templates(r.file, std::slice::from_ref(&d.template))
                else {
                    self.broken_relations = true;
                    continue;
                };
                let mut ok = true;
                for (s, span) in slots.iter().zip(&spans) {
                    if let SlotType::Value(_) = s.ty {
                        self.error(
                            r.file,
                            *span,
                            ErrorKind::BadTemplate {
                                message: format!(
                                    "a definition's slots are entity or text slots; {{{}}} is a {}",
                                    s.name,
                                    s.ty.describe()
                                ),
                            },
                        );
                        ok = false;
                    }
                }
                if !ok {
                    self.broken_relations = true;
                    continue;
                }
                let key = d.template.text.to_lowercase();
                let body_text = crate::syntax::parser::tokens_text(r.text, &d.body).to_lowercase();
                if let Some((_, prev, first)) = bodies.get(&key) {
                    if *prev != body_text {
                        self.error(
                            r.file,
                            d.template.span,
                            ErrorKind::Duplicate {
                                what: "definition",
                                name: d.template.text.clone(),
                                first: Some(*first),
                            },
                        );
                    }
                    continue;
                }
                let first = Loc {
                    file: r.file,
                    span: d.template.span,
                };
                bodies.insert(key, (self.def_heads.len(), body_text, first));
                self.def_heads.push(DefHead {
                    slots,
                    template: templates.remove(0),
                });
                pending.push(Pending {
                    file: r.file,
                    src: r.text,
                    body: &d.body,
                    span: d.template.span,
                    name: d.template.text.clone(),
                });
            }
        }
        // Read the bodies now that every template is known.
        self.template_index = TemplateIndex::build(&self.model.relations, &self.def_heads);
        let mut read: Vec<Option<Claim>> = Vec::new();
        let mut uses: Vec<Vec<u32>> = Vec::new();
        let mut inferred: Vec<Vec<Option<SlotType>>> = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            let lex = self.lexicon();
            let slots = self.def_heads[i].slots.clone();
            let mut reader = Reader::new(&lex, p.file, p.src, p.body, Context::Definition, &slots);
            reader.quiet_unknown_relation = self.broken_relations;
            let claim = reader.read_all().ok();
            // A bare slot takes the type of its uses: an entity kind, or text.
            let mut kinds: Vec<Option<SlotType>> = slots
                .iter()
                .map(|s| (s.ty != SlotType::Entity(None)).then(|| s.ty.clone()))
                .collect();
            let mut errs = std::mem::take(&mut reader.errors);
            for (param, used, span) in &reader.param_uses {
                let merged = match (&kinds[*param], used) {
                    (None, u) => Some(u.clone()),
                    (Some(h), u) if h == u => Some(h.clone()),
                    (Some(SlotType::Entity(None)), SlotType::Entity(k)) => {
                        Some(SlotType::Entity(k.clone()))
                    }
                    (Some(SlotType::Entity(k)), SlotType::Entity(None)) => {
                        Some(SlotType::Entity(k.clone()))
                    }
                    _ => None,
                };
                match merged {
                    Some(t) => kinds[*param] = Some(t),
                    None => errs.push(Diagnostic::new(
                        p.file,
                        *span,
                        ErrorKind::BadTemplate {
                            message: format!(
                                "slot {{{}}} is used both as {} and as {}; give it one kind",
                                slots[*param].name,
                                kinds[*param]
                                    .as_ref()
                                    .map_or("entity".into(), SlotType::describe),
                                used.describe()
                            ),
                        },
                    )),
                }
            }
            uses.push(std::mem::take(&mut reader.uses));
            self.errors.extend(errs);
            read.push(claim);
            inferred.push(kinds);
        }
        for (i, kinds) in inferred.into_iter().enumerate() {
            for (s, k) in self.def_heads[i].slots.iter_mut().zip(kinds) {
                s.ty = k.unwrap_or(SlotType::Entity(None));
            }
        }
        // Cycles and depth.
        let n = pending.len();
        let mut depth: Vec<Option<usize>> = vec![None; n];
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        /// Why a walk stopped: a cycle (the definitions on it), or a chain
        /// deeper than the limit (checked before going deeper, so a long
        /// chain never recurses past the limit).
        enum Stop {
            Cycle(Vec<usize>),
            Deep,
        }
        fn visit(
            i: usize,
            uses: &[Vec<u32>],
            state: &mut [u8],
            depth: &mut [Option<usize>],
            stack: &mut Vec<usize>,
            limit: usize,
        ) -> Result<usize, Stop> {
            if state[i] == 2 {
                return Ok(depth[i].unwrap_or(0));
            }
            if state[i] == 1 {
                let from = stack.iter().position(|&x| x == i).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(i);
                return Err(Stop::Cycle(cycle));
            }
            if stack.len() > limit {
                return Err(Stop::Deep);
            }
            state[i] = 1;
            stack.push(i);
            let mut d = 0;
            let mut deps: Vec<u32> = uses[i].clone();
            deps.sort();
            deps.dedup();
            for u in deps {
                match visit(u as usize, uses, state, depth, stack, limit) {
                    Ok(e) => d = d.max(1 + e),
                    Err(Stop::Deep) => {
                        // Unsettled: walked again from its own start, where
                        // its own depth is measured.
                        stack.pop();
                        state[i] = 0;
                        return Err(Stop::Deep);
                    }
                    Err(cycle) => return Err(cycle),
                }
            }
            stack.pop();
            state[i] = 2;
            depth[i] = Some(d);
            Ok(d)
        }
        let limit = self.model.limits.definition_depth;
        for i in 0..n {
            let mut stack = Vec::new();
            match visit(i, &uses, &mut state, &mut depth, &mut stack, limit) {
                Ok(d) if d <= limit => {}
                Ok(_) | Err(Stop::Deep) => {
                    self.error(
                        pending[i].file,
                        pending[i].span,
                        ErrorKind::DefinitionTooDeep {
                            name: pending[i].name.clone(),
                            limit,
                        },
                    );
                    read[i] = None;
                }
                Err(Stop::Cycle(cycle)) => {
                    let names = cycle.iter().map(|&c| pending[c].name.clone()).collect();
                    let first = cycle[0];
                    self.error(
                        pending[first].file,
                        pending[first].span,
                        ErrorKind::DefinitionCycle { cycle: names },
                    );
                    for c in cycle {
                        read[c] = None;
                    }
                    // Every definition on the way is settled, so each cycle is
                    // reported once and no later walk mistakes them for one.
                    for st in state.iter_mut().filter(|st| **st == 1) {
                        *st = 2;
                    }
                }
            }
        }
        for (i, claim) in read.into_iter().enumerate() {
            let head = &self.def_heads[i];
            self.model.definitions.push(Definition {
                slots: head.slots.clone(),
                template: head.template.clone(),
                // A body that failed to read was reported; the run stops there.
                body: claim,
                loc: Loc {
                    file: pending[i].file,
                    span: pending[i].span,
                },
            });
        }
        // Quantifiers in a body count where the definition is used, and in
        // the body itself when it uses other definitions.
        for i in 0..self.model.definitions.len() {
            let def = &self.model.definitions[i];
            if let Some(kind) = def
                .body
                .as_ref()
                .and_then(|b| too_many_bindings(&self.model, b, &mut self.binding_memo))
            {
                let loc = def.loc;
                self.error(loc.file, loc.span, kind);
            }
        }
    }
}

/// What evaluating `claim` costs: the quantifier bindings it ranges over
/// (nested quantifiers multiply) and the atom evaluations it does (each atom
/// once per binding of the quantifiers around it). An atom of a definition
/// costs its body's (memoized in `memo`). Saturates instead of overflowing.
pub fn cost(model: &Model, claim: &Claim, memo: &mut HashMap<DefId, (u128, u128)>) -> (u128, u128) {
    match claim {
        Claim::Atom(a) => match a.target {
            Target::Relation(_) => (1, 1),
            Target::Definition(d) => {
                if let Some(&n) = memo.get(&d) {
                    return n;
                }
                let n = match &model.definitions[d as usize].body {
                    Some(body) => cost(model, body, memo),
                    None => (1, 1),
                };
                memo.insert(d, n);
                n
            }
        },
        Claim::Not(c) => cost(model, c, memo),
        Claim::And(all) | Claim::Or(all) => {
            let (mut bindings, mut work) = (1u128, 0u128);
            for c in all {
                let (b, w) = cost(model, c, memo);
                bindings = bindings.max(b);
                work = work.saturating_add(w);
            }
            (bindings, work)
        }
        Claim::Quant {
            vars, group, body, ..
        } => {
            let n = model.groups[*group as usize].members.len() as u128;
            let count: u128 = (0..vars.len() as u128)
                .map(|x| n.saturating_sub(x))
                .product();
            let (b, w) = cost(model, body, memo);
            (count.max(1).saturating_mul(b), count.saturating_mul(w))
        }
    }
}

/// The error for a claim that ranges over too many bindings or evaluates
/// too many atoms, if it does.
pub(super) fn too_many_bindings(
    model: &Model,
    claim: &Claim,
    memo: &mut HashMap<DefId, (u128, u128)>,
) -> Option<ErrorKind> {
    let (bindings, work) = cost(model, claim, memo);
    let limits = &model.limits;
    if bindings > limits.bindings {
        return Some(ErrorKind::TooManyBindings {
            count: bindings,
            limit: limits.bindings,
        });
    }
    (work > limits.work).then(|| ErrorKind::LimitExceeded {
        what: "atom evaluations of this claim (each atom once per binding of the quantifiers around it, definitions included)".into(),
        count: work,
        limit: limits.work,
        flag: "--max-work",
    })
}
