-- Headless end-to-end test of the relayout Neovim plugin against the real server.
-- Run by run.sh:
--   RELAYOUT_BIN=/path/relayout WS=/tmp/ws nvim --headless -u NONE -i NONE -n \
--     --cmd 'set rtp^=editors/nvim' -c 'luafile editors/nvim/test/e2e.lua'
-- It writes a Python/TypeScript workspace with files nested too deep into $WS, then:
--   1. the plugin attaches on FileType and too-deep diagnostics arrive (vim.diagnostic);
--   2. :RelayoutMove moves a module through willRenameFiles (the importer is rewritten);
--   3. :RelayoutMove moves a TypeScript module into a folder (UTF-16 columns);
--   4. a code action (vim.lsp.buf.code_action, resolved by Neovim) moves the deep modules;
--   5. :RelayoutMove moves a whole folder.
-- After each step python3 runs main.py. Features the server does not advertise are
-- skipped with a message. Exit code 0 = all passed, 1 = a check failed, 2 = Lua error;
-- the last line is "N passed, N failed, N skipped".
local bin = assert(os.getenv('RELAYOUT_BIN'), 'RELAYOUT_BIN unset')
local root = assert(os.getenv('WS'), 'WS unset')
local TIMEOUT = 15000
local passes, failures, skips = 0, 0, 0

local function say(...) io.stdout:write(table.concat({ ... }, ' ') .. '\n'); io.stdout:flush() end
local function check(cond, msg, detail)
  if cond then passes = passes + 1; say('PASS ' .. msg)
  else failures = failures + 1; say('FAIL ' .. msg .. (detail and (': ' .. tostring(detail)) or '')) end
  return cond
end
local function skip(msg) skips = skips + 1; say('SKIP ' .. msg) end
local function path(rel) return root .. '/' .. rel end
local function read(rel)
  local f = io.open(path(rel)); if not f then return nil end
  local s = f:read('*a'); f:close(); return s
end
local function write(rel, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path(rel), ':h'), 'p')
  local f = assert(io.open(path(rel), 'w')); f:write(text); f:close()
end
local function exists(rel) return vim.loop.fs_stat(path(rel)) ~= nil end
local function run_main()
  local out = vim.fn.system({ 'python3', '-B', path('main.py') })
  return vim.v.shell_error == 0 and vim.trim(out) or ('exit ' .. vim.v.shell_error .. ': ' .. out)
end
local function modified_buffers()
  local out = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].modified then table.insert(out, vim.api.nvim_buf_get_name(b)) end
  end
  return out
end
local has_python = vim.fn.executable('python3') == 1
local function check_python(what)
  if has_python then check(run_main() == '15', what .. ': python3 main.py runs', run_main()) end
end

-- The workspace (the same as the VS Code protocol tests'): depth limit 2, so every
-- module under pkg/sub/deep/ (level 3) and web/src/lib/deep/ (level 4) is too deep.
-- Non-ASCII text precedes imports on their line: UTF-8/UTF-16 column mix-ups show.
local FILES = {
  ['relayout.toml'] = '[depth]\nmax = 2\n',
  ['main.py'] = table.concat({
    '_s = "é😀"; from pkg.sub.deep.util import helper  # non-ASCII before an import: UTF-16 columns',
    'from pkg.sub.deep.other import y',
    'from pkg.sub.deep.third import x',
    'from pkg.sub.deep import fourth',
    'import pkg.sub.deep.fifth as fifth',
    '',
    'print(helper() + y + x + fourth.z + fifth.w)',
    '',
  }, '\n'),
  ['pkg/sub/deep/util.py'] = 'def helper():\n    return 1\n',
  ['pkg/sub/deep/other.py'] = 'y = 2\n',
  ['pkg/sub/deep/third.py'] = 'x = 3\n',
  ['pkg/sub/deep/fourth.py'] = 'z = 4\n',
  ['pkg/sub/deep/fifth.py'] = 'from .fourth import z\n\nw = z + 1\n',
  ['web/src/index.ts'] = "/* é😀 */ import { button } from './lib/deep/button';\n\nexport const ui = button('ok');\n",
  ['web/src/lib/deep/button.ts'] = 'export function button(label: string): string {\n  return `[${label}]`;\n}\n',
  ['docs/guide/deep/notes.md'] = '# Notes\n',
  -- regular packages: moving out of them creates the new packages' __init__.py
  ['app/__init__.py'] = '',
  ['app/core/__init__.py'] = '',
  ['app/core/mod.py'] = 'v = 1\n',
  ['use.py'] = 'from app.core.mod import v\nprint(v)\n',
}

-- Regular packages nested three deep around one module (step 6).
local NESTED = {
  ['api/__init__.py'] = '',
  ['api/v1/__init__.py'] = '',
  ['api/v1/routes/__init__.py'] = '',
  ['api/v1/routes/users.py'] = 'def users():\n    return 7\n',
  ['app.py'] = 'from api.v1.routes.users import users\n\nprint(users())\n',
}

-- snapshot lists every folder (trailing /) and file with its content below dir,
-- sorted, skipping __pycache__ and Neovim's own files: two trees compare as strings.
local function snapshot(dir)
  local out = {}
  local function walk(d, prefix)
    local h = vim.loop.fs_scandir(d)
    while h do
      local name, typ = vim.loop.fs_scandir_next(h)
      if not name then break end
      local rel = prefix .. name
      if typ == 'directory' then
        if name ~= '__pycache__' then table.insert(out, rel .. '/'); walk(d .. '/' .. name, rel .. '/') end
      else
        local f = io.open(d .. '/' .. name); local text = f and f:read('*a') or '?'; if f then f:close() end
        table.insert(out, rel .. ' = ' .. text)
      end
    end
  end
  walk(dir, '')
  table.sort(out)
  return table.concat(out, '\n')
end

local function too_deep(bufnr)
  return vim.tbl_filter(function(d)
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    return d.source == 'relayout' and code == 'too-deep'
  end, vim.diagnostic.get(bufnr))
end

local function main()
  for rel, text in pairs(FILES) do write(rel, text) end
  vim.cmd('cd ' .. vim.fn.fnameescape(root))
  vim.cmd('filetype on') -- -u NONE leaves filetype detection off; the plugin attaches on FileType

  local relayout = require('relayout')
  -- RELAYOUT_NVIM_COMPAT=0 turns the < 0.10 workarounds off: a negative control
  -- showing what they fix (on 0.7.2 the code action's rename into a new folder fails).
  relayout.setup({ cmd = { bin, 'serve' }, log_level = 'debug', compat = os.getenv('RELAYOUT_NVIM_COMPAT') ~= '0' })
  local cfg = dofile(vim.api.nvim_get_runtime_file('lsp/relayout.lua', false)[1])
  check(type(cfg) == 'table' and cfg.cmd[2] == 'serve' and vim.tbl_contains(cfg.root_markers, 'relayout.toml'),
    'lsp/relayout.lua (0.11 vim.lsp.enable) returns the default config')

  -- 1. attach and diagnostics
  vim.cmd('edit pkg/sub/deep/util.py')
  local buf = vim.api.nvim_get_current_buf()
  check(vim.wait(TIMEOUT, function()
    local c = relayout.clients()[1]
    return c ~= nil and vim.lsp.buf_is_attached(buf, c.id)
  end, 20),
    'the plugin attached a relayout client on FileType python')
  local client = relayout.clients()[1]
  if not client then return end
  check(vim.wait(TIMEOUT, function() return client.initialized end, 20), 'client initialized')
  check(client.config.root_dir == root, 'root found by relayout.toml', client.config.root_dir)
  check(vim.wait(TIMEOUT, function() return #too_deep(buf) > 0 end, 20), 'too-deep diagnostic on the open file')
  local d = too_deep(buf)[1] or {}
  check((d.message or ''):find('level 3', 1, true) ~= nil and d.lnum == 0, 'diagnostic names the level, on line 1', d.message)
  local md = vim.uri_to_bufnr(vim.uri_from_fname(path('docs/guide/deep/notes.md')))
  check(vim.wait(TIMEOUT, function() return #too_deep(md) > 0 end, 20), 'too-deep diagnostic for a Markdown file nobody opened')
  vim.cmd('edit main.py')
  vim.wait(300)
  check(#too_deep(0) == 0, 'no diagnostic on a shallow file')

  local caps = client.server_capabilities or {}
  local ops = caps.workspace and caps.workspace.fileOperations or {}
  local cmds = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
  local can_move = ops.willRename or vim.tbl_contains(cmds, 'relayout.move')

  -- 2. :RelayoutMove through willRenameFiles, into a folder that does not exist yet
  if not can_move then
    skip(':RelayoutMove: the server advertises neither willRenameFiles nor relayout.move yet')
    check(not relayout.move(path('pkg/sub/deep/third.py'), path('lib/third.py')) and exists('pkg/sub/deep/third.py'),
      'without a server that can fix imports :RelayoutMove refuses (use ! to force)')
  else
    say('INFO :RelayoutMove uses ' .. (ops.willRename and 'willRenameFiles' or 'executeCommand relayout.move'))
    vim.cmd('edit pkg/sub/deep/third.py')
    vim.cmd('RelayoutMove lib/third.py')
    check(exists('lib/third.py') and not exists('pkg/sub/deep/third.py'), ':RelayoutMove moved the file (parent folder created)')
    check(read('main.py'):find('\nfrom lib.third import x\n', 1, true) ~= nil, ':RelayoutMove rewrote the importer on disk', read('main.py'))
    check(vim.api.nvim_buf_get_name(0) == path('lib/third.py'), 'the window shows the moved file', vim.api.nvim_buf_get_name(0))
    check(#modified_buffers() == 0, 'every changed buffer was written', vim.inspect(modified_buffers()))
    check_python(':RelayoutMove')
    check(vim.wait(TIMEOUT, function() return #too_deep(vim.api.nvim_get_current_buf()) == 0 end, 20), 'no diagnostic on the moved file')

    -- into new regular packages: the edit creates lib2/__init__.py and lib2/pkg/__init__.py
    -- in folders that do not exist yet (Neovim 0.7 needs them made first)
    vim.cmd('RelayoutMove app/core/mod.py lib2/pkg/mod.py')
    check(exists('lib2/pkg/mod.py') and not exists('app/core/mod.py'), ':RelayoutMove into a new package')
    check(read('use.py'):find('from lib2.pkg.mod import v', 1, true) ~= nil, 'use.py rewritten', read('use.py'))
    if has_python then
      local out = vim.trim(vim.fn.system({ 'python3', '-B', path('use.py') }))
      check(out == '1', 'python3 use.py runs', out)
    end

    -- refused: the target exists; nothing changes
    local before = read('main.py')
    local ok = relayout.move(path('pkg/sub/deep/other.py'), path('main.py'))
    check(not ok and read('main.py') == before and exists('pkg/sub/deep/other.py'), 'a move onto an existing file is refused')

    -- 3. TypeScript, into an existing folder (trailing slash)
    vim.cmd('edit web/src/lib/deep/button.ts')
    vim.cmd('RelayoutMove web/src/')
    check(exists('web/src/button.ts') and not exists('web/src/lib/deep/button.ts'), ':RelayoutMove {folder}/ keeps the file name')
    check(read('web/src/index.ts'):find("/* é😀 */ import { button } from './button';", 1, true) ~= nil,
      'TypeScript specifier rewritten at the right UTF-16 column', read('web/src/index.ts'))
  end

  -- 4. code action: Neovim lists, resolves (codeAction/resolve) and applies it
  if not caps.codeActionProvider then
    skip('code action: the server does not advertise codeActionProvider yet')
  else
    vim.cmd('edit pkg/sub/deep/other.py')
    local b = vim.api.nvim_get_current_buf()
    vim.wait(TIMEOUT, function() return #too_deep(b) > 0 end, 20)
    local chosen
    local select = vim.ui.select
    vim.ui.select = function(items, opts, on_choice) -- the user picks the move action
      for i, item in ipairs(items) do
        local a = item.action or item[2] -- 0.10+: {action, ctx}; 0.7: {client_id, action}
        if a and a.title and a.title:find('^Move .- and fix imports: ') then
          chosen = a
          return on_choice(item, i)
        end
      end
      on_choice(nil, nil)
    end
    vim.api.nvim_win_set_cursor(0, { 1, 0 })
    vim.lsp.buf.code_action()
    local moved = vim.wait(TIMEOUT, function() return chosen ~= nil and not exists('pkg/sub/deep/other.py') end, 20)
    vim.ui.select = select
    check(chosen ~= nil, 'a "Move module and fix imports" action is offered', chosen and chosen.title)
    check(moved, 'the resolved action moved the file')
    vim.cmd('silent wall')
    local from, to = (chosen and chosen.title or ''):match('^Move .- and fix imports: (%S+) → (%S+)')
    say('INFO applied: ' .. tostring(chosen and chosen.title))
    if from and to then
      local target = (from == 'pkg/sub/deep/other.py') and to or (to .. ('pkg/sub/deep/other.py'):sub(#from + 1))
      check(exists(target), 'the module is at ' .. target)
      check(vim.api.nvim_buf_get_name(0) == path(target), 'the window follows the moved file', vim.api.nvim_buf_get_name(0))
    end
    check_python('code action')
    check(vim.wait(TIMEOUT, function() return #too_deep(vim.api.nvim_get_current_buf()) == 0 end, 20),
      'the moved file has no too-deep diagnostic')
  end

  -- 5. a whole folder
  if can_move then
    local dir
    for _, cand in ipairs({ 'pkg/deep', 'pkg/sub/deep', 'pkg/sub' }) do
      if vim.fn.isdirectory(path(cand)) == 1 and vim.fn.glob(path(cand) .. '/*.py') ~= '' then dir = cand; break end
    end
    if dir then
      vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/fifth.py'))
      vim.cmd('RelayoutMove ' .. dir .. ' flat')
      check(vim.fn.isdirectory(path('flat')) == 1 and vim.fn.isdirectory(path(dir)) == 0, ':RelayoutMove moved the folder ' .. dir)
      check(read('main.py'):find((dir:gsub('/', '.')), 1, true) == nil, 'no import names the old package', read('main.py'))
      check(vim.api.nvim_buf_get_name(0) == path('flat/fifth.py'), 'the buffer follows the folder', vim.api.nvim_buf_get_name(0))
      check_python(':RelayoutMove folder')
    else
      skip('folder move: no deep folder left')
    end
  end
  if not has_python then skip('python3 not installed: imports not run') end

  -- 6. a move that empties nested regular packages: the tree must be the CLI's
  -- (the CLI runs on a copy taken before the move), empty folders and orphan
  -- __init__.py files included
  if can_move then
    for rel, text in pairs(NESTED) do write(rel, text) end
    local copy = vim.fn.tempname()
    vim.fn.system({ 'cp', '-a', root, copy })
    local out = vim.fn.system({ 'sh', '-c', 'cd "$1" && "$2" move api/v1/routes/users.py users.py', 'sh', copy, bin })
    check(vim.v.shell_error == 0, 'the CLI made the reference move', out)
    vim.cmd('edit api/v1/routes/users.py')
    vim.cmd('RelayoutMove users.py')
    vim.cmd('silent! wall')
    local want, got = snapshot(copy), snapshot(root)
    check(got == want, 'a move emptying nested folders leaves the CLI\'s tree', got .. '\n--- CLI:\n' .. want)
    vim.fn.delete(copy, 'rf')
  end

  -- 7. diagnostics after moves of files nobody opened: no diagnostic on a
  -- buffer that no longer exists (vim.diagnostic.setqflist() failed with E92),
  -- none on a file within the limit, and a move made in a shell is noticed
  -- (the server watches the folder itself: Neovim < 0.10 cannot register watchers)
  local function stale()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get()) do
      if d.source == 'relayout' then
        local name = vim.api.nvim_buf_is_valid(d.bufnr) and vim.api.nvim_buf_get_name(d.bufnr) or nil
        if not name then
          table.insert(out, 'buffer ' .. d.bufnr .. ' (gone)')
        elseif name:sub(1, #root + 1) == root .. '/' then
          local rel = name:sub(#root + 2)
          local _, slashes = rel:gsub('/', '')
          if slashes <= 2 or not exists(rel) then table.insert(out, rel) end
        end
      end
    end
    return out
  end
  local settled = vim.wait(TIMEOUT, function() return #stale() == 0 end, 50)
  check(settled, 'after the moves no diagnostic is left on a gone buffer, a moved-away path or a file within the limit',
    vim.inspect(stale()))
  local ok, err = pcall(vim.diagnostic.setqflist, { open = false })
  check(ok, 'vim.diagnostic.setqflist() works after the moves', err)
  write('x/y/z/outside.py', 'q = 1\n')
  local deep_buf = vim.uri_to_bufnr(vim.uri_from_fname(path('x/y/z/outside.py')))
  check(vim.wait(TIMEOUT, function() return #too_deep(deep_buf) > 0 end, 50), 'a file created in a shell is flagged')
  vim.loop.fs_rename(path('x/y/z/outside.py'), path('outside.py'))
  check(vim.wait(TIMEOUT, function() return #stale() == 0 and #too_deep(deep_buf) == 0 end, 50),
    'a file moved in a shell loses its diagnostic', vim.inspect(stale()))

  -- restart twice in a row (stop every client, reopen a file): one working client
  local function stop_all()
    for _, c in ipairs(relayout.clients()) do
      if vim.fn.has('nvim-0.11') == 1 then c:stop() else c.stop() end
    end
  end
  for _ = 1, 2 do
    stop_all()
    vim.wait(5000, function() return #relayout.clients() == 0 end, 20)
    vim.cmd('edit! main.py')
  end
  check(vim.wait(TIMEOUT, function() return #relayout.clients() == 1 and relayout.clients()[1].initialized end, 20),
    'after two restarts in a row one client runs', #relayout.clients())
  local notes = vim.uri_to_bufnr(vim.uri_from_fname(path('docs/guide/deep/notes.md')))
  check(vim.wait(TIMEOUT, function() return #too_deep(notes) > 0 end, 50), 'the restarted server publishes diagnostics')

  stop_all()
  vim.wait(5000, function() return #relayout.clients() == 0 end, 50)

  -- :help relayout (tags generated into a copy: the repository stays clean)
  local docdir = vim.fn.tempname()
  vim.fn.mkdir(docdir .. '/doc', 'p')
  local plugin_doc = vim.api.nvim_get_runtime_file('doc/relayout.txt', false)[1]
  check(plugin_doc ~= nil, 'doc/relayout.txt is on the runtimepath')
  if plugin_doc then
    vim.fn.writefile(vim.fn.readfile(plugin_doc), docdir .. '/doc/relayout.txt')
    vim.cmd('helptags ' .. vim.fn.fnameescape(docdir .. '/doc'))
    vim.opt.rtp:prepend(docdir)
    local found = {}
    for _, tag in ipairs({ 'relayout', 'relayout-install', ':RelayoutMove', 'relayout-setup' }) do
      local okh = pcall(vim.cmd, 'help ' .. tag)
      if okh and vim.fn.expand('%:t') == 'relayout.txt' then table.insert(found, tag) end
      pcall(vim.cmd, 'helpclose')
    end
    check(#found == 4, ':help relayout, relayout-install, :RelayoutMove and relayout-setup open relayout.txt', vim.inspect(found))
  end

  -- 8. the server is missing: :RelayoutMove says it failed to start (not "open a file first")
  relayout.setup({ cmd = { root .. '/no-such-relayout', 'serve' } })
  write('missing/mod.py', 'm = 1\n')
  vim.cmd('edit missing/mod.py')
  local ok8, msg8 = relayout.move(path('missing/mod.py'), path('missing/moved.py'))
  check(not ok8 and tostring(msg8):find('failed to start', 1, true) ~= nil and tostring(msg8):find('go install ./cmd/relayout', 1, true) ~= nil,
    ':RelayoutMove says the server failed to start and how to install it', msg8)
  check(exists('missing/mod.py'), 'nothing moved without a server')
end

local ok, err = xpcall(main, debug.traceback)
if not ok then say('ERROR ' .. tostring(err)) end
say(string.format('%d passed, %d failed, %d skipped', passes, failures, skips))
os.exit((not ok) and 2 or (failures > 0 and 1 or 0))
