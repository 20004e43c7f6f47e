package server

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
)

// depthTree has files at every interesting depth below a limit of 4.
var depthTree = map[string]string{
	"shallow.py":                      "",
	"a/b/c/d/ok.py":                   "", // level 4: allowed
	"a/b/c/d/e/deep.py":               "", // level 5
	"x/y/z/w/v/u/notes.txt":           "", // level 6: every file counts, not only code
	"src/pkg/a/b/c/deep.ts":           "", // level 5
	"node_modules/a/b/c/d/e/f.js":     "", // excluded by default
	".gitignore":                      "ignored/\n",
	"ignored/a/b/c/d/e/f.py":          "", // gitignored
	"a/b/c/d/e/unicode-ü 😀/spaced.py": "", // needs URI escaping
}

var depthDeep = []string{"a/b/c/d/e/deep.py", "x/y/z/w/v/u/notes.txt", "src/pkg/a/b/c/deep.ts", "a/b/c/d/e/unicode-ü 😀/spaced.py"}

func TestDiagnosticsForEveryDeepFile(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, depthTree)
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)

	st := e.snapshot()
	if got, want := st.flagged(), uris(root, depthDeep...); !equalStrings(got, want) {
		t.Fatalf("flagged files:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	levels := map[string]int{"a/b/c/d/e/deep.py": 5, "x/y/z/w/v/u/notes.txt": 6, "src/pkg/a/b/c/deep.ts": 5, "a/b/c/d/e/unicode-ü 😀/spaced.py": 6}
	for rel, level := range levels {
		ds := st.diags[fileURI(root, rel)]
		if len(ds) != 1 {
			t.Fatalf("%s: %d diagnostics, want 1", rel, len(ds))
		}
		checkDepthDiagnostic(t, rel, ds[0], level, 4, protocol.DiagnosticSeverityWarning)
	}
	if len(st.publishes) != len(depthDeep) {
		t.Errorf("%d publishes, want one per deep file (%d)", len(st.publishes), len(depthDeep))
	}
}

// checkDepthDiagnostic asserts every field of a too-deep diagnostic.
func checkDepthDiagnostic(t *testing.T, rel string, d protocol.Diagnostic, level, limit int, sev protocol.DiagnosticSeverity) {
	t.Helper()
	if d.Code != protocol.String("too-deep") {
		t.Errorf("%s: code = %v, want too-deep", rel, d.Code)
	}
	if src, _ := d.Source.Get(); src != "relayout" {
		t.Errorf("%s: source = %q, want relayout", rel, src)
	}
	want := protocol.String(fmtLevel(level, limit))
	if d.Message != want {
		t.Errorf("%s: message = %v, want %q", rel, d.Message, want)
	}
	if d.Severity != sev {
		t.Errorf("%s: severity = %d, want %d", rel, d.Severity, sev)
	}
	if d.Range != (protocol.Range{}) {
		t.Errorf("%s: range = %+v, want 0:0-0:0", rel, d.Range)
	}
}

func fmtLevel(level, limit int) string {
	return fmt.Sprintf("file is at level %d, deeper than the limit of %d", level, limit)
}

func TestDiagnosticsFollowConfig(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, depthTree)
	testtool.WriteTree(t, root, map[string]string{"relayout.toml": "[depth]\nmax = 5\nseverity = \"error\"\n"})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)

	st := e.snapshot()
	deep := []string{"x/y/z/w/v/u/notes.txt", "a/b/c/d/e/unicode-ü 😀/spaced.py"}
	if got, want := st.flagged(), uris(root, deep...); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
	checkDepthDiagnostic(t, deep[0], st.diags[fileURI(root, deep[0])][0], 6, 5, protocol.DiagnosticSeverityError)
}

func TestMalformedConfig(t *testing.T) {
	for _, tc := range []struct {
		name, toml string
		line       uint32 // zero-based
		msg        string
	}{
		{"bad value", "[depth]\nmax = 2\nseverity = \"loud\"\n", 2, "severity"},
		{"syntax error", "# settings\n[depth]\nmax = = 2\n", 2, "expected value"},
		{"unknown key", "[depth]\nmax = 2\n\nmaximum = 3\n", 3, "unknown key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			testtool.WriteTree(t, root, depthTree)
			testtool.WriteTree(t, root, map[string]string{"relayout.toml": tc.toml})
			cfg := editorConfig{}
			e := newEditor(t, cfg)
			e.initialize(cfg, root)
			e.awaitEnds(1)

			st := e.snapshot()
			cfgURI := fileURI(root, "relayout.toml")
			// No valid configuration yet: only the config diagnostic.
			if got, want := st.flagged(), []string{string(cfgURI)}; !equalStrings(got, want) {
				t.Fatalf("flagged %v, want only %v", got, want)
			}
			d := st.diags[cfgURI][0]
			if d.Range.Start.Line != tc.line || d.Range.End.Line != tc.line || d.Range.Start.Character != 0 {
				t.Errorf("range = %+v, want line %d", d.Range, tc.line)
			}
			lines := strings.Split(tc.toml, "\n")
			if int(d.Range.End.Character) != len(lines[tc.line]) {
				t.Errorf("range ends at %d, want the line end %d", d.Range.End.Character, len(lines[tc.line]))
			}
			if msg, _ := d.Message.(protocol.String); !strings.Contains(string(msg), tc.msg) {
				t.Errorf("message %q does not mention %q", msg, tc.msg)
			}
			if d.Severity != protocol.DiagnosticSeverityError {
				t.Errorf("severity = %d, want error", d.Severity)
			}
			if src, _ := d.Source.Get(); src != "relayout" {
				t.Errorf("source = %q", src)
			}
			if len(st.messages) != 1 || st.messages[0].Type != protocol.MessageTypeError ||
				!strings.Contains(st.messages[0].Message, "relayout.toml:") {
				t.Errorf("showMessage = %+v, want one error naming relayout.toml", st.messages)
			}
		})
	}
}

func TestConfigBrokenThenFixed(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, depthTree)
	testtool.WriteTree(t, root, map[string]string{"relayout.toml": "[depth]\nmax = 5\n"})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	cfgURI := fileURI(root, "relayout.toml")
	deep5 := uris(root, "x/y/z/w/v/u/notes.txt", "a/b/c/d/e/unicode-ü 😀/spaced.py")
	if got := e.snapshot().flagged(); !equalStrings(got, deep5) {
		t.Fatalf("flagged %v, want %v", got, deep5)
	}

	// Break it: the config diagnostic appears, depth diagnostics keep using
	// the last valid configuration (max 5), and a new deep file is still seen.
	testtool.WriteTree(t, root, map[string]string{
		"relayout.toml":      "[depth]\nmax = 5\nseverity = [\n",
		"q/w/e/r/t/y/new.py": "",
	})
	ends := e.ends()
	err := e.server.DidChangeWatchedFiles(e.ctx(), &protocol.DidChangeWatchedFilesParams{Changes: []protocol.FileEvent{
		{URI: cfgURI, Type: protocol.FileChangeTypeChanged},
		{URI: fileURI(root, "q/w/e/r/t/y/new.py"), Type: protocol.FileChangeTypeCreated},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.awaitEnds(ends + 1)
	st := e.snapshot()
	want := append(uris(root, "relayout.toml", "q/w/e/r/t/y/new.py"), deep5...)
	sort.Strings(want)
	if got := st.flagged(); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
	if len(st.messages) != 1 {
		t.Errorf("showMessage sent %d times, want once", len(st.messages))
	}

	// Fix it with another limit: the config diagnostic is cleared by an empty
	// publish and depth diagnostics follow the new limit.
	testtool.WriteTree(t, root, map[string]string{"relayout.toml": "[depth]\nmax = 4\n"})
	ends = e.ends()
	changed(e, root, protocol.FileChangeTypeChanged, "relayout.toml")
	e.awaitEnds(ends + 1)
	if ds, published := e.snapshot().diags[cfgURI]; !published || len(ds) != 0 {
		t.Errorf("config diagnostic not cleared: %+v", ds)
	}
	want = append(uris(root, depthDeep...), string(fileURI(root, "q/w/e/r/t/y/new.py")))
	sort.Strings(want)
	if got := e.snapshot().flagged(); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
}

// changed sends didChangeWatchedFiles for rels below root.
func changed(e *editor, root string, typ protocol.FileChangeType, rels ...string) {
	e.t.Helper()
	p := &protocol.DidChangeWatchedFilesParams{}
	for _, r := range rels {
		p.Changes = append(p.Changes, protocol.FileEvent{URI: fileURI(root, r), Type: typ})
	}
	if err := e.server.DidChangeWatchedFiles(e.ctx(), p); err != nil {
		e.t.Fatal(err)
	}
}

func TestConfigDiagnosticRangeUsesEncoding(t *testing.T) {
	src := []byte("# 😀 settings\n[depth]\nseverity = \"😀\"\n")
	cerr := &config.Error{Path: "relayout.toml", Line: 3, Msg: "bad"}
	for enc, want := range map[string]uint32{"utf-16": 15, "utf-8": 17} {
		d := configDiagnostic(cerr, src, kindToEncoding(protocol.PositionEncodingKind(enc)))
		if d.Range.Start != (protocol.Position{Line: 2}) || d.Range.End != (protocol.Position{Line: 2, Character: want}) {
			t.Errorf("%s: range %+v, want 2:0-2:%d", enc, d.Range, want)
		}
	}
}

func TestNoDiagnosticsForUnreadableFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "missing")
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	st := e.snapshot()
	if len(st.flagged()) != 0 {
		t.Errorf("flagged %v for a missing folder", st.flagged())
	}
	if len(st.messages) != 1 || !strings.Contains(st.messages[0].Message, "missing") {
		t.Errorf("showMessage = %+v, want one naming the folder", st.messages)
	}
	if _, err := os.Stat(root); err == nil {
		t.Fatal("folder exists")
	}
}
