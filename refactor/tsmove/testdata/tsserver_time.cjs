// Times TypeScript's own "update imports on file move" (the language
// service's getEditsForFileRename, which tsserver runs for editors) on a
// workspace, for comparison with relayout's move engine (docs/performance.md).
//
// usage: node tsserver_time.cjs <typescript package dir> <root> <tsconfig rel> <from rel> <to rel> [runs]
// Prints one JSON line: medians in milliseconds of
//   cold: a fresh language service (project load + type information) + the rename
//   warm: the rename again on the already built program
// and the number of files and text changes it returned. Nothing is written.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require(process.argv[2]);
const [root, configRel, fromRel, toRel] = process.argv.slice(3, 7);
const runs = Number(process.argv[7] || 5);

function languageService(configPath) {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const host = {
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => path.dirname(configPath),
    getCompilationSettings: () => parsed.options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
    useCaseSensitiveFileNames: () => true,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cold = [], warm = [];
let files = 0, changes = 0;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const ls = languageService(path.join(root, configRel));
  let res = ls.getEditsForFileRename(path.join(root, fromRel), path.join(root, toRel), ts.getDefaultFormatCodeSettings(), {});
  const t1 = process.hrtime.bigint();
  res = ls.getEditsForFileRename(path.join(root, fromRel), path.join(root, toRel), ts.getDefaultFormatCodeSettings(), {});
  const t2 = process.hrtime.bigint();
  cold.push(Number(t1 - t0) / 1e6);
  warm.push(Number(t2 - t1) / 1e6);
  files = res.length;
  changes = res.reduce((n, fc) => n + fc.textChanges.length, 0);
}
console.log(JSON.stringify({ coldMs: median(cold), warmMs: median(warm), files, changes, runs }));
