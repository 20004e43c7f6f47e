// The workspace the protocol tests run against, the relayout binary they
// start, and checks on the result (python3 runs the moved code).
'use strict';
const cp = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../../..');

/** MAX is the depth limit the fixture configures; every file under
 * pkg/sub/deep/ (level 3) and web/src/lib/deep/ (level 4) is too deep. */
const MAX = 2;

/** The workspace: a Python program whose modules sit too deep (namespace
 * packages, so no deep __init__.py), a TypeScript importer, and a deep
 * Markdown file (depth applies to every file). main.py prints 15 when every
 * import resolves. Non-ASCII text precedes imports on their line, so a
 * UTF-8/UTF-16 column mix-up corrupts the edits. */
const FILES = {
  'relayout.toml': `[depth]\nmax = ${MAX}\n`,
  'main.py': [
    '_s = "é😀"; from pkg.sub.deep.util import helper  # non-ASCII before an import: UTF-16 columns',
    'from pkg.sub.deep.other import y',
    'from pkg.sub.deep.third import x',
    'from pkg.sub.deep import fourth',
    'import pkg.sub.deep.fifth as fifth',
    '',
    'print(helper() + y + x + fourth.z + fifth.w)',
    '',
  ].join('\n'),
  'pkg/sub/deep/util.py': 'def helper():\n    return 1\n',
  'pkg/sub/deep/other.py': 'y = 2\n',
  'pkg/sub/deep/third.py': 'x = 3\n',
  'pkg/sub/deep/fourth.py': 'z = 4\n',
  'pkg/sub/deep/fifth.py': 'from .fourth import z\n\nw = z + 1\n',
  'web/src/index.ts': "/* é😀 */ import { button } from './lib/deep/button';\n\nexport const ui = button('ok');\n",
  'web/src/lib/deep/button.ts': 'export function button(label: string): string {\n  return `[${label}]`;\n}\n',
  'docs/guide/deep/notes.md': '# Notes\n',
};

/** NESTED are regular packages nested three deep around one module: moving
 * users.py out empties api/v1/routes, api/v1 and api (orphan __init__.py
 * files are deleted), the case where VS Code ignored the whole edit. */
const NESTED = {
  'api/__init__.py': '',
  'api/v1/__init__.py': '',
  'api/v1/routes/__init__.py': '',
  'api/v1/routes/users.py': 'def users():\n    return 7\n',
  'app.py': 'from api.v1.routes.users import users\n\nprint(users())\n',
};

/** makeWorkspace writes FILES (plus extra) into a new temp folder (or a
 * folder dirName inside it) and returns its real path (macOS /tmp is a
 * symlink). */
function makeWorkspace(extra = {}, dirName) {
  let root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-editor-ws-')));
  if (dirName) {
    root = path.join(root, dirName); // e.g. spaces and non-ASCII, percent-encoded in URIs
    fs.mkdirSync(root);
  }
  for (const [rel, text] of Object.entries({ ...FILES, ...extra })) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

/** level is the number of directories between the workspace root and rel. */
const level = (rel) => rel.split('/').length - 1;

let built;
/** relayoutBinary returns $RELAYOUT_BIN, or builds ./cmd/relayout once. */
function relayoutBinary() {
  if (process.env.RELAYOUT_BIN) return process.env.RELAYOUT_BIN;
  if (!built) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relayout-bin-'));
    built = path.join(dir, 'relayout');
    cp.execFileSync('go', ['build', '-o', built, './cmd/relayout'], { cwd: repoRoot, stdio: 'inherit' });
  }
  return built;
}

/** runMain runs `python3 main.py` in root and returns its stdout, or the
 * error output when it fails (so an assertion shows the ImportError). */
function runMain(root) {
  const r = cp.spawnSync('python3', ['-B', 'main.py'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-1)[0]}`;
}

/** tree lists every file under root, slash-separated, sorted. */
function tree(root) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '__pycache__') walk(p);
      } else out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** snapshot maps every file under root (slash-separated, __pycache__
 * skipped) to its content, and lists every directory (with a trailing
 * slash), so two trees compare byte for byte, empty folders included. */
function snapshot(root) {
  const out = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(root, p).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (e.name === '__pycache__') continue;
        out[`${rel}/`] = '';
        walk(p);
      } else out[rel] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** cliMove runs `relayout move from to` on a fresh copy of the fixture
 * (plus extra) and returns its snapshot: what the editors must leave. */
function cliMove(extra, from, to) {
  const root = makeWorkspace(extra);
  try {
    return cliMoveIn(root, from, to);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** cliMoveIn runs `relayout move from to` in root (a copy the caller owns)
 * and returns its snapshot. */
function cliMoveIn(root, from, to, bin = relayoutBinary()) {
  cp.execFileSync(bin, ['move', from, to], { cwd: root, stdio: 'pipe' });
  return snapshot(root);
}

const hasPython = cp.spawnSync('python3', ['--version']).status === 0;

module.exports = { FILES, NESTED, MAX, makeWorkspace, level, relayoutBinary, runMain, tree, snapshot, cliMove, cliMoveIn, hasPython, repoRoot };
