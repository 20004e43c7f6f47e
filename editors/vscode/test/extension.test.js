// Build checks of the VS Code extension: it type-checks against the VS Code
// API it declares (engines.vscode), bundles with esbuild into one file that
// needs only `vscode`, loads, keeps its manifest and code in step, and
// packages into a .vsix with @vscode/vsce.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const ext = path.resolve(__dirname, '..');
const bin = (name) => path.join(ext, 'node_modules', '.bin', name);
const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
const src = fs.readFileSync(path.join(ext, 'src', 'extension.ts'), 'utf8');

function run(cmd, args) {
  const r = cp.spawnSync(cmd, args, { cwd: ext, encoding: 'utf8', stdin: 'ignore' });
  assert.equal(r.status, 0, `${path.basename(cmd)} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** loadBundle requires out/extension.js with a stand-in for the `vscode`
 * module (which only exists inside VS Code). */
function loadBundle(folder, extra = {}) {
  // vscode-languageclient subclasses VS Code's classes when it loads, so
  // every name not given here is a plain class.
  const given = {
    ProgressLocation: { Notification: 15 },
    ...extra,
    workspace: { workspaceFolders: folder ? [{ uri: { fsPath: folder } }] : undefined, ...(extra.workspace ?? {}) },
  };
  const fake = new Proxy(given, { get: (o, k) => (k in o ? o[k] : class {}) });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? fake : load.call(this, request, ...rest);
  };
  try {
    const file = path.join(ext, 'out', 'extension.js');
    delete require.cache[file];
    return require(file);
  } finally {
    Module._load = load;
  }
}

test('tsc --noEmit: the extension type-checks against @types/vscode', () => {
  run(bin('tsc'), ['--noEmit', '-p', '.']);
});

test('esbuild bundle: one file, vscode external, loads and exports activate/deactivate', () => {
  run('npm', ['run', '-s', 'build']);
  const out = path.join(ext, 'out', 'extension.js');
  const text = fs.readFileSync(out, 'utf8');
  assert.match(text, /require\("vscode"\)/, 'vscode is left external');
  const requires = new Set([...text.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) => m[1]));
  const builtins = new Set(Module.builtinModules);
  const foreign = [...requires].filter((r) => r !== 'vscode' && !builtins.has(r.replace(/^node:/, '')));
  assert.deepEqual(foreign, [], 'the bundle needs no node_modules at run time');
  const m = loadBundle('/ws');
  assert.equal(typeof m.activate, 'function');
  assert.equal(typeof m.deactivate, 'function');
  assert.equal(m.SERVER_MOVE_COMMAND, 'relayout.move');
});

test('settings: serverPath and logLevel become the server command line', () => {
  const m = loadBundle('/ws');
  const cfg = (values) => ({ get: (k) => values[k] });
  assert.deepEqual(m.serverCommand(cfg({ serverPath: 'relayout', logLevel: 'debug' })),
    { command: 'relayout', args: ['serve', '--log-level', 'debug'] });
  assert.deepEqual(m.serverCommand(cfg({})), { command: 'relayout', args: ['serve', '--log-level', 'warn'] });
  assert.equal(m.serverCommand(cfg({ serverPath: '~/go/bin/relayout' })).command, path.join(os.homedir(), 'go/bin/relayout'));
  assert.equal(m.serverCommand(cfg({ serverPath: '${workspaceFolder}/bin/relayout' })).command, '/ws/bin/relayout');
  assert.equal(m.serverCommand(cfg({ serverPath: './bin/relayout' })).command, path.join('/ws', 'bin/relayout'));
  assert.equal(m.serverCommand(cfg({ serverPath: '/opt/relayout' })).command, '/opt/relayout');
});

test('the server accepts the command line vscode-languageclient runs', async (t) => {
  const m = loadBundle('/ws');
  const { relayoutBinary } = require('./fixture');
  const { startServer } = require('./lsp-client');
  const opts = m.serverOptions({ get: (k) => ({ serverPath: relayoutBinary(), logLevel: 'warn' })[k] });
  // vscode-languageclient appends --stdio for TransportKind.stdio (0) and
  // --node-ipc / --pipe / --socket for the others.
  const extra = { 0: ['--stdio'], 1: ['--node-ipc'] }[opts.transport] ?? [];
  assert.equal(opts.transport, undefined, 'stdio without a transport flag');
  const c = startServer([opts.command, ...opts.args, ...extra], { cwd: os.tmpdir() });
  t.after(() => c.shutdown());
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-ext-'));
  t.after(() => fs.rmSync(ws, { recursive: true, force: true }));
  const init = await c.initialize(ws);
  assert.equal(init.serverInfo?.name, 'relayout');
});

test('Move Module…: the target path is validated and normalised', () => {
  const m = loadBundle('/ws');
  const from = 'src/a/b/c/d/mod.py';
  assert.equal(m.validateTarget(from, 'src/mod.py'), undefined);
  assert.match(m.validateTarget(from, '  '), /Enter the new path/);
  assert.match(m.validateTarget(from, '/abs/mod.py'), /relative/);
  assert.match(m.validateTarget(from, '../out.py'), /inside the workspace/);
  assert.match(m.validateTarget(from, from), /current path/);
  assert.match(m.validateTarget(from, 'src/a/b/c/d/'), /current path/);
  assert.equal(m.resolveTarget(from, 'src/'), 'src/mod.py');
  assert.equal(m.resolveTarget(from, 'src\\new\\x.py'), 'src/new/x.py');
  assert.equal(m.resolveTarget(from, './src//x.py '), 'src/x.py');
  assert.equal(m.toSlashRel('/ws', '/ws/src/x.py'), 'src/x.py');
  assert.equal(m.toSlashRel('/ws', '/elsewhere/x.py'), undefined);
});

test('manifest: commands, settings and pins agree with the code', () => {
  const registered = [...src.matchAll(/registerCommand\('([^']+)'/g)].map((x) => x[1]).sort();
  const contributed = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(registered, contributed, 'every command is registered and contributed');
  assert.ok(!contributed.includes('relayout.move'),
    'relayout.move is the server\'s command; vscode-languageclient registers it, so the extension must not');
  const props = Object.keys(pkg.contributes.configuration.properties).sort();
  assert.deepEqual(props, ['relayout.logLevel', 'relayout.serverPath', 'relayout.trace.server']);
  for (const key of src.matchAll(/cfg\.get<[^>]+>\('([^']+)'\)/g)) {
    assert.ok(props.includes(`relayout.${key[1]}`), `setting relayout.${key[1]} is contributed`);
  }
  assert.match(src, /CLIENT_ID = 'relayout'/, 'the client id makes vscode-languageclient read relayout.trace.server');
  assert.equal(pkg.main, './out/extension.js');
  assert.equal(pkg.dependencies['vscode-languageclient'], '11.0.0');
  assert.equal(pkg.devDependencies['@vscode/vsce'], '3.9.2');
  const engine = pkg.engines.vscode.replace(/^\^/, '');
  const types = pkg.devDependencies['@types/vscode'].replace(/^[~^]/, '');
  assert.equal(types.split('.').slice(0, 2).join('.'), engine.split('.').slice(0, 2).join('.'),
    '@types/vscode must not be newer than engines.vscode (vsce refuses)');
  const lock = fs.readFileSync(path.join(ext, 'package-lock.json'), 'utf8');
  assert.doesNotMatch(lock, /"resolved":/, 'package-lock.json names no registry host');
});

test('activation: on a folder holding relayout.toml, pyproject.toml, tsconfig.json, package.json, *.py or *.ts', () => {
  // Without these VS Code activates on opening a file only, and the
  // diagnostics of every file the README promises do not appear.
  for (const glob of ['relayout.toml', 'pyproject.toml', 'tsconfig.json', 'package.json', '**/*.py', '**/*.ts']) {
    assert.ok(pkg.activationEvents.includes(`workspaceContains:${glob}`), `activationEvents has workspaceContains:${glob}`);
  }
});

test('relayout.serverPath can be set in User settings (code-server shows machine-scoped settings under Remote only)', () => {
  const scope = pkg.contributes.configuration.properties['relayout.serverPath'].scope;
  assert.equal(scope, 'application');
});

test('the bundle is minified', () => {
  assert.match(pkg.scripts.build, /--minify\b/);
  run('npm', ['run', '-s', 'build']);
  const size = fs.statSync(path.join(ext, 'out', 'extension.js')).size;
  assert.ok(size < 600 * 1024, `out/extension.js is ${size} bytes`);
});

/** fakeVSCode is enough of the vscode API for activate(): it records the
 * commands registered and the messages shown. serverPath is the setting. */
function fakeVSCode(serverPath) {
  const rec = { commands: new Map(), errors: [], opened: [], pick: undefined };
  const disposable = { dispose() {} };
  const api = {
    window: {
      createOutputChannel: () => ({ ...disposable, error() {}, warn() {}, info() {}, show() {}, appendLine() {} }),
      showErrorMessage: (msg, ...actions) => {
        rec.errors.push({ msg, actions });
        // The user has not answered yet: the extension must not wait.
        return new Promise((res) => { rec.answer = res; });
      },
    },
    commands: {
      registerCommand: (id, fn) => { rec.commands.set(id, fn); return disposable; },
      executeCommand: async () => undefined,
    },
    workspace: {
      onDidChangeConfiguration: () => disposable,
      getConfiguration: () => ({ get: (k) => ({ serverPath, logLevel: 'warn' })[k] }),
    },
    env: { openExternal: async (u) => { rec.opened.push(String(u)); return true; } },
    Uri: { parse: (s) => s },
  };
  return { api, rec };
}

test('server missing: activation completes, one non-blocking toast whose action opens the install instructions', async () => {
  const { api, rec } = fakeVSCode('/nonexistent/relayout');
  const m = loadBundle('/ws', api);
  const context = { subscriptions: [] };
  await m.activate(context); // resolves although the toast is never answered
  for (let i = 0; i < 20 && rec.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual([...rec.commands.keys()].sort(), ['relayout.moveModule', 'relayout.restartServer', 'relayout.showOutput']);
  assert.equal(rec.errors.length, 1, `one toast: ${JSON.stringify(rec.errors)}`);
  const [{ msg, actions }] = rec.errors;
  assert.match(msg, /go install \.\/cmd\/relayout/);
  assert.doesNotMatch(msg, /@latest/, 'the module is not published: @latest cannot work');
  assert.ok(actions.includes('Install Instructions'), actions.join(', '));
  rec.answer('Install Instructions');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(rec.opened, [m.INSTALL_URL]);
  assert.match(m.INSTALL_URL, /#install$/);
  // Restart twice quickly: still one toast per start, no overlap, no throw.
  await Promise.all([rec.commands.get('relayout.restartServer')(), rec.commands.get('relayout.restartServer')()]);
  assert.equal(rec.errors.length, 3);
  await m.deactivate();
});

test('restarts are serialised: a restart requested during another waits for it', async () => {
  const m = loadBundle('/ws');
  const lc = new m.Lifecycle();
  const log = [];
  let running = 0;
  const step = (name, ms) => async () => {
    running++;
    assert.equal(running, 1, `${name} overlaps another step`);
    log.push(`${name}:start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name}:end`);
    running--;
  };
  const failing = async () => { throw new Error('boom'); };
  await Promise.allSettled([lc.run(step('stop1', 30)), lc.run(step('start1', 5)), lc.run(failing), lc.run(step('stop2', 1)), lc.run(step('start2', 1))]);
  assert.deepEqual(log, ['stop1:start', 'stop1:end', 'start1:start', 'start1:end', 'stop2:start', 'stop2:end', 'start2:start', 'start2:end']);
});

test('findExecutable: a bare name on PATH, a path, nothing', () => {
  const m = loadBundle('/ws');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-path-'));
  try {
    const exe = path.join(dir, 'relayout');
    fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'plain'), '', { mode: 0o644 });
    assert.equal(m.findExecutable('relayout', { PATH: `/nonexistent${path.delimiter}${dir}` }), exe);
    assert.equal(m.findExecutable(exe, { PATH: '' }), exe);
    assert.equal(m.findExecutable('relayout', { PATH: '/nonexistent' }), undefined);
    if (process.platform !== 'win32') assert.equal(m.findExecutable(path.join(dir, 'plain'), {}), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('vsce package: a .vsix holding the bundle and no node_modules', (t) => {
  if (!fs.existsSync(bin('vsce'))) return t.skip('@vscode/vsce is not installed');
  run('npm', ['run', '-s', 'build']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-vsix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const vsix = path.join(dir, 'relayout.vsix');
  run(bin('vsce'), ['package', '--no-dependencies', '--skip-license', '-o', vsix]);
  const r = cp.spawnSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' });
  if (r.status !== 0) return t.skip('python3 is needed to list the .vsix');
  const names = r.stdout.trim().split('\n').sort();
  assert.ok(names.includes('extension/out/extension.js'), names.join(' '));
  assert.ok(names.includes('extension/package.json'));
  assert.ok(names.some((n) => /^extension\/readme\.md$/i.test(n)), 'README is packaged');
  assert.deepEqual(names.filter((n) => /node_modules|\/src\/|\/test\/|\.map$/.test(n)), [], 'only the bundle ships');
});
