//! `--format html`: one self-contained page in the way of cargo's `--timings`
//! report — the run's data embedded as JSON, rendered by a small inline
//! script (`html.js`) with inline CSS (`html.css`). Nothing is loaded from
//! the network (a Content-Security-Policy forbids it); only links a reader
//! clicks, such as a source's `url`, lead out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::json::Report;
use super::Run;

/// Sources shown in the agreement matrix unless `--max-matrix-sources` says
/// otherwise: those on most assertions, so the page stays readable.
pub const DEFAULT_MAX_MATRIX_SOURCES: usize = 60;

/// The source agreement matrix: for each pair of sources (as they appear in
/// evidence; a quoted speaker is a source of its own), the assertions on
/// which both stand on the same side of the evidence (`agree`) and those on
/// which one supports and the other refutes (`conflict`), as indexes into
/// the report's `assertions`.
#[derive(Serialize, Debug, PartialEq)]
pub struct Agreement {
    pub sources: Vec<String>,
    /// `agree[i][j]`: assertions where `sources[i]` and `sources[j]` agree.
    pub agree: Vec<Vec<Vec<usize>>>,
    pub conflict: Vec<Vec<Vec<usize>>>,
    /// Sources left out by the limit.
    pub omitted: usize,
}

impl Agreement {
    pub fn of(report: &Report, max_sources: usize) -> Agreement {
        let sides: Vec<(BTreeSet<&str>, BTreeSet<&str>)> = report
            .assertions
            .iter()
            .map(|a| (source_ids(&a.support), source_ids(&a.refute)))
            .collect();
        // Sources by how many assertions they bear on, then by id.
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (s, r) in &sides {
            for id in s.union(r) {
                *seen.entry(id).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = seen.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let omitted = ranked.len().saturating_sub(max_sources);
        ranked.truncate(max_sources);
        let mut sources: Vec<String> = ranked.iter().map(|(id, _)| id.to_string()).collect();
        sources.sort();
        let n = sources.len();
        let mut agree = vec![vec![Vec::new(); n]; n];
        let mut conflict = vec![vec![Vec::new(); n]; n];
        for (k, (s, r)) in sides.iter().enumerate() {
            for i in 0..n {
                for j in 0..n {
                    if i == j {
                        continue;
                    }
                    let (a, b) = (sources[i].as_str(), sources[j].as_str());
                    if (s.contains(a) && s.contains(b)) || (r.contains(a) && r.contains(b)) {
                        agree[i][j].push(k);
                    }
                    if (s.contains(a) && r.contains(b)) || (r.contains(a) && s.contains(b)) {
                        conflict[i][j].push(k);
                    }
                }
            }
        }
        Agreement {
            sources,
            agree,
            conflict,
            omitted,
        }
    }
}

fn source_ids(list: &[super::json::EvidenceJson]) -> BTreeSet<&str> {
    list.iter().map(|e| e.source.as_str()).collect()
}

/// What the page knows of a source beyond its id.
#[derive(Serialize)]
struct SourceInfo {
    title: Option<String>,
    publisher: Option<String>,
    date: Option<String>,
    url: Option<String>,
    name: Option<String>,
    via: Option<String>,
}

#[derive(Serialize)]
struct PageData<'a> {
    report: &'a Report,
    sources: BTreeMap<String, SourceInfo>,
    agreement: Agreement,
}

/// The page for a run (`run` is `None` for a workspace that failed to load).
pub fn render(run: Option<&Run>, report: &Report, max_matrix_sources: usize) -> String {
    let mut sources = BTreeMap::new();
    if let Some(run) = run {
        let used: BTreeSet<&str> = report
            .assertions
            .iter()
            .flat_map(|a| a.support.iter().chain(&a.refute))
            .flat_map(|e| [e.source.as_str(), e.document.as_str()])
            .collect();
        for s in &run.model.sources {
            if used.contains(s.id.as_str()) {
                sources.insert(
                    s.id.clone(),
                    SourceInfo {
                        title: s.title.clone(),
                        publisher: s.publisher.clone(),
                        date: s.date.clone(),
                        url: s.url.clone(),
                        name: s.name.clone(),
                        via: s.via.map(|v| run.model.sources[v as usize].id.clone()),
                    },
                );
            }
        }
    }
    let data = PageData {
        report,
        sources,
        agreement: Agreement::of(report, max_matrix_sources),
    };
    let json = serde_json::to_string(&data).expect("reports serialize");
    // Inside <script>, `</script>` or `<!--` in a quote must not end the block.
    let json = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>claimcheck report</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>claimcheck report</h1>
<p id="summary"></p>
</header>
<noscript><p>This report is drawn by a script; with scripts off, read the same data with <code>claimcheck check --format json</code>.</p></noscript>
<section id="errors-section" hidden>
<h2>The workspace could not be loaded</h2>
<ul id="errors"></ul>
</section>
<section id="changes-section" hidden>
<h2>Changed since the baseline</h2>
<ul id="changes"></ul>
</section>
<section>
<h2>Verdicts per file</h2>
<div id="chart"></div>
</section>
<section>
<h2>Source agreement</h2>
<p class="note">For each pair of sources: on how many assertions both stand on the same side of the evidence (agree) and on how many one supports while the other refutes (conflict). Click a number to list those assertions.</p>
<div id="matrix"></div>
</section>
<section>
<h2>Assertions</h2>
<form id="filters"></form>
<p id="shown" class="note"></p>
<div id="assertions"></div>
</section>
<script type="application/json" id="claimcheck-data">{json}</script>
<script>
{js}</script>
</body>
</html>
"#,
        css = include_str!("html.css"),
        js = include_str!("html.js"),
    )
}
