// Opens the example's HTML report (`claimcheck check --format html`) in real
// headless Chromium and checks it: no uncaught exception, no console.error,
// no request leaving the machine, and a rendered page that says what the
// JSON report says. Run by .ci/run; needs the system's Chromium
// (CHROMIUM, default /usr/bin/chromium) and a built claimcheck (CLAIMCHECK,
// default target/debug/claimcheck).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

// (import.meta.dirname needs Node 20; Debian 12 ships Node 18.)
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const bin = process.env.CLAIMCHECK || join(root, "target/debug/claimcheck");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";

function claimcheck(...args) {
  return execFileSync(bin, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
}

let dir, browser, page, report;
const problems = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "claimcheck-html-"));
  const html = join(dir, "report.html");
  claimcheck("check", "--format", "html", "--output", html);
  report = JSON.parse(claimcheck("check", "--format", "json"));
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: join(dir, "profile"),
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
    ],
  });
  page = await browser.newPage();
  page.on("pageerror", (e) => problems.push("uncaught exception: " + e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push("console.error: " + m.text()); });
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    const url = r.url();
    if (/^(file|data|about):/.test(url)) return r.continue();
    problems.push("request leaving the machine: " + url);
    return r.abort();
  });
  await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
});

after(async () => {
  if (browser) await browser.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the page renders without errors or network requests", async () => {
  // Clicks and filters run script too: exercise them before judging.
  await page.select("#filter-verdict", "contested");
  await page.click("#filter-clear");
  assert.deepEqual(problems, []);
});

test("every assertion is on the page with its file, line and verdict", async () => {
  const shown = await page.$$eval("[data-verdict][data-line]", (els) =>
    els.filter((e) => e.tagName === "ARTICLE").map((e) => ({
      file: e.dataset.file, line: Number(e.dataset.line), verdict: e.dataset.verdict,
      status: e.dataset.status, evidence: e.querySelectorAll(".evidence-line").length,
    })));
  assert.equal(shown.length, report.assertions.length);
  assert.ok(report.assertions.some((a) => a.kind === "check"), "the example has check: lines");
  report.assertions.forEach((a, i) => {
    const status = a.passed === true ? "ok" : a.passed === false ? "failed" : "check";
    assert.deepEqual(shown[i], {
      file: a.file, line: a.line, verdict: a.verdict, status,
      evidence: a.support.length + a.refute.length,
    });
  });
  const summary = await page.$eval("#summary", (e) => e.textContent);
  assert.equal(summary, `${report.passed} passed, ${report.failed} failed, ${report.checks} checks`);
});

test("the agreement matrix counts what the JSON report implies", async () => {
  const ids = new Set();
  for (const a of report.assertions) for (const e of [...a.support, ...a.refute]) ids.add(e.source);
  const cells = await page.$$eval("#agreement td[data-a]", (els) => els.map((e) => ({
    a: e.dataset.a, b: e.dataset.b, agree: Number(e.dataset.agree), conflict: Number(e.dataset.conflict),
  })));
  assert.equal(cells.length, ids.size * (ids.size - 1));
  let conflicts = 0;
  for (const c of cells) {
    let agree = 0, conflict = 0;
    for (const a of report.assertions) {
      const s = new Set(a.support.map((e) => e.source)), r = new Set(a.refute.map((e) => e.source));
      if ((s.has(c.a) && s.has(c.b)) || (r.has(c.a) && r.has(c.b))) agree++;
      if ((s.has(c.a) && r.has(c.b)) || (r.has(c.a) && s.has(c.b))) conflict++;
    }
    assert.deepEqual([c.agree, c.conflict], [agree, conflict], `${c.a} / ${c.b}`);
    conflicts += conflict;
  }
  assert.ok(conflicts > 0, "the example's sources disagree somewhere");
});

test("a matrix cell links to its assertions", async () => {
  const cell = await page.$eval("#agreement td[data-conflict]:not([data-conflict='0'])", (e) =>
    ({ a: e.dataset.a, b: e.dataset.b, conflict: Number(e.dataset.conflict) }));
  await page.click(`#agreement td[data-a="${cell.a}"][data-b="${cell.b}"] a.conflict`);
  const visible = await page.$$eval("article.assertion", (els) => els.filter((e) => !e.hidden).length);
  assert.equal(visible, cell.conflict);
  await page.click("#filter-clear");
});

test("filters by verdict and by file", async () => {
  for (const verdict of ["supported", "refuted", "contested", "unknown"]) {
    await page.select("#filter-verdict", verdict);
    const visible = await page.$$eval("article.assertion", (els) => els.filter((e) => !e.hidden).map((e) => e.dataset.verdict));
    assert.equal(visible.length, report.assertions.filter((a) => a.verdict === verdict).length, verdict);
    assert.ok(visible.every((v) => v === verdict));
  }
  await page.click("#filter-clear");
  const file = report.assertions[0].file;
  await page.select("#filter-file", file);
  const visible = await page.$$eval("article.assertion", (els) => els.filter((e) => !e.hidden).length);
  assert.equal(visible, report.assertions.filter((a) => a.file === file).length);
  await page.click("#filter-clear");
});

test("the chart shows verdicts per file", async () => {
  const bars = await page.$$eval("#chart svg rect[data-file]", (els) =>
    els.map((e) => ({ file: e.dataset.file, verdict: e.dataset.verdict, count: Number(e.dataset.count) })));
  for (const b of bars) {
    assert.equal(b.count, report.assertions.filter((a) => a.file === b.file && a.verdict === b.verdict).length);
  }
  assert.equal(bars.reduce((s, b) => s + b.count, 0), report.assertions.length);
  assert.deepEqual(problems, []);
});

test("verdicts changed since a baseline are marked", async () => {
  // A baseline in which the first assertion had another verdict.
  const old = JSON.parse(JSON.stringify(report));
  const first = old.assertions[0];
  const before = first.verdict === "unknown" ? "supported" : "unknown";
  first.verdict = before;
  writeFileSync(join(dir, "old.json"), JSON.stringify(old));
  const html = join(dir, "changed.html");
  claimcheck("check", "--format", "html", "--output", html, "--baseline", join(dir, "old.json"));
  const changedPage = await browser.newPage();
  const errors = [];
  changedPage.on("pageerror", (e) => errors.push(e.message));
  changedPage.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await changedPage.goto(pathToFileURL(html).href, { waitUntil: "load" });
  const marked = await changedPage.$$eval("article.assertion[data-changed]", (els) =>
    els.map((e) => ({ line: Number(e.dataset.line), changed: e.dataset.changed })));
  assert.deepEqual(marked, [{ line: first.line, changed: `${before}->${report.assertions[0].verdict}` }]);
  const section = await changedPage.$eval("#changes-section", (e) => !e.hidden);
  assert.ok(section);
  await changedPage.close();
  assert.deepEqual(errors, []);
});
