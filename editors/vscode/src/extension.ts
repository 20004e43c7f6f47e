// The relayout VS Code extension: starts `relayout serve` as a language
// server for every file on disk (depth diagnostics apply to any file; module
// moves to Python and TypeScript/JavaScript) and adds "Relayout: Move
// Module…", which asks for a target path and runs the server's
// `relayout.move` command. The server then sends workspace/applyEdit, which
// vscode-languageclient applies as one undoable workspace edit.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

/** The server-side command that moves a module and fixes its imports. Its
 * arguments are the workspace folder URI and the source and target paths,
 * slash-separated and relative to that folder. */
export const SERVER_MOVE_COMMAND = 'relayout.move';

const CLIENT_ID = 'relayout'; // also the prefix of the `relayout.trace.server` setting
const CLIENT_NAME = 'Relayout';

/** Where a user learns to install the server: the module is not published,
 * so it is built from a clone (`go install ./cmd/relayout`). */
export const INSTALL_URL = 'https://github.com/relayout/relayout#install';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

/** Lifecycle runs start/stop steps one at a time, in call order: a restart
 * requested while another is under way waits for it, so two clients never
 * overlap (a second client registering `relayout.move` while the first still
 * holds it fails with "command 'relayout.move' already exists"). A step that
 * fails does not break the chain. */
export class Lifecycle {
  private tail: Promise<void> = Promise.resolve();

  run(step: () => Promise<void>): Promise<void> {
    const next = this.tail.then(step, step);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const lifecycle = new Lifecycle();
let crashes: number[] = []; // when the running server stopped unexpectedly

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('relayout.moveModule', (arg?: vscode.Uri) => moveModule(arg)),
    vscode.commands.registerCommand('relayout.restartServer', () => restart()),
    vscode.commands.registerCommand('relayout.showOutput', () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('relayout.serverPath') || e.affectsConfiguration('relayout.logLevel')) {
        void restart();
      }
    }),
  );
  // Not awaited: activation must not wait for the server (nor for a toast
  // saying it cannot start).
  void lifecycle.run(start);
}

export function deactivate(): Promise<void> {
  return lifecycle.run(stop);
}

/** stop stops and disposes the client, then forgets it: its commands are
 * unregistered before a new client may register them. */
async function stop(): Promise<void> {
  const c = client;
  if (!c) {
    return;
  }
  try {
    if (c.state !== State.Stopped) {
      await c.stop();
    }
  } catch (err) {
    output?.warn(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await c.dispose();
  } catch {
    // already stopped
  }
  client = undefined;
}

/** serverCommand returns the binary and arguments from the settings. */
export function serverCommand(cfg: vscode.WorkspaceConfiguration): { command: string; args: string[] } {
  const raw = (cfg.get<string>('serverPath') || 'relayout').trim();
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let command = raw.replace(/^~(?=$|[\\/])/, os.homedir());
  if (folder) {
    command = command.replace(/\$\{workspaceFolder\}/g, folder);
  }
  // A relative path with a separator is relative to the first workspace folder;
  // a bare name is looked up on PATH by the OS.
  if (folder && !path.isAbsolute(command) && /[\\/]/.test(command)) {
    command = path.join(folder, command);
  }
  const args = ['serve', '--log-level', cfg.get<string>('logLevel') || 'warn'];
  return { command, args };
}

/** serverOptions tells vscode-languageclient how to spawn the server. No
 * `transport`: TransportKind.stdio would append `--stdio`, which `relayout
 * serve` does not take; stdio is the default without it. */
export function serverOptions(cfg: vscode.WorkspaceConfiguration): ServerOptions {
  const { command, args } = serverCommand(cfg);
  return { command, args };
}

/** findExecutable returns the file command names (looked up on PATH when it
 * is a bare name), or undefined when there is no executable file there. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = /[\\/]/.test(command)
    ? [command]
    : (env.PATH ?? '').split(path.delimiter).filter((d) => d !== '').map((d) => path.join(d, command));
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat(['']) : [''];
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        const p = c + ext;
        if (fs.statSync(p).isFile()) {
          fs.accessSync(p, fs.constants.X_OK);
          return p;
        }
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** startFailure tells the user, once and without blocking, that the server
 * could not start, with an action opening the install instructions. */
function startFailure(command: string, reason: string): void {
  output?.error(`cannot start ${command}: ${reason}`);
  void vscode.window
    .showErrorMessage(
      `Relayout: cannot start the language server "${command}" (${reason}). Build it from a clone of ` +
        'the relayout repository with "go install ./cmd/relayout", or set "relayout.serverPath".',
      'Install Instructions',
      'Open Settings',
      'Show Output',
    )
    .then((choice) => {
      if (choice === 'Install Instructions') {
        void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
      } else if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'relayout.serverPath');
      } else if (choice === 'Show Output') {
        output?.show(true);
      }
    });
}

async function start(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('relayout');
  const { command, args } = serverCommand(cfg);
  if (!findExecutable(command)) {
    startFailure(command, /[\\/]/.test(command) ? 'no executable file there' : 'not found on PATH');
    return;
  }
  const clientOptions: LanguageClientOptions = {
    // Every file on disk: depth is a property of the path, not of the language.
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
    // One message of ours instead of the client's own toasts.
    initializationFailedHandler: () => false,
    errorHandler: {
      error: () => ({ action: ErrorAction.Shutdown, handled: true }),
      closed: () => {
        // A crash restarts the server, three times in three minutes at most
        // (vscode-languageclient's default, without its toasts).
        const now = Date.now();
        crashes = crashes.filter((t) => now - t < 3 * 60 * 1000);
        crashes.push(now);
        if (crashes.length <= 3) {
          output?.warn('the relayout server stopped unexpectedly; restarting it');
          return { action: CloseAction.Restart, handled: true };
        }
        startFailure(command, 'it stopped 4 times in 3 minutes; see "Relayout: Show Output"');
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions(cfg), clientOptions);
  client = c;
  try {
    await c.start();
  } catch (err) {
    startFailure(`${command} ${args.join(' ')}`, err instanceof Error ? err.message : String(err));
    await stop();
  }
}

function restart(): Promise<void> {
  return lifecycle.run(async () => {
    await stop();
    await start();
  });
}

/** toSlashRel returns p relative to root with forward slashes, or undefined
 * when p is outside root. */
export function toSlashRel(root: string, p: string): string | undefined {
  const rel = path.relative(root, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    return undefined;
  }
  return rel.split(path.sep).join('/');
}

/** validateTarget checks a target typed by the user; it returns an error
 * message or undefined. */
export function validateTarget(from: string, to: string): string | undefined {
  const t = to.trim();
  if (t === '') {
    return 'Enter the new path, relative to the workspace folder.';
  }
  if (path.isAbsolute(t) || /^[a-zA-Z]:/.test(t)) {
    return 'Use a path relative to the workspace folder.';
  }
  const norm = path.posix.normalize(t.replace(/\\/g, '/'));
  if (norm === '..' || norm.startsWith('../')) {
    return 'The target must stay inside the workspace folder.';
  }
  if (resolveTarget(from, t) === path.posix.normalize(from)) {
    return 'The target is the current path.';
  }
  return undefined;
}

/** resolveTarget normalises a valid target; a trailing slash means "into
 * this folder, keeping the file name". */
export function resolveTarget(from: string, to: string): string {
  let t = to.trim().replace(/\\/g, '/');
  if (t.endsWith('/')) {
    t += path.posix.basename(from);
  }
  return path.posix.normalize(t);
}

async function moveModule(arg?: vscode.Uri): Promise<void> {
  const c = client;
  if (!c || c.state !== State.Running) {
    void vscode.window.showErrorMessage('Relayout: the language server is not running (see "Relayout: Show Output").');
    return;
  }
  const commands = c.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!commands.includes(SERVER_MOVE_COMMAND)) {
    void vscode.window.showErrorMessage(
      `Relayout: this relayout server does not offer "${SERVER_MOVE_COMMAND}"; update relayout.`,
    );
    return;
  }
  const source = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!source || source.scheme !== 'file') {
    void vscode.window.showErrorMessage('Relayout: open a file or pick one in the Explorer to move it.');
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(source);
  const from = folder && toSlashRel(folder.uri.fsPath, source.fsPath);
  if (!folder || !from) {
    void vscode.window.showErrorMessage('Relayout: the file is not inside a workspace folder.');
    return;
  }
  const base = path.posix.basename(from);
  const to = await vscode.window.showInputBox({
    title: `Relayout: Move ${from}`,
    prompt: 'New path, relative to the workspace folder. Imports of the module are rewritten.',
    value: from,
    valueSelection: [from.length - base.length, from.length - path.posix.extname(base).length],
    validateInput: (v) => validateTarget(from, v),
  });
  if (to === undefined) {
    return; // cancelled
  }
  const target = resolveTarget(from, to);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Relayout: moving ${from} → ${target}` },
      () =>
        c.sendRequest(ExecuteCommandRequest.type, {
          command: SERVER_MOVE_COMMAND,
          arguments: [folder.uri.toString(), from, target],
        }),
    );
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`Relayout: could not move ${from}: ${msg}`);
  }
}
