package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
)

func TestPlanDiagnostics(t *testing.T) {
	files := map[string]string{}
	for name, f := range billingTree {
		files[name] = f
	}
	files["relayout.toml"] = "# plan\n[[move]]\nfrom = \"src/app/backend/services/billing\"\nto = \"src/app/billing\"\n\n" +
		"[[move]]\nfrom = \"src/app/missing\"\nto = \"src/app/elsewhere\"\nphase = 2\n"
	cfg := editorConfig{}
	e, root := openProject(t, cfg, files)
	cfgURI := fileURI(root, "relayout.toml")
	ds := e.snapshot().diags[cfgURI]
	if len(ds) != 1 {
		t.Fatalf("relayout.toml diagnostics %+v, want one plan problem", ds)
	}
	d := ds[0]
	if d.Code != protocol.String(codePlan) || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("diagnostic %+v", d)
	}
	if src, _ := d.Source.Get(); src != diagSource {
		t.Errorf("source %q", src)
	}
	if d.Range.Start.Line != 5 || d.Range.End != (protocol.Position{Line: 5, Character: uint32(len("[[move]]"))}) {
		t.Errorf("range %+v, want the second entry's [[move]] line (5)", d.Range)
	}
	if msg := string(d.Message.(protocol.String)); !strings.Contains(msg, "src/app/missing") {
		t.Errorf("message %q does not name the missing source", msg)
	}

	// Fixed: the diagnostic is cleared with the folder's refresh.
	testtool.WriteTree(t, root, map[string]string{"relayout.toml": strings.SplitAfter(files["relayout.toml"], "\n\n")[0]})
	ends := e.ends()
	changed(e, root, protocol.FileChangeTypeChanged, "relayout.toml")
	e.awaitEnds(ends + 1)
	if ds, published := e.snapshot().diags[cfgURI]; !published || len(ds) != 0 {
		t.Errorf("plan diagnostic not cleared: %+v", ds)
	}
}

// TestPlanDiagnosticsSkipAppliedPhases: a phase that was applied (its
// sources gone, its targets present) is not a problem.
func TestPlanDiagnosticsSkipAppliedPhases(t *testing.T) {
	files := map[string]string{
		"relayout.toml":      "[[move]]\nfrom = \"a/b/c/d/e/f.py\"\nto = \"a/f.py\"\n",
		"a/f.py":             "",
		"a/b/c/d/e/other.py": "",
	}
	cfg := editorConfig{}
	e, root := openProject(t, cfg, files)
	if ds := e.snapshot().diags[fileURI(root, "relayout.toml")]; len(ds) != 0 {
		t.Errorf("diagnostics for an applied plan: %+v", ds)
	}
}

func TestIndexProgressAndStatus(t *testing.T) {
	cache := t.TempDir()
	cfg := editorConfig{cacheDir: cache}
	e, _ := openProject(t, cfg, billingTree)
	e.await("index built", func(st *editorState) bool { return st.endsOf("relayout: indexing imports") >= 1 })
	st := e.snapshot()
	var end progressEvent
	titles := map[string]string{}
	for _, ev := range st.progress {
		if ev.kind == "begin" {
			titles[ev.token] = ev.title
		}
		if ev.kind == "end" && strings.HasPrefix(titles[ev.token], "relayout: indexing imports in ") {
			end = ev
		}
	}
	if end.message != "7 source files indexed" {
		t.Errorf("index progress end %q, want 7 source files", end.message)
	}

	var res statusResult
	if _, err := e.conn.Call(e.ctx(), methodStatus, struct{}{}, &res); err != nil {
		t.Fatalf("%s: %v", methodStatus, err)
	}
	if len(res.Folders) != 1 {
		t.Fatalf("status %+v", res)
	}
	f := res.Folders[0]
	if !f.Opened || f.Files != 8 || f.TooDeep != 3 || !f.Indexed || f.IndexedFiles != 7 || f.Indexing {
		raw, _ := json.Marshal(f)
		t.Errorf("folder status %s", raw)
	}
	// The parse cache is the one configured.
	n := 0
	_ = filepath.WalkDir(cache, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			n++
		}
		return nil
	})
	if n == 0 {
		t.Errorf("nothing cached in %s", cache)
	}
}

// TestIndexFollowsRefresh: once built, the index follows every re-read
// incrementally (files created are parsed and linked, no new build); the
// index kept belongs to the latest snapshot.
func TestIndexFollowsRefresh(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, billingTree)
	e.await("index built", func(st *editorState) bool { return st.endsOf("relayout: indexing imports") >= 1 })
	for i := range 3 {
		testtool.WriteTree(t, root, map[string]string{"src/app/new" + string(rune('a'+i)) + ".py": "import app.cli\n"})
		ends := e.ends()
		changed(e, root, protocol.FileChangeTypeCreated, "src/app/new"+string(rune('a'+i))+".py")
		e.awaitEnds(ends + 1)
	}
	var res statusResult
	if _, err := e.conn.Call(e.ctx(), methodStatus, struct{}{}, &res); err != nil {
		t.Fatal(err)
	}
	if f := res.Folders[0]; !f.Indexed || f.IndexedFiles != 10 || f.Indexing {
		t.Errorf("status %+v, want the latest snapshot indexed (10 source files)", f)
	}
	st := e.snapshot()
	begins, ends := 0, st.endsOf("relayout: indexing imports")
	for _, ev := range st.progress {
		if ev.kind == "begin" && strings.HasPrefix(ev.title, "relayout: indexing imports") {
			begins++
		}
	}
	if begins != 1 || ends != 1 {
		t.Errorf("%d index builds begun, %d ended; want 1 each (re-reads update the index)", begins, ends)
	}
}
