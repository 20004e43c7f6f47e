package refactor

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestCandidates checks the move prefilter: moved files, files mentioning
// a moved stem or directory name, and files using an alias that points
// inside a moved directory are candidates; an alias of an ancestor
// directory alone does not make every file a candidate.
func TestCandidates(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"tsconfig.json":                       []byte(`{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"], "@recon/*": ["src/legacy/reconciliation/*"]}}}`),
		"src/legacy/reconciliation/ledger.ts": []byte("export const l = 1;\n"),
		"src/a.ts":                            []byte("import { l } from '@recon/ledger';\n"),
		"src/b.ts":                            []byte("import { x } from '@/other/x';\n"),
		"src/c.ts":                            []byte("import { l } from './legacy/reconciliation/ledger';\n"),
		"src/other/x.ts":                      []byte("export const x = 1;\n"),
	})
	moves := []move.Move{{From: "src/legacy/reconciliation", To: "src/recon"}}
	targets, err := move.Targets(fs, moves)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Candidates(fs, moves, targets)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"src/a.ts", "src/c.ts", "src/legacy/reconciliation/ledger.ts"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("candidates = %v, want %v", got, want)
	}
}

// TestMoveOnFollowsEdits: a move computed on an index built earlier, after
// an importer changed on disk, another was added and others are overlaid
// by unsaved text,
// equals the move computed on a fresh walk — the edits address the new
// bytes, not the ones indexed.
func TestMoveOnFollowsEdits(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"src/app/__init__.py":      "",
		"src/app/util/__init__.py": "",
		"src/app/util/strings.py":  "def slug(s):\n    return s\n",
		"src/app/a.py":             "from app.util.strings import slug\n",
		"src/app/b.py":             "import app.util.strings\n",
		"web/lib/x.ts":             "export const x = 1;\n",
		"web/a.ts":                 "import { x } from './lib/x';\n",
	}
	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for rel, c := range files {
		write(rel, c)
	}
	ctx := context.Background()
	w, err := Open(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// After indexing: a.py changes on disk (the import moves down a
	// line), b.py and web/a.ts get unsaved text.
	write("src/app/a.py", "import os\nfrom app.util.strings import slug as s\n")
	opts := MoveOptions{Overlay: map[string][]byte{
		"src/app/b.py": []byte("\n\nimport app.util.strings as st\n"),
		"web/a.ts":     []byte("// x\nimport { x } from \"./lib/x\";\n"),
	}}
	moves := []move.Move{{From: "src/app/util/strings.py", To: "src/app/text.py"}, {From: "web/lib/x.ts", To: "web/x.ts"}}
	// A file added after indexing imports the moved module too.
	write("src/app/c.py", "from app.util import strings\n")
	fresh, err := Open(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := fresh.MoveOn(ctx, ix, moves, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := res.Changes
	want, err := fresh.Move(ctx, moves, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MoveOn:\n%+v\nwant (fresh walk):\n%+v", got, want)
	}
	if len(got.Edits["src/app/a.py"]) == 0 || len(got.Edits["src/app/b.py"]) == 0 || len(got.Edits["src/app/c.py"]) == 0 || len(got.Edits["web/a.ts"]) == 0 {
		t.Errorf("edits %+v, want a.py, b.py, c.py and web/a.ts edited", got.Edits)
	}
}
