package python

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/parsers"
)

// TestDefsGolden runs Defs on every testdata/*.py and *.pyi and compares
// a readable dump with testdata/<name>.defs (go test -update rewrites
// them). Every span is shown as the text it covers. Each input is also
// cut short at every line (checkTruncated).
func TestDefsGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.py*")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden") {
			continue
		}
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Defs(context.Background(), src)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(in, filepath.Ext(in))+".defs", dumpDefs(src, m))
			checkTruncated(t, src)
		})
	}
}

// checkGolden compares got with the golden file, or rewrites it with
// -update (and then reports false: there is nothing more to check).
func checkGolden(t *testing.T, golden, got string) bool {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return false
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", golden, lineDiff(string(want), got))
	}
	return true
}

var stmtKindNames = map[StmtKind]string{StmtOther: "other", StmtComment: "comment", StmtDocstring: "docstring",
	StmtImport: "import", StmtFrom: "from", StmtFuture: "future", StmtTypeChecking: "type-checking",
	StmtTryImports: "try-imports", StmtAll: "all", StmtAllOther: "all-other", StmtPass: "pass"}

var bindKindNames = map[BindKind]string{BindFunction: "function", BindClass: "class", BindVariable: "variable",
	BindType: "type", BindImport: "import"}

var whereNames = map[Where]string{AtTop: "top", AtTypeChecking: "type-checking", AtCompound: "compound"}

// dumpDefs renders a Module one fact a line, spans as line:col and text.
func dumpDefs(src []byte, m *Module) string {
	lines := parsers.NewLines(src)
	at := func(off int) string {
		p := lines.Position(off, parsers.UTF8)
		return fmt.Sprintf("%d:%d", p.Line+1, p.Col+1)
	}
	span := func(s parsers.Span) string {
		text := s.Text(src)
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[:i] + "…"
		}
		return fmt.Sprintf("%s %q", at(s.Start), text)
	}
	var b strings.Builder
	if m.Broken {
		b.WriteString("broken\n")
	}
	var stmts func(list []Stmt, indent string)
	stmts = func(list []Stmt, indent string) {
		for _, st := range list {
			fmt.Fprintf(&b, "%s%s %s\n", indent, stmtKindNames[st.Kind], span(st.Span))
			switch st.Kind {
			case StmtDocstring:
				fmt.Fprintf(&b, "%s  doc %s\n", indent, span(st.Doc))
			case StmtAll:
				fmt.Fprintf(&b, "%s  names %q quote %q\n", indent, st.All, string(st.AllQuote))
			case StmtTypeChecking:
				fmt.Fprintf(&b, "%s  cond %s\n%s  block %s\n", indent, span(st.Cond), indent, span(st.Block))
				stmts(st.Body, indent+"    ")
			}
			for _, bd := range st.Binds {
				fmt.Fprintf(&b, "%s  bind %s %q %s %s\n", indent, bindKindNames[bd.Kind], bd.Name, whereNames[bd.Where], span(bd.Stmt))
			}
		}
	}
	stmts(m.Stmts, "")
	for _, id := range m.Idents {
		var flags []string
		if id.LoadTime {
			flags = append(flags, "load")
		}
		if id.Annotation {
			flags = append(flags, "annotation")
		}
		fmt.Fprintf(&b, "ident %s %s %s\n", at(id.Offset), id.Name, strings.Join(flags, ","))
	}
	return b.String()
}

// TestDefsBrokenAndCancelled: a syntax error is data, a done context an
// error.
func TestDefsBrokenAndCancelled(t *testing.T) {
	m, err := Defs(context.Background(), []byte("def f(:\n    pass\nx = 1\n"))
	if err != nil || !m.Broken {
		t.Fatalf("Defs(broken) = %+v, %v; want Broken and no error", m, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Defs(ctx, []byte("x = 1\n")); err == nil {
		t.Fatal("Defs with a done context: no error")
	}
}

// checkTruncated runs Defs on prefixes of src cut at each line (and
// every 7th byte): broken source gives data, never a panic, and every span
// lies inside the source, statements in order.
func checkTruncated(t *testing.T, src []byte) {
	t.Helper()
	for cut := 0; cut <= len(src); cut++ {
		if cut < len(src) && src[cut] != '\n' && cut%7 != 0 {
			continue
		}
		part := src[:cut]
		m, err := Defs(context.Background(), part)
		if err != nil {
			t.Fatalf("[:%d]: %v", cut, err)
		}
		ok := func(s parsers.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(part) }
		var check func(list []Stmt)
		check = func(list []Stmt) {
			prev := 0
			for _, st := range list {
				if !ok(st.Span) || st.Span.Start < prev || !ok(st.Doc) || !ok(st.Cond) || !ok(st.Block) {
					t.Fatalf("[:%d]: statement %+v out of place", cut, st)
				}
				prev = st.Span.End
				for _, b := range st.Binds {
					if !ok(b.Stmt) {
						t.Fatalf("[:%d]: binding %+v out of range", cut, b)
					}
				}
				check(st.Body)
			}
		}
		check(m.Stmts)
		for _, id := range m.Idents {
			if id.Offset < 0 || id.Offset+len(id.Name) > len(part) || string(part[id.Offset:id.Offset+len(id.Name)]) != id.Name {
				t.Fatalf("[:%d]: ident %+v is not at its offset", cut, id)
			}
		}
	}
}
