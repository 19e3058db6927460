//! The analyzer's relations, templates and definitions; definition cycles
//! and the cost (bindings, work) of a claim.

use std::collections::{BTreeSet, HashMap};

use super::claims::{Context, DefHead, Lexicon, Reader, TemplateIndex};
use super::{Analyzer, Rules};
use crate::diag::{nearest, Diagnostic, ErrorKind, FileId, Loc, Span};
use crate::model::*;
use crate::syntax::ast::{self, StatementKind};
use crate::syntax::lexer::Token;
use crate::value::{self, ValueKind};

impl Analyzer {
    // -- Relations -------------------------------------------------------------

    /// The slot type a template writes, checking the kind exists.
    pub(super) fn slot_type(&mut self, file: FileId, kind: &Option<ast::Name>) -> Option<SlotType> {
        let Some(k) = kind else {
            return Some(SlotType::Entity(None));
        };
        let w = k.key();
        match w.as_str() {
            "number" => Some(SlotType::Value(ValueKind::Number)),
            "date" => Some(SlotType::Value(ValueKind::Date)),
            "text" => Some(SlotType::Text),
            _ if self.kinds.contains(&w) => Some(SlotType::Entity(Some(w))),
            _ => {
                let known: Vec<&str> = ["number", "date", "text"]
                    .into_iter()
                    .chain(self.kinds.iter().map(String::as_str))
                    .collect();
                let suggestions = nearest(&k.text, known);
                if self.broken_entities {
                    // The entity that uses this kind may be in the file that failed.
                    return None;
                }
                self.error(
                    file,
                    k.span,
                    ErrorKind::UnknownKind {
                        kind: k.text.clone(),
                        suggestions,
                    },
                );
                None
            }
        }
    }

    /// Compiles templates that share one slot list. `values_optional`: number
    /// and date slots may be left out of a template.
    pub(super) fn compile_templates(
        &mut self,
        file: FileId,
        templates: &[ast::Template],
    ) -> Option<(Vec<Slot>, Vec<Template>, Vec<Span>)> {
        let mut slots: Vec<Slot> = Vec::new();
        let mut slot_spans: Vec<Span> = Vec::new();
        let mut ok = true;
        // Slot types: an untyped mention takes the kind written elsewhere.
        let mut written: HashMap<String, (Option<ast::Name>, Span)> = HashMap::new();
        for t in templates {
            for p in &t.parts {
                if let ast::Part::Slot { name, kind, span } = p {
                    let key = name.to_lowercase();
                    match (written.get(&key), kind) {
                        (Some((Some(k1), _)), Some(k2)) if k1.key() != k2.key() => {
                            self.error(file, k2.span, ErrorKind::BadTemplate {
                                message: format!("slot {{{name}}} has kind `{}` here but `{}` in another template", k2.text, k1.text),
                            });
                            ok = false;
                        }
                        (Some((Some(_), _)), _) => {}
                        _ => {
                            written.insert(key, (kind.clone(), *span));
                        }
                    }
                }
            }
        }
        let mut compiled = Vec::new();
        for t in templates {
            let mut parts = Vec::new();
            let mut here: Vec<usize> = Vec::new();
            for p in &t.parts {
                match p {
                    ast::Part::Literal {
                        forms, optional, ..
                    } => parts.push(TemplatePart::Literal {
                        forms: forms.clone(),
                        optional: *optional,
                    }),
                    ast::Part::Slot { name, span, .. } => {
                        let key = name.to_lowercase();
                        let idx = match slots.iter().position(|s| s.name.to_lowercase() == key) {
                            Some(i) => i,
                            None => {
                                let (kind, _) = written[&key].clone();
                                let ty = match self.slot_type(file, &kind) {
                                    Some(ty) => ty,
                                    None => {
                                        ok = false;
                                        SlotType::Entity(None)
                                    }
                                };
                                slots.push(Slot {
                                    name: name.clone(),
                                    ty,
                                });
                                slot_spans.push(*span);
                                slots.len() - 1
                            }
                        };
                        if here.contains(&idx) {
                            self.error(
                                file,
                                *span,
                                ErrorKind::BadTemplate {
                                    message: format!(
                                        "slot {{{name}}} appears twice in one template"
                                    ),
                                },
                            );
                            ok = false;
                        }
                        here.push(idx);
                        parts.push(TemplatePart::Slot(idx));
                    }
                }
            }
            compiled.push((
                Template {
                    parts,
                    text: t.text.clone(),
                },
                here,
                t.span,
            ));
        }
        ok &= self.check_words_after_numbers(file, templates, &compiled, &slots);
        for (t, here, span) in &compiled {
            for (i, s) in slots.iter().enumerate() {
                if s.ty.is_key() && !here.contains(&i) {
                    self.error(file, *span, ErrorKind::BadTemplate {
                        message: format!("template `{}` leaves out slot {{{}}}; only number and date slots may be left out", t.text, s.name),
                    });
                    ok = false;
                }
            }
        }
        ok.then(|| {
            (
                slots,
                compiled.into_iter().map(|c| c.0).collect(),
                slot_spans,
            )
        })
    }

    /// A number keeps a multiplier or unit word that follows it, so a
    /// template may not put one (nor a choice or optional text that could
    /// begin so) right after a number slot.
    pub(super) fn check_words_after_numbers(
        &mut self,
        file: FileId,
        templates: &[ast::Template],
        compiled: &[(Template, Vec<usize>, Span)],
        slots: &[Slot],
    ) -> bool {
        let mut ok = true;
        for (t, (c, _, _)) in templates.iter().zip(compiled) {
            for (pi, part) in c.parts.iter().enumerate() {
                let TemplatePart::Slot(si) = part else {
                    continue;
                };
                if slots.get(*si).map(|s| &s.ty) != Some(&SlotType::Value(ValueKind::Number)) {
                    continue;
                }
                let following = c.parts[pi + 1..].iter().zip(&t.parts[pi + 1..]);
                for (k, (next, ast_part)) in following.enumerate() {
                    let (
                        TemplatePart::Literal { forms, optional },
                        ast::Part::Literal { span, .. },
                    ) = (next, ast_part)
                    else {
                        break;
                    };
                    let cent_after = matches!(
                        c.parts.get(pi + 2 + k),
                        Some(TemplatePart::Literal { forms, .. }) if forms.contains("cent")
                    );
                    // A word's first spellings are enough to see a unit word.
                    let word = forms.sample(64).into_iter().find(|f| {
                        value::belongs_to_number(f, None) || (f.as_str() == "per" && cent_after)
                    });
                    if let Some(word) = word {
                        let word = if word == "per" {
                            "per cent"
                        } else {
                            word.as_str()
                        };
                        self.error(
                            file,
                            *span,
                            ErrorKind::BadTemplate {
                                message: format!(
                                    "`{word}` cannot follow a number slot: a number keeps the multiplier or unit word after it, so claims write it in the value (`3.4 percent`, `$27 trillion`); leave `{word}` out of the template, and the slot takes `3.4%`, `3.4 percent` and `27 trillion dollars` alike"
                                ),
                            },
                        );
                        ok = false;
                        break;
                    }
                    if !optional {
                        break;
                    }
                }
            }
        }
        ok
    }

    pub(super) fn relations(&mut self, rules: &[Rules]) {
        let mut signatures: HashMap<RelId, (bool, bool, BTreeSet<String>)> = HashMap::new();
        for r in rules {
            for s in &r.ast.statements {
                let StatementKind::Relation(decl) = &s.kind else {
                    continue;
                };
                let Some((slots, templates, _)) = self.compile_templates(r.file, &decl.templates)
                else {
                    self.broken_relations = true;
                    continue;
                };
                let sig = (
                    decl.symmetric,
                    decl.functional,
                    decl.templates
                        .iter()
                        .map(|t| t.text.to_lowercase())
                        .collect::<BTreeSet<_>>(),
                );
                let key = decl.name.key();
                if let Some(&id) = self.relation_index.get(&key) {
                    if signatures[&id] != sig {
                        self.error(
                            r.file,
                            decl.name.span,
                            ErrorKind::Duplicate {
                                what: "relation",
                                name: decl.name.text.clone(),
                                first: Some(self.model.relations[id as usize].loc),
                            },
                        );
                    }
                    continue;
                }
                if decl.symmetric {
                    let entity_slots: Vec<&Slot> = slots
                        .iter()
                        .filter(|s| matches!(s.ty, SlotType::Entity(_)))
                        .collect();
                    if entity_slots.len() != 2 || entity_slots[0].ty != entity_slots[1].ty {
                        self.error(r.file, decl.name.span, ErrorKind::BadTemplate {
                            message: format!("symmetric relation `{}` needs exactly two entity slots of one kind", decl.name.text),
                        });
                        self.broken_relations = true;
                        continue;
                    }
                }
                let id = self.model.relations.len() as RelId;
                signatures.insert(id, sig);
                if key == decl.name.text.to_lowercase() {
                    self.relation_exact.insert(decl.name.text.clone(), id);
                }
                self.relation_index.insert(key, id);
                self.model.relations.push(Relation {
                    name: decl.name.text.clone(),
                    symmetric: decl.symmetric,
                    functional: decl.functional,
                    slots,
                    templates,
                    loc: Loc {
                        file: r.file,
                        span: decl.name.span,
                    },
                });
            }
        }
    }

    pub(super) fn lexicon(&self) -> Lexicon<'_> {
        Lexicon {
            index: &self.template_index,
            entities: &self.model.entities,
            groups: &self.model.groups,
            relations: &self.model.relations,
            definitions: &self.def_heads,
            names: &self.names,
            group_index: &self.group_index,
            limits: &self.model.limits,
        }
    }

    // -- Definitions -------------------------------------------------------------

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
