// Starts `claimcheck lsp` for .claims rule files and YAML/JSONL fact files.
// The server finds the workspace itself (rules/ and fixtures/ of each
// workspace folder, or the whole folder) and never writes to disk.

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("claimcheck").get("path") || "claimcheck";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "claimcheck",
    "claimcheck",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "claims" },
        { scheme: "file", pattern: "**/*.{yaml,yml,jsonl}" },
      ],
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
