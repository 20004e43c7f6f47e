-- relayout for Neovim: runs `relayout serve` as a language server for Python and
-- TypeScript/JavaScript buffers (depth diagnostics, move code actions) and adds
-- :RelayoutMove, which moves a file or folder and fixes its imports.
--
--   require('relayout').setup({ cmd = { 'relayout', 'serve' } })
--
-- Works on Neovim 0.7.2 through 0.11+:
--   0.11+      vim.lsp.config() + vim.lsp.enable() (lsp/relayout.lua is the default config)
--   0.8-0.10   vim.lsp.start() from a FileType autocmd (it reuses a client per root)
--   0.7        vim.lsp.start_client() + vim.lsp.buf_attach_client(), one client per root
--
-- Neovim's client never sends workspace/willRenameFiles (neovim/neovim#32363), so
-- :RelayoutMove does what VS Code does for a rename: willRenameFiles -> apply the
-- edit -> rename -> didRenameFiles.
local M = {}

local uv = vim.loop
local has = function(feature) return vim.fn.has(feature) == 1 end

M.defaults = {
  name = 'relayout',
  -- The server command; log_level, when set, appends --log-level.
  cmd = { 'relayout', 'serve' },
  -- Neovim logs everything a server writes to stderr as ERROR in :LspLog, so only
  -- warnings and errors by default. 'debug' | 'info' | 'warn' | 'error' | nil (server default).
  log_level = 'warn',
  filetypes = { 'python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact' },
  root_markers = { 'relayout.toml', '.git' },
  -- Write the buffers :RelayoutMove changed (VS Code's files.refactoring.autoSave).
  save = true,
  -- Milliseconds to wait for the server during :RelayoutMove.
  timeout_ms = 10000,
  -- On Neovim < 0.10, make vim.lsp.util.apply_workspace_edit create missing parent
  -- folders first (0.7 fails a RenameFile/CreateFile into a new folder and leaves the
  -- edit half-applied; fixed upstream in 0.8 for create and 0.10 for rename) and
  -- ignore ignoreIfExists on a rename whose target does not exist (a 0.7 bug).
  compat = true,
  on_attach = nil,
  capabilities = nil, -- merged into the client capabilities
}

M.opts = vim.deepcopy(M.defaults)

--- Creates the parent folders of every file an edit creates or renames to.
function M.ensure_parent_dirs(edit)
  for _, ch in ipairs((edit and edit.documentChanges) or {}) do
    local target = (ch.kind == 'rename' and ch.newUri) or (ch.kind == 'create' and ch.uri) or nil
    if target then
      vim.fn.mkdir(vim.fn.fnamemodify(vim.uri_to_fname(target), ':h'), 'p')
    end
  end
end

local compat_installed = false
--- Installs the Neovim < 0.10 workarounds (see `compat` above). Idempotent.
function M.install_compat()
  if compat_installed or has('nvim-0.10') then return end
  compat_installed = true
  local util = vim.lsp.util
  local apply = util.apply_workspace_edit
  util.apply_workspace_edit = function(edit, ...)
    if type(edit) == 'table' then
      M.ensure_parent_dirs(edit)
      for _, ch in ipairs(edit.documentChanges or {}) do
        if ch.kind == 'rename' and ch.options and ch.options.ignoreIfExists
            and not uv.fs_stat(vim.uri_to_fname(ch.newUri)) then
          ch.options = vim.tbl_extend('force', ch.options, { ignoreIfExists = false })
        end
      end
    end
    return apply(edit, ...)
  end
end

local function native_file_operations()
  local caps = vim.lsp.protocol.make_client_capabilities()
  local ops = caps.workspace and caps.workspace.fileOperations
  return ops and ops.willRename or false
end

--- The client capabilities: Neovim's, plus what it applies but does not advertise
--- (0.7 applies documentChanges without saying so) and the file operations
--- :RelayoutMove performs.
function M.capabilities(extra)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps = vim.tbl_deep_extend('force', caps, {
    workspace = {
      applyEdit = true,
      workspaceEdit = { documentChanges = true, resourceOperations = { 'create', 'rename', 'delete' } },
      fileOperations = { willRename = true, didRename = true },
    },
  })
  return vim.tbl_deep_extend('force', caps, extra or {})
end

local function server_cmd(o)
  local cmd = vim.deepcopy(o.cmd)
  if o.log_level then vim.list_extend(cmd, { '--log-level', o.log_level }) end
  return cmd
end

--- The client configuration shared by every start path (and by lsp/relayout.lua).
function M.client_config(opts)
  local o = vim.tbl_deep_extend('force', M.defaults, opts or {})
  local cfg = {
    name = o.name,
    cmd = server_cmd(o),
    filetypes = o.filetypes,
    root_markers = o.root_markers,
    capabilities = M.capabilities(o.capabilities),
    on_attach = o.on_attach,
    on_init = function() M.start_error = nil end,
    on_exit = function(code, signal)
      if code ~= 0 and signal == 0 then
        M.start_error = string.format('the relayout server (%s) exited with code %d (see :LspLog)', o.cmd[1], code)
      end
    end,
  }
  if has('nvim-0.11') then
    -- 0.11 starts a client without a root when no marker matches; relayout needs a
    -- folder, so fall back to the file's folder as the other versions do.
    cfg.root_dir = function(bufnr, on_dir)
      local fname = vim.api.nvim_buf_get_name(bufnr)
      if fname ~= '' then on_dir(M.find_root(fname, o.root_markers)) end
    end
  end
  return cfg
end

--- Finds the workspace root of a file: the nearest folder holding one of the
--- markers (tried in order), else the file's folder.
function M.find_root(fname, markers)
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  for _, m in ipairs(markers or M.opts.root_markers) do
    local d = vim.fn.finddir(m, dir .. ';')
    if d ~= '' then return vim.fn.fnamemodify(d, ':p:h:h') end -- '/x/.git/' -> '/x'
    local f = vim.fn.findfile(m, dir .. ';')
    if f ~= '' then return vim.fn.fnamemodify(f, ':p:h') end
  end
  return dir
end

--- The running relayout clients.
function M.clients()
  local list
  if vim.lsp.get_clients then
    list = vim.lsp.get_clients({ name = M.opts.name })
  else
    list = vim.lsp.get_active_clients()
  end
  return vim.tbl_filter(function(c)
    local stopped = has('nvim-0.11') and c:is_stopped() or (not has('nvim-0.11') and c.is_stopped())
    return c.name == M.opts.name and not stopped
  end, list)
end

-- 0.11 deprecates the dot-call forms of client methods.
local function request_sync(client, method, params, timeout, bufnr)
  if has('nvim-0.11') then return client:request_sync(method, params, timeout, bufnr) end
  return client.request_sync(method, params, timeout, bufnr)
end
local function notify(client, method, params)
  if has('nvim-0.11') then return client:notify(method, params) end
  return client.notify(method, params)
end

local by_root = {} -- 0.7: client id per root

--- Why the server could not be started or stopped early, if it could not
--- (nil while it runs): :RelayoutMove says so instead of "open a file first".
M.start_error = nil

--- Starts (or reuses) the client for bufnr's root and attaches it.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or vim.bo[bufnr].buftype ~= '' then return end
  local o = M.opts
  if vim.fn.executable(o.cmd[1]) == 0 then
    local msg = string.format('cannot start the relayout server: %q is not an executable on PATH; '
      .. 'build it with `go install ./cmd/relayout` in a clone of relayout (:help relayout-install)', o.cmd[1])
    if M.start_error ~= msg then vim.notify('relayout: ' .. msg, vim.log.levels.ERROR) end
    M.start_error = msg
    return
  end
  local cfg = M.client_config(o)
  cfg.root_dir = M.find_root(fname, o.root_markers)
  cfg.filetypes, cfg.root_markers = nil, nil
  if vim.lsp.start then -- 0.8+
    return vim.lsp.start(cfg, { bufnr = bufnr })
  end
  local id = by_root[cfg.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(cfg)
    by_root[cfg.root_dir] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

local function is_dir(p)
  local st = uv.fs_stat(p)
  return st ~= nil and st.type == 'directory'
end

local function within(path, dir)
  return path == dir or path:sub(1, #dir + 1) == dir .. '/'
end

local function modified_buffers()
  local set = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified then set[b] = true end
  end
  return set
end

-- Renames a file or folder on disk, moving the buffers along.
local function rename_on_disk(from, to)
  vim.fn.mkdir(vim.fn.fnamemodify(to, ':h'), 'p')
  if not is_dir(from) or has('nvim-0.10') then
    vim.lsp.util.rename(from, to) -- writes the old buffer, renames, moves windows over
    return
  end
  -- A folder on < 0.10 (util.rename there only handles files): write its buffers,
  -- rename it, then point each buffer at its new path.
  local moved = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(b)
    if name ~= '' and within(name, from) then
      if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified then
        vim.api.nvim_buf_call(b, function() vim.cmd('silent noautocmd write') end)
      end
      table.insert(moved, { b, to .. name:sub(#from + 1) })
    end
  end
  assert(uv.fs_rename(from, to))
  for _, m in ipairs(moved) do
    vim.api.nvim_buf_set_name(m[1], m[2])
    if vim.api.nvim_buf_is_loaded(m[1]) then
      vim.api.nvim_buf_call(m[1], function() vim.cmd('silent! edit!') end)
    end
  end
end

local function fail(msg)
  vim.notify('relayout: ' .. msg, vim.log.levels.ERROR)
  return false, msg
end

--- Moves a file or folder and fixes the imports that refer to it. `to` may name
--- an existing folder (or end in '/') to move into it. Without a relayout server
--- for the file's workspace nothing moves, unless opts.force (:RelayoutMove!).
--- Returns true, or false and a message.
function M.move(from, to, opts)
  opts = opts or {}
  local o = M.opts
  if o.compat then M.install_compat() end
  from = vim.fn.fnamemodify(from, ':p'):gsub('/$', '')
  local into = to:sub(-1) == '/' or is_dir(vim.fn.fnamemodify(to, ':p'))
  to = vim.fn.fnamemodify(to, ':p'):gsub('/$', '')
  if into then to = to .. '/' .. vim.fn.fnamemodify(from, ':t') end
  if not uv.fs_stat(from) then return fail(from .. ' does not exist') end
  if uv.fs_stat(to) then return fail(to .. ' already exists') end
  if from == to or within(to, from) then return fail('cannot move ' .. from .. ' into itself') end

  local files = { { oldUri = vim.uri_from_fname(from), newUri = vim.uri_from_fname(to) } }
  local before = modified_buffers()
  local renamed_by_server = false
  local updated = 0
  local clients = vim.tbl_filter(function(c)
    local root = c.config and c.config.root_dir
    return root == nil or within(from, (root:gsub('/$', '')))
  end, M.clients())
  local handled = false
  for _, client in ipairs(clients) do
    local caps = client.server_capabilities or client.resolved_capabilities or {}
    local ops = caps.workspace and caps.workspace.fileOperations
    local cmds = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
    handled = handled or (ops and ops.willRename) or vim.tbl_contains(cmds, 'relayout.move')
  end
  if not handled and not opts.force then
    if #clients == 0 and M.start_error then
      return fail('the relayout server failed to start, so imports cannot be fixed: ' .. M.start_error
        .. '; :RelayoutMove! moves it anyway')
    end
    return fail('no running relayout server for ' .. from .. ' can fix its imports (open a Python or TypeScript '
      .. 'file of the workspace first); :RelayoutMove! moves it anyway')
  end
  for _, client in ipairs(clients) do
    local caps = client.server_capabilities or client.resolved_capabilities or {}
    local ops = caps.workspace and caps.workspace.fileOperations
    local cmds = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
    if vim.tbl_contains(cmds, 'relayout.move') and not renamed_by_server then
      -- The server moves the file itself through workspace/applyEdit: one edit holding
      -- the renames, the import fixes and the deletions (orphan __init__.py files,
      -- emptied folders), the same as VS Code's Move Module and the CLI.
      local root = client.config.root_dir
      local r = request_sync(client, 'workspace/executeCommand', {
        command = 'relayout.move', arguments = { vim.uri_from_fname(root), from, to },
      }, o.timeout_ms, 0)
      if not r or r.err or (type(r.result) == 'table' and r.result.applied == false) then
        return fail('the move failed: ' .. vim.inspect(r and (r.err or r.result.message)))
      end
      renamed_by_server = true
    elseif ops and ops.willRename and not native_file_operations() and not renamed_by_server then
      local r, err = request_sync(client, 'workspace/willRenameFiles', { files = files }, o.timeout_ms, 0)
      if not r or r.err then
        return fail('the server failed to prepare the move, nothing changed: ' .. vim.inspect((r and r.err) or err))
      end
      if r.result then
        M.ensure_parent_dirs(r.result)
        vim.lsp.util.apply_workspace_edit(r.result, client.offset_encoding or 'utf-16')
        updated = updated + #(r.result.documentChanges or vim.tbl_keys(r.result.changes or {}))
      end
    end
  end
  if not renamed_by_server then
    local ok, err = pcall(rename_on_disk, from, to)
    if not ok then return fail('rename failed after imports were updated (:wall to keep them, :undo to revert): ' .. tostring(err)) end
    for _, client in ipairs(clients) do
      local caps = client.server_capabilities or client.resolved_capabilities or {}
      local ops = caps.workspace and caps.workspace.fileOperations
      if ops and ops.didRename then notify(client, 'workspace/didRenameFiles', { files = files }) end
    end
  end
  if o.save then
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if not before[b] and vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified and vim.api.nvim_buf_get_name(b) ~= '' then
        vim.api.nvim_buf_call(b, function() vim.cmd('silent update') end)
      end
    end
  end
  if not renamed_by_server then -- else the server said what it did (window/showMessage)
    vim.notify(string.format('relayout: moved %s -> %s (%d %s updated)', vim.fn.fnamemodify(from, ':~:.'),
      vim.fn.fnamemodify(to, ':~:.'), updated, updated == 1 and 'file' or 'files'), vim.log.levels.INFO)
  end
  return true
end

--- :RelayoutMove {to} moves the current buffer's file; :RelayoutMove {from} {to}.
--- With ! it moves even when no server can fix the imports.
function M.move_command(args)
  local a = args.fargs
  local opts = { force = args.bang }
  if #a == 1 then
    local cur = vim.api.nvim_buf_get_name(0)
    if cur == '' then return fail('the buffer has no file; use :RelayoutMove {from} {to}') end
    return M.move(cur, a[1], opts)
  elseif #a == 2 then
    return M.move(a[1], a[2], opts)
  end
  return fail('usage: :RelayoutMove {to} | :RelayoutMove {from} {to}')
end

function M.create_commands()
  vim.api.nvim_create_user_command('RelayoutMove', M.move_command,
    { nargs = '+', bang = true, complete = 'file', desc = 'Move a file or folder and fix its imports (relayout)' })
end

--- Drops the diagnostics of buffers that no longer exist. A workspace edit's
--- rename wipes the old path's buffer (Neovim made one for each file with a
--- diagnostic), but Neovim < 0.10 keeps its diagnostics, and
--- vim.diagnostic.setqflist() then fails with "E92: Buffer N not found".
function M.prune_diagnostics()
  local gone = {}
  for _, d in ipairs(vim.diagnostic.get()) do
    if not vim.api.nvim_buf_is_valid(d.bufnr) then
      gone[d.bufnr] = gone[d.bufnr] or {}
      gone[d.bufnr][d.namespace] = true
    end
  end
  for bufnr, namespaces in pairs(gone) do
    for ns in pairs(namespaces) do pcall(vim.diagnostic.reset, ns, bufnr) end
  end
end

function M.setup(opts)
  M.opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  local o = M.opts
  if o.compat then M.install_compat() end
  M.create_commands()
  local group = vim.api.nvim_create_augroup('relayout', { clear = true })
  vim.api.nvim_create_autocmd('BufWipeout', {
    group = group,
    -- the buffer is still valid while its BufWipeout runs
    callback = function() vim.schedule(M.prune_diagnostics) end,
  })
  if vim.lsp.config and vim.lsp.enable then -- 0.11+
    vim.lsp.config(o.name, M.client_config(o))
    vim.lsp.enable(o.name)
    return
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = o.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  -- Buffers whose FileType fired before setup().
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(o.filetypes, vim.bo[b].filetype) then M.attach(b) end
  end
end

return M
