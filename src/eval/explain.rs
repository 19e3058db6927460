//! `explain`: the evidence tree of one claim — each connective, quantifier
//! binding and definition with its verdict, and under each atom every fact of
//! its key with why it supports, refutes, says nothing, or was left out.

use std::fmt::Write;

use crate::eval::logic::{Bits, Verdict};
use crate::eval::{Bearing, Evaluator, Silence, Step, Trace};
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
    /// The children are the bindings of a quantifier.
    pub bindings: bool,
}

/// Bindings of one quantifier past which the human rendering summarizes
/// them (unless `explain --all`): counted by verdict, the first
/// [`SHOWN_PER_VERDICT`] of each verdict shown.
pub const SUMMARIZED_BINDINGS: usize = 20;

/// Bindings of each verdict shown when a quantifier's are summarized.
pub const SHOWN_PER_VERDICT: usize = 3;

/// Nodes of one evidence tree past which `explain` stops with an error
/// (`--max-explain-nodes`): a claim within `--max-bindings` may still have a
/// million bindings, each a node with its own atoms and facts below it.
pub const MAX_EXPLAIN_NODES: usize = 200_000;

/// Builds the tree as the evaluator walks: one list of finished children
/// per open node. Past `max` nodes it builds nothing more (the walk goes
/// on, as `check`'s does) and the tree is refused.
struct Builder<'e, 'm> {
    ex: &'e Explainer<'m>,
    stack: Vec<Vec<Node>>,
    nodes: usize,
    max: usize,
}

impl Trace for Builder<'_, '_> {
    fn open(&mut self) {
        self.stack.push(Vec::new());
    }

    fn close(&mut self, step: Step<'_>, bits: Bits) {
        let children = self.stack.pop().expect("opened before closed");
        self.nodes += 1;
        if self.nodes > self.max {
            return;
        }
        let node = self.ex.node(step, bits, children);
        self.stack
            .last_mut()
            .expect("the root list stays")
            .push(node);
    }
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

    /// The tree of `claim`, from the evaluator's own walk (`eval::Trace`),
    /// so its verdicts are the ones `check` gives.
    pub fn explain(&self, claim: &Claim, text: &str) -> Node {
        self.explain_within(claim, text, usize::MAX)
            .expect("no limit on the tree")
    }

    /// [`Explainer::explain`], or `Err(nodes)` when the tree has more than
    /// `max` nodes (`nodes` of them): it is then not built past `max`.
    pub fn explain_within(&self, claim: &Claim, text: &str, max: usize) -> Result<Node, usize> {
        let mut builder = Builder {
            ex: self,
            stack: vec![Vec::new()],
            nodes: 0,
            max,
        };
        self.eval.eval_traced(claim, &mut builder);
        if builder.nodes > max {
            return Err(builder.nodes);
        }
        let mut n = builder
            .stack
            .pop()
            .and_then(|mut top| top.pop())
            .expect("the walk closes the claim's node");
        n.text = text.to_string();
        Ok(n)
    }

    fn entity(&self, e: EntityId) -> &str {
        &self.model.entities[e as usize].name
    }

    /// The node of one step, its children already built.
    fn node(&self, step: Step<'_>, bits: Bits, children: Vec<Node>) -> Node {
        let bindings = matches!(step, Step::Quant { .. });
        let (text, facts) = match step {
            Step::Atom {
                atom,
                key,
                claim,
                evidence,
            } => return self.atom(atom, key, claim, evidence, bits),
            Step::Definition { def, args } => (
                self.fill_definition(&self.model.definitions[def as usize], args),
                Vec::new(),
            ),
            Step::Not => ("not".into(), Vec::new()),
            Step::And => ("and".into(), Vec::new()),
            Step::Or => ("or".into(), Vec::new()),
            Step::Binding { vars, members } => {
                let binding: Vec<String> = vars
                    .iter()
                    .zip(members)
                    .map(|(v, e)| format!("{v} = {}", self.entity(*e)))
                    .collect();
                (binding.join(", "), Vec::new())
            }
            Step::Quant {
                quantifier,
                vars,
                group,
                bindings,
            } => {
                let word = match quantifier {
                    Quantifier::Every => "every",
                    Quantifier::Some => "some",
                    Quantifier::No => "no",
                };
                let text = format!(
                    "{word} {} in {} ({} binding{})",
                    vars.join(", "),
                    self.model.groups[group as usize].name,
                    bindings,
                    if bindings == 1 { "" } else { "s" }
                );
                (text, Vec::new())
            }
        };
        Node {
            text,
            bits,
            facts,
            children,
            bindings,
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
        atom: &Atom,
        key: &Key,
        claim: &[Interval],
        evidence: &[crate::eval::AtomEvidence],
        bits: Bits,
    ) -> Node {
        let kinds = self.model.value_kinds(key.relation);
        let values: Vec<Option<Value>> = atom
            .args
            .iter()
            .filter_map(|a| match a {
                Arg::Value(v) => Some(v.as_deref().cloned()),
                Arg::Key(_) => None,
            })
            .collect();
        // As written, unless variables or slots were filled in.
        let bound = atom
            .args
            .iter()
            .any(|a| matches!(a, Arg::Key(Term::Var(_) | Term::Param(_))));
        let text = if bound {
            self.model.sentence(&Tuple {
                key: key.clone(),
                values: values.into(),
            })
        } else {
            atom.text.clone()
        };
        let facts = evidence
            .iter()
            .map(|e| FactLine {
                fact: e.fact,
                bearing: e.bearing,
                why: self.why(e, key, claim, &kinds),
            })
            .collect();
        Node {
            text,
            bits,
            facts,
            children: Vec::new(),
            bindings: false,
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

/// Renders a tree as indented text, every binding of every quantifier.
pub fn render(model: &Model, files: &crate::load::Files, node: &Node) -> String {
    let mut out = String::new();
    write_node(model, files, node, 0, false, &mut out);
    out
}

/// As [`render`], but a quantifier with more than [`SUMMARIZED_BINDINGS`]
/// bindings shows how many bindings have each verdict, the first
/// [`SHOWN_PER_VERDICT`] of each, and how many more there are.
pub fn render_summary(model: &Model, files: &crate::load::Files, node: &Node) -> String {
    let mut out = String::new();
    write_node(model, files, node, 0, true, &mut out);
    out
}

fn write_node(
    model: &Model,
    files: &crate::load::Files,
    node: &Node,
    depth: usize,
    summarize: bool,
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
    if summarize && node.bindings && node.children.len() > SUMMARIZED_BINDINGS {
        write_summary(model, files, node, depth, out);
        return;
    }
    for c in &node.children {
        write_node(model, files, c, depth + 1, summarize, out);
    }
}

/// A quantifier's many bindings: a count per verdict, then for each verdict
/// its first few bindings and how many more have it.
fn write_summary(
    model: &Model,
    files: &crate::load::Files,
    node: &Node,
    depth: usize,
    out: &mut String,
) {
    let pad = "  ".repeat(depth + 1);
    let of = |v: Verdict| {
        node.children
            .iter()
            .filter(move |c| Verdict::from_bits(c.bits) == v)
    };
    let counts: Vec<String> = Verdict::ALL
        .into_iter()
        .map(|v| (v, of(v).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(v, n)| format!("{n} {}", v.name()))
        .collect();
    let _ = writeln!(out, "{pad}bindings: {}", counts.join(", "));
    for v in Verdict::ALL {
        for c in of(v).take(SHOWN_PER_VERDICT) {
            write_node(model, files, c, depth + 1, true, out);
        }
        let more = of(v).count().saturating_sub(SHOWN_PER_VERDICT);
        if more > 0 {
            let _ = writeln!(
                out,
                "{pad}and {more} more {} (--all shows every binding)",
                v.name()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks a tree and checks each node's bits against its children's, as
    /// the logic combines them, for the node kinds whose rule is local.
    fn consistent(n: &Node) {
        let kids: Vec<Bits> = n.children.iter().map(|c| c.bits).collect();
        match n.text.as_str() {
            "not" => assert_eq!(n.bits, !kids[0]),
            "and" => assert_eq!(n.bits, kids.iter().fold(Bits::TRUE, |a, b| a.and(*b))),
            "or" => assert_eq!(n.bits, kids.iter().fold(Bits::FALSE, |a, b| a.or(*b))),
            _ => {}
        }
        n.children.iter().for_each(consistent);
    }

    #[test]
    fn explain_agrees_with_check_on_every_case_and_the_example() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs: Vec<Vec<std::path::PathBuf>> = std::fs::read_dir(root.join("tests/cases"))
            .unwrap()
            .map(|e| vec![e.unwrap().path()])
            .filter(|p| p[0].is_dir())
            .collect();
        dirs.push(vec![root.join("rules"), root.join("fixtures")]);
        let mut checked = 0;
        for paths in dirs {
            let Ok(ws) = crate::load_workspace(&paths, &Default::default()) else {
                continue;
            };
            for a in &ws.model.assertions {
                let eval =
                    crate::eval::Evaluator::new(&ws.model, a.as_of.as_ref().map(|v| v.interval))
                        .eval(&a.claim);
                let tree = Explainer::new(&ws.model, a.as_of.as_deref().cloned())
                    .explain(&a.claim, &a.text);
                assert_eq!(tree.bits, eval.bits, "{:?}: {}", paths, a.text);
                consistent(&tree);
                checked += 1;
            }
        }
        assert!(checked > 200, "{checked}");
    }
}
