//! The analyzer's relations: slot types, templates (compiled, checked), and
//! the lexicon claims are read with.

use std::collections::{BTreeSet, HashMap};

use super::claims::Lexicon;
use super::{Analyzer, Rules};
use crate::diag::{nearest, ErrorKind, FileId, Loc, Span};
use crate::model::*;
use crate::syntax::ast::{self, StatementKind};
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
}
