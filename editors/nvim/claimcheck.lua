-- claimcheck lsp for Neovim 0.7 and later: every claim's verdict as you type.
-- Put this file in ~/.config/nvim/lua/ and add `require("claimcheck")` to
-- init.lua (or paste it there). Set vim.g.claimcheck_path first to use a
-- binary that is not on PATH.

-- .claims files get their own filetype.
vim.cmd([[autocmd BufRead,BufNewFile *.claims setfiletype claims]])

-- The workspace: the nearest folder holding rules/ and fixtures/ (as
-- `claimcheck check` with no paths), else nil.
local function workspace_of(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  while true do
    if vim.fn.isdirectory(dir .. "/rules") == 1 and vim.fn.isdirectory(dir .. "/fixtures") == 1 then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local clients = {} -- root folder -> client id (Neovim 0.7)

local function attach(args)
  local bufnr = args.buf
  local file = vim.api.nvim_buf_get_name(bufnr)
  local root = workspace_of(file)
  if not root then
    -- A rule file alone is a workspace of its folder; a YAML file outside
    -- a claimcheck workspace is somebody else's.
    if not file:match("%.claims$") then
      return
    end
    root = vim.fn.fnamemodify(file, ":p:h")
  end
  local config = {
    name = "claimcheck",
    cmd = { vim.g.claimcheck_path or "claimcheck", "lsp" },
    root_dir = root,
  }
  if vim.lsp.start then
    -- Neovim 0.8 and later: starts the server once per root, then attaches.
    vim.lsp.start(config, { bufnr = bufnr })
  else
    -- Neovim 0.7: start a client per root ourselves and attach the buffer.
    clients[root] = clients[root] or vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, clients[root])
  end
end

vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  pattern = { "*.claims", "*.yaml", "*.yml", "*.jsonl" },
  callback = attach,
})
