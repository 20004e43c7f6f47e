// Drives a real VS Code workbench (code-server) with the relayout extension installed,
// through headless Chromium (playwright-core). Started by run.sh, which sets:
//   CS_URL (http://127.0.0.1:PORT), WS (the fixture workspace), OUT_DIR (screenshots),
//   USER_DATA (code-server's user data dir: settings and logs), RELAYOUT_BIN (the server).
// Checks, as a user would see them:
//   1. with no file opened, the Problems panel shows relayout's too-deep diagnostic (the
//      extension activates on the folder's contents);
//   2. Quick Fix on a too-deep module offers "Move module and fix imports" and applying it
//      moves the files and rewrites the imports — without VS Code's "refactoring changes"
//      dialog (the server recognises the willRenameFiles echo of its own renames);
//   3. "Relayout: Move Module…" asks for a path and moves a TypeScript module;
//   4. a move that empties nested packages leaves the tree `relayout move` leaves;
//   5. an Explorer rename (F2) runs willRenameFiles and the import is fixed on disk;
//   6. "Relayout: Restart Server" twice in a row leaves a working extension;
//   7. a server that cannot be found gives one non-blocking notification with install
//      instructions.
// After each step: no error notification is shown (other than the one step 7 expects),
// and no log holds "IGNORING workspace edit" or an extension-host error of relayout.
// After each move python3 runs the workspace's main.py.
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { chromium } = require('playwright-core');
const { snapshot, cliMoveIn } = require('../test/fixture');

const CS_URL = process.env.CS_URL;
const WS = process.env.WS;
const OUT = process.env.OUT_DIR || '/tmp';
const USER_DATA = process.env.USER_DATA || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let passed = 0, failed = 0, page;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const read = (p) => { try { return fs.readFileSync(path.join(WS, p), 'utf8'); } catch { return ''; } };
const exists = (p) => fs.existsSync(path.join(WS, p));
const runMain = () => {
  const r = cp.spawnSync('python3', ['-B', 'main.py'], { cwd: WS, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`;
};
/** How many lines of the extension's log (where vscode-languageclient copies the server's
 * stderr; run.sh sets relayout.logLevel=debug) contain text. */
function logged(text) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Relayout.log') n += fs.readFileSync(p, 'utf8').split(text).length - 1;
    }
  };
  try { walk(path.join(USER_DATA, 'logs')); } catch { /* no logs yet */ }
  return n;
}
const ECHO = "willRenameFiles: echo of the server's own rename";
async function until(fn, ms = 20000, what = 'condition') {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await fn()) return; await sleep(250); }
  throw new Error(`timeout waiting for ${what}`);
}
/** logLines returns the lines of every log file under USER_DATA/logs whose
 * name matches fileRe and that match lineRe. */
function logLines(fileRe, lineRe) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (fileRe.test(e.name)) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) if (lineRe.test(line)) out.push(`${e.name}: ${line}`);
      }
    }
  };
  try { walk(path.join(USER_DATA, 'logs')); } catch { /* no logs yet */ }
  return out;
}
/** What a user would see go wrong: VS Code refusing an edit, the extension host
 * failing in relayout's code (a command registered twice, an unhandled rejection). */
function logProblems() {
  return [
    ...logLines(/\.log$/, /IGNORING workspace edit|Unable to delete non-empty folder/),
    ...logLines(/^exthost\.log$/, /\[error\].*(relayout|Relayout)/),
  ];
}
/** The error notifications on screen (toasts) and in the notification center. */
async function errorNotifications() {
  const items = page.locator('.notification-list-item:has(.codicon-error)');
  const out = [];
  for (let i = 0; i < (await items.count()); i++) out.push(((await items.nth(i).textContent()) || '').trim());
  return [...new Set(out)];
}
let seenLogProblems = 0;
async function step(name, fn, { expectError } = {}) {
  const t0 = Date.now();
  try {
    await fn();
    await sleep(500);
    const errs = (await errorNotifications()).filter((t) => !(expectError && expectError.test(t)));
    if (errs.length) throw new Error(`error notification shown: ${errs.join(' | ').slice(0, 300)}`);
    const probs = logProblems();
    if (probs.length > seenLogProblems) {
      const fresh = probs.slice(seenLogProblems);
      seenLogProblems = probs.length;
      throw new Error(`log: ${fresh.join(' | ').slice(0, 300)}`);
    }
    passed++; console.log(`PASS ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++; console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    await page?.screenshot({ path: path.join(OUT, `fail-${name.replace(/\W+/g, '_')}.png`) }).catch(() => {});
    await palette('Notifications: Clear All Notifications').catch(() => {});
  }
}
/** setServerPath sets relayout.serverPath in the User settings as a user
 * does: "Preferences: Open User Settings (JSON)", replace, save. The
 * extension then restarts the server. */
async function setServerPath(p) {
  const file = path.join(USER_DATA, 'User', 'settings.json');
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  cfg['relayout.serverPath'] = p;
  await palette('Preferences: Open User Settings (JSON)');
  await page.locator('.tabs-container .tab.active[aria-label*="settings.json"]').first().waitFor({ timeout: 15000 });
  await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify(cfg, null, 2));
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await sleep(300);
  await page.keyboard.press('Control+S');
  await until(() => JSON.parse(fs.readFileSync(file, 'utf8'))['relayout.serverPath'] === p, 10000, 'settings.json saved');
}
async function palette(cmd) { // run a command by its title from the command palette
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  if (!(await input.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) {
    // focus can sit somewhere that eats F1 (e.g. right after an Explorer rename): refocus, retry
    await page.keyboard.press('Escape');
    await page.locator('.part.editor').first().click({ position: { x: 400, y: 300 } }).catch(() => {});
    await page.keyboard.press('Control+Shift+P');
    await input.waitFor({ state: 'visible' });
  }
  await input.fill('>' + cmd);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await sleep(300);
  await page.keyboard.press('Enter');
}
async function openFile(rel) { // Quick Open (Ctrl+P); needs ripgrep working in code-server
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15000 });
  await sleep(300);
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label*="${path.basename(rel)}"]`).first().waitFor({ timeout: 15000 });
  await page.locator('.monaco-editor .view-lines').first().click(); // focus the editor
  await page.keyboard.press('Control+Home');
}
/** Picks an entry of the code action menu by keyboard (clicks time out in headless Chromium). */
async function pickAction(title) {
  const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ state: 'visible', timeout: 20000 });
  await page.screenshot({ path: path.join(OUT, 'menu-quick-fix.png') });
  const focused = page.locator('.action-widget .monaco-list-row.focused');
  for (let i = 0; i < 12 && !((await focused.textContent().catch(() => '')) || '').includes(title); i++) {
    await page.keyboard.press('ArrowDown'); await sleep(100);
  }
  if (!((await focused.textContent().catch(() => '')) || '').includes(title)) throw new Error(`cannot focus action ${title}`);
  await page.keyboard.press('Enter');
}
/** VS Code's "Extension … wants to make refactoring changes with this file move" dialog. */
async function fileOpDialog(button, shot) {
  const dlg = page.locator('.monaco-dialog-box', { hasText: 'refactoring changes' });
  if (!(await dlg.isVisible().catch(() => false))) return false;
  if (shot) await page.screenshot({ path: path.join(OUT, shot) });
  await dlg.getByRole('button', { name: button }).click();
  return true;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: CS_URL });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.log('pageerror:', e.message.slice(0, 200)));

    await step('workbench loads', async () => {
      await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS)}`, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
    });
    await step('Problems shows relayout\'s too-deep diagnostic without opening a file', async () => {
      // No editor is open: the extension activates on the folder's contents
      // (workspaceContains), and the server reports every file.
      await palette('View: Focus Problems');
      await page.locator('.markers-panel', { hasText: 'deeper than the limit of 2' }).first().waitFor({ timeout: 60000 });
      const tabs = await page.locator('.tabs-container .tab').count();
      if (tabs !== 0) throw new Error(`${tabs} editors open: the check needs none`);
      await page.screenshot({ path: path.join(OUT, '1-problems.png') });
      await openFile('pkg/sub/deep/util.py');
    });
    await step('Quick Fix: Move module and fix imports, with no refactoring dialog', async () => {
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+Home');
      await palette('Quick Fix...');
      await pickAction('and fix imports');
      let dialog = false;
      await until(async () => {
        dialog = (await fileOpDialog('Skip Changes', 'unexpected-dialog.png')) || dialog;
        return exists('pkg/deep/util.py') && !exists('pkg/sub/deep/util.py');
      }, 30000, 'pkg/sub/deep/util.py moved to pkg/deep/util.py');
      if (dialog) throw new Error('VS Code asked about refactoring changes for the server\'s own renames (willRenameFiles echo not recognised)');
      await palette('File: Save All');
      await until(() => read('main.py').includes('from pkg.deep.util import helper'), 20000, 'main.py rewritten on disk');
      const out = runMain();
      if (out !== '15') throw new Error(`python3 main.py: ${out}`);
      await page.screenshot({ path: path.join(OUT, '2-after-quick-fix.png') });
      // VS Code did send willRenameFiles for the action's renames, and the server knew them.
      await until(() => logged(ECHO) >= 5, 10000, 'the server logging 5 recognised echoes (one per moved file)');
    });
    await step('Relayout: Move Module… moves a TypeScript module', async () => {
      await openFile('web/src/lib/deep/button.ts');
      await palette('Relayout: Move Module');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await until(async () => (await input.inputValue()) === 'web/src/lib/deep/button.ts', 5000, 'the current path prefilled');
      await input.fill('web/src/button.ts');
      await page.keyboard.press('Enter');
      let dialog = false;
      await until(async () => {
        dialog = (await fileOpDialog('Skip Changes', 'unexpected-dialog-command.png')) || dialog;
        return exists('web/src/button.ts') && !exists('web/src/lib/deep/button.ts');
      }, 30000, 'button.ts moved');
      if (dialog) throw new Error('refactoring dialog for the server\'s own rename');
      await until(() => logged(ECHO) >= 6, 10000, 'the echo of the command\'s rename recognised');
      await palette('File: Save All');
      await until(() => read('web/src/index.ts').includes("/* é😀 */ import { button } from './button';"), 20000, 'index.ts rewritten');
      await page.screenshot({ path: path.join(OUT, '3-after-move-module.png') });
    });
    await step('Relayout: Move Module… emptying nested packages leaves the CLI\'s tree', async () => {
      const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-e2e-cli-'));
      try {
        await palette('File: Save All');
        fs.cpSync(WS, copy, { recursive: true });
        const want = cliMoveIn(copy, 'api/v1/routes/users.py', 'users.py', process.env.RELAYOUT_BIN);
        await openFile('api/v1/routes/users.py');
        await palette('Relayout: Move Module');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await until(async () => (await input.inputValue()) === 'api/v1/routes/users.py', 5000, 'the current path prefilled');
        await input.fill('users.py');
        await page.keyboard.press('Enter');
        await until(() => exists('users.py') && !exists('api'), 30000, 'users.py moved and api/ removed');
        await palette('File: Save All');
        await until(() => JSON.stringify(snapshot(WS)) === JSON.stringify(want), 20000, 'the tree of `relayout move`')
          .catch((e) => {
            const got = snapshot(WS);
            const diff = [...new Set([...Object.keys(got), ...Object.keys(want)])].filter((k) => got[k] !== want[k]);
            throw new Error(`${e.message}: differs at ${diff.join(', ')}`);
          });
        await page.screenshot({ path: path.join(OUT, '3b-after-nested-move.png') });
      } finally {
        fs.rmSync(copy, { recursive: true, force: true });
      }
    });
    await step('Explorer rename (F2) → willRenameFiles → import fixed', async () => {
      await palette('View: Show Explorer');
      const row = (label) => page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${label}"]`).first();
      for (const dir of ['pkg', 'deep']) {
        if (!(await row('third.py').isVisible().catch(() => false)) && (await row(dir).isVisible().catch(() => false))) {
          await row(dir).click(); await sleep(300);
        }
      }
      await row('third.py').click();
      await page.keyboard.press('F2');
      const box = page.locator('.explorer-folders-view .monaco-inputbox textarea, .explorer-folders-view .monaco-inputbox input').first();
      await box.waitFor({ state: 'visible' });
      await box.fill('third2.py');
      await page.keyboard.press('Enter');
      let dialog = false; // expected: the server's import edits make VS Code ask once
      await until(async () => { dialog = (await fileOpDialog('OK', '4a-refactor-dialog.png')) || dialog; return exists('pkg/deep/third2.py'); },
        30000, 'pkg/deep/third2.py');
      console.log(`  info: refactoring dialog shown and accepted: ${dialog}`);
      const ok = () => read('main.py').includes('from pkg.deep.third2 import x');
      await until(ok, 8000, 'auto-saved import').catch(async () => {
        await page.keyboard.press('Escape'); await sleep(500); await palette('File: Save All');
        await until(ok, 20000, 'import pkg.deep.third2 on disk');
      });
      const out = runMain();
      if (out !== '15') throw new Error(`python3 main.py: ${out}`);
      await page.screenshot({ path: path.join(OUT, '4-after-explorer-rename.png') });
    });
    await step('Problems keeps no stale entry for moved files', async () => {
      await palette('View: Focus Problems');
      await sleep(1500);
      const text = await page.locator('.markers-panel').first().textContent();
      if (/util\.py|button\.ts|third\.py/.test(text)) throw new Error(`Problems still lists a moved file: ${text.slice(0, 300)}`);
      if (!/notes\.md/.test(text)) throw new Error('the remaining too-deep file (docs/guide/deep/notes.md) should still be listed');
      await page.screenshot({ path: path.join(OUT, '5-problems-after.png') });
    });
    await step('Relayout: Restart Server twice in a row leaves a working extension', async () => {
      await palette('Relayout: Restart Server');
      await palette('Relayout: Restart Server');
      await sleep(3000);
      await openFile('docs/guide/deep/notes.md');
      await palette('Relayout: Move Module');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('docs/notes.md');
      await page.keyboard.press('Enter');
      await until(() => exists('docs/notes.md'), 30000, 'docs/notes.md moved by the restarted server');
    });
    await step('a missing server: one notification with install instructions, nothing blocked', async () => {
      await palette('Notifications: Clear All Notifications');
      await setServerPath('/nonexistent/relayout');
      const toast = page.locator('.notification-list-item', { hasText: 'go install ./cmd/relayout' });
      await toast.first().waitFor({ timeout: 20000 });
      await sleep(1000);
      const n = await toast.count();
      const all = await errorNotifications();
      if (all.length !== 1) throw new Error(`${all.length} error notifications: ${all.join(' | ').slice(0, 300)}`);
      const text = (await toast.first().textContent()) || '';
      if (/@latest/.test(text)) throw new Error(`suggests @latest: ${text}`);
      if (!/Install Instructions/.test(text)) throw new Error(`no Install Instructions action: ${text}`);
      await page.screenshot({ path: path.join(OUT, '7-server-missing.png') });
      // The workbench is not blocked: the output channel opens.
      await palette('Relayout: Show Output');
      await page.locator('.part.panel').first().waitFor({ timeout: 10000 });
      if (n !== 1) throw new Error(`${n} notifications about the missing server`);
      await palette('Notifications: Clear All Notifications');
    }, { expectError: /go install \.\/cmd\/relayout/ });
  } catch (e) {
    failed++; console.log(`FAIL driver: ${e.message.split('\n')[0]}`);
  } finally { await browser.close(); }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
