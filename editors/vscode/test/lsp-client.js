// A protocol-level LSP client that behaves like VS Code's, for testing
// `relayout serve` end to end. It is built on vscode-languageserver-protocol,
// the library vscode-languageclient uses, and:
//   - sends the client capabilities vscode-languageclient 11 sends (the parts
//     relayout looks at), or a reduced set to play an older client;
//   - keeps open documents (didOpen/didChange/didClose with versions);
//   - answers the requests a server may send (applyEdit, configuration,
//     progress, registration, showMessage);
//   - applies WorkspaceEdits to disk like VS Code's bulk edit service: changes
//     in order, file operations creating parent folders, versions checked,
//     open documents updated, and — as VS Code does for every edit, including
//     the server's own — workspace/willRenameFiles sent to the server for the
//     renames in the edit *before* they happen, the answer applied too. A
//     server that does not recognise its own renames therefore gets its
//     import edits applied twice, exactly as in VS Code.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
const P = require('vscode-languageserver-protocol/node');

const uri = (p) => pathToFileURL(p).href;
const fsPath = (u) => fileURLToPath(u);

/** offsetOf turns an LSP position into a JS string index. Columns count
 * UTF-16 code units (JS string indices) unless the server negotiated
 * 'utf-8' (bytes) or 'utf-32' (code points). */
function offsetOf(text, pos, encoding = 'utf-16') {
  let line = 0;
  let i = 0;
  while (line < pos.line) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    i = nl + 1;
    line++;
  }
  const eol = text.indexOf('\n', i);
  const lineEnd = eol < 0 ? text.length : eol;
  if (encoding === 'utf-16') return Math.min(i + pos.character, lineEnd);
  let units = 0;
  let j = i;
  while (j < lineEnd && units < pos.character) {
    const cp = text.codePointAt(j);
    units += encoding === 'utf-8' ? Buffer.byteLength(String.fromCodePoint(cp)) : 1;
    j += cp > 0xffff ? 2 : 1;
  }
  if (units !== pos.character && j < lineEnd) throw new Error(`column ${pos.character} (${encoding}) splits a character on line ${pos.line}`);
  return j;
}

/** applyTextEdits applies LSP TextEdits (non-overlapping, positions in the
 * original text) and returns the new text. Overlapping edits are an error,
 * as in VS Code. */
function applyTextEdits(text, edits, encoding = 'utf-16') {
  const spans = edits.map((e, i) => ({ s: offsetOf(text, e.range.start, encoding), e: offsetOf(text, e.range.end, encoding), t: e.newText, i }));
  spans.sort((a, b) => a.s - b.s || a.e - b.e || a.i - b.i);
  for (let k = 1; k < spans.length; k++) {
    if (spans[k].s < spans[k - 1].e) {
      throw new Error(`overlapping text edits at offsets ${spans[k - 1].s}-${spans[k - 1].e} and ${spans[k].s}-${spans[k].e}`);
    }
  }
  let out = '';
  let last = 0;
  for (const x of spans) {
    out += text.slice(last, x.s) + x.t;
    last = x.e;
  }
  return out + text.slice(last);
}

/** kindOf names a documentChanges entry: 'text', 'create', 'rename' or 'delete'. */
const kindOf = (ch) => ch.kind ?? 'text';

/** The client capabilities of vscode-languageclient 11 that matter to
 * relayout. resolve=false drops codeAction resolve support (an older or
 * simpler client), fileOps=false drops workspace.fileOperations, encodings
 * lists the position encodings offered (Neovim 0.10+ offers utf-8 first). */
function clientCapabilities({ resolve = true, fileOps = true, encodings = ['utf-16'] } = {}) {
  const codeAction = {
    dynamicRegistration: true,
    isPreferredSupport: true,
    disabledSupport: true,
    dataSupport: true,
    honorsChangeAnnotations: true,
    codeActionLiteralSupport: {
      codeActionKind: {
        valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.move',
          'refactor.rewrite', 'source', 'source.organizeImports', 'source.fixAll'],
      },
    },
  };
  if (resolve) codeAction.resolveSupport = { properties: ['edit'] };
  const workspace = {
    applyEdit: true,
    workspaceEdit: {
      documentChanges: true,
      resourceOperations: ['create', 'rename', 'delete'],
      failureHandling: 'textOnlyTransactional',
      normalizesLineEndings: true,
      changeAnnotationSupport: { groupsOnLabel: true },
    },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    executeCommand: { dynamicRegistration: true },
    workspaceFolders: true,
    configuration: true,
  };
  if (fileOps) {
    workspace.fileOperations = {
      dynamicRegistration: true, didCreate: true, willCreate: true, didRename: true, willRename: true, didDelete: true, willDelete: true,
    };
  }
  return {
    general: { positionEncodings: encodings, regularExpressions: { engine: 'ECMAScript', version: 'ES2020' } },
    window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } }, showDocument: { support: true } },
    workspace,
    textDocument: {
      synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: false, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
      codeAction,
    },
  };
}

/** startServer spawns argv and connects a client to its stdio. */
function startServer(argv, { env = process.env, cwd, logFile } = {}) {
  const stderr = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const proc = cp.spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['pipe', 'pipe', stderr] });
  if (typeof stderr === 'number') fs.closeSync(stderr);
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const conn = P.createProtocolConnection(new P.StreamMessageReader(proc.stdout), new P.StreamMessageWriter(proc.stdin));

  const c = {
    proc,
    conn,
    P,
    exited,
    /** uri -> Diagnostic[] (latest publish) */
    diagnostics: new Map(),
    /** every publishDiagnostics, in order */
    publishes: [],
    /** params of every workspace/applyEdit the server sent */
    applyEdits: [],
    /** {files, result} of every willRenameFiles this client sent while applying an edit */
    participantCalls: [],
    /** dynamic registrations by method */
    registrations: new Map(),
    /** window/showMessage and showMessageRequest params */
    messages: [],
    /** uri -> {languageId, version, text} */
    docs: new Map(),
    /** InitializeResult */
    init: undefined,
    /** mirror VS Code: send willRenameFiles for renames inside applied edits */
    participants: true,
  };
  const waiters = new Set();
  const poke = () => { for (const w of [...waiters]) w(); };

  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    c.diagnostics.set(p.uri, p.diagnostics);
    c.publishes.push(p);
    poke();
  });
  conn.onRequest(P.ApplyWorkspaceEditRequest.type, async (params) => {
    c.applyEdits.push(params);
    try {
      await c.applyWorkspaceEdit(params.edit);
      return { applied: true };
    } catch (e) {
      return { applied: false, failureReason: String(e && e.message || e) };
    } finally {
      poke();
    }
  });
  conn.onRequest(P.ConfigurationRequest.type, (p) => p.items.map(() => null));
  conn.onRequest(P.WorkDoneProgressCreateRequest.type, () => null);
  conn.onRequest(P.RegistrationRequest.type, (p) => {
    for (const r of p.registrations) c.registrations.set(r.method, r);
    return null;
  });
  conn.onRequest(P.UnregistrationRequest.type, (p) => {
    for (const r of p.unregisterations ?? p.unregistrations ?? []) c.registrations.delete(r.method);
    return null;
  });
  conn.onRequest(P.ShowMessageRequest.type, (p) => { c.messages.push(p); return null; });
  conn.onRequest(P.WorkspaceFoldersRequest.type, () => c.folders ?? null);
  conn.onNotification(P.ShowMessageNotification.type, (p) => c.messages.push(p));
  conn.onNotification(P.LogMessageNotification.type, () => {});
  conn.onNotification(P.TelemetryEventNotification.type, () => {});
  /** every $/progress value (work-done progress of background work) */
  c.progress = [];
  if (conn.onUnhandledProgress) conn.onUnhandledProgress((p) => c.progress.push(p));
  conn.onUnhandledNotification(() => {});
  conn.listen();

  /** waitFor polls cond (sync or async) after every server message and at
   * least every 100 ms until it is truthy; it returns that value. */
  c.waitFor = async (cond, what, timeoutMs = 15000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await cond();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((res) => {
        const t = setTimeout(done, 100);
        function done() { clearTimeout(t); waiters.delete(done); res(); }
        waiters.add(done);
      });
    }
  };

  /** request sends a request with a timeout, so a deadlocked server fails
   * the test instead of hanging it. */
  c.request = (type, params, timeoutMs = 15000) => {
    const src = new P.CancellationTokenSource();
    let timer;
    const timeout = new Promise((_, rej) => {
      timer = setTimeout(() => { src.cancel(); rej(new Error(`${type.method} got no answer within ${timeoutMs} ms`)); }, timeoutMs);
    });
    return Promise.race([conn.sendRequest(type, params, src.token), timeout]).finally(() => clearTimeout(timer));
  };

  c.initialize = async (rootPath, opts = {}) => {
    c.folders = [{ uri: uri(rootPath), name: path.basename(rootPath) }];
    c.init = await c.request(P.InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code (relayout protocol test)', version: '1.100.3' },
      locale: 'en',
      rootPath,
      rootUri: uri(rootPath),
      workspaceFolders: c.folders,
      capabilities: clientCapabilities(opts),
      trace: 'off',
    });
    await conn.sendNotification(P.InitializedNotification.type, {});
    return c.init;
  };

  // ---- capabilities the server advertised (statically or by registration)
  c.caps = () => c.init?.capabilities ?? {};
  c.hasCodeActions = () => !!c.caps().codeActionProvider || c.registrations.has('textDocument/codeAction');
  c.hasResolve = () => {
    const cap = c.caps().codeActionProvider;
    return (typeof cap === 'object' && !!cap.resolveProvider) || !!c.registrations.get('textDocument/codeAction')?.registerOptions?.resolveProvider;
  };
  const fileOp = (name) => c.caps().workspace?.fileOperations?.[name] ?? c.registrations.get(`workspace/${name}Files`)?.registerOptions;
  c.hasWillRename = () => !!fileOp('willRename');
  c.hasDidRename = () => !!fileOp('didRename');
  c.hasDidCreate = () => !!fileOp('didCreate');
  c.hasDidDelete = () => !!fileOp('didDelete');
  c.commands = () => c.caps().executeCommandProvider?.commands ?? c.registrations.get('workspace/executeCommand')?.registerOptions?.commands ?? [];

  // ---- documents
  c.open = async (p, languageId = languageOf(p)) => {
    const u = uri(p);
    const doc = { languageId, version: 1, text: fs.readFileSync(p, 'utf8') };
    c.docs.set(u, doc);
    await conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId, version: doc.version, text: doc.text } });
    return u;
  };
  c.change = async (u, text) => {
    const doc = c.docs.get(u);
    if (!doc) throw new Error(`change: ${u} is not open`);
    doc.version++;
    doc.text = text;
    await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
      textDocument: { uri: u, version: doc.version }, contentChanges: [{ text }],
    });
  };
  c.close = async (u) => {
    c.docs.delete(u);
    await conn.sendNotification(P.DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  };

  /** applyWorkspaceEdit applies edit like VS Code (see the file comment).
   * It throws on anything VS Code would refuse. It returns a summary. */
  c.applyWorkspaceEdit = async (edit, { participants = c.participants } = {}) => {
    const summary = { order: [], renamed: [], created: [], deleted: [], changed: [] };
    if (!edit) return summary;
    let changes = edit.documentChanges;
    if (!changes && edit.changes) {
      changes = Object.entries(edit.changes).map(([u, edits]) => ({ textDocument: { uri: u, version: null }, edits }));
    }
    changes = changes ?? [];
    // VS Code groups consecutive file operations and runs the file
    // participants (willRenameFiles) for a group before performing it.
    for (let i = 0; i < changes.length;) {
      const k = kindOf(changes[i]);
      if (k === 'text') {
        await applyTextDocumentEdit(changes[i], summary);
        summary.order.push(k);
        i++;
        continue;
      }
      let j = i;
      while (j < changes.length && kindOf(changes[j]) !== 'text') j++;
      const group = changes.slice(i, j);
      const renames = group.filter((ch) => ch.kind === 'rename');
      if (participants && renames.length && c.hasWillRename()) {
        const files = renames.map((r) => ({ oldUri: r.oldUri, newUri: r.newUri }));
        const result = await c.request(P.WillRenameFilesRequest.type, { files });
        c.participantCalls.push({ files, result });
        if (result) await c.applyWorkspaceEdit(result, { participants: false });
      }
      for (let k = 0; k < group.length; k++) {
        const ch = group[k];
        if (ch.kind === 'delete' && group[k - 1]?.kind !== 'delete') validateDeletes(group.slice(k));
        await applyFileOperation(ch, summary);
        summary.order.push(ch.kind);
      }
      i = j;
    }
    // VS Code reports file operations made by a workspace edit to the
    // did* participants as well.
    if (summary.renamed.length && c.hasDidRename()) {
      await conn.sendNotification(P.DidRenameFilesNotification.type, { files: summary.renamed });
    }
    if (summary.created.length && c.hasDidCreate()) {
      await conn.sendNotification(P.DidCreateFilesNotification.type, { files: summary.created.map((u) => ({ uri: u })) });
    }
    if (summary.deleted.length && c.hasDidDelete()) {
      await conn.sendNotification(P.DidDeleteFilesNotification.type, { files: summary.deleted.map((u) => ({ uri: u })) });
    }
    await c.notifyWatchers(summary);
    return summary;
  };

  /** notifyWatchers sends didChangeWatchedFiles for what an edit changed, if
   * the server registered file watchers (VS Code's file watcher would). */
  c.notifyWatchers = async (summary) => {
    if (!c.registrations.has('workspace/didChangeWatchedFiles')) return;
    const ev = [];
    for (const r of summary.renamed) ev.push({ uri: r.oldUri, type: 3 }, { uri: r.newUri, type: 1 });
    for (const u of summary.created) ev.push({ uri: u, type: 1 });
    for (const u of summary.deleted) ev.push({ uri: u, type: 3 });
    for (const u of summary.changed) ev.push({ uri: u, type: 2 });
    if (ev.length) await conn.sendNotification(P.DidChangeWatchedFilesNotification.type, { changes: ev });
  };

  async function applyTextDocumentEdit(ch, summary) {
    const u = ch.textDocument.uri;
    const p = fsPath(u);
    const doc = c.docs.get(u);
    const v = ch.textDocument.version;
    if (doc) {
      if (typeof v === 'number' && v !== doc.version) {
        throw new Error(`stale edit for ${u}: edit is for version ${v}, the document is at version ${doc.version}`);
      }
    } else {
      if (typeof v === 'number') {
        throw new Error(`edit for ${u} names version ${v} but the document is not open (LSP: version must be null)`);
      }
      if (!fs.existsSync(p)) throw new Error(`text edit for a file that does not exist: ${p}`);
    }
    const before = doc ? doc.text : fs.readFileSync(p, 'utf8');
    const after = applyTextEdits(before, ch.edits.map((e) => ({ range: e.range, newText: e.newText })), c.caps().positionEncoding ?? 'utf-16');
    fs.writeFileSync(p, after); // VS Code would leave it dirty; we save at once
    if (doc) {
      await c.change(u, after);
      await conn.sendNotification(P.DidSaveTextDocumentNotification.type, { textDocument: { uri: u } });
    }
    if (!summary.changed.includes(u)) summary.changed.push(u);
  }

  /** validateDeletes checks a run of consecutive deletes before any is
   * performed, as VS Code does: a folder deleted without recursive must be
   * empty before the run starts, else VS Code logs "Unable to delete
   * non-empty folder" and IGNORES the whole workspace edit. */
  function validateDeletes(run) {
    for (const ch of run) {
      if (ch.kind !== 'delete') break;
      const p = fsPath(ch.uri);
      const o = ch.options ?? {};
      if (!fs.existsSync(p)) {
        if (!o.ignoreIfNotExists) throw new Error(`delete: ${p} does not exist`);
      } else if (fs.statSync(p).isDirectory() && !o.recursive && fs.readdirSync(p).length > 0) {
        throw new Error(`Unable to delete non-empty folder ${p}: IGNORING workspace edit`);
      }
    }
  }

  async function applyFileOperation(ch, summary) {
    const o = ch.options ?? {};
    if (ch.kind === 'create') {
      const p = fsPath(ch.uri);
      if (fs.existsSync(p)) {
        if (o.overwrite) fs.writeFileSync(p, '');
        else if (!o.ignoreIfExists) throw new Error(`create: ${p} exists`);
      } else {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, '');
      }
      summary.created.push(ch.uri);
    } else if (ch.kind === 'rename') {
      const [a, b] = [fsPath(ch.oldUri), fsPath(ch.newUri)];
      if (!fs.existsSync(a)) throw new Error(`rename: source ${a} does not exist`);
      if (fs.existsSync(b) && !o.overwrite) {
        if (o.ignoreIfExists) return;
        throw new Error(`rename: target ${b} exists`);
      }
      fs.mkdirSync(path.dirname(b), { recursive: true });
      fs.renameSync(a, b);
      // Open documents follow the file, as in VS Code.
      for (const [u, doc] of [...c.docs]) {
        const dp = fsPath(u);
        const rel = path.relative(a, dp);
        if (dp === a || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
          const nu = uri(dp === a ? b : path.join(b, rel));
          await c.close(u);
          c.docs.set(nu, { ...doc, version: doc.version });
          await conn.sendNotification(P.DidOpenTextDocumentNotification.type, {
            textDocument: { uri: nu, languageId: doc.languageId, version: doc.version, text: doc.text } });
        }
      }
      summary.renamed.push({ oldUri: ch.oldUri, newUri: ch.newUri });
    } else if (ch.kind === 'delete') {
      const p = fsPath(ch.uri);
      if (!fs.existsSync(p)) {
        if (!o.ignoreIfNotExists) throw new Error(`delete: ${p} does not exist`);
        return;
      }
      if (fs.statSync(p).isDirectory()) {
        if (o.recursive) fs.rmSync(p, { recursive: true });
        else fs.rmdirSync(p); // fails on a non-empty folder, as in VS Code
      } else {
        fs.rmSync(p);
      }
      summary.deleted.push(ch.uri);
    } else {
      throw new Error(`unknown documentChanges entry ${JSON.stringify(ch)}`);
    }
  }

  c.shutdown = async () => {
    try {
      await c.request(P.ShutdownRequest.type, undefined, 5000);
      await conn.sendNotification(P.ExitNotification.type);
    } catch { /* already gone */ }
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    conn.dispose();
  };
  return c;
}

function languageOf(p) {
  const ext = path.extname(p);
  return { '.py': 'python', '.ts': 'typescript', '.tsx': 'typescriptreact', '.js': 'javascript', '.jsx': 'javascriptreact', '.md': 'markdown' }[ext] ?? 'plaintext';
}

module.exports = { startServer, clientCapabilities, applyTextEdits, kindOf, uri, fsPath, languageOf };
