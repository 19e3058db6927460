// Tokenizes each samples/*.claims file with the extension's TextMate grammar
// (vscode-textmate on the Oniguruma regex engine, as VS Code does) and checks
// the scopes the sample's assertion comments expect:
//
//   assert: North Korea sent 14,000 troops
//   #^^^^^ keyword.control.assert.claims
//   #                        ^^^^^^ constant.numeric.claims
//   # <- comment.line.number-sign.claims      (column 0 of the line above)
//
// A `#` line made only of carets (or `<-`) and scopes is an assertion about
// the closest line above that is not one; a scope prefixed with `-` must NOT
// be on those characters. Exits 1 on any mismatch, naming file, line, column.

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const grammarPath = path.join(__dirname, "..", "syntaxes", "claims.tmLanguage.json");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;

const registry = new vsctm.Registry({
  onigLib: oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  })),
  loadGrammar: async (scopeName) =>
    scopeName === "source.claims"
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
      : null,
});

const ASSERTION = /^#(\s*)(\^+|<-+)((?:\s+-?[\w.-]+)+)\s*$/;

function scopesAt(tokens, column) {
  const t = tokens.find((t) => t.startIndex <= column && column < t.endIndex);
  return t ? t.scopes : [];
}

async function main() {
  const grammar = await registry.loadGrammar("source.claims");
  const dir = path.join(__dirname, "samples");
  let failures = 0;
  let checks = 0;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".claims")).sort()) {
    const lines = fs.readFileSync(path.join(dir, name), "utf8").split("\n");
    let state = vsctm.INITIAL;
    let target = null; // { tokens, number }
    lines.forEach((line, i) => {
      const m = ASSERTION.exec(line);
      if (m && target) {
        const arrow = m[2].startsWith("<");
        const from = arrow ? 0 : 1 + m[1].length;
        const to = arrow ? m[2].length - 1 : from + m[2].length;
        for (const want of m[3].trim().split(/\s+/)) {
          const negated = want.startsWith("-");
          const scope = negated ? want.slice(1) : want;
          for (let col = from; col < to; col++) {
            checks++;
            const has = scopesAt(target.tokens, col).includes(scope);
            if (has === negated) {
              failures++;
              console.error(
                `${name}:${target.number}:${col + 1}: expected ${negated ? "no " : ""}${scope}, ` +
                  `found ${scopesAt(target.tokens, col).join(" ")}`
              );
              break;
            }
          }
        }
        return;
      }
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      target = { tokens: r.tokens, number: i + 1 };
    });
  }
  if (checks === 0) {
    console.error("no scope assertions found in samples/");
    process.exit(1);
  }
  console.log(`${checks - failures}/${checks} scope checks passed`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
