package python

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relayout/relayout/parsers"
)

// sp returns the span of the n-th (0-based) occurrence of sub in src, so
// expectations are written as text and checked as offsets.
func sp(t *testing.T, src, sub string, n int) parsers.Span {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := strings.Index(src[off:], sub)
		if j < 0 {
			t.Fatalf("occurrence %d of %q not in source", n, sub)
		}
		if i == n {
			return parsers.Span{Start: off + j, End: off + j + len(sub)}
		}
		off += j + len(sub)
	}
}

// dottedAt returns the span of the n-th occurrence of the dotted name
// text in src and the spans of its components.
func dottedAt(t *testing.T, src, text string, n int) (parsers.Span, []parsers.Span) {
	t.Helper()
	s := sp(t, src, text, n)
	var parts []parsers.Span
	off := s.Start
	for i, comp := range strings.Split(text, ".") {
		if i == 0 && comp == "" { // leading dots of a relative path
			for off < s.End && src[off] == '.' {
				off++
			}
			continue
		}
		parts = append(parts, parsers.Span{Start: off, End: off + len(comp)})
		off += len(comp) + 1
	}
	return s, parts
}

func refsOf(res *parsers.Result, kind parsers.Kind) []parsers.Ref {
	var out []parsers.Ref
	for _, r := range res.Refs {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func wantRefs(t *testing.T, src string, kind parsers.Kind, want []parsers.Ref) {
	t.Helper()
	res := mustExtract(t, []byte(src))
	got := refsOf(res, kind)
	for i := range want {
		want[i].Kind = kind
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s refs of %q:\n got: %+v\nwant: %+v", kind, src, got, want)
	}
}

func TestImportForms(t *testing.T) {
	src := "import a.b.c as x, d\n"
	wantRefs(t, src, parsers.PyImport, []parsers.Ref{
		{Module: "a.b.c", Span: sp(t, src, "a.b.c", 0), Parts: []parsers.Span{sp(t, src, "a", 0), sp(t, src, "b", 0), sp(t, src, "c", 0)},
			Stmt: sp(t, src, "import a.b.c as x, d", 0), Alias: "x", AliasSpan: sp(t, src, "x", 0)},
		{Module: "d", Span: sp(t, src, "d", 0), Parts: []parsers.Span{sp(t, src, "d", 0)}, Stmt: sp(t, src, "import a.b.c as x, d", 0)},
	})
}

func TestFromForms(t *testing.T) {
	t.Run("relative with alias", func(t *testing.T) {
		src := "from ..pkg.mod import c, d as e\n"
		wantRefs(t, src, parsers.PyFrom, []parsers.Ref{{
			Module: "pkg.mod", Level: 2, Span: sp(t, src, "..pkg.mod", 0),
			Parts: []parsers.Span{sp(t, src, "pkg", 0), sp(t, src, "mod", 0)},
			Stmt:  sp(t, src, strings.TrimSpace(src), 0),
			Names: []parsers.Name{
				{Name: "c", NameSpan: sp(t, src, "c", 0)},
				{Name: "d", NameSpan: sp(t, src, "d", 1), Alias: "e", AliasSpan: sp(t, src, "e", 0)},
			},
		}})
	})
	t.Run("dot only", func(t *testing.T) {
		src := "from . import x\n"
		wantRefs(t, src, parsers.PyFrom, []parsers.Ref{{
			Level: 1, Span: sp(t, src, ".", 0), Stmt: sp(t, src, "from . import x", 0),
			Names: []parsers.Name{{Name: "x", NameSpan: sp(t, src, "x", 0)}},
		}})
	})
	t.Run("wildcard", func(t *testing.T) {
		src := "from .a.b import *\n"
		wantRefs(t, src, parsers.PyFrom, []parsers.Ref{{
			Module: "a.b", Level: 1, Span: sp(t, src, ".a.b", 0),
			Parts: []parsers.Span{sp(t, src, "a", 0), sp(t, src, "b", 0)},
			Stmt:  sp(t, src, "from .a.b import *", 0),
			Names: []parsers.Name{{Name: "*", NameSpan: sp(t, src, "*", 0)}},
		}})
	})
	t.Run("parenthesised CRLF with comments and trailing comma", func(t *testing.T) {
		src := "from a import (\r\n    b,  # c, d\r\n    e as f,\r\n)\r\nimport g\r\n"
		stmt := sp(t, src, "from a import (\r\n    b,  # c, d\r\n    e as f,\r\n)", 0)
		wantRefs(t, src, parsers.PyFrom, []parsers.Ref{{
			Module: "a", Span: sp(t, src, "a", 0), Parts: []parsers.Span{sp(t, src, "a", 0)}, Stmt: stmt,
			Names: []parsers.Name{
				{Name: "b", NameSpan: sp(t, src, "b", 0)},
				{Name: "e", NameSpan: sp(t, src, "e", 0), Alias: "f", AliasSpan: sp(t, src, "f", 1)},
			},
		}})
		wantRefs(t, src, parsers.PyImport, []parsers.Ref{{
			Module: "g", Span: sp(t, src, "g", 0), Parts: []parsers.Span{sp(t, src, "g", 0)}, Stmt: sp(t, src, "import g", 0),
		}})
	})
}

func TestFlags(t *testing.T) {
	src := `import top
if TYPE_CHECKING:
    import tc.a
    def f():
        import tc.deep
else:
    import not_tc
if typing.TYPE_CHECKING: import tc.b
if not TYPE_CHECKING:
    import not_tc2
def g():
    import inner
try:
    from x import y
except ImportError:
    y = None
`
	type flags struct{ nested, typeOnly bool }
	want := map[string]flags{
		"top":     {false, false},
		"tc.a":    {true, true},
		"tc.deep": {true, true},
		"not_tc":  {true, false},
		"tc.b":    {true, true},
		"not_tc2": {true, false},
		"inner":   {true, false},
		"x":       {true, false},
	}
	res := mustExtract(t, []byte(src))
	got := map[string]flags{}
	for _, r := range res.Refs {
		if r.Kind == parsers.PyImport || r.Kind == parsers.PyFrom {
			got[r.Module] = flags{r.Nested, r.TypeOnly}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("flags:\n got: %v\nwant: %v", got, want)
	}
}

func TestAttributes(t *testing.T) {
	// The longer import comes first and the shorter one later, nested: the
	// longest name still wins and nesting does not matter.
	src := "import a.b.c\nimport a.bx as alias\na.b.c.x()\na.b.y\na.bx.z\nalias.q\ndef f():\n    import a.b\n"
	abc, abcParts := dottedAt(t, src, "a.b.c", 1)
	ab, abParts := dottedAt(t, src, "a.b", 3)
	wantRefs(t, src, parsers.PyAttribute, []parsers.Ref{
		{Module: "a.b.c", Span: abc, Parts: abcParts, Stmt: sp(t, src, "a.b.c.x", 0)},
		{Module: "a.b", Span: ab, Parts: abParts, Stmt: sp(t, src, "a.b.y", 0)},
	})
}

func TestStrings(t *testing.T) {
	src := `@patch("p.q")
def t(): pass
importlib.import_module(r'a.b')
__import__("c")
x = import_module(".rel", package="pkg")
mock.patch.object(A, "not.this")
patch.dict("not.this", {})
import_module(f"not.{this}")
import_module("not" ".this")
`
	pq, pqParts := dottedAt(t, src, "p.q", 0)
	ab, abParts := dottedAt(t, src, "a.b", 0)
	call := sp(t, src, `__import__("c")`, 0)
	c := parsers.Span{Start: call.Start + len(`__import__("`), End: call.Start + len(`__import__("c`)}
	cParts := []parsers.Span{c}
	rel, relParts := dottedAt(t, src, ".rel", 0)
	pkg, pkgParts := dottedAt(t, src, "pkg", 0)
	wantRefs(t, src, parsers.PyString, []parsers.Ref{
		{Module: "p.q", Span: pq, Parts: pqParts, Stmt: sp(t, src, `patch("p.q")`, 0), Quote: '"'},
		{Module: "a.b", Span: ab, Parts: abParts, Stmt: sp(t, src, `importlib.import_module(r'a.b')`, 0), Quote: '\''},
		{Module: "c", Span: c, Parts: cParts, Stmt: sp(t, src, `__import__("c")`, 0), Quote: '"'},
		{Module: ".rel", Span: rel, Parts: relParts, Stmt: sp(t, src, `import_module(".rel", package="pkg")`, 0), Quote: '"', Package: "pkg"},
		{Module: "pkg", Span: pkg, Parts: pkgParts, Stmt: sp(t, src, `import_module(".rel", package="pkg")`, 0), Quote: '"'},
	})
}

// TestOffsets checks byte offsets where encodings make them easy to get
// wrong: BOM, CRLF, multi-byte and non-BMP characters, invalid UTF-8.
func TestOffsets(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // Span texts of all refs, in order
	}{
		{"BOM", "\uFEFFimport a.b\nfrom .c import d\n", []string{"a.b", ".c"}},
		{"BOM only", "\uFEFF", nil},
		{"CRLF", "import a\r\nfrom b import (\r\n  c,\r\n)\r\nimport_module('e.f')\r\n", []string{"a", "b", "e.f"}},
		{"lone CR", "import a\rimport b\r", []string{"a", "b"}},
		{"emoji before import", "s = \"😀🐍𝄞\"\nimport after.emoji\n", []string{"after.emoji"}},
		{"emoji in same line", "x = '🐍'; import m; __import__('n.😀')\n", []string{"m"}},
		{"non-ASCII names", "import ñ.ü as ß\nñ.ü.x\nimport 모듈\n모듈.y\n", []string{"ñ.ü", "모듈", "모듈"}},
		{"latin-1 byte", "# coding: latin-1\ns = '\xe9t\xe9'\nimport after.latin1\n", []string{"after.latin1"}},
		{"NUL byte", "s = '\x00\x00'\nimport after.nul\n", []string{"after.nul"}},
		{"tabs and continuation", "from \\\n\ta.b \\\n\timport c\n", []string{"a.b"}},
		{"no trailing newline", "import last", []string{"last"}},
		{"comments only", "# import nope\n\"\"\"import nope\"\"\"\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			res := mustExtract(t, src)
			checkInvariants(t, src, res)
			var got []string
			for _, r := range res.Refs {
				got = append(got, r.Span.Text(src))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("span texts = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBOMOffsets(t *testing.T) {
	src := []byte("\uFEFFimport a.b\n")
	res := mustExtract(t, src)
	if len(res.Refs) != 1 {
		t.Fatalf("refs = %+v", res.Refs)
	}
	r := res.Refs[0]
	if want := (parsers.Span{Start: 10, End: 13}); r.Span != want || r.Stmt != (parsers.Span{Start: 3, End: 13}) {
		t.Errorf("span %v stmt %v, want %v and 3:13 (offsets count the 3-byte BOM)", r.Span, r.Stmt, want)
	}
}

func TestSyntaxErrors(t *testing.T) {
	src := []byte("import before\ndef f(:\n    pass\nx = = 1\nfrom after import z\n")
	res := mustExtract(t, src)
	if len(res.Errors) == 0 {
		t.Error("no Errors for broken source")
	}
	var mods []string
	for _, r := range res.Refs {
		mods = append(mods, r.Module)
	}
	if want := []string{"before", "after"}; !reflect.DeepEqual(mods, want) {
		t.Errorf("modules = %q, want %q", mods, want)
	}
	for _, e := range res.Errors {
		if e.Start < len("import before") {
			t.Errorf("error %v overlaps the first import", e)
		}
	}
}

func TestEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "   ", "\uFEFF"} {
		res := mustExtract(t, []byte(src))
		if res.Refs == nil || len(res.Refs) != 0 || res.Errors != nil {
			t.Errorf("%q: got %+v, want no refs (non-nil) and no errors", src, res)
		}
	}
	if res := mustExtract(t, nil); len(res.Refs) != 0 {
		t.Errorf("nil src: %+v", res)
	}
}

func TestScanModulePath(t *testing.T) {
	for s, ok := range map[string]bool{
		"a": true, "a.b": true, ".a": true, "..a.b": true, "_x.y1": true, "é.ü": true,
		"": false, ".": false, "a.": false, "a..b": false, "a b": false, "1a": false,
		"a.1b": false, "a-b": false, "a/b": false, "a\\.b": false, "😀": false, "a.b\xff": false,
	} {
		_, got := scanModulePath([]byte(s), parsers.Span{Start: 0, End: len(s)})
		if got != ok {
			t.Errorf("scanModulePath(%q) = %v, want %v", s, got, ok)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, []byte("import a\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: err = %v, want context.Canceled", err)
	}

	big := []byte(strings.Repeat(benchSource, 1000)) // ~5 MB: takes far longer than 1ms
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Extract(ctx, big); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("mid-parse deadline: err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelled Extract took %v", d)
	}
	checkPoolHealthy(t)
}

func TestParseTimeout(t *testing.T) {
	big := []byte(strings.Repeat(benchSource, 200))
	parseTimeout = time.Microsecond
	_, err := Extract(context.Background(), big)
	parseTimeout = MaxParseTime
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}
	// The timed-out parser went back to the pool after Reset: it must
	// parse the next input from scratch, not resume the halted parse.
	checkPoolHealthy(t)
}

// checkPoolHealthy extracts a small file with several goroutines and
// checks every result, so a pooled parser left in a bad state shows up.
func checkPoolHealthy(t *testing.T) {
	t.Helper()
	src := []byte("import a.b\nfrom .c import d\n")
	want := mustExtract(t, src)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := Extract(context.Background(), src)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("after cancellation/timeout: got %+v, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestConcurrent races extractions that get cancelled at random points
// against extractions that must succeed, over every golden input. Run it
// with -race.
func TestConcurrent(t *testing.T) {
	srcs := [][]byte{[]byte(benchSource), []byte(strings.Repeat(benchSource, 20))}
	var wants []*parsers.Result
	for _, s := range srcs {
		wants = append(wants, mustExtract(t, s))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				k := (g + i) % len(srcs)
				ctx := context.Background()
				cancellable := g%2 == 1
				if cancellable {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i*50)*time.Microsecond)
					defer cancel()
				}
				got, err := Extract(ctx, srcs[k])
				switch {
				case err != nil && !cancellable:
					t.Errorf("uncancelled Extract failed: %v", err)
					return
				case err != nil && !errors.Is(err, context.DeadlineExceeded):
					t.Errorf("cancelled Extract: err = %v", err)
					return
				case err == nil && !reflect.DeepEqual(got, wants[k]):
					t.Errorf("result differs from the sequential one")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNUL(t *testing.T) {
	src := []byte("s = '\x00\x00'\nimport after.nul\n")
	res := mustExtract(t, src)
	if want := []parsers.Span{{Start: 5, End: 7}}; !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("Errors = %v, want the NUL run %v", res.Errors, want)
	}
	if src[5] != 0 {
		t.Error("Extract modified its input")
	}
}
