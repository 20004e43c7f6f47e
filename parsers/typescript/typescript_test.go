package typescript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relayout/relayout/parsers"
)

// ref is the part of a parsers.Ref the table tests spell out.
type ref struct {
	kind     parsers.Kind
	module   string
	quote    byte
	names    string // "default as x, a, * as ns"
	typeOnly bool
}

func (r ref) String() string {
	s := fmt.Sprintf("%s %c%s%c", r.kind, r.quote, r.module, r.quote)
	if r.names != "" {
		s += " {" + r.names + "}"
	}
	if r.typeOnly {
		s += " type-only"
	}
	return s
}

func simplify(refs []parsers.Ref) []ref {
	out := []ref{}
	for _, r := range refs {
		var names []string
		for _, n := range r.Names {
			s := n.Name
			if n.Alias != "" {
				s += " as " + n.Alias
			}
			names = append(names, s)
		}
		out = append(out, ref{r.Kind, r.Module, r.Quote, strings.Join(names, ", "), r.TypeOnly})
	}
	return out
}

func extract(t *testing.T, lang parsers.Lang, src string) *parsers.Result {
	t.Helper()
	res, err := Extract(context.Background(), lang, []byte(src))
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if res.Lang != lang {
		t.Errorf("Lang = %q, want %q", res.Lang, lang)
	}
	checkResult(t, []byte(src), res)
	return res
}

func TestForms(t *testing.T) {
	const (
		imp   = parsers.TSImport
		exp   = parsers.TSExport
		equ   = parsers.TSImportEquals
		req   = parsers.TSRequire
		dyn   = parsers.TSDynamicImport
		mock  = parsers.TSMock
		refp  = parsers.TSReferencePath
		ts    = parsers.TypeScript
		tsx   = parsers.TSX
		js    = parsers.JavaScript
		noRef = ""
	)
	tests := []struct {
		name string
		lang parsers.Lang
		src  string
		want []ref
	}{
		{"default", ts, `import x from 's'`, []ref{{imp, "s", '\'', "default as x", false}}},
		{"named", ts, `import {a, b as c} from "s"`, []ref{{imp, "s", '"', "a, b as c", false}}},
		{"namespace", ts, `import * as ns from 's'`, []ref{{imp, "s", '\'', "* as ns", false}}},
		{"default+named", ts, `import x, {a} from 's'`, []ref{{imp, "s", '\'', "default as x, a", false}}},
		{"default+namespace", ts, `import x, * as ns from 's'`, []ref{{imp, "s", '\'', "default as x, * as ns", false}}},
		{"import type", ts, `import type {T} from 's'`, []ref{{imp, "s", '\'', "T", true}}},
		{"inline type is not type-only", ts, `import {type T, a} from 's'`, []ref{{imp, "s", '\'', "T, a", false}}},
		{"all inline types is not type-only", ts, `import {type T} from 's'`, []ref{{imp, "s", '\'', "T", false}}},
		{"default named type", ts, `import type from 's'`, []ref{{imp, "s", '\'', "default as type", false}}},
		{"side effect", ts, `import 's'`, []ref{{imp, "s", '\'', "", false}}},
		{"with attributes", ts, `import d from './d.json' with {type: 'json'}`, []ref{{imp, "./d.json", '\'', "default as d", false}}},
		{"assert attributes", ts, `import d from './d.json' assert {type: 'json'}`, []ref{{imp, "./d.json", '\'', "default as d", false}}},
		{"empty specifier", ts, `import x from ''`, []ref{{imp, "", '\'', "default as x", false}}},
		{"export star", ts, `export * from 's'`, []ref{{exp, "s", '\'', "*", false}}},
		{"export star as", ts, `export * as ns from 's'`, []ref{{exp, "s", '\'', "* as ns", false}}},
		{"export named", ts, `export {a, b as c} from 's'`, []ref{{exp, "s", '\'', "a, b as c", false}}},
		{"export type", ts, `export type {T} from 's'`, []ref{{exp, "s", '\'', "T", true}}},
		{"export type star", ts, `export type * from 's'`, []ref{{exp, "s", '\'', "*", true}}},
		{"local export", ts, `export {a}; export const b = 'x';`, []ref{}},
		{"import equals", ts, `import x = require('s')`, []ref{{equ, "s", '\'', "* as x", false}}},
		{"export import equals", ts, `export import x = require("s");`, []ref{{equ, "s", '"', "* as x", false}}},
		{"export import equals no semicolon", ts, "export import x = require('s')\nfoo()", []ref{{equ, "s", '\'', "* as x", false}}},
		{"import alias", ts, `import x = a.b;`, []ref{}},
		{"require const", js, `const x = require('s')`, []ref{{req, "s", '\'', "", false}}},
		{"require bare", js, `require("s");`, []ref{{req, "s", '"', "", false}}},
		{"require nested", js, "function f() { if (x) { return require('s').y } }", []ref{{req, "s", '\'', "", false}}},
		{"require template", js, "require(`s`)", []ref{{req, "s", '`', "", false}}},
		{"require variable", js, `require(s)`, []ref{}},
		{"require substitution", js, "require(`./${s}`)", []ref{}},
		{"require concatenation", js, `require('./' + s)`, []ref{}},
		{"require second argument", js, `require(a, 's')`, []ref{}},
		{"other call", js, `load('s'); obj.require('t')`, []ref{}},
		{"dynamic import", ts, `import('s')`, []ref{{dyn, "s", '\'', "", false}}},
		{"dynamic import template", ts, "await import(`s`)", []ref{{dyn, "s", '`', "", false}}},
		{"dynamic import substitution", ts, "import(`./${s}`)", []ref{}},
		{"typeof import", ts, `type M = typeof import('s')`, []ref{{dyn, "s", '\'', "", false}}},
		{"import type member", ts, `let v: import('s').T`, []ref{{dyn, "s", '\'', "", false}}},
		{"import.meta", ts, `const u = import.meta.url; import.meta.resolve('s')`, []ref{}},
		{"jest.mock", ts, `jest.mock('s', () => ({}))`, []ref{{mock, "s", '\'', "", false}}},
		{"vi.importActual generic", ts, `await vi.importActual<typeof import('s')>('s')`, []ref{{dyn, "s", '\'', "", false}, {mock, "s", '\'', "", false}}},
		{"jest.requireActual generic", ts, `jest.requireActual<Foo>("s")`, []ref{{mock, "s", '"', "", false}}},
		{"require.resolve", js, `require.resolve('s')`, []ref{{mock, "s", '\'', "", false}}},
		{"not a mock helper", ts, `jest.fn('s'); vi.spyOn(a, 's'); foo.mock('s')`, []ref{}},
		{"comparison", ts, `if (a < typeof b > ('s')) {}`, []ref{}},
		{"reference path", ts, "/// <reference path=\"s.d.ts\" />\nimport 't'", []ref{{refp, "s.d.ts", '"', "", false}, {imp, "t", '\'', "", false}}},
		{"reference path single quotes, after comments", ts, "// hi\n/* x */\n///<reference path='s' />", []ref{{refp, "s", '\'', "", false}}},
		{"reference types", ts, `/// <reference types="node" />`, []ref{}},
		{"reference after a statement", ts, "import 't';\n/// <reference path=\"s\" />", []ref{{imp, "t", '\'', "", false}}},
		{"declare module", ts, `declare module 's' { import x from 't'; }`, []ref{{imp, "t", '\'', "default as x", false}}},
		{"string", ts, `const s = "import x from 'y'"`, []ref{}},
		{"jsx", tsx, `const A = () => <div a="b" c={require('s')}>{import('t')}</div>`, []ref{{req, "s", '\'', "", false}, {dyn, "t", '\'', "", false}}},
		{"jsx in js", js, `const A = () => <Lazy load={() => import('s')} />`, []ref{{dyn, "s", '\'', "", false}}},
		{"flow in js", js, "import type {A} from 's';\nfunction f(x: number): A {}", []ref{{imp, "s", '\'', "A", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := extract(t, tt.lang, tt.src)
			if got := simplify(res.Refs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s\n got %v\nwant %v", tt.src, got, tt.want)
			}
			if len(res.Errors) != 0 {
				t.Errorf("%s: unexpected syntax errors %v", tt.src, res.Errors)
			}
		})
	}
}

// TestSpans pins offsets where the source is not plain ASCII with LF.
func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		lang parsers.Lang
		src  string
	}{
		{"bom", parsers.TypeScript, "\uFEFFimport x from 'mod';\nrequire('req')"},
		{"bom reference path", parsers.TypeScript, "\uFEFF/// <reference path=\"mod\" />"},
		{"crlf", parsers.TypeScript, "// c\r\nimport {\r\n  a,\r\n} from \"mod\";\r\nconst r = require('req');\r\n"},
		{"emoji comment", parsers.TSX, "// 🎉🚀 party\nimport x from 'mod';\nrequire('req')"},
		{"emoji string", parsers.JavaScript, "const s = '👋🏽 wave';\nconst m = require('mod');\nrequire('req')"},
		{"non-ascii specifier", parsers.TypeScript, "import {naïve as 変数} from './mod/ñ😀';\nrequire('req')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			res := extract(t, tt.lang, tt.src)
			if len(res.Refs) == 0 {
				t.Fatal("no refs")
			}
			for _, r := range res.Refs {
				want := bytes.Index(src, []byte(string(r.Quote)+r.Module+string(r.Quote))) + 1
				if r.Span.Start != want || r.Span.End != want+len(r.Module) {
					t.Errorf("%s %q: Span %v, want [%d,%d)", r.Kind, r.Module, r.Span, want, want+len(r.Module))
				}
			}
			if len(res.Errors) != 0 {
				t.Errorf("unexpected syntax errors %v", res.Errors)
			}
		})
	}
	res := extract(t, parsers.TypeScript, "\uFEFFimport x from 'mod'")
	if got := res.Refs[0].Stmt; got.Start != 3 {
		t.Errorf("BOM: Stmt %v, want it to start at byte 3", got)
	}
	res = extract(t, parsers.TypeScript, "import {naïve as 変数} from 'm'")
	if n := res.Refs[0].Names[0]; n.NameSpan != (parsers.Span{Start: 8, End: 14}) || n.AliasSpan != (parsers.Span{Start: 18, End: 24}) {
		t.Errorf("non-ASCII names: %+v", n)
	}
}

func TestSyntaxErrors(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "broken.ts"))
	if err != nil {
		t.Fatal(err)
	}
	res := extract(t, parsers.TypeScript, string(src))
	if len(res.Errors) == 0 {
		t.Error("no syntax errors reported for broken.ts")
	}
	got := map[string]bool{}
	for _, r := range res.Refs {
		got[r.Module] = true
	}
	for _, m := range []string{"before-error", "./before-error-named", "after-error", "./after-error-require", "./after-error-export", "./late-after-error", "./late-export", "./tail"} {
		if !got[m] {
			t.Errorf("ref %q not extracted", m)
		}
	}

	for _, tt := range []struct{ src, errText string }{
		{"import x from 'a';\nconst = ;\nimport y from 'b';", "const ="},
		{"import x from 'unterminated\nimport y from 'b';\n", ""},
		{"export import x = require('a')\nfoo(", ""},
	} {
		res := extract(t, parsers.TypeScript, tt.src)
		if len(res.Errors) == 0 {
			t.Errorf("%q: no syntax errors reported", tt.src)
		}
		if tt.errText != "" && res.Errors[0].Text([]byte(tt.src)) != tt.errText {
			t.Errorf("%q: first error covers %q, want %q", tt.src, res.Errors[0].Text([]byte(tt.src)), tt.errText)
		}
		for _, r := range res.Refs {
			if r.Module == "unterminated" || strings.Contains(r.Module, "\n") {
				t.Errorf("%q: ref from a broken string: %+v", tt.src, r)
			}
		}
	}
}

func TestUnsupportedLang(t *testing.T) {
	if _, err := Extract(context.Background(), parsers.Python, []byte("import os")); err == nil {
		t.Error("Extract(Python) succeeded")
	}
}

// bigSource returns about n bytes of valid TypeScript.
func bigSource(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "import {a%d} from './m%d';\nexport function f%d(x: number): number { return x * %d + require('./r%d').v; }\n", i, i, i, i, i)
	}
	return b.Bytes()
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, parsers.TypeScript, []byte("import 'a'")); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before start: err = %v, want context.Canceled", err)
	}

	// Cancel parses of a big file mid-way, then check that the pooled
	// parsers parse a small file from scratch (a halted parse that was not
	// Reset would resume on the next call).
	big := bigSource(8 << 20)
	cancelled := 0
	for range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
		_, err := Extract(ctx, parsers.TypeScript, big)
		cancel()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			cancelled++
		case err != nil:
			t.Fatalf("big parse: %v", err)
		}
		res := extract(t, parsers.TypeScript, "import x from 'small';")
		if got := simplify(res.Refs); len(got) != 1 || got[0].module != "small" || len(res.Errors) != 0 {
			t.Fatalf("after a cancelled parse: refs %v errors %v", got, res.Errors)
		}
	}
	if cancelled == 0 {
		t.Error("no parse of an 8 MB file was cancelled by a 2ms timeout")
	}
}

// TestConcurrent runs Extract on every testdata input from many goroutines
// (run with -race) and checks each result equals the sequential one.
func TestConcurrent(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	type input struct {
		lang parsers.Lang
		src  []byte
		want *parsers.Result
	}
	var inputs []input
	for _, e := range entries {
		lang, ok := parsers.LangOf(e.Name())
		if !ok {
			continue
		}
		src, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Extract(context.Background(), lang, src)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{lang, src, want})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				in := inputs[(g+i)%len(inputs)]
				got, err := Extract(context.Background(), in.lang, in.src)
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(got, in.want) {
					t.Errorf("concurrent result differs for a %s input", in.lang)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestQueriesCompile(t *testing.T) {
	for _, g := range []*grammar{tsGrammar, tsxGrammar} {
		q, err := g.query()
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		seen := map[role]bool{}
		for _, r := range q.roles {
			seen[r] = true
		}
		for r := roleSource; r < numRoles; r++ {
			if !seen[r] {
				t.Errorf("%s: no query capture has role %d", g.name, r)
			}
		}
	}
}

// The tsx grammar never finishes "(" + 27 newlines + "]" (CRLF too): the
// parse gives up on its own budget, with no deadline on ctx, and the
// pooled parsers still parse afterwards.
func TestPathologicalTSX(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n"} {
		src := []byte("(" + strings.Repeat(nl, 27) + "]")
		for _, lang := range []parsers.Lang{parsers.TSX, parsers.JavaScript, parsers.TypeScript} {
			_, err := Extract(context.Background(), lang, src)
			if lang == parsers.TypeScript {
				if err != nil {
					t.Errorf("the typescript grammar parses it: %v", err)
				}
			} else if !errors.Is(err, context.DeadlineExceeded) {
				// If a grammar update fixes the loop, nil is fine here.
				t.Errorf("%s: got %v, want a parse that gives up", lang, err)
			}
		}
	}
	res := extract(t, parsers.TSX, "import x from 'small';")
	if got := simplify(res.Refs); len(got) != 1 || got[0].module != "small" {
		t.Fatalf("after a parse that gave up: refs %v", got)
	}
}
