package typescript

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/parsers"
)

// TestDefsGolden runs Defs on every testdata input and compares a
// readable dump with testdata/<input>.defs (go test -update rewrites
// them). Every span is shown as the text it covers. Each input is also
// cut short at every line (checkTruncated).
func TestDefsGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		lang, ok := parsers.LangOf(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			path := filepath.Join("testdata", e.Name())
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Defs(context.Background(), lang, src)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, path+".defs", dumpDefs(src, m))
			checkTruncated(t, lang, src)
		})
	}
}

// checkGolden compares got with the golden file, or rewrites it with
// -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n--- want\n%s--- got\n%s", golden, want, got)
	}
}

var stmtKindNames = map[StmtKind]string{StmtOther: "other", StmtComment: "comment", StmtHashBang: "hashbang",
	StmtDirective: "directive", StmtImport: "import", StmtExport: "export"}

var declKindNames = map[DeclKind]string{DeclFunction: "function", DeclClass: "class", DeclType: "type",
	DeclEnum: "enum", DeclVariable: "variable", DeclNamespace: "namespace", DeclCommonJS: "commonjs",
	DeclImportAlias: "import-alias", DeclDefault: "default", DeclExportSpec: "export-spec"}

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
	for _, st := range m.Stmts {
		fmt.Fprintf(&b, "%s %s\n", stmtKindNames[st.Kind], span(st.Span))
		if st.Kind == StmtDirective {
			fmt.Fprintf(&b, "  directive %s\n", span(st.Directive))
		}
		if c := st.Clause; c != nil {
			fmt.Fprintf(&b, "  clause defaults %q namespaces %q named %q attrs %q side %v\n", c.Defaults, c.Namespaces, c.Named, c.Attrs, c.Side)
		}
		if st.ExportAssign || st.ExportsAny || st.DefaultLocal != "" {
			fmt.Fprintf(&b, "  export-assign %v exports-any %v default-local %q\n", st.ExportAssign, st.ExportsAny, st.DefaultLocal)
		}
		for _, d := range st.Decls {
			fmt.Fprintf(&b, "  decl %s %q at %s", declKindNames[d.Kind], d.Name, at(d.At))
			if d.Keyword != "" {
				fmt.Fprintf(&b, " keyword %s", d.Keyword)
			}
			if d.Exported {
				b.WriteString(" exported")
			}
			if d.Local != "" {
				fmt.Fprintf(&b, " local %q spec %s", d.Local, span(d.Spec))
			}
			if d.Node.Len() > 0 {
				fmt.Fprintf(&b, " node %s", span(d.Node))
			}
			if d.Value.Len() > 0 {
				fmt.Fprintf(&b, " value %s", span(d.Value))
			}
			b.WriteString("\n")
		}
	}
	for _, f := range m.Functions {
		fmt.Fprintf(&b, "function %s\n", span(f))
	}
	for _, id := range m.Idents {
		fmt.Fprintf(&b, "ident %s %s", at(id.Offset), id.Name)
		if id.LoadTime {
			b.WriteString(" load")
		}
		if id.Export >= 0 {
			fmt.Fprintf(&b, " in-export@%s", at(id.Export))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestDefsBrokenAndCancelled: a syntax error is data, a done context or
// an unknown language an error.
func TestDefsBrokenAndCancelled(t *testing.T) {
	m, err := Defs(context.Background(), parsers.TypeScript, []byte("const = ;\nexport const x = 1;\n"))
	if err != nil || !m.Broken {
		t.Fatalf("Defs(broken) = %+v, %v; want Broken and no error", m, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Defs(ctx, parsers.TSX, []byte("x;\n")); err == nil {
		t.Fatal("Defs with a done context: no error")
	}
	if _, err := Defs(context.Background(), parsers.Python, []byte("x\n")); err == nil {
		t.Fatal("Defs(Python): no error")
	}
}

// checkTruncated runs Defs on prefixes of src cut at each line (and
// every 7th byte): broken source gives data, never a panic, and every span
// lies inside the source, statements in order.
func checkTruncated(t *testing.T, lang parsers.Lang, src []byte) {
	t.Helper()
	for cut := 0; cut <= len(src); cut++ {
		if cut < len(src) && src[cut] != '\n' && cut%7 != 0 {
			continue
		}
		part := src[:cut]
		m, err := Defs(context.Background(), lang, part)
		if err != nil {
			t.Fatalf("[:%d]: %v", cut, err)
		}
		in := func(s parsers.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(part) }
		prev := 0
		for _, st := range m.Stmts {
			if !in(st.Span) || st.Span.Start < prev {
				t.Fatalf("[:%d]: statement span %+v out of place", cut, st.Span)
			}
			prev = st.Span.End
			for _, d := range st.Decls {
				if d.At < 0 || d.At > len(part) || !in(d.Node) || !in(d.Value) || !in(d.Spec) {
					t.Fatalf("[:%d]: declaration %+v out of range", cut, d)
				}
			}
		}
		for _, id := range m.Idents {
			if id.Offset < 0 || id.Offset+len(id.Name) > len(part) || string(part[id.Offset:id.Offset+len(id.Name)]) != id.Name {
				t.Fatalf("[:%d]: ident %+v is not at its offset", cut, id)
			}
		}
	}
}
