//! `claimcheck lsp` driven over stdio as an editor drives it: initialize,
//! open, edit a rule file and a fact file, hover, definition, completion,
//! formatting, a panicking request, shutdown and exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const RULES: &str = "\
relation treaty symmetric: mutual defense treaty between {a:country} and {b:country}
relation troops functional: {from:country} sent {n:number} troops to {to:country}
                          | {from:country} sent troops to {to:country}
group axis = Russia, China, North Korea, Iran

assert: mutual defense treaty between North Korea and Russia
expect refuted: mutual defense treaty between China and Iran
expect contested: North Korea sent more than 14000 troops to Russia
check: North Korea sent more than 14000 troops to Russia
";

const FACTS: &str = "\
sources:
  - id: axis-report
    title: The limits of the axis
    publisher: Example Daily
    date: 2025-06-27
  - id: gabuev
    name: Alexander Gabuev
    via: axis-report
entities:
  - {name: Russia, kind: country}
  - {name: China, kind: country}
  - {name: North Korea, kind: country, aka: [DPRK, Pyongyang]}
  - {name: Iran, kind: country}
facts:
  - only: mutual defense treaty between Russia and North Korea
    among: axis
    source: axis-report
    quote: only Russia and North Korea have a mutual defense treaty
  - says: North Korea sent more than 14000 troops to Russia
    source: axis-report
    as_of: June 2025
  - relation: troops
    args: {from: North Korea, to: Russia, n: about 11000}
    source: gabuev
";

/// A running server and what it has sent.
struct Lsp {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
}

impl Lsp {
    fn start(dir: &std::path::Path) -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimcheck"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // With CLAIMCHECK_LSP_TIMINGS set, the server's log of what each
            // analysis took shows beside the test's own output.
            .stderr(match std::env::var_os("CLAIMCHECK_LSP_TIMINGS") {
                Some(_) => Stdio::inherit(),
                None => Stdio::piped(),
            })
            .spawn()
            .expect("the binary runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Lsp {
            child,
            stdin,
            messages: rx,
            next_id: 1,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    #[track_caller]
    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    #[track_caller]
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m["id"] == json!(id) {
                return m;
            }
            self.pending.push(m);
        }
    }

    #[track_caller]
    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for a file whose URI ends with `file`.
    #[track_caller]
    fn diagnostics(&mut self, file: &str) -> Vec<Value> {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"].as_str().unwrap().ends_with(file)
        };
        if let Some(i) = self.pending.iter().position(is_it) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.next();
            if is_it(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// Messages of the diagnostics, with their severity and line.
fn summary(diags: &[Value]) -> Vec<(i64, i64, String)> {
    diags
        .iter()
        .map(|d| {
            (
                d["severity"].as_i64().unwrap(),
                d["range"]["start"]["line"].as_i64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_editor_session() {
    let dir = super::workspace(&[
        ("rules/treaty.claims", RULES),
        ("fixtures/facts.yaml", FACTS),
    ]);
    // Canonicalized: the server reports the paths it was given.
    let root = dir.path().canonicalize().unwrap();
    let rules = uri(&root.join("rules/treaty.claims"));
    let facts = uri(&root.join("fixtures/facts.yaml"));
    let mut lsp = Lsp::start(&root);

    let init = lsp.result(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}},
            "workspaceFolders": [{"uri": uri(&root), "name": "ws"}],
        }),
    );
    assert_eq!(init["serverInfo"]["name"], "claimcheck");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    lsp.notify("initialized", json!({}));

    // The whole workspace is checked at once: the contested `check:` line is
    // a warning; every expectation is met.
    let d = lsp.diagnostics("treaty.claims");
    assert_eq!(summary(&d).len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], 2);
    assert_eq!(d[0]["range"]["start"]["line"], 8);
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("contested: 1 source for, 1 against"),
        "{d:?}"
    );

    // Opening sends the file's diagnostics again.
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": rules, "languageId": "claims", "version": 1, "text": RULES}}),
    );
    assert_eq!(lsp.diagnostics("treaty.claims").len(), 1);

    // A typo in the unsaved buffer: the CLI's error and suggestion.
    let typo = RULES.replace(
        "between North Korea and Russia",
        "between Nroth Korea and Russia",
    );
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 2}, "contentChanges": [{"text": typo}]}),
    );
    let d = summary(&lsp.diagnostics("treaty.claims"));
    assert!(
        d.contains(&(
            1,
            5,
            "unknown entity `Nroth Korea`; did you mean `North Korea`?".into()
        )),
        "{d:?}"
    );

    // Two places: a clashing declaration points at the first one.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 2}, "contentChanges": [{"text": format!("{RULES}entity Iran (city)\n")}]}),
    );
    // Rule files are read first: the YAML declaration is the second one.
    let d = lsp.diagnostics("facts.yaml");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0]["message"],
        "entity `Iran` is declared twice with different content"
    );
    assert_eq!(d[0]["range"]["start"]["line"], 12);
    let related = &d[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], rules.as_str());
    assert_eq!(related["location"]["range"]["start"]["line"], 9);
    assert_eq!(related["message"], "the first declaration of entity `Iran`");
    lsp.diagnostics("treaty.claims");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 2}, "contentChanges": [{"text": typo}]}),
    );
    assert_eq!(lsp.diagnostics("facts.yaml"), Vec::<Value>::new());
    assert_eq!(lsp.diagnostics("treaty.claims").len(), 2);

    // An incremental edit: the claim now names a pair with no treaty, so
    // the assertion fails with its verdict and sources.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 3}, "contentChanges": [{
            "range": {"start": {"line": 5, "character": 38}, "end": {"line": 5, "character": 49}},
            "text": "Iran"
        }]}),
    );
    let d = summary(&lsp.diagnostics("treaty.claims"));
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].0, 1);
    assert_eq!(d[0].1, 5);
    assert!(d[0].2.starts_with("refuted, expected supported: 0 sources for, 1 against\nagainst: axis-report (Example Daily, 2025-06-27): \"only Russia and North Korea"), "{d:?}");

    // Back as it was: the error clears.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 4}, "contentChanges": [{"text": RULES}]}),
    );
    assert_eq!(lsp.diagnostics("treaty.claims").len(), 1);

    // An edit in a fact file re-evaluates the rule file: without the `only`
    // fact, nothing refutes the China–Iran treaty and nothing supports the
    // North Korea–Russia one.
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": facts, "languageId": "yaml", "version": 1, "text": FACTS}}),
    );
    assert_eq!(lsp.diagnostics("facts.yaml"), Vec::<Value>::new());
    let without_only = FACTS.replace(
        "  - only: mutual defense treaty between Russia and North Korea\n    among: axis\n    source: axis-report\n    quote: only Russia and North Korea have a mutual defense treaty\n",
        "",
    );
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": facts, "version": 2}, "contentChanges": [{"text": without_only}]}),
    );
    let d = summary(&lsp.diagnostics("treaty.claims"));
    let errors: Vec<_> = d
        .iter()
        .filter(|x| x.0 == 1)
        .map(|x| (x.1, x.2.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (5, "unknown, expected supported: 0 sources for, 0 against"),
            (6, "unknown, expected refuted: 0 sources for, 0 against"),
        ]
    );
    // A bad fact file shows its own error; fixing it clears it.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": facts, "version": 3}, "contentChanges": [{"text": FACTS.replace("source: gabuev", "source: gabuevv")}]}),
    );
    let d = summary(&lsp.diagnostics("facts.yaml"));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].2, "unknown source `gabuevv`; did you mean `gabuev`?");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": facts, "version": 4}, "contentChanges": [{"text": FACTS}]}),
    );
    assert_eq!(lsp.diagnostics("facts.yaml"), Vec::<Value>::new());

    // Hover on an assertion: verdict, expectation, evidence; then the name.
    let h = lsp.result("textDocument/hover", at(&rules, 5, 42));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("✓ **supported** — expected supported: met"),
        "{text}"
    );
    assert!(text.contains("**For**\n\n- `axis-report` axis-report (Example Daily, 2025-06-27): “only Russia and North Korea have a mutual defense treaty”"), "{text}");
    assert!(
        text.contains("entity **North Korea** (country)\n\naka DPRK, Pyongyang"),
        "{text}"
    );
    // On relation words: the relation and its templates.
    let h = lsp.result("textDocument/hover", at(&rules, 7, 31));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("relation **troops** functional"), "{text}");
    assert!(text.contains("{from:country} sent {n:number} troops to {to:country}\n{from:country} sent troops to {to:country}"), "{text}");
    // On a source id in YAML: the source.
    let h = lsp.result("textDocument/hover", at(&facts, 23, 14));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("source **gabuev**\n- name: Alexander Gabuev\n- via: axis-report"),
        "{text}"
    );

    // Go to definition: claim words to the relation, a name to its
    // declaration in YAML, a group to its line, a `source:` to the source.
    let def = lsp.result("textDocument/definition", at(&rules, 6, 20));
    assert_eq!(def["uri"], rules.as_str());
    assert_eq!(def["range"]["start"]["line"], 0);
    let def = lsp.result("textDocument/definition", at(&rules, 5, 42));
    assert_eq!(def["uri"], facts.as_str());
    assert_eq!(def["range"]["start"]["line"], 11);
    let def = lsp.result("textDocument/definition", at(&facts, 23, 14));
    assert_eq!(def["uri"], facts.as_str());
    assert_eq!(def["range"]["start"]["line"], 5);
    let refs = lsp.result(
        "textDocument/references",
        json!({"textDocument": {"uri": rules}, "position": {"line": 5, "character": 42}, "context": {"includeDeclaration": true}}),
    );
    // North Korea: the group member, three claims, the entity with its two
    // aliases, three facts (not the quote that names it).
    assert_eq!(refs.as_array().unwrap().len(), 10, "{refs}");

    // Completion: keywords, verdicts, templates as snippets, entities by kind.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 5}, "contentChanges": [{"text": format!("{RULES}expect \n")}]}),
    );
    let labels = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let c = lsp.result("textDocument/completion", at(&rules, 9, 7));
    assert_eq!(labels(&c), ["supported", "refuted", "contested", "unknown"]);
    let c = lsp.result("textDocument/completion", at(&rules, 9, 0));
    assert!(labels(&c).contains(&"relation".to_string()), "{c}");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 6}, "contentChanges": [{"text": format!("{RULES}assert: North Korea \n")}]}),
    );
    let c = lsp.result("textDocument/completion", at(&rules, 9, 20));
    let troops = c
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "sent {n} troops to {to}")
        .unwrap_or_else(|| panic!("no template in {c}"));
    assert_eq!(troops["insertText"], "sent ${1:n} troops to ${2:to}");
    assert_eq!(troops["insertTextFormat"], 2);
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 7}, "contentChanges": [{"text": format!("{RULES}assert: mutual defense treaty between \n")}]}),
    );
    let c = lsp.result("textDocument/completion", at(&rules, 9, 38));
    let l = labels(&c);
    assert!(
        l.contains(&"DPRK".to_string()) && l.contains(&"Iran".to_string()),
        "{l:?}"
    );

    // Group names after `in`.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 8}, "contentChanges": [{"text": format!("{RULES}assert: every x in \n")}]}),
    );
    let c = lsp.result("textDocument/completion", at(&rules, 9, 19));
    assert_eq!(labels(&c), ["axis"]);
    // In YAML: the keys of the section, and source ids after `source:`.
    let c = lsp.result("textDocument/completion", at(&facts, 22, 4));
    let l = labels(&c);
    assert!(
        l.contains(&"says".to_string()) && l.contains(&"as_of".to_string()),
        "{l:?}"
    );
    assert!(!l.contains(&"publisher".to_string()), "{l:?}");
    let c = lsp.result("textDocument/completion", at(&facts, 23, 12));
    assert_eq!(labels(&c), ["axis-report", "gabuev"]);
    // A group's name in YAML goes to its declaration in the rule file.
    let def = lsp.result("textDocument/definition", at(&facts, 15, 12));
    assert_eq!(def["uri"], rules.as_str());
    assert_eq!(def["range"]["start"]["line"], 3);

    // Half-typed and broken text never stops the server.
    for (v, broken) in [
        "assert: \"unterminated",
        "relation x: {",
        "expect: ((((",
        "define {a} x: {a} and",
        "\u{0}\u{7f}ü\t:::",
    ]
    .iter()
    .enumerate()
    {
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": rules, "version": 100 + v}, "contentChanges": [{"text": format!("{RULES}{broken}\n")}]}),
        );
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            let r = lsp.request(method, at(&rules, 9, 5));
            assert!(r.get("error").is_none(), "{method} on {broken:?}: {r}");
        }
    }

    // Formatting: the layout `claimcheck fmt` writes.
    let messy = "assert:   mutual defense treaty between North Korea   and Russia\n\n\n";
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": rules, "version": 200}, "contentChanges": [{"text": format!("{RULES}{messy}")}]}),
    );
    let edits = lsp.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": rules}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        format!("{RULES}assert: mutual defense treaty between North Korea and Russia\n")
    );

    // Symbols and inlay hints.
    let s = lsp.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": rules}}),
    );
    assert_eq!(s[0]["name"], "treaty");
    assert_eq!(s[2]["name"], "axis");
    assert_eq!(
        s[3]["name"],
        "assert: mutual defense treaty between North Korea and Russia"
    );
    let hints = lsp.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": rules}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}}),
    );
    let hint_labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        hint_labels,
        [
            "✓ supported",
            "✓ refuted",
            "✓ contested",
            "· contested",
            "✓ supported"
        ]
    );

    // A panic in one request is answered with an error; the server goes on.
    let r = lsp.request("claimcheck/panic", json!(null));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    let h = lsp.result("textDocument/hover", at(&rules, 5, 42));
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("supported"));

    // Shutdown, exit, exit code 0.
    assert_eq!(lsp.result("shutdown", json!(null)), Value::Null);
    lsp.notify("exit", json!(null));
    drop(lsp.stdin);
    let status = lsp.child.wait().unwrap();
    let mut stderr = String::new();
    lsp.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.contains("panic"), "the panic is logged: {stderr}");
}

/// A workspace of `facts` facts and `assertions` assertions over 200
/// countries: half the facts `says:` sentences, half `relation:` + `args:`.
fn large_workspace(facts: usize, assertions: usize) -> tempfile::TempDir {
    let country = |i: usize| format!("Country{i}");
    let mut rules = String::from(
        "relation troops functional: {from:country} sent {n:number} troops to {to:country}\n\
         \x20                         | {from:country} sent troops to {to:country}\n\
         relation treaty symmetric: treaty between {a:country} and {b:country}\n\n",
    );
    for i in 0..assertions {
        let (a, b) = (country(i % 200), country((i * 7 + 1) % 200));
        match i % 3 {
            0 => rules.push_str(&format!("assert: {a} sent troops to {b}\n")),
            1 => rules.push_str(&format!("expect unknown: treaty between {a} and {b}\n")),
            _ => rules.push_str(&format!("check: {a} sent more than 100 troops to {b}\n")),
        }
    }
    let mut yaml = String::from("sources:\n  - id: report\n    title: A report\nentities:\n");
    for i in 0..200 {
        yaml.push_str(&format!("  - {{name: {}, kind: country}}\n", country(i)));
    }
    yaml.push_str("facts:\n");
    for i in 0..facts {
        let (a, b, n) = (country(i % 200), country((i * 7 + 1) % 200), 100 + i);
        if i % 2 == 0 {
            yaml.push_str(&format!(
                "  - says: {a} sent {n} troops to {b}\n    source: report\n"
            ));
        } else {
            yaml.push_str(&format!(
                "  - relation: troops\n    args: {{from: {a}, to: {b}, n: {n}}}\n    source: report\n"
            ));
        }
    }
    super::workspace(&[("rules/big.claims", &rules), ("fixtures/big.yaml", &yaml)])
}

/// Editor latency: the time from a `didChange` to the diagnostics it causes,
/// in a workspace of 10,000 facts and 1,000 assertions. Prints medians; run
/// `cargo test --release --test integration editor_latency -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check: prints timings"]
fn editor_latency() {
    let dir = large_workspace(10_000, 1_000);
    let root = dir.path().canonicalize().unwrap();
    let rules_path = root.join("rules/big.claims");
    let facts_path = root.join("fixtures/big.yaml");
    let (rules, facts) = (uri(&rules_path), uri(&facts_path));
    let rules_text = std::fs::read_to_string(&rules_path).unwrap();
    let facts_text = std::fs::read_to_string(&facts_path).unwrap();
    let mut lsp = Lsp::start(&root);
    let started = std::time::Instant::now();
    lsp.result(
        "initialize",
        json!({"processId": null, "rootUri": uri(&root), "capabilities": {}}),
    );
    lsp.notify("initialized", json!({}));
    lsp.diagnostics("big.claims");
    println!("initial analysis and diagnostics: {:?}", started.elapsed());
    for (uri, text) in [(&rules, &rules_text), (&facts, &facts_text)] {
        lsp.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "x", "version": 1, "text": text}}),
        );
    }
    lsp.diagnostics("big.claims");
    lsp.diagnostics("big.yaml");
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    // The server's own CPU time (Linux), which a busy machine does not inflate.
    let pid = lsp.child.id();
    let cpu = move || -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks: u64 = fields
            .get(11..13)
            .map_or(0, |f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum());
        Duration::from_millis(ticks * 10)
    };
    // A rule edit: the first assertion fails, then passes again.
    let mut times = Vec::new();
    let cpu_before = cpu();
    for version in 2..22 {
        let text = if version % 2 == 0 {
            rules_text.replacen(
                "assert: Country0 sent troops to Country1\n",
                "expect refuted: Country0 sent troops to Country1\n",
                1,
            )
        } else {
            rules_text.clone()
        };
        let t = std::time::Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": rules, "version": version}, "contentChanges": [{"text": text}]}),
        );
        lsp.diagnostics("big.claims");
        times.push(t.elapsed());
    }
    println!(
        "rule file edit -> diagnostics: median {:?} of {} (server CPU {:?} an edit)",
        median(times.clone()),
        times.len(),
        (cpu() - cpu_before) / times.len() as u32
    );
    // A fact edit: a denial makes a claim contested, then goes again.
    let mut times = Vec::new();
    let cpu_before = cpu();
    for version in 2..22 {
        let text = if version % 2 == 0 {
            format!(
                "{facts_text}  - says: not Country0 sent troops to Country1\n    source: report\n"
            )
        } else {
            facts_text.clone()
        };
        let t = std::time::Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": facts, "version": version}, "contentChanges": [{"text": text}]}),
        );
        lsp.diagnostics("big.claims");
        times.push(t.elapsed());
    }
    println!(
        "fact file edit -> diagnostics: median {:?} of {} (server CPU {:?} an edit)",
        median(times.clone()),
        times.len(),
        (cpu() - cpu_before) / times.len() as u32
    );
    assert_eq!(lsp.result("shutdown", json!(null)), Value::Null);
    lsp.notify("exit", json!(null));
    let _ = lsp.child.wait();
}

/// The Neovim setup of docs/editors.md (editors/nvim/claimcheck.lua) in a
/// headless Neovim: opening a rule file with an unmet expectation shows the
/// server's diagnostic. Runs where `nvim` is installed (CI installs it).
#[test]
fn neovim_sees_a_diagnostic() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("nvim is not installed: skipping the Neovim test");
        return;
    }
    let failing = RULES.replace("expect refuted: mutual", "expect supported: mutual");
    let dir = super::workspace(&[
        ("rules/treaty.claims", &failing),
        ("fixtures/facts.yaml", FACTS),
    ]);
    let out = dir.path().join("diagnostics.txt");
    let repo = super::root();
    let status = Command::new("nvim")
        .current_dir(dir.path())
        .env("CLAIMCHECK_NVIM_OUT", &out)
        .args(["--headless", "--clean", "--cmd"])
        .arg(format!(
            "let g:claimcheck_path = '{}'",
            env!("CARGO_BIN_EXE_claimcheck")
        ))
        .arg("--cmd")
        .arg(format!(
            "luafile {}",
            repo.join("editors/nvim/claimcheck.lua").display()
        ))
        .arg("rules/treaty.claims")
        .arg("-c")
        .arg(format!(
            "luafile {}",
            repo.join("tests/nvim/wait_for_diagnostics.lua").display()
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim exited with {status}");
    let seen = std::fs::read_to_string(&out).expect("the script wrote its findings");
    assert_eq!(
        seen.lines().collect::<Vec<_>>(),
        [
            "7: 1: refuted, expected supported: 0 sources for, 1 against | against: axis-report (Example Daily, 2025-06-27): \"only Russia and North Korea have a mutual defense treaty\"",
            "9: 2: contested: 1 source for, 1 against | for: axis-report (Example Daily, 2025-06-27), as of June 2025: North Korea sent more than 14000 troops to Russia | against: Alexander Gabuev via axis-report (Example Daily, 2025-06-27): North Korea sent about 11000 troops to Russia",
        ]
    );
}
