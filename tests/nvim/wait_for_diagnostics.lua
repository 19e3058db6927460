-- Run by tests/integration/lsp.rs inside `nvim --headless`, after
-- editors/nvim/claimcheck.lua: waits until claimcheck lsp has published
-- diagnostics for the current buffer, writes them to $CLAIMCHECK_NVIM_OUT
-- (one `line: severity: message` each) and quits.
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local lines = {}
if not got then
  table.insert(lines, "no diagnostics within 20 s; clients: " .. #vim.lsp.get_active_clients())
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, (d.lnum + 1) .. ": " .. d.severity .. ": " .. d.message:gsub("\n", " | "))
end
vim.fn.writefile(lines, os.getenv("CLAIMCHECK_NVIM_OUT"))
vim.cmd("qall!")
