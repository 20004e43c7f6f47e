package server

//lint:file-ignore SA1019 clients that predate workspace folders send only rootUri or rootPath, which the server must still honour

import (
	"path/filepath"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/internal/testtool"
)

func TestMultiRootFolders(t *testing.T) {
	base := t.TempDir()
	a, b, c := filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c")
	testtool.WriteTree(t, a, map[string]string{"1/2/3/4/5/a.py": ""})
	testtool.WriteTree(t, b, map[string]string{"1/2/3/4/5/b.py": "", "relayout.toml": "[depth]\nmax = 5\n"})
	testtool.WriteTree(t, c, map[string]string{"1/2/3/4/5/c.py": ""})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, a, b)
	e.awaitEnds(2)
	// b's own configuration applies to b only.
	if got, want := e.snapshot().flagged(), uris(a, "1/2/3/4/5/a.py"); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}

	err := e.server.DidChangeWorkspaceFolders(e.ctx(), &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
		Added:   []protocol.WorkspaceFolder{{URI: uri.File(c), Name: "c"}},
		Removed: []protocol.WorkspaceFolder{{URI: uri.File(a), Name: "a"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.await("a cleared and c flagged", func(st *editorState) bool {
		ds, ok := st.diags[fileURI(a, "1/2/3/4/5/a.py")]
		return ok && len(ds) == 0 && len(st.diags[fileURI(c, "1/2/3/4/5/c.py")]) == 1
	})
	if got, want := e.snapshot().flagged(), uris(c, "1/2/3/4/5/c.py"); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
}

func TestNestedFoldersCombineDiagnostics(t *testing.T) {
	outer := t.TempDir()
	inner := filepath.Join(outer, "sub")
	testtool.WriteTree(t, outer, map[string]string{"sub/1/2/3/4/5/x.py": ""}) // level 6 in outer, 5 in inner
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, outer, inner)
	e.awaitEnds(2)
	x := fileURI(outer, "sub/1/2/3/4/5/x.py")
	ds := e.snapshot().diags[x]
	if len(ds) != 2 {
		t.Fatalf("x.py has %d diagnostics, want one per folder", len(ds))
	}

	err := e.server.DidChangeWorkspaceFolders(e.ctx(), &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
		Removed: []protocol.WorkspaceFolder{{URI: uri.File(outer)}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.await("outer's diagnostic removed", func(st *editorState) bool { return len(st.diags[x]) == 1 })
	checkDepthDiagnostic(t, "x.py", e.snapshot().diags[x][0], 5, 4, protocol.DiagnosticSeverityWarning)
}

func TestRootURIFallback(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"1/2/3/4/5/x.py": ""})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	u := uri.File(root)
	e.initializeWith(&protocol.InitializeParams{RootURI: &u, Capabilities: cfg.capabilities()})
	e.awaitEnds(1)
	if got, want := e.snapshot().flagged(), uris(root, "1/2/3/4/5/x.py"); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
}

func TestFolderRemovedAndAddedAgain(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"1/2/3/4/5/x.py": ""})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	wf := protocol.WorkspaceFolder{URI: uri.File(root), Name: "r"}
	err := e.server.DidChangeWorkspaceFolders(e.ctx(), &protocol.DidChangeWorkspaceFoldersParams{Event: protocol.WorkspaceFoldersChangeEvent{
		Removed: []protocol.WorkspaceFolder{wf}, Added: []protocol.WorkspaceFolder{wf},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The old folder's cleanup must not clear what the new one published.
	x := fileURI(root, "1/2/3/4/5/x.py")
	e.await("one diagnostic after the re-add", func(st *editorState) bool { return st.ends() >= 2 && len(st.diags[x]) == 1 })
}
