//! `explain`: the evidence tree of one claim — each connective, quantifier
//! binding and definition with its verdict, and under each atom every fact of
//! its key with why it supports, refutes, says nothing, or was left out.

use std::fmt::Write;

use crate::eval::{Bearing, Evaluator, Silence};
use crate::logic::{Bits, Verdict};
use crate::model::*;
use crate::value::{Interval, ValueKind};

/// One fact under an atom, and why it bears on it as it does.
pub struct FactLine {
    pub fact: FactId,
    pub bearing: Bearing,
    pub why: String,
}

/// A node of the tree: a claim (or binding) with its verdict.
pub struct Node {
    pub text: String,
    pub bits: Bits,
    pub facts: Vec<FactLine>,
    pub children: Vec<Node>,
}

pub struct Explainer<'m> {
    model: &'m Model,
    eval: Evaluator<'m>,
    as_of: Option<Value>,
}

impl<'m> Explainer<'m> {
    pub fn new(model: &'m Model, as_of: Option<Value>) -> Explainer<'m> {
        Explainer {
            model,
            eval: Evaluator::new(model, as_of.as_ref().map(|v| v.interval)),
            as_of,
        }
    }

    pub fn explain(&self, claim: &Claim, text: &str) -> Node {
        let mut n = self.go(claim, &mut Vec::new(), &[]);
        n.text = text.to_string();
        n
    }

    fn entity(&self, e: EntityId) -> &str {
        &self.model.entities[e as usize].name
    }

    fn go(&self, claim: &Claim, env: &mut Vec<EntityId>, params: &[KeyArg]) -> Node {
        match claim {
            Claim::Atom(a) => match a.target {
                Target::Relation(r) => self.atom(r, &a.args, &a.text, env, params),
                Target::Definition(d) => {
                    let def = &self.model.definitions[d as usize];
                    let inner = Evaluator::def_args(&a.args, env, params);
                    let text = self.fill_definition(def, &inner);
                    match &def.body {
                        Some(body) => {
                            let child = self.go(body, &mut Vec::new(), &inner);
                            Node {
                                text,
                                bits: child.bits,
                                facts: Vec::new(),
                                children: vec![child],
                            }
                        }
                        None => Node {
                            text,
                            bits: Bits::default(),
                            facts: Vec::new(),
                            children: Vec::new(),
                        },
                    }
                }
            },
            Claim::Not(c) => {
                let child = self.go(c, env, params);
                Node {
                    text: "not".into(),
                    bits: !child.bits,
                    facts: Vec::new(),
                    children: vec![child],
                }
            }
            Claim::And(all) | Claim::Or(all) => {
                let and = matches!(claim, Claim::And(..));
                let children: Vec<Node> = all.iter().map(|c| self.go(c, env, params)).collect();
                let start = if and { Bits::TRUE } else { Bits::FALSE };
                let bits =
                    children.iter().fold(
                        start,
                        |acc, c| if and { acc.and(c.bits) } else { acc.or(c.bits) },
                    );
                Node {
                    text: if and { "and" } else { "or" }.into(),
                    bits,
                    facts: Vec::new(),
                    children,
                }
            }
            Claim::Quant {
                quantifier,
                vars,
                group,
                body,
                ..
            } => {
                let g = &self.model.groups[*group as usize];
                let every = *quantifier == Quantifier::Every;
                let mut bits = if every { Bits::TRUE } else { Bits::FALSE };
                let mut children = Vec::new();
                let base = env.len();
                self.eval
                    .bindings(&g.members, vars.len(), env, base, &mut |env| {
                        let mut child = self.go(body, env, params);
                        let binding: Vec<String> = vars
                            .iter()
                            .zip(&env[base..])
                            .map(|(v, e)| format!("{v} = {}", self.entity(*e)))
                            .collect();
                        child = Node {
                            text: binding.join(", "),
                            bits: child.bits,
                            facts: Vec::new(),
                            children: vec![child],
                        };
                        bits = if every {
                            bits.and(child.bits)
                        } else {
                            bits.or(child.bits)
                        };
                        children.push(child);
                    });
                let word = match quantifier {
                    Quantifier::Every => "every",
                    Quantifier::Some => "some",
                    Quantifier::No => "no",
                };
                if *quantifier == Quantifier::No {
                    bits = !bits;
                }
                let text = format!(
                    "{word} {} in {} ({} binding{})",
                    vars.join(", "),
                    g.name,
                    children.len(),
                    if children.len() == 1 { "" } else { "s" }
                );
                Node {
                    text,
                    bits,
                    facts: Vec::new(),
                    children,
                }
            }
        }
    }

    fn fill_definition(&self, def: &Definition, args: &[KeyArg]) -> String {
        let mut words = Vec::new();
        for p in &def.template.parts {
            match p {
                TemplatePart::Literal { forms, optional } => {
                    if let Some(f) = forms.first().filter(|_| !optional) {
                        words.push(f.clone());
                    }
                }
                TemplatePart::Slot(i) => words.push(match &args[*i] {
                    KeyArg::Entity(e) => self.entity(*e).to_string(),
                    KeyArg::Text(t) => format!("\"{t}\""),
                }),
            }
        }
        words.join(" ")
    }

    fn atom(
        &self,
        rel: RelId,
        args: &[Arg],
        written: &str,
        env: &[EntityId],
        params: &[KeyArg],
    ) -> Node {
        let (key, claim) = self.eval.key_of(rel, args, env, params);
        let kinds: Vec<ValueKind> = self
            .model
            .value_slots(rel)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        let values: Vec<Option<Value>> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Value(v) => Some(v.clone()),
                Arg::Key(_) => None,
            })
            .collect();
        // As written, unless variables or slots were filled in.
        let bound = args
            .iter()
            .any(|a| matches!(a, Arg::Key(Term::Var(_) | Term::Param(_))));
        let text = if bound {
            self.model.sentence(&Tuple {
                key: key.clone(),
                values: values.into(),
            })
        } else {
            written.to_string()
        };
        let mut facts = Vec::new();
        let mut bits = Bits::default();
        for e in self.eval.atom_evidence(&key, &claim) {
            match e.bearing {
                Bearing::Supports => bits.told_true = true,
                Bearing::Refutes => bits.told_false = true,
                _ => {}
            }
            let why = self.why(&e, &key, &claim, &kinds);
            facts.push(FactLine {
                fact: e.fact,
                bearing: e.bearing,
                why,
            });
        }
        Node {
            text,
            bits,
            facts,
            children: Vec::new(),
        }
    }

    fn why(
        &self,
        e: &crate::eval::AtomEvidence,
        key: &Key,
        claim: &[Interval],
        kinds: &[ValueKind],
    ) -> String {
        let fact = &self.model.facts[e.fact as usize];
        if e.bearing == Bearing::FilteredOut {
            let has = fact
                .as_of
                .as_ref()
                .map_or(String::new(), |a| a.text.clone());
            let want = self
                .as_of
                .as_ref()
                .map_or(String::new(), |a| a.text.clone());
            return format!("left out: its as of {has} does not overlap as of {want}");
        }
        if let (FactBody::Only(only), None) = (&fact.body, e.tuple) {
            let names: Vec<String> = only.listed.iter().map(|t| self.model.sentence(t)).collect();
            return format!(
                "closed world: among {}, only {} — this tuple is not listed",
                self.model.groups[only.group as usize].name,
                names.join("; ")
            );
        }
        let row = Row {
            fact: e.fact,
            tuple: e.tuple.unwrap_or(0),
        };
        let (tuple, negated) = self.model.tuple(row);
        let stated: Vec<Interval> = tuple
            .values
            .iter()
            .map(|v| v.as_ref().map_or(Interval::ALL, |v| v.interval))
            .collect();
        let show = |i: usize, iv: &Interval| iv.display(kinds[i]);
        let pairs: Vec<String> = (0..claim.len())
            .filter(|&i| claim[i] != Interval::ALL || stated[i] != Interval::ALL)
            .map(|i| {
                format!(
                    "{} vs the claim's {}",
                    show(i, &stated[i]),
                    show(i, &claim[i])
                )
            })
            .collect();
        let values = if pairs.is_empty() {
            String::new()
        } else {
            format!(": {}", pairs.join("; "))
        };
        let functional = self.model.relations[key.relation as usize].functional;
        match (e.bearing, negated) {
            (Bearing::Supports, _) if e.tuple.is_some() => {
                format!("listed by the closed world, so asserted{values}")
            }
            (Bearing::Supports, _) => {
                if pairs.is_empty() {
                    "asserts it".into()
                } else {
                    format!("asserts values within the claim's{values}")
                }
            }
            (Bearing::Refutes, true) => {
                if pairs.is_empty() {
                    "denies it".into()
                } else {
                    format!("denies values that cover the claim's{values}")
                }
            }
            (Bearing::Refutes, false)
                if kinds.contains(&ValueKind::Number) && kinds.contains(&ValueKind::Date) =>
            {
                format!("functional: its dates overlap the claim's, and its number shares no value with the claim's{values}")
            }
            (Bearing::Refutes, false) => {
                format!("functional, and its values share none with the claim's{values}")
            }
            (Bearing::Silent, _) if e.silence == Some(Silence::Unit) => {
                let unit = |u: Option<crate::value::Unit>| u.map_or("no unit", |u| u.name());
                let (has, wants) = (0..claim.len())
                    .find(|&i| !stated[i].comparable(&claim[i]))
                    .map_or(("", ""), |i| (unit(stated[i].unit), unit(claim[i].unit)));
                format!("says nothing: its value is in {has}, the claim's in {wants}, and values compare only within one unit{values}")
            }
            (Bearing::Silent, false) if e.silence == Some(Silence::Dates) => {
                format!("says nothing: its numbers differ, but its dates do not overlap the claim's{values}")
            }
            (Bearing::Silent, true) => format!("denies other values only{values}"),
            (Bearing::Silent, false) if functional => {
                format!("overlaps the claim's values without implying them{values}")
            }
            (Bearing::Silent, false) => {
                format!("not functional, so other values do not refute{values}")
            }
            (Bearing::FilteredOut, _) => unreachable!("handled above"),
        }
    }
}

/// Renders a tree as indented text.
pub fn render(model: &Model, files: &crate::load::Files, node: &Node) -> String {
    let mut out = String::new();
    write_node(model, files, node, 0, &mut out);
    out
}

fn write_node(
    model: &Model,
    files: &crate::load::Files,
    node: &Node,
    depth: usize,
    out: &mut String,
) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}{:<9}  {}",
        Verdict::from_bits(node.bits).name(),
        crate::report::escape_controls(&node.text)
    );
    for f in &node.facts {
        let fact = &model.facts[f.fact as usize];
        let label = match f.bearing {
            Bearing::Supports => "for",
            Bearing::Refutes => "against",
            Bearing::Silent => "silent",
            Bearing::FilteredOut => "skipped",
        };
        let place = format!("{}:{}", files.get(fact.loc.file).display, fact.line);
        let _ = writeln!(
            out,
            "{pad}  {label:<8} {}  ({})",
            crate::report::escape_controls(&crate::report::evidence_line(model, fact)),
            crate::report::escape_controls(&place)
        );
        let _ = writeln!(out, "{pad}  {:<8} {}", "", f.why);
    }
    for c in &node.children {
        write_node(model, files, c, depth + 1, out);
    }
}
