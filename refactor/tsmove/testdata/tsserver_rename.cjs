// Performs a list of moves in a directory the way an editor using
// tsserver does: for each move in order, every project's language service
// computes getEditsForFileRename(old, new), the edits are applied to the
// files on disk, then the file or directory is renamed.
//
// usage: node tsserver_rename.cjs <typescript package dir> <spec.json>
// spec: {"root": abs dir, "projects": [rel config paths],
//        "moves": [{"from": rel, "to": rel}], "preferences": {...}}
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require(process.argv[2]);
const spec = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const root = spec.root;
let projects = spec.projects.map((p) => path.join(root, p));

function languageService(configPath) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, host);
  if (!parsed) return null;
  const lsHost = {
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => path.dirname(configPath),
    getCompilationSettings: () => parsed.options,
    getProjectReferences: () => parsed.projectReferences,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
    useCaseSensitiveFileNames: () => true,
  };
  return ts.createLanguageService(lsHost, ts.createDocumentRegistry());
}

for (const m of spec.moves) {
  const from = path.join(root, m.from);
  const to = path.join(root, m.to);
  const byFile = new Map();
  for (const p of projects) {
    if (!fs.existsSync(p)) continue;
    const ls = languageService(p);
    if (!ls) continue;
    const changes = ls.getEditsForFileRename(from, to, ts.getDefaultFormatCodeSettings(), spec.preferences || {});
    for (const fc of changes) {
      const list = byFile.get(fc.fileName) || [];
      for (const tc of fc.textChanges) {
        const dup = list.some((e) => e.span.start === tc.span.start && e.span.length === tc.span.length);
        if (!dup) list.push(tc);
      }
      byFile.set(fc.fileName, list);
    }
  }
  for (const [file, list] of byFile) {
    if (!fs.existsSync(file)) continue;
    let text = fs.readFileSync(file, 'utf8');
    list.sort((a, b) => b.span.start - a.span.start);
    for (const tc of list) {
      text = text.slice(0, tc.span.start) + tc.newText + text.slice(tc.span.start + tc.span.length);
    }
    fs.writeFileSync(file, text);
  }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.renameSync(from, to);
  projects = projects.map((p) => (p === from ? to : p.startsWith(from + path.sep) ? to + p.slice(from.length) : p));
}
