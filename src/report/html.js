// Renders the claimcheck report from the JSON embedded in the page.
// Text always goes in through textContent, never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("claimcheck-data").textContent);
  const report = data.report;
  const VERDICTS = ["supported", "refuted", "contested", "unknown"];
  const COLORS = { supported: "#2da44e", refuted: "#cf222e", contested: "#bf8700", unknown: "#8c959f" };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
    }
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function key(file, line) { return file + ":" + line; }

  // Summary line, as the terminal says it.
  let summary = report.passed + " passed, " + report.failed + " failed";
  if (report.checks === 1) summary += ", 1 check";
  else if (report.checks > 1) summary += ", " + report.checks + " checks";
  document.getElementById("summary").textContent = report.errors.length
    ? "The workspace could not be loaded (" + report.errors.length + " error" + (report.errors.length === 1 ? "" : "s") + ")."
    : summary;

  // Load errors.
  if (report.errors.length) {
    document.getElementById("errors-section").hidden = false;
    const ul = document.getElementById("errors");
    for (const p of report.errors) {
      ul.append(el("li", { "data-file": p.file, "data-line": p.line, "data-kind": p.kind },
        el("code", {}, p.file + ":" + p.line + ":" + p.col), " ", p.message));
    }
  }

  // Changes since the baseline.
  const changed = new Map();
  for (const c of report.changes || []) changed.set(key(c.file, c.line), c);
  if (report.changes) {
    document.getElementById("changes-section").hidden = false;
    const ul = document.getElementById("changes");
    const all = report.changes.length + report.added.length + report.removed.length;
    if (!all) ul.append(el("li", {}, "Nothing changed."));
    for (const c of report.changes) {
      ul.append(el("li", { class: "change" }, el("code", {}, c.file + ":" + c.line), " ",
        el("span", { class: "claim" }, c.claim), " ",
        el("span", { class: "v-" + c.before }, c.before), " \u2192 ", el("span", { class: "v-" + c.after }, c.after)));
    }
    for (const [label, list] of [["added", report.added], ["removed", report.removed]]) {
      for (const c of list) {
        ul.append(el("li", {}, label + ": ", el("code", {}, c.file + ":" + c.line), " ",
          el("span", { class: "claim" }, c.claim), " (" + c.verdict + ")"));
      }
    }
  }

  // Chart: verdicts per file, one stacked bar each.
  const files = [...new Set(report.assertions.map(a => a.file))];
  const counts = files.map(f => {
    const c = { supported: 0, refuted: 0, contested: 0, unknown: 0 };
    for (const a of report.assertions) if (a.file === f) c[a.verdict]++;
    return c;
  });
  const labelWidth = Math.min(320, 8 + 7 * Math.max(10, ...files.map(f => f.length)));
  const barWidth = 520, rowH = 26;
  const most = Math.max(1, ...counts.map(c => VERDICTS.reduce((s, v) => s + c[v], 0)));
  const chart = svg("svg", { width: labelWidth + barWidth + 60, height: rowH * files.length + 30, role: "img", "aria-label": "verdicts per file" });
  files.forEach((f, i) => {
    const y = i * rowH;
    chart.append(svg("text", { x: labelWidth - 6, y: y + 16, "text-anchor": "end" }, f));
    let x = labelWidth;
    for (const v of VERDICTS) {
      const w = counts[i][v] / most * barWidth;
      if (w > 0) {
        const r = svg("rect", { x: x, y: y + 3, width: w, height: rowH - 8, fill: COLORS[v], "data-file": f, "data-verdict": v, "data-count": counts[i][v] });
        r.append(svg("title", {}, f + ": " + counts[i][v] + " " + v));
        chart.append(r);
        x += w;
      }
    }
    chart.append(svg("text", { x: x + 6, y: y + 16 }, String(VERDICTS.reduce((s, v) => s + counts[i][v], 0))));
  });
  let lx = labelWidth;
  for (const v of VERDICTS) {
    chart.append(svg("rect", { x: lx, y: rowH * files.length + 8, width: 12, height: 12, fill: COLORS[v] }));
    chart.append(svg("text", { x: lx + 16, y: rowH * files.length + 19 }, v));
    lx += 100;
  }
  document.getElementById("chart").append(chart);

  // Filters: verdict, file, and a pair of sources from the matrix.
  const state = { verdict: "", file: "", unmet: false, pair: null };
  const filters = document.getElementById("filters");
  const verdictSel = el("select", { id: "filter-verdict" }, el("option", { value: "" }, "every verdict"),
    ...VERDICTS.map(v => el("option", { value: v }, v)));
  const fileSel = el("select", { id: "filter-file" }, el("option", { value: "" }, "every file"),
    ...files.map(f => el("option", { value: f }, f)));
  const unmet = el("input", { type: "checkbox", id: "filter-unmet" });
  const pairNote = el("span", { id: "filter-pair" });
  const clear = el("button", { type: "button", id: "filter-clear" }, "show all");
  filters.append(el("label", {}, "Verdict ", verdictSel), el("label", {}, "File ", fileSel),
    el("label", {}, unmet, " only unmet expectations"), pairNote, clear);
  verdictSel.addEventListener("change", () => { state.verdict = verdictSel.value; apply(); });
  fileSel.addEventListener("change", () => { state.file = fileSel.value; apply(); });
  unmet.addEventListener("change", () => { state.unmet = unmet.checked; apply(); });
  clear.addEventListener("click", () => {
    Object.assign(state, { verdict: "", file: "", unmet: false, pair: null });
    verdictSel.value = ""; fileSel.value = ""; unmet.checked = false; apply();
  });

  // Assertions.
  function sourceLabel(e) {
    const info = data.sources[e.source] || {};
    const doc = data.sources[e.document] || {};
    const details = [doc.publisher, doc.date].filter(Boolean).join(", ");
    let who = e.speaker ? e.speaker + " via " + e.document : e.source;
    if (details) who += " (" + details + ")";
    const url = info.url || doc.url;
    if (url && /^https?:\/\//.test(url)) return el("a", { href: url, rel: "noreferrer" }, who);
    return el("span", {}, who);
  }
  const list = document.getElementById("assertions");
  const nodes = report.assertions.map((a, i) => {
    const status = a.passed === true ? "ok" : a.passed === false ? "failed" : "check";
    const change = changed.get(key(a.file, a.line));
    const node = el("article", {
      id: "assertion-" + i, class: "assertion " + status + (change ? " changed" : ""),
      "data-file": a.file, "data-line": a.line, "data-verdict": a.verdict, "data-status": status,
      "data-changed": change ? change.before + "->" + change.after : null,
    });
    const head = el("div", {},
      el("span", { class: "verdict v-" + a.verdict }, a.verdict), " ",
      el("span", { class: "claim" }, a.claim));
    if (a.passed === false) head.append(el("span", { class: "badge fail" }, "FAIL: expected " + a.expected));
    if (change) head.append(el("span", { class: "badge change" }, "changed: " + change.before + " \u2192 " + change.after));
    node.append(head);
    const expectation = a.expected === null ? "check: reported, never fails" : "expects " + a.expected;
    node.append(el("div", { class: "where" }, a.file + ":" + a.line + " \u00b7 " + expectation +
      " \u00b7 sources " + a.support_sources + " for, " + a.refute_sources + " against"));
    const ev = el("ul", { class: "evidence" });
    for (const [side, items] of [["for", a.support], ["against", a.refute]]) {
      for (const e of items) {
        const li = el("li", { class: "evidence-line", "data-side": side, "data-source": e.source },
          el("span", { class: "side" }, side), sourceLabel(e));
        if (e.as_of) li.append(", as of " + e.as_of);
        li.append(": ");
        li.append(e.quote !== null ? el("q", { class: "quote" }, e.quote) : el("span", {}, e.fact));
        li.append(el("span", { class: "where" }, " (" + e.fact_file + ":" + e.fact_line + ")"));
        ev.append(li);
      }
    }
    node.append(ev);
    list.append(node);
    return node;
  });

  function apply() {
    const pairSet = state.pair ? new Set(state.pair.ids) : null;
    let shown = 0;
    report.assertions.forEach((a, i) => {
      const ok = (!state.verdict || a.verdict === state.verdict) && (!state.file || a.file === state.file) &&
        (!state.unmet || a.passed === false) && (!pairSet || pairSet.has(i));
      nodes[i].hidden = !ok;
      if (ok) shown++;
    });
    pairNote.textContent = state.pair ? "sources " + state.pair.a + " and " + state.pair.b + " " + state.pair.how : "";
    document.getElementById("shown").textContent = shown + " of " + report.assertions.length + " assertions shown";
  }

  // The source agreement matrix.
  const ag = data.agreement;
  const matrix = document.getElementById("matrix");
  if (!ag.sources.length) {
    matrix.append(el("p", { class: "note" }, "No evidence, so no sources to compare."));
  } else {
    const table = el("table", { id: "agreement", class: "matrix" });
    table.append(el("tr", {}, el("th", {}, "agree / conflict"), ...ag.sources.map(s => el("th", { scope: "col" }, s))));
    ag.sources.forEach((a, i) => {
      const row = el("tr", {}, el("th", { class: "row", scope: "row" }, a));
      ag.sources.forEach((b, j) => {
        if (i === j) { row.append(el("td", { class: "self" }, "\u2014")); return; }
        const agree = ag.agree[i][j], conflict = ag.conflict[i][j];
        const cell = el("td", { "data-a": a, "data-b": b, "data-agree": agree.length, "data-conflict": conflict.length,
          title: a + " and " + b + ": agree on " + agree.length + ", conflict on " + conflict.length });
        const link = (ids, cls, how) => {
          const link = el("a", { href: "#assertions", class: cls, "data-assertions": ids.map(k => "assertion-" + k).join(" ") }, String(ids.length));
          link.addEventListener("click", () => { state.pair = { a: a, b: b, ids: ids, how: how }; apply(); });
          return link;
        };
        cell.append(link(agree, "agree", "agree"), " / ", link(conflict, "conflict", "conflict"));
        row.append(cell);
      });
      table.append(row);
    });
    matrix.append(el("div", { class: "scroll" }, table));
    if (ag.omitted) matrix.append(el("p", { class: "note" }, ag.omitted + " more sources left out (--max-matrix-sources)."));
  }
  apply();
})();
