// Package tsresolve resolves TypeScript/JavaScript module specifiers to
// workspace files the way tsc does, for a whole workspace that may hold
// several tsconfig.json/jsconfig.json projects, and computes the specifiers
// the move engine writes (relative, and through `paths`/`baseUrl` aliases).
//
// It owns tsconfig/jsconfig discovery and parsing (JSONC, `extends` chains,
// `compilerOptions` merging, `files`/`include`/`exclude`), package.json
// `imports`/`exports`/`types`/`main`, and the resolution rules: relative
// files with tsc's extension order and substitution (`./a.js` → a.ts),
// directory index files, assets, `paths`, `baseUrl`, `#imports` and
// workspace (monorepo) packages. Everything else is External.
//
// Paths crossing the API are slash-separated and relative to the workspace
// root ("" is the root); specifiers are the text between the quotes.
// Configuration mistakes are data ([Problem]), never failures: a broken
// tsconfig still yields a Resolver.
//
// A Resolver is immutable once built and safe for concurrent use. It reads
// files only while [New] runs.
//
// tsresolve must not import server, cmd, go.lsp.dev or zap, and it does not
// log.
package tsresolve
