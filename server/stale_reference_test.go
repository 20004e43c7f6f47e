package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// stringsTree is a src-layout project whose module app.jobs.worker is
// named by a Procfile line, an entry point and a mock.patch target.
func stringsTree(updateStrings string) map[string]string {
	files := map[string]string{
		"Procfile":                 "worker: python -m app.jobs.worker\n",
		"pyproject.toml":           "[project.scripts]\nwork = \"app.jobs.worker:main\"\n\n[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
		"src/app/__init__.py":      "",
		"src/app/jobs/__init__.py": "",
		"src/app/jobs/worker.py":   "def main():\n    pass\n",
		"src/app/test_worker.py":   "from unittest import mock\n\n\n@mock.patch(\"app.jobs.worker.main\")\ndef test(m):\n    pass\n",
	}
	if updateStrings != "" {
		files["relayout.toml"] = "[moves]\nupdate_strings = " + updateStrings + "\n"
	}
	return files
}

// TestWillRenameFollowsUpdateStrings: willRenameFiles rewrites possible
// references (a Procfile line) by default and leaves them when
// relayout.toml says update_strings = false (entry points are always
// updated).
func TestWillRenameFollowsUpdateStrings(t *testing.T) {
	for _, tc := range []struct {
		setting string
		want    bool
	}{{"", true}, {"true", true}, {"false", false}} {
		e, root := openProject(t, editorConfig{}, stringsTree(tc.setting))
		e.apply(willRename(e, root, "src/app/jobs/worker.py", "src/app/worker.py"))
		renameOnDisk(t, root, "src/app/jobs/worker.py", "src/app/worker.py")
		proc, _ := os.ReadFile(filepath.Join(root, "Procfile"))
		if got := strings.Contains(string(proc), "app.worker"); got != tc.want {
			t.Errorf("update_strings = %q: Procfile rewritten = %v, want %v:\n%s", tc.setting, got, tc.want, proc)
		}
		if py, _ := os.ReadFile(filepath.Join(root, "pyproject.toml")); !strings.Contains(string(py), `"app.worker:main"`) {
			t.Errorf("update_strings = %q: entry point not updated:\n%s", tc.setting, py)
		}
	}
}

// TestStaleReferenceDiagnostics: with update_strings = false, a move
// leaves the Procfile line naming the old module (the mock.patch target,
// a parsed reference, follows the module like an import); it becomes a
// stale-reference warning on the name's range, whose quick fix rewrites
// it.
func TestStaleReferenceDiagnostics(t *testing.T) {
	e, root := openProject(t, editorConfig{}, stringsTree("false"))
	e.apply(willRename(e, root, "src/app/jobs/worker.py", "src/app/worker.py"))
	renameOnDisk(t, root, "src/app/jobs/worker.py", "src/app/worker.py")
	if err := e.server.DidRenameFiles(e.ctx(), &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(fileURI(root, "src/app/jobs/worker.py")), NewURI: string(fileURI(root, "src/app/worker.py")),
	}}}); err != nil {
		t.Fatal(err)
	}
	proc := fileURI(root, "Procfile")
	test := fileURI(root, "src/app/test_worker.py")
	e.await("stale-reference diagnostic", func(st *editorState) bool { return len(st.diags[proc]) == 1 })
	d := e.snapshot().diags[proc][0]
	if d.Code != protocol.String(codeStaleReference) || d.Severity != protocol.DiagnosticSeverityWarning ||
		d.Range != (protocol.Range{Start: protocol.Position{Character: 18}, End: protocol.Position{Character: 33}}) {
		t.Errorf("Procfile diagnostic: %+v", d)
	}
	if ds := e.snapshot().diags[test]; len(ds) != 0 {
		t.Errorf("diagnostics on the rewritten mock.patch target: %+v", ds)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "src/app/test_worker.py")); !strings.Contains(string(c), `"app.worker.main"`) {
		t.Errorf("mock.patch target not rewritten:\n%s", c)
	}

	var fix *protocol.CodeAction
	for _, a := range codeActions(t, listActions(e, proc, protocol.CodeActionKindQuickFix)) {
		if strings.HasPrefix(a.Title, "Replace app.jobs.worker with app.worker") {
			fix = a
		}
	}
	if fix == nil || fix.Edit == nil {
		t.Fatalf("no quick fix with an edit for the stale reference")
	}
	e.apply(fix.Edit)
	if c, _ := os.ReadFile(filepath.Join(root, "Procfile")); string(c) != "worker: python -m app.worker\n" {
		t.Errorf("Procfile after the quick fix:\n%s", c)
	}
}
