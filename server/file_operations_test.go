package server

import (
	"os"
	"path/filepath"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
)

func TestFileOperations(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a/b/c/d/e/deep.py": "", "keep/a/b/c/e.py": ""})
	cfg := editorConfig{noDynamicWatch: true}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	ctx := e.ctx()
	if got, want := e.snapshot().flagged(), uris(root, "a/b/c/d/e/deep.py"); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}

	// Rename the deep file somewhere shallow: its diagnostic is cleared.
	if err := os.Rename(filepath.Join(root, "a/b/c/d/e/deep.py"), filepath.Join(root, "deep.py")); err != nil {
		t.Fatal(err)
	}
	err := e.server.DidRenameFiles(ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(fileURI(root, "a/b/c/d/e/deep.py")), NewURI: string(fileURI(root, "deep.py")),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	e.awaitEnds(2)
	if got := e.snapshot().flagged(); len(got) != 0 {
		t.Fatalf("after rename: flagged %v, want none", got)
	}

	// Create a deep folder with a file.
	testtool.WriteTree(t, root, map[string]string{"n/o/p/q/r/s/t.py": ""})
	if err := e.server.DidCreateFiles(ctx, &protocol.CreateFilesParams{Files: []protocol.FileCreate{{URI: string(fileURI(root, "n/o/p/q/r/s"))}}}); err != nil {
		t.Fatal(err)
	}
	e.awaitEnds(3)
	if got, want := e.snapshot().flagged(), uris(root, "n/o/p/q/r/s/t.py"); !equalStrings(got, want) {
		t.Fatalf("after create: flagged %v, want %v", got, want)
	}

	// Delete the folder: cleared.
	if err := os.RemoveAll(filepath.Join(root, "n")); err != nil {
		t.Fatal(err)
	}
	if err := e.server.DidDeleteFiles(ctx, &protocol.DeleteFilesParams{Files: []protocol.FileDelete{{URI: string(fileURI(root, "n"))}}}); err != nil {
		t.Fatal(err)
	}
	e.awaitEnds(4)
	st := e.snapshot()
	if got := st.flagged(); len(got) != 0 {
		t.Fatalf("after delete: flagged %v, want none", got)
	}
	if ds, ok := st.diags[fileURI(root, "n/o/p/q/r/s/t.py")]; !ok || len(ds) != 0 {
		t.Errorf("deleted file not cleared with an empty publish")
	}
}
