// Package parsers extracts module references (imports, requires, string
// references) from Python and TypeScript/JavaScript source with tree-sitter.
//
// It owns the language-neutral data model (Ref, Result), language detection
// and the byte offset ⇄ line/column mapper. It knows nothing of workspaces,
// moves or LSP: it must not import refactor, server, cmd, go.lsp.dev or zap.
//
// Invariant: parsing never fails on broken source. Syntax errors are data
// (Result.Errors); an extractor returns an error only when it was cancelled
// or timed out.
//
// All positions are byte offsets into the exact bytes that were parsed
// (including any BOM), half-open [Start, End).
package parsers

import (
	"path"
	"strings"
)

// Lang is a source language relayout understands.
type Lang string

// Languages. TSX covers .tsx and .jsx (the tsx grammar), TypeScript covers
// .ts/.mts/.cts/.d.ts, JavaScript covers .js/.mjs/.cjs.
const (
	Python     Lang = "python"
	TypeScript Lang = "typescript"
	TSX        Lang = "tsx"
	JavaScript Lang = "javascript"
)

// LangOf reports the language of a file from its name, and false for files
// relayout does not parse.
func LangOf(name string) (Lang, bool) {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch {
	case strings.HasSuffix(base, ".py"), strings.HasSuffix(base, ".pyi"):
		return Python, true
	case strings.HasSuffix(base, ".tsx"), strings.HasSuffix(base, ".jsx"):
		return TSX, true
	case strings.HasSuffix(base, ".ts"), strings.HasSuffix(base, ".mts"), strings.HasSuffix(base, ".cts"):
		return TypeScript, true
	case strings.HasSuffix(base, ".js"), strings.HasSuffix(base, ".mjs"), strings.HasSuffix(base, ".cjs"):
		return JavaScript, true
	}
	return "", false
}

// IsTSFamily reports whether l is TypeScript, TSX or JavaScript.
func (l Lang) IsTSFamily() bool { return l == TypeScript || l == TSX || l == JavaScript }

// Span is a half-open byte range [Start, End) in the parsed source.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Text returns the bytes of src the span covers.
func (s Span) Text(src []byte) string { return string(src[s.Start:s.End]) }

// Kind says which syntactic form a reference has.
type Kind string

// Python reference kinds.
const (
	// PyImport is `import a.b.c` or `import a.b.c as x` (one Ref per dotted
	// name; `import a, b.c` yields two Refs sharing Stmt).
	PyImport Kind = "py-import"
	// PyFrom is `from a.b import c, d as e`, `from . import x`,
	// `from ..a import *`.
	PyFrom Kind = "py-from"
	// PyAttribute is a dotted attribute chain `a.b.c.f()` that uses the
	// binding of a plain (un-aliased) `import a.b.c` in the same file.
	// Module is the imported dotted name the chain starts with and Span
	// covers exactly that prefix of the chain.
	PyAttribute Kind = "py-attribute"
	// PyString is a string literal holding a dotted module path, as the
	// first argument of importlib.import_module, __import__, mock.patch or
	// patch (and patch.object/patch.dict are NOT included). Module is the
	// string content; Span covers the content without quotes.
	PyString Kind = "py-string"
)

// TypeScript/JavaScript reference kinds. For all of them Module is the
// specifier text, Span covers the string content without quotes and Quote
// is the quote character.
const (
	// TSImport is `import ... from 's'`, `import type ... from 's'` and the
	// side-effect `import 's'`.
	TSImport Kind = "ts-import"
	// TSExport is `export * from 's'`, `export * as ns from 's'`,
	// `export {a} from 's'`, `export type {a} from 's'`.
	TSExport Kind = "ts-export"
	// TSImportEquals is `import x = require('s')`.
	TSImportEquals Kind = "ts-import-equals"
	// TSRequire is a `require('s')` call.
	TSRequire Kind = "ts-require"
	// TSDynamicImport is `import('s')` with a plain string literal.
	TSDynamicImport Kind = "ts-dynamic-import"
	// TSMock is the string argument of jest.mock, vi.mock, jest.requireActual,
	// vi.importActual, jest.unmock, vi.doMock, jest.doMock and require.resolve.
	TSMock Kind = "ts-mock"
	// TSReferencePath is `/// <reference path="s" />`.
	TSReferencePath Kind = "ts-reference-path"
)

// Name is one imported (or re-exported) name with its optional alias.
type Name struct {
	// Name as written; "*" for a wildcard, "default" for a TS default import.
	Name string `json:"name"`
	// NameSpan covers Name in the source (zero for a TS default import).
	NameSpan Span `json:"nameSpan"`
	// Alias is the local name after `as`, or "" when none.
	Alias string `json:"alias,omitempty"`
	// AliasSpan covers Alias (zero when there is no alias).
	AliasSpan Span `json:"aliasSpan"`
}

// Ref is one module reference found in a file.
type Ref struct {
	Kind Kind `json:"kind"`
	// Module is the referenced module as written: the dotted name without
	// leading dots for Python, the specifier for TS/JS.
	Module string `json:"module"`
	// Level is the number of leading dots of a Python relative import (0 for
	// absolute imports and for every TS/JS reference).
	Level int `json:"level,omitempty"`
	// Span covers the module text to rewrite: for Python the dotted name
	// including leading dots (`..a.b`), for TS/JS the string content
	// without quotes.
	Span Span `json:"span"`
	// Parts covers each dotted component of a Python module name, in order
	// (empty for `from . import x` and for TS/JS).
	Parts []Span `json:"parts,omitempty"`
	// Stmt covers the whole statement or call the reference appears in.
	Stmt Span `json:"stmt"`
	// Names lists imported names: Python from-imports (`c`, `d as e`, `*`)
	// and TS named/default/namespace imports and re-exports. For a TS
	// namespace import (`* as ns`) Name is "*" and Alias is "ns".
	Names []Name `json:"names,omitempty"`
	// Alias is the `as` name of a Python `import a.b as z` ("" if none).
	Alias string `json:"alias,omitempty"`
	// AliasSpan covers Alias (zero when there is no alias).
	AliasSpan Span `json:"aliasSpan"`
	// Quote is the quote character of a TS/JS specifier or Python string
	// reference (' " or `); 0 for Python imports.
	Quote byte `json:"quote,omitempty"`
	// TypeOnly marks `import type` / `export type` (TS) and imports under
	// `if TYPE_CHECKING:` (Python).
	TypeOnly bool `json:"typeOnly,omitempty"`
	// Nested marks a Python import that is not at module top level (inside
	// a function, class, try/except, if, with ...).
	Nested bool `json:"nested,omitempty"`
	// Package is the package a relative Python string is resolved against:
	// "pkg" in import_module(".sub.mod", "pkg") ("" otherwise).
	Package string `json:"package,omitempty"`
}

// Result is what an extractor found in one file.
type Result struct {
	Lang Lang  `json:"lang"`
	Refs []Ref `json:"refs"`
	// Errors covers the ERROR and MISSING nodes of the syntax tree; the
	// references outside them were still extracted.
	Errors []Span `json:"errors,omitempty"`
}
