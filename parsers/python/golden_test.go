package python

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/relayout/relayout/parsers"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden extracts every testdata/*.py and *.pyi and compares a
// readable dump of the result with testdata/<name>.golden. Each ref line
// shows the quoted source text of every span, so a wrong offset shows up
// as wrong text in the diff. Run with -update to rewrite the goldens and
// review the diff like code.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.py*")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			res := mustExtract(t, src)
			checkInvariants(t, src, res)
			got := dump(src, res)
			if !checkGolden(t, strings.TrimSuffix(in, filepath.Ext(in))+".golden", got) {
				return
			}

			// The same file with CRLF line endings, and with a UTF-8 BOM,
			// must give the same refs at the shifted offsets.
			crlf := bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
			checkShifted(t, "CRLF", res, mustExtract(t, crlf), func(off int) int { return off + bytes.Count(src[:off], []byte("\n")) })
			bom := append([]byte("\uFEFF"), src...)
			checkShifted(t, "BOM", res, mustExtract(t, bom), func(off int) int { return off + 3 })
		})
	}
	if n < 8 {
		t.Fatalf("found %d golden inputs in testdata, want at least 8", n)
	}
}

// mustExtract extracts src, failing the test on an error, and checks that
// targeted and full extraction agree on it.
func mustExtract(t testing.TB, src []byte) *parsers.Result {
	t.Helper()
	res, err := Extract(context.Background(), src)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if res.Lang != parsers.Python {
		t.Fatalf("Lang = %q, want %q", res.Lang, parsers.Python)
	}
	checkModesAgree(t, src)
	return res
}

// dump renders res one ref per line (plus one line per imported name):
//
//	L<line> <kind> <module> [level=N] span=S:E "text" parts="a","b" [alias=...] [nested] [type-only] stmt=S:E "text"
func dump(src []byte, res *parsers.Result) string {
	lines := parsers.NewLines(src)
	var b strings.Builder
	for _, r := range res.Refs {
		fmt.Fprintf(&b, "L%d %s %q", lines.Position(r.Span.Start, parsers.UTF8).Line+1, r.Kind, r.Module)
		if r.Level != 0 {
			fmt.Fprintf(&b, " level=%d", r.Level)
		}
		fmt.Fprintf(&b, " span=%s", spanStr(src, r.Span))
		if len(r.Parts) > 0 {
			var ps []string
			for _, p := range r.Parts {
				ps = append(ps, fmt.Sprintf("%q", p.Text(src)))
			}
			fmt.Fprintf(&b, " parts=%s", strings.Join(ps, ","))
		}
		if r.Alias != "" {
			fmt.Fprintf(&b, " alias=%s", spanStr(src, r.AliasSpan))
		}
		if r.Quote != 0 {
			fmt.Fprintf(&b, " quote=%c", r.Quote)
		}
		if r.Package != "" {
			fmt.Fprintf(&b, " package=%s", r.Package)
		}
		if r.Nested {
			b.WriteString(" nested")
		}
		if r.TypeOnly {
			b.WriteString(" type-only")
		}
		fmt.Fprintf(&b, " stmt=%s\n", spanStr(src, r.Stmt))
		for _, n := range r.Names {
			fmt.Fprintf(&b, "    name %s", spanStr(src, n.NameSpan))
			if n.Alias != "" {
				fmt.Fprintf(&b, " as %s", spanStr(src, n.AliasSpan))
			}
			b.WriteByte('\n')
		}
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "L%d error %s\n", lines.Position(e.Start, parsers.UTF8).Line+1, spanStr(src, e))
	}
	if b.Len() == 0 {
		b.WriteString("(no refs, no errors)\n")
	}
	return b.String()
}

func spanStr(src []byte, s parsers.Span) string {
	if s.Start < 0 || s.End > len(src) || s.Start > s.End {
		return fmt.Sprintf("%d:%d<out of range>", s.Start, s.End)
	}
	return fmt.Sprintf("%d:%d%q", s.Start, s.End, s.Text(src))
}

// checkInvariants checks what must hold for every ref, whatever the input.
func checkInvariants(t *testing.T, src []byte, res *parsers.Result) {
	t.Helper()
	in := func(inner, outer parsers.Span) bool { return outer.Start <= inner.Start && inner.End <= outer.End }
	file := parsers.Span{Start: 0, End: len(src)}
	prev := -1
	for i, r := range res.Refs {
		where := fmt.Sprintf("ref %d (%s %s)", i, r.Kind, r.Module)
		if !in(r.Span, file) || !in(r.Stmt, file) || r.Span.Len() == 0 {
			t.Errorf("%s: span %v or stmt %v out of range or empty", where, r.Span, r.Stmt)
			continue
		}
		if !in(r.Span, r.Stmt) {
			t.Errorf("%s: span %v not inside stmt %v", where, r.Span, r.Stmt)
		}
		if r.Span.Start < prev {
			t.Errorf("%s: refs not in source order", where)
		}
		prev = r.Span.Start
		// Parts are in order, inside Span, and spell Module.
		var comps []string
		last := r.Span.Start
		for _, p := range r.Parts {
			if !in(p, r.Span) || p.Start < last || p.Len() == 0 {
				t.Errorf("%s: part %v out of order or outside span %v", where, p, r.Span)
			}
			last = p.End
			comps = append(comps, p.Text(src))
		}
		module := r.Module
		if r.Kind == parsers.PyString {
			module = strings.TrimLeft(module, ".")
		}
		if got := strings.Join(comps, "."); got != module {
			t.Errorf("%s: parts spell %q, want %q", where, got, module)
		}
		switch r.Kind {
		case parsers.PyImport, parsers.PyAttribute:
			if txt := r.Span.Text(src); !strings.HasPrefix(txt, comps[0]) || r.Level != 0 {
				t.Errorf("%s: span text %q, level %d", where, txt, r.Level)
			}
		case parsers.PyFrom:
			if dots := strings.Count(r.Span.Text(src), "."); r.Level > dots {
				t.Errorf("%s: level %d but span %q", where, r.Level, r.Span.Text(src))
			}
			if len(r.Names) == 0 && len(res.Errors) == 0 {
				t.Errorf("%s: from-import without names in a clean file", where)
			}
		case parsers.PyString:
			if r.Span.Text(src) != r.Module || r.Quote == 0 || src[r.Span.Start-1] != r.Quote || src[r.Span.End] != r.Quote {
				t.Errorf("%s: string span %v not between %q quotes", where, r.Span, r.Quote)
			}
		default:
			t.Errorf("%s: unexpected kind", where)
		}
		if r.Alias != "" && r.AliasSpan.Text(src) != r.Alias {
			t.Errorf("%s: alias %q but alias span says %q", where, r.Alias, r.AliasSpan.Text(src))
		}
		for _, n := range r.Names {
			txt := n.NameSpan.Text(src)
			if n.Name != squeeze(txt) || !in(n.NameSpan, r.Stmt) {
				t.Errorf("%s: name %q but name span says %q", where, n.Name, txt)
			}
			if n.Alias != "" && (n.AliasSpan.Text(src) != n.Alias || !in(n.AliasSpan, r.Stmt)) {
				t.Errorf("%s: name alias %q but alias span says %q", where, n.Alias, n.AliasSpan.Text(src))
			}
		}
	}
	for _, e := range res.Errors {
		if !in(e, file) {
			t.Errorf("error span %v out of range", e)
		}
	}
}

// squeeze removes from a dotted name as written what may separate its
// tokens: blanks, backslash continuations and comments.
func squeeze(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\f', '\v', '\r', '\n', '\\':
		case '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// checkShifted checks that got equals want with every offset mapped by
// shift (the result for a transformed copy of the same source).
func checkShifted(t *testing.T, variant string, want, got *parsers.Result, shift func(int) int) {
	t.Helper()
	sp := func(s parsers.Span) parsers.Span {
		if s == (parsers.Span{}) {
			return s
		}
		return parsers.Span{Start: shift(s.Start), End: shift(s.End)}
	}
	var refs []parsers.Ref
	for _, r := range want.Refs {
		r.Span, r.Stmt, r.AliasSpan = sp(r.Span), sp(r.Stmt), sp(r.AliasSpan)
		parts := make([]parsers.Span, len(r.Parts))
		for i, p := range r.Parts {
			parts[i] = sp(p)
		}
		r.Parts = parts
		names := make([]parsers.Name, len(r.Names))
		for i, n := range r.Names {
			n.NameSpan, n.AliasSpan = sp(n.NameSpan), sp(n.AliasSpan)
			names[i] = n
		}
		r.Names = names
		refs = append(refs, normalize(r))
	}
	var gotRefs []parsers.Ref
	for _, r := range got.Refs {
		gotRefs = append(gotRefs, normalize(r))
	}
	if !reflect.DeepEqual(refs, gotRefs) {
		t.Errorf("%s variant: refs differ from the original's at shifted offsets\n got: %+v\nwant: %+v", variant, gotRefs, refs)
	}
	if (len(want.Errors) == 0) != (len(got.Errors) == 0) {
		t.Errorf("%s variant: %d errors, original had %d", variant, len(got.Errors), len(want.Errors))
	}
}

func normalize(r parsers.Ref) parsers.Ref {
	if len(r.Parts) == 0 {
		r.Parts = nil
	}
	if len(r.Names) == 0 {
		r.Names = nil
	}
	return r
}

// lineDiff is a minimal line diff for golden mismatches.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
