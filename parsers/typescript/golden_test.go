package typescript

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relayout/relayout/parsers"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden extracts every testdata input (the language follows the file
// extension) and compares a readable rendering of the Result with
// testdata/<input>.golden. Run with -update to rewrite the goldens, then
// review the diff like code.
func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		lang, ok := parsers.LangOf(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			path := filepath.Join("testdata", e.Name())
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Extract(context.Background(), lang, src)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, src, res)
			got := render(src, res)
			checkGolden(t, path+".golden", got)
		})
	}
	if n == 0 {
		t.Fatal("no inputs in testdata")
	}
}

// render prints one line per ref and per syntax error:
//
//	L<line> <kind> <quote><module><quote> <span> stmt=<span> {names} [type-only]
//	error <span> "<text>"
func render(src []byte, res *parsers.Result) string {
	lines := parsers.NewLines(src)
	var b strings.Builder
	fmt.Fprintf(&b, "lang %s\n", res.Lang)
	for _, r := range res.Refs {
		fmt.Fprintf(&b, "L%d %s %c%s%c %d-%d stmt=%d-%d",
			lines.Position(r.Span.Start, parsers.UTF8).Line+1, r.Kind,
			r.Quote, r.Module, r.Quote, r.Span.Start, r.Span.End, r.Stmt.Start, r.Stmt.End)
		if len(r.Names) > 0 {
			names := make([]string, len(r.Names))
			for i, n := range r.Names {
				names[i] = n.Name
				if n.Alias != "" {
					names[i] += " as " + n.Alias
				}
			}
			fmt.Fprintf(&b, " {%s}", strings.Join(names, ", "))
		}
		if r.TypeOnly {
			b.WriteString(" type-only")
		}
		b.WriteByte('\n')
	}
	for _, e := range res.Errors {
		text := e.Text(src)
		if len(text) > 40 {
			cut := 40
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
			text = text[:cut] + "..."
		}
		fmt.Fprintf(&b, "error L%d %d-%d %q\n", lines.Position(e.Start, parsers.UTF8).Line+1, e.Start, e.End, text)
	}
	return b.String()
}

// checkResult verifies the invariants every Result must keep, whatever
// the golden says.
func checkResult(t *testing.T, src []byte, res *parsers.Result) {
	t.Helper()
	inSrc := func(s parsers.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(src) }
	for i, r := range res.Refs {
		if !inSrc(r.Span) || !inSrc(r.Stmt) {
			t.Errorf("ref %d %s %q: span %v or stmt %v outside the source (%d bytes)", i, r.Kind, r.Module, r.Span, r.Stmt, len(src))
			continue
		}
		if got := r.Span.Text(src); got != r.Module {
			t.Errorf("ref %d %s: Span %v covers %q, Module is %q", i, r.Kind, r.Span, got, r.Module)
		}
		if r.Span.Start == 0 || r.Span.End == len(src) || src[r.Span.Start-1] != r.Quote || src[r.Span.End] != r.Quote {
			t.Errorf("ref %d %s %q: Span %v is not enclosed in its quote %q", i, r.Kind, r.Module, r.Span, r.Quote)
		}
		if r.Stmt.Start > r.Span.Start || r.Stmt.End < r.Span.End {
			t.Errorf("ref %d %s %q: Stmt %v does not contain Span %v", i, r.Kind, r.Module, r.Stmt, r.Span)
		}
		if i > 0 && res.Refs[i-1].Span.Start >= r.Span.Start {
			t.Errorf("ref %d %s %q: refs not ordered by Span.Start", i, r.Kind, r.Module)
		}
		if r.Level != 0 || r.Parts != nil || r.Alias != "" || r.Nested {
			t.Errorf("ref %d %s %q: Python-only fields set: %+v", i, r.Kind, r.Module, r)
		}
		for _, n := range r.Names {
			if n.NameSpan != (parsers.Span{}) && (!inSrc(n.NameSpan) || n.NameSpan.Text(src) != n.Name) {
				t.Errorf("ref %d %q: NameSpan %v does not cover Name %q", i, r.Module, n.NameSpan, n.Name)
			}
			if n.NameSpan == (parsers.Span{}) && n.Name != "default" && !(n.Name == "*" && r.Kind == parsers.TSImportEquals) {
				t.Errorf("ref %d %q: Name %q has no NameSpan", i, r.Module, n.Name)
			}
			if n.Alias != "" && (!inSrc(n.AliasSpan) || n.AliasSpan.Text(src) != n.Alias) {
				t.Errorf("ref %d %q: AliasSpan %v does not cover Alias %q", i, r.Module, n.AliasSpan, n.Alias)
			}
		}
	}
	for _, e := range res.Errors {
		if !inSrc(e) {
			t.Errorf("error span %v outside the source", e)
		}
	}
}
