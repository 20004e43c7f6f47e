// The relayout VS Code extension: starts `relayout serve` as a language
// server for every file on disk (depth diagnostics apply to any file; module
// moves to Python and TypeScript/JavaScript) and adds "Relayout: Move
// Module…", which asks for a target path and runs the server's
// `relayout.move` command. The server then sends workspace/applyEdit, which
// vscode-languageclient applies as one undoable workspace edit.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
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

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

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
  await start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop();
    } catch (err) {
      output?.warn(`stopping the server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
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

async function start(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('relayout');
  const { command, args } = serverCommand(cfg);
  const options = serverOptions(cfg);
  const clientOptions: LanguageClientOptions = {
    // Every file on disk: depth is a property of the path, not of the language.
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
  };
  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, options, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    output?.error(`failed to start ${command} ${args.join(' ')}: ${msg}`);
    const choice = await vscode.window.showErrorMessage(
      `Relayout: could not start the language server "${command}" (${msg}). ` +
        'Install relayout (go install github.com/relayout/relayout/cmd/relayout@latest) or set "relayout.serverPath".',
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'relayout.serverPath');
    }
  }
}

async function restart(): Promise<void> {
  await deactivate();
  await start();
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
