package index

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestUpdateEqualsBuild applies a sequence of changes to a snapshot and
// checks each result against a fresh build of the same tree, and that
// earlier snapshots stay as they were.
func TestUpdateEqualsBuild(t *testing.T) {
	files := map[string][]byte{}
	for _, p := range sample().Files() {
		files[p], _ = sample().ReadFile(p)
	}
	cfg := config.Default()
	ix, err := Build(t.Context(), workspace.NewMemSet(maps.Clone(files)), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := ix
	steps := []struct {
		name             string
		edit             func()
		changed, removed []string
		cfg              *config.Config
	}{
		{name: "content", edit: func() { files["src/app/main.py"] = []byte("import os\nfrom .missing import y\n") },
			changed: []string{"src/app/main.py"}},
		{name: "unchanged content", changed: []string{"web/a.ts"}},
		{name: "added file", edit: func() {
			files["web/lib/c.ts"] = []byte("export const c = 1;\n")
			files["web/a.ts"] = []byte("import { c } from '@/lib/c';\nimport x from './nope';\n")
		}, changed: []string{"web/lib/c.ts", "web/a.ts"}},
		{name: "new file resolves an old import", edit: func() { files["web/nope.ts"] = []byte("export default 1;\n") },
			changed: []string{"web/nope.ts"}},
		{name: "removed file", edit: func() { delete(files, "src/app/util.py") }, removed: []string{"src/app/util.py"}},
		{name: "removed file not reported", edit: func() { delete(files, "web/lib/b.ts") }},
		{name: "tsconfig", edit: func() {
			files["web/tsconfig.json"] = []byte("{\"compilerOptions\": {\"baseUrl\": \".\", \"paths\": {\"@/*\": [\"./lib/*\"]}}}\n")
		},
			changed: []string{"web/tsconfig.json"}},
		{name: "pyproject", edit: func() { files["pyproject.toml"] = []byte("") }, changed: []string{"pyproject.toml"}},
		{name: "config", cfg: func() *config.Config { c := config.Default(); c.Python.Roots = []string{"src"}; return c }()},
	}
	for _, s := range steps {
		if s.edit != nil {
			s.edit()
		}
		if s.cfg != nil {
			cfg = s.cfg
		}
		fs := workspace.NewMemSet(maps.Clone(files))
		next, err := ix.Update(t.Context(), Change{FS: fs, Config: s.cfg, Changed: s.changed, Removed: s.removed}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		want, err := Build(t.Context(), fs, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(s.name, func(t *testing.T) { sameIndex(t, want, next) })
		ix = next
	}
	orig, err := Build(t.Context(), sample(), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("first snapshot untouched", func(t *testing.T) { sameIndex(t, orig, first) })
}

func TestSourceAndVerify(t *testing.T) {
	root := diskSample(t)
	fs := openDisk(t, root)
	ix, err := Build(t.Context(), fs, config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if src, ok := ix.Source("web/a.ts"); !ok || len(src) == 0 {
		t.Fatalf("Source of an unchanged file = %q, %v", src, ok)
	}
	if err := writeFile(root, "web/a.ts", "import { b } from './lib/b';\n"); err != nil {
		t.Fatal(err)
	}
	if _, ok := ix.Source("web/a.ts"); ok {
		t.Error("Source served a file that changed since it was parsed")
	}
	// An unchanged file is read once: Verify keeps the bytes for Source
	// and for its file set.
	before := fs.reads.Load()
	same, err := ix.Verify(t.Context(), []string{"web/lib/b.ts"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src1, ok1 := same.Source("web/lib/b.ts")
	src2, err2 := same.FS.ReadFile("web/lib/b.ts")
	if !ok1 || err2 != nil || len(src1) == 0 || string(src1) != string(src2) {
		t.Errorf("after Verify of an unchanged file: Source %q (%v), FS %q (%v)", src1, ok1, src2, err2)
	}
	if n := fs.reads.Load() - before; n != 1 {
		t.Errorf("Verify, Source and ReadFile of one file read it %d times, want once", n)
	}
	if _, ok := ix.Source("web/lib/b.ts"); !ok || ix.files["web/lib/b.ts"].src != nil {
		t.Error("Verify changed the snapshot it started from")
	}
	next, err := ix.Verify(t.Context(), []string{"web/a.ts", "web/lib/b.ts"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, ok := next.Source("web/a.ts")
	if !ok || string(src) != "import { b } from './lib/b';\n" || next.File("web/a.ts").Imports[0].Module != "./lib/b" {
		t.Errorf("after Verify: source %q (%v), imports %+v", src, ok, next.File("web/a.ts").Imports)
	}
}

// TestRefreshEqualsBuild: a re-read of a folder on disk (files edited,
// added and removed, a configuration file changed) gives the snapshot a
// fresh build gives, parsing only what changed.
func TestRefreshEqualsBuild(t *testing.T) {
	root := diskSample(t)
	ix, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	same := openDisk(t, root)
	if _, err := ix.Refresh(t.Context(), same, config.Default(), Options{}); err != nil {
		t.Fatal(err)
	}
	if n := same.reads.Load(); n > 2 {
		t.Errorf("a refresh with nothing changed read %d files", n)
	}
	for rel, content := range map[string]string{
		"src/app/main.py":   "from app import util\nimport app.gone\n",
		"src/app/gone.py":   "",
		"web/lib/c.ts":      "import { b } from './b';\n",
		"web/tsconfig.json": "{\"compilerOptions\": {\"baseUrl\": \".\", \"paths\": {\"@/*\": [\"./lib/*\"]}}}\n",
	} {
		if err := writeFile(root, rel, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(root, "tests/test_x.py")); err != nil {
		t.Fatal(err)
	}
	fs := openDisk(t, root)
	got, err := ix.Refresh(t.Context(), fs, config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameAsFresh(t, root, got)
}

// TestRefreshSettlesRacyFiles: files too recent to trust on their mtime
// when indexed are hashed by a refresh; once that finds them unchanged and
// old enough, the next refresh trusts their size and mtime (reads none).
func TestRefreshSettlesRacyFiles(t *testing.T) {
	root := diskSample(t)
	touch := func(at time.Time) {
		l, err := workspace.Walk(t.Context(), root, workspace.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range l.Files {
			if err := os.Chtimes(filepath.Join(root, filepath.FromSlash(f.Path)), at, at); err != nil {
				t.Fatal(err)
			}
		}
	}
	touch(time.Now()) // just written: racy
	ix, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	touch(time.Now().Add(-time.Hour))
	first := openDisk(t, root)
	ix, err = ix.Refresh(t.Context(), first, config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if first.reads.Load() == 0 {
		t.Fatal("racy files were trusted on their mtime")
	}
	second := openDisk(t, root)
	if _, err := ix.Refresh(t.Context(), second, config.Default(), Options{}); err != nil {
		t.Fatal(err)
	}
	if n := second.reads.Load(); n != 0 {
		t.Errorf("second refresh read %d files, want none (settled on size and mtime)", n)
	}
}
