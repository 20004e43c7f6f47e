// Protocol tests of the real `relayout serve`, driven by a client that
// behaves like VS Code's (lsp-client.js): diagnostics, code actions with
// resolve, willRenameFiles, the relayout.move command and the dedupe of the
// server's own renames. Features the server does not advertise yet are
// skipped with a message, so the tests start running when they land.
//
//   node --test test/            (RELAYOUT_BIN=/path/to/relayout to skip the go build)
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, kindOf, uri, fsPath } = require('./lsp-client');
const { makeWorkspace, level, relayoutBinary, runMain, tree, snapshot, cliMove, hasPython, MAX, FILES, NESTED } = require('./fixture');

// "Move module and fix imports: a → b", optionally followed by where the move
// comes from: "(suggested: …)" or "(plan phase N, relayout.toml:L)".
const TITLE = /^Move (?:module|package \(directory\)) and fix imports: (.+?) → (.+?)(?: \((?:suggested|plan)[^)]*\))?$/;
const EXPECTED_OUTPUT = '15'; // what main.py prints when every import resolves

/** session starts a server on a fresh fixture workspace and initializes it. */
async function session(t, { resolve = true, fileOps = true, extra, dirName, encodings } = {}) {
  const root = makeWorkspace(extra, dirName);
  const logFile = `${root}.server.log`;
  const c = startServer([relayoutBinary(), 'serve', '--log-level', 'debug'], { cwd: root, logFile });
  t.after(async () => {
    await c.shutdown();
    if (!process.env.RELAYOUT_KEEP_TMP) {
      fs.rmSync(dirName ? path.dirname(root) : root, { recursive: true, force: true });
      fs.rmSync(logFile, { force: true });
    }
  });
  await c.initialize(root, { resolve, fileOps, encodings });
  const abs = (rel) => path.join(root, rel);
  const u = (rel) => uri(abs(rel));
  const rel = (x) => path.relative(root, fsPath(x)).split(path.sep).join('/');
  const tooDeep = (r) => (c.diagnostics.get(u(r)) ?? []).filter((d) => d.code === 'too-deep' && d.source === 'relayout');
  const read = (r) => fs.readFileSync(abs(r), 'utf8');
  const exists = (r) => fs.existsSync(abs(r));
  return { c, root, logFile, abs, u, rel, tooDeep, read, exists };
}

/** skipUnless skips t with a message when the server lacks a feature. */
function skipUnless(t, ok, feature) {
  if (!ok) t.skip(`server does not advertise ${feature} yet`);
  return !ok;
}

/** isEmptyEdit is true for null or a WorkspaceEdit that changes nothing. */
function isEmptyEdit(e) {
  if (!e) return true;
  const dc = e.documentChanges ?? [];
  const ch = Object.values(e.changes ?? {});
  return dc.every((x) => kindOf(x) === 'text' && x.edits.length === 0) && ch.every((x) => x.length === 0);
}

/** checkEditShape checks an edit that moves `from` (a file or a folder) to
 * `to` the way relayout promises and Neovim 0.7.2 needs: documentChanges
 * ordered text edits → creates → renames → deletes (a text edit may follow
 * the create of its own file), text edits addressed to files as they are
 * before the renames, one RenameFile per moved file (folders are expanded:
 * an editor renames files), each below `from` and landing at the same place
 * below `to`, and no ignoreIfExists on renames (0.7.2 skips such a rename
 * even when the target does not exist). It returns the renames as
 * [oldRel, newRel] pairs. */
function checkEditShape(s, edit, from, to) {
  assert.ok(edit && Array.isArray(edit.documentChanges), `edit uses documentChanges: ${JSON.stringify(edit)}`);
  const rank = { text: 0, create: 1, rename: 2, delete: 3 };
  const created = new Set();
  const renamedAway = new Set();
  let max = 0;
  for (const ch of edit.documentChanges) {
    const k = kindOf(ch);
    if (k === 'create') created.add(ch.uri);
    if (k === 'text') {
      assert.ok(!renamedAway.has(ch.textDocument.uri), `text edit for ${ch.textDocument.uri} comes after its rename`);
      if (created.has(ch.textDocument.uri)) continue;
    }
    if (k === 'rename') renamedAway.add(ch.oldUri);
    assert.ok(rank[k] >= max, `documentChanges out of order: ${edit.documentChanges.map(kindOf).join(', ')}`);
    max = rank[k];
  }
  const renames = edit.documentChanges.filter((ch) => ch.kind === 'rename').map((r) => {
    assert.ok(!r.options?.ignoreIfExists, 'RenameFile must not set ignoreIfExists (Neovim 0.7.2 then skips the rename)');
    return [s.rel(r.oldUri), s.rel(r.newUri)];
  });
  assert.ok(renames.length > 0, 'the edit renames files');
  for (const [o, n] of renames) {
    const under = o === from ? '' : o.startsWith(`${from}/`) ? o.slice(from.length) : undefined;
    assert.ok(under !== undefined, `rename ${o} → ${n} is part of moving ${from}`);
    assert.equal(n, to + under, `${o} lands below ${to}`);
    if (s.exists(o)) assert.ok(fs.statSync(s.abs(o)).isFile(), `RenameFile names files, not folders: ${o}`);
  }
  return renames;
}

/** moveActions asks for the code actions on the first line of rel, passing
 * the diagnostics the server published for it, as VS Code does for a
 * lightbulb on a diagnostic. */
async function moveActions(s, rel) {
  const docUri = s.u(rel);
  if (!s.c.docs.has(docUri)) await s.c.open(s.abs(rel));
  const diags = s.tooDeep(rel);
  const range = diags[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const actions = (await s.c.request(s.c.P.CodeActionRequest.type, {
    textDocument: { uri: docUri },
    range,
    context: { diagnostics: diags, triggerKind: 1 },
  })) ?? [];
  return { diags, actions: actions.filter((a) => TITLE.test(a.title ?? '')) };
}

/** waitMoved waits until the server stopped reporting `from` and reports
 * nothing for `to`: an editor must not keep a stale diagnostic. */
async function waitDiagnosticsFollow(s, from, to) {
  await s.c.waitFor(() => s.tooDeep(from).length === 0, `the too-deep diagnostic of ${from} to be cleared after the move`);
  if (level(to) <= MAX) assert.deepEqual(s.tooDeep(to), [], `no too-deep diagnostic for ${to}`);
}

function skipWithoutPython(t) {
  if (!hasPython) t.skip('python3 is not installed');
  return !hasPython;
}

test('initialize: the capabilities an editor relies on', async (t) => {
  const s = await session(t);
  const caps = s.c.caps();
  const sync = caps.textDocumentSync;
  assert.ok(sync && (sync === 2 || sync.change === 2 || sync.change === 1), `textDocumentSync ${JSON.stringify(sync)}`);
  assert.ok(typeof sync !== 'object' || sync.openClose, 'openClose');
  assert.ok(!caps.positionEncoding || caps.positionEncoding === 'utf-16', `a client offering only utf-16 gets utf-16, got ${caps.positionEncoding}`);
  assert.ok(s.c.hasDidRename(), 'didRenameFiles is advertised');
  assert.equal(s.c.init.serverInfo?.name, 'relayout');
  t.diagnostic(`codeActionProvider=${JSON.stringify(caps.codeActionProvider ?? null)} ` +
    `willRename=${s.c.hasWillRename()} commands=${JSON.stringify(s.c.commands())}`);
});

test('diagnostics: too-deep on Python, TypeScript and any other file; none on shallow files', async (t) => {
  const s = await session(t);
  const deep = ['pkg/sub/deep/util.py', 'web/src/lib/deep/button.ts', 'docs/guide/deep/notes.md'];
  await s.c.waitFor(() => deep.every((r) => s.tooDeep(r).length > 0), `too-deep diagnostics for ${deep.join(', ')}`);
  for (const r of deep) {
    const [d] = s.tooDeep(r);
    assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, `${r}: range at the file start`);
    assert.match(d.message, new RegExp(`level ${level(r)}\\b.*\\b${MAX}\\b`), `${r}: message names the level and the limit`);
    assert.ok([1, 2, 3, 4].includes(d.severity), `${r}: severity set`);
  }
  for (const r of Object.keys(FILES).filter((f) => level(f) <= MAX)) {
    assert.deepEqual(s.tooDeep(r), [], `${r} is within the limit`);
  }
  // Opening a file (VS Code opens every file it shows) keeps its diagnostic.
  await s.c.open(s.abs('pkg/sub/deep/util.py'));
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(s.tooDeep('pkg/sub/deep/util.py').length, 1, 'still reported once after didOpen');
});

test('a folder opened without opening a file gets every file\'s diagnostics', async (t) => {
  // VS Code activates the extension on the folder's contents (workspaceContains)
  // and sends no didOpen until the user opens something.
  const s = await session(t);
  assert.equal(s.c.docs.size, 0, 'no document is open');
  const deep = ['pkg/sub/deep/util.py', 'web/src/lib/deep/button.ts', 'docs/guide/deep/notes.md'];
  await s.c.waitFor(() => deep.every((r) => s.tooDeep(r).length > 0), `too-deep diagnostics for ${deep.join(', ')} with no file open`);
});

test('restarting twice in a row: each old server exits, the last one serves the folder', async (t) => {
  // What "Relayout: Restart Server" twice quickly does: shutdown/exit, start, again.
  const root = makeWorkspace();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const start = async () => {
    const c = startServer([relayoutBinary(), 'serve', '--log-level', 'warn'], { cwd: root });
    await c.initialize(root);
    return c;
  };
  const first = await start();
  const stopFirst = first.shutdown();
  const second = await start();
  const stopSecond = second.shutdown();
  const third = await start();
  t.after(() => third.shutdown());
  await Promise.all([stopFirst, stopSecond]);
  for (const [name, c] of [['first', first], ['second', second]]) {
    const { code } = await c.exited;
    assert.equal(code, 0, `the ${name} server exited cleanly`);
  }
  const u = uri(path.join(root, 'pkg/sub/deep/util.py'));
  await third.waitFor(() => (third.diagnostics.get(u) ?? []).some((d) => d.code === 'too-deep'), 'the last server publishes');
});

test('diagnostics follow a file the user moved (didRenameFiles): no stale entry for the old path', async (t) => {
  const s = await session(t);
  const from = 'docs/guide/deep/notes.md';
  const to = 'docs/notes.md';
  await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the initial diagnostic');
  fs.renameSync(s.abs(from), s.abs(to));
  await s.c.conn.sendNotification(s.c.P.DidRenameFilesNotification.type, { files: [{ oldUri: s.u(from), newUri: s.u(to) }] });
  await waitDiagnosticsFollow(s, from, to);
});

test('code action: listed for a too-deep file, resolved, applied like VS Code', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasCodeActions(), 'codeActionProvider')) return;
  if (skipWithoutPython(t)) return;
  const from = 'pkg/sub/deep/other.py';
  await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the too-deep diagnostic');
  const { diags, actions } = await moveActions(s, from);
  assert.ok(actions.length > 0, 'a "Move module and fix imports" action is offered');
  const listed = actions[0];
  assert.ok(['refactor.move', 'quickfix'].includes(listed.kind), `kind refactor.move or quickfix, got ${listed.kind}`);
  if (listed.kind === 'quickfix') {
    assert.ok((listed.diagnostics ?? []).some((d) => d.code === 'too-deep'), 'a quickfix names the diagnostic it fixes');
  }
  let action = listed;
  if (!action.edit) {
    assert.ok(s.c.hasResolve(), 'an action without edit needs codeAction/resolve');
    action = await s.c.request(s.c.P.CodeActionResolveRequest.type, listed);
  }
  const [, mFrom, mTo] = TITLE.exec(listed.title);
  const renames = checkEditShape(s, action.edit, mFrom, mTo);
  const mine = renames.find(([o]) => o === from);
  assert.ok(mine, `the action moves ${from}`);
  const to = mine[1];
  for (const [, n] of renames) assert.ok(level(n) <= MAX, `${n} is within the limit`);
  const before = new Map(renames.map(([o]) => [o, s.read(o)]));

  const calls = s.c.participantCalls.length;
  await s.c.applyWorkspaceEdit(action.edit); // sends willRenameFiles first, as VS Code does
  if (s.c.hasWillRename()) {
    const echoed = s.c.participantCalls.slice(calls);
    assert.equal(echoed.length, 1, 'VS Code asks willRenameFiles for the action\'s own renames');
    assert.equal(echoed[0].files.length, renames.length);
    assert.ok(isEmptyEdit(echoed[0].result), `the server answers its own renames with no edits (else VS Code applies them twice and shows a modal): ${JSON.stringify(echoed[0].result)}`);
  }
  for (const [o, n] of renames) {
    assert.ok(!s.exists(o) && s.exists(n), `${o} moved to ${n}: ${tree(s.root).join(' ')}`);
    if (!/\.py$/.test(o) || !s.read(n).includes('import')) assert.equal(s.read(n), before.get(o), `${n} keeps its content`);
  }
  assert.equal(runMain(s.root), EXPECTED_OUTPUT, 'python3 main.py runs with the rewritten imports');
  assert.ok(diags.length > 0);
  for (const [o, n] of renames) await waitDiagnosticsFollow(s, o, n);
});

test('code action: a client without resolve support gets the edit in the list', async (t) => {
  const s = await session(t, { resolve: false });
  if (skipUnless(t, s.c.hasCodeActions(), 'codeActionProvider')) return;
  if (skipWithoutPython(t)) return;
  const from = 'pkg/sub/deep/util.py';
  await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the too-deep diagnostic');
  const { actions } = await moveActions(s, from);
  assert.ok(actions.length > 0, 'a move action is offered');
  assert.ok(actions[0].edit, 'the action carries its edit (the client cannot resolve)');
  const [, mFrom, mTo] = TITLE.exec(actions[0].title);
  const renames = checkEditShape(s, actions[0].edit, mFrom, mTo);
  await s.c.applyWorkspaceEdit(actions[0].edit);
  for (const [o, n] of renames) assert.ok(!s.exists(o) && s.exists(n));
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
});

test('code action: resolving after the document changed is rejected as stale', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasResolve(), 'codeAction resolveProvider')) return;
  const from = 'pkg/sub/deep/third.py';
  await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the too-deep diagnostic');
  const { actions } = await moveActions(s, from);
  const listed = actions.find((a) => !a.edit);
  if (!listed) return t.skip('the server sends edits eagerly to this client; nothing to resolve');
  await s.c.change(s.u(from), 'x = 3  # edited\n');
  await assert.rejects(s.c.request(s.c.P.CodeActionResolveRequest.type, listed), 'resolve for an older version of the document fails');
});

test('willRenameFiles: moving a Python module returns import edits for the old paths', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  if (skipWithoutPython(t)) return;
  const from = 'pkg/sub/deep/third.py';
  const to = 'lib/third.py'; // a folder that does not exist yet
  const files = [{ oldUri: s.u(from), newUri: s.u(to) }];
  await s.c.open(s.abs('main.py')); // an open importer: the edit must carry its version
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'an edit is returned');
  for (const ch of edit.documentChanges ?? []) {
    assert.ok(['text', 'create'].includes(kindOf(ch)), `willRenameFiles returns text edits (and new files), never renames or deletes (the client renames): ${JSON.stringify(ch)}`);
  }
  // VS Code applies the participant's edit, then renames.
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', oldUri: files[0].oldUri, newUri: files[0].newUri }] }, { participants: false });
  assert.match(s.read('main.py'), /^from lib\.third import x$/m);
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
  await waitDiagnosticsFollow(s, from, to);
});

test('willRenameFiles: a module with a relative import, moved out of its package', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  if (skipWithoutPython(t)) return;
  const from = 'pkg/sub/deep/fifth.py';
  const to = 'pkg/fifth.py';
  const files = [{ oldUri: s.u(from), newUri: s.u(to) }];
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'an edit is returned');
  const targets = (edit.documentChanges ?? []).map((ch) => s.rel(ch.textDocument.uri)).sort();
  assert.deepEqual(targets, ['main.py', from].sort(), 'edits for the importer and for the moved file itself, at its old path');
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
});

test('willRenameFiles: out of a regular package into new ones: their __init__.py files are created', async (t) => {
  const s = await session(t, { extra: { 'app/__init__.py': '', 'app/core/__init__.py': '', 'app/core/mod.py': 'v = 1\n', 'use.py': 'from app.core.mod import v\nprint(v)\n' } });
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  if (skipWithoutPython(t)) return;
  const files = [{ oldUri: s.u('app/core/mod.py'), newUri: s.u('lib/pkg/mod.py') }];
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'an edit is returned');
  await s.c.applyWorkspaceEdit(edit, { participants: false }); // creates lib/ and lib/pkg/ (VS Code does)
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.ok(s.exists('lib/__init__.py') && s.exists('lib/pkg/__init__.py'), tree(s.root).join(' '));
  const r = require('node:child_process').spawnSync('python3', ['-B', 'use.py'], { cwd: s.root, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), '1', r.stderr);
});

test('willRenameFiles: a TypeScript module; the relative specifier is rewritten', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  const from = 'web/src/lib/deep/button.ts';
  const to = 'web/src/button.ts';
  const files = [{ oldUri: s.u(from), newUri: s.u(to) }];
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'an edit is returned');
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.match(s.read('web/src/index.ts'), /^\/\* é😀 \*\/ import \{ button \} from '\.\/button';$/m);
});

test('willRenameFiles: a folder arrives without its children and is expanded', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  if (skipWithoutPython(t)) return;
  const files = [{ oldUri: s.u('pkg/sub/deep'), newUri: s.u('pkg/flat') }];
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'an edit is returned');
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.doesNotMatch(s.read('main.py'), /pkg\.sub\.deep/, 'no import names the old package');
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
  for (const f of ['util', 'other', 'third', 'fourth', 'fifth']) {
    await s.c.waitFor(() => s.tooDeep(`pkg/sub/deep/${f}.py`).length === 0, `pkg/sub/deep/${f}.py diagnostic cleared`);
  }
});

test('executeCommand relayout.move: the server sends workspace/applyEdit and the move lands on disk', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.commands().includes('relayout.move'), 'the relayout.move command')) return;
  if (skipWithoutPython(t)) return;
  const from = 'pkg/sub/deep/fourth.py'; // fifth.py imports it relatively
  const to = 'lib/fourth.py';
  await s.c.open(s.abs('pkg/sub/deep/fifth.py')); // an open importer
  const calls = s.c.participantCalls.length;
  // The command runs while VS Code, applying the server's edit, sends
  // willRenameFiles back: a server blocking its read loop deadlocks here.
  const res = await s.c.request(s.c.P.ExecuteCommandRequest.type, {
    command: 'relayout.move',
    arguments: [uri(s.root), from, to],
  });
  assert.equal(s.c.applyEdits.length, 1, 'exactly one workspace/applyEdit');
  assert.ok(!res || res.applied !== false, `the command reports success: ${JSON.stringify(res)}`);
  const edit = s.c.applyEdits[0].edit;
  assert.deepEqual(checkEditShape(s, edit, from, to), [[from, to]]);
  if (s.c.hasWillRename()) {
    const echoed = s.c.participantCalls.slice(calls);
    assert.equal(echoed.length, 1, 'willRenameFiles was sent for the rename inside applyEdit');
    assert.ok(isEmptyEdit(echoed[0].result), `its own rename is answered with no edits: ${JSON.stringify(echoed[0].result)}`);
  }
  assert.ok(!s.exists(from) && s.exists(to), tree(s.root).join(' '));
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
  await waitDiagnosticsFollow(s, from, to);
});

// A move that empties nested folders: VS Code validates a run of deletes
// before performing any, so one delete per emptied folder (or a file delete
// followed by its folder's) makes it ignore the whole edit. The tree must be
// the CLI's, byte for byte.

for (const [from, to] of [['api/v1/routes/users.py', 'users.py'], ['api', 'service/api']]) test(`executeCommand relayout.move ${from} → ${to}: emptying nested folders, applied like VS Code, tree identical to the CLI`, async (t) => {
  const s = await session(t, { extra: NESTED });
  if (skipUnless(t, s.c.commands().includes('relayout.move'), 'the relayout.move command')) return;
  const res = await s.c.request(s.c.P.ExecuteCommandRequest.type, {
    command: 'relayout.move',
    arguments: [uri(s.root), from, to],
  });
  assert.equal(s.c.applyEdits.length, 1, 'exactly one workspace/applyEdit');
  assert.ok(res && res.applied === true, `the command reports success: ${JSON.stringify(res)}`);
  assert.doesNotMatch(res.message ?? '', /\b1 files\b/, 'plural agrees with the count');
  const deletes = s.c.applyEdits[0].edit.documentChanges.filter((ch) => ch.kind === 'delete');
  for (const a of deletes) {
    for (const b of deletes) {
      assert.ok(a === b || !fsPath(b.uri).startsWith(fsPath(a.uri) + path.sep), `deletes ${a.uri} and ${b.uri} inside it`);
    }
  }
  assert.deepEqual(snapshot(s.root), cliMove(NESTED, from, to), 'the editor leaves the CLI\'s tree');
  assert.ok(!s.exists('api'), 'the emptied folders are gone');
});

test('executeCommand relayout.move: a move that cannot be made changes nothing and says why', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.commands().includes('relayout.move'), 'the relayout.move command')) return;
  const before = tree(s.root);
  // Refused moves are answered {applied: false, message} plus an error
  // message to the user (or, equally fine for an editor, an error response).
  const refused = async (args, what) => {
    const n = s.c.messages.length;
    let res;
    try {
      res = await s.c.request(s.c.P.ExecuteCommandRequest.type, { command: 'relayout.move', arguments: args });
    } catch (e) {
      return; // an error response: the client shows it
    }
    assert.equal(res?.applied, false, `${what}: applied=false, got ${JSON.stringify(res)}`);
    assert.ok(res.message, `${what}: a message says why`);
    assert.ok(s.c.messages.slice(n).some((m) => m.type === 1), `${what}: an error is shown to the user`);
  };
  await refused([uri(s.root), 'pkg/sub/deep/missing.py', 'lib/missing.py'], 'a source that does not exist');
  await refused([uri(s.root), 'pkg/sub/deep/util.py', 'main.py'], 'a target that exists');
  await assert.rejects(s.c.request(s.c.P.ExecuteCommandRequest.type, { command: 'relayout.move', arguments: [uri(s.root)] }),
    'malformed arguments are an error response');
  assert.equal(s.c.applyEdits.length, 0, 'no applyEdit sent');
  assert.deepEqual(tree(s.root), before);
});

test('dedupe: the server\'s own renames get no willRenameFiles edits, a user\'s rename still does', async (t) => {
  const s = await session(t);
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  const viaCommand = s.c.commands().includes('relayout.move');
  if (skipUnless(t, viaCommand || s.c.hasCodeActions(), 'relayout.move or code actions')) return;
  const from = 'pkg/sub/deep/util.py';
  let serverEdit;
  if (viaCommand) {
    await s.c.request(s.c.P.ExecuteCommandRequest.type, { command: 'relayout.move', arguments: [uri(s.root), from, 'util.py'] });
    serverEdit = s.c.applyEdits[0]?.edit;
  } else {
    await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the too-deep diagnostic');
    const { actions } = await moveActions(s, from);
    serverEdit = actions[0].edit ?? (await s.c.request(s.c.P.CodeActionResolveRequest.type, actions[0])).edit;
    await s.c.applyWorkspaceEdit(serverEdit);
  }
  assert.ok(serverEdit, 'the server produced an edit');
  assert.equal(s.c.participantCalls.length, 1, 'one willRenameFiles for the server\'s rename');
  assert.ok(isEmptyEdit(s.c.participantCalls[0].result), `no edits for the echo: ${JSON.stringify(s.c.participantCalls[0].result)}`);
  const before = s.read('main.py');
  // A rename the user makes afterwards (Explorer, F2) still gets its edits.
  const files = [{ oldUri: s.u('pkg/sub/deep/other.py'), newUri: s.u('other.py') }];
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  assert.ok(!isEmptyEdit(edit), 'a user rename gets import edits');
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.notEqual(s.read('main.py'), before);
  if (hasPython) assert.equal(runMain(s.root), EXPECTED_OUTPUT);
});

test('a workspace path with spaces and non-ASCII letters: percent-encoded URIs round-trip', async (t) => {
  const s = await session(t, { dirName: 'my wörk space' });
  assert.match(uri(s.root), /my%20w%C3%B6rk%20space$/, 'VS Code spells the folder percent-encoded');
  const from = 'pkg/sub/deep/util.py';
  await s.c.waitFor(() => s.tooDeep(from).length > 0, 'a diagnostic addressed to the encoded URI');
  if (skipUnless(t, s.c.hasWillRename() && s.c.hasCodeActions(), 'willRename and code actions')) return;
  if (skipWithoutPython(t)) return;
  const { actions } = await moveActions(s, from);
  assert.ok(actions.length > 0, 'a move action is offered');
  const action = actions[0].edit ? actions[0] : await s.c.request(s.c.P.CodeActionResolveRequest.type, actions[0]);
  const [, mFrom, mTo] = TITLE.exec(actions[0].title);
  checkEditShape(s, action.edit, mFrom, mTo);
  await s.c.applyWorkspaceEdit(action.edit);
  assert.ok(isEmptyEdit(s.c.participantCalls[0]?.result), 'the echo is recognised whatever the URI spelling');
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
});

// VS Code resolves an action when the user previews it (Ctrl+Enter in the
// menu) and may then discard it; the server remembers the action's renames as
// echoes when it resolves, not when the edit is applied, so for the next 30 s a
// user rename of the same file to the same place gets no import edits.
test('dedupe: a resolved action that is never applied does not swallow a later user rename',
  { todo: 'server: echoes are remembered at resolve time (moves.go echoTTL), not when the edit is applied' }, async (t) => {
    const s = await session(t);
    if (skipUnless(t, s.c.hasResolve() && s.c.hasWillRename(), 'codeAction resolve and willRename')) return;
    const from = 'pkg/sub/deep/other.py';
    await s.c.waitFor(() => s.tooDeep(from).length > 0, 'the too-deep diagnostic');
    const { actions } = await moveActions(s, from);
    const resolved = await s.c.request(s.c.P.CodeActionResolveRequest.type, actions[0]); // previewed, discarded
    const r = resolved.edit.documentChanges.find((ch) => ch.kind === 'rename');
    const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files: [{ oldUri: r.oldUri, newUri: r.newUri }] });
    assert.ok(!isEmptyEdit(edit), `the user's own rename of ${s.rel(r.oldUri)} gets its import edits`);
  });

test('a client offering utf-8 first (Neovim 0.10+) gets UTF-8 columns, right past non-ASCII text', async (t) => {
  const s = await session(t, { encodings: ['utf-8', 'utf-16', 'utf-32'] });
  assert.equal(s.c.caps().positionEncoding, 'utf-8', 'the server takes utf-8 when offered');
  if (skipUnless(t, s.c.hasWillRename(), 'workspace.fileOperations.willRename')) return;
  if (skipWithoutPython(t)) return;
  const files = [{ oldUri: s.u('pkg/sub/deep/util.py'), newUri: s.u('util.py') }]; // imported after "é😀" on line 1
  const edit = await s.c.request(s.c.P.WillRenameFilesRequest.type, { files });
  await s.c.applyWorkspaceEdit(edit, { participants: false });
  await s.c.applyWorkspaceEdit({ documentChanges: [{ kind: 'rename', ...files[0] }] }, { participants: false });
  assert.match(s.read('main.py'), /^_s = "é😀"; from util import helper {2}#/m);
  assert.equal(runMain(s.root), EXPECTED_OUTPUT);
});
