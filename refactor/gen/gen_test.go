package gen_test

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/gen"
	"github.com/relayout/relayout/refactor/index"
)

// TestGenerate checks what the benchmarks rely on: the exact file count,
// hot modules imported by exactly K files, planted folders of exactly M
// files, every internal import resolving, no syntax errors, depth
// violations, and a description that Load reads back.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	opts := gen.Options{Files: 1000, Seed: 7, HotImporters: 80, PackageFiles: 60}
	ws, err := gen.Generate(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w, err := refactor.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(w.Listing.Files); got != opts.Files || ws.Files != opts.Files {
		t.Errorf("walk found %d files, description says %d, want %d", got, ws.Files, opts.Files)
	}
	if ws.Python+ws.TypeScript+ws.Other != ws.Files {
		t.Errorf("python %d + ts %d + other %d != %d", ws.Python, ws.TypeScript, ws.Other, ws.Files)
	}
	if v := len(w.Violations()); v == 0 || v != ws.Deeper(4) {
		t.Errorf("%d violations, description says %d", v, ws.Deeper(4))
	}
	if n := len(ws.Levels) - 1; n != 7 {
		t.Errorf("deepest level %d, want 7", n)
	}
	ix, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if u := ix.Unresolved(); len(u) > 0 {
		t.Errorf("%d unresolved imports, first %+v", len(u), u[0])
	}
	var py, ts, refs int
	for _, p := range ix.Files() {
		f := ix.File(p)
		if len(f.Errors) > 0 {
			t.Errorf("%s has syntax errors %v", p, f.Errors)
		}
		refs += len(f.Imports)
		if f.Lang == parsers.Python {
			py++
		} else {
			ts++
		}
	}
	if py != ws.Python || ts != ws.TypeScript {
		t.Errorf("indexed %d Python and %d TS files, description says %d and %d", py, ts, ws.Python, ws.TypeScript)
	}
	if perFile := float64(refs) / float64(py+ts); perFile < 10 {
		t.Errorf("%.1f references per file; want a realistic density", perFile)
	}
	for _, h := range []*gen.Hot{ws.PythonHot, ws.TSHot} {
		if got := ix.Importers(h.Path); !slices.Equal(got, h.Importers) || len(got) != opts.HotImporters {
			t.Errorf("%s: imported by %d files, description lists %d, want %d", h.Path, len(got), len(h.Importers), opts.HotImporters)
		}
		if w.Listing.Has(h.To) {
			t.Errorf("suggested target %s exists", h.To)
		}
	}
	for _, f := range []*gen.Folder{ws.PythonPackage, ws.TSFolder} {
		n := 0
		for _, e := range w.Listing.Files {
			if len(e.Path) > len(f.Dir) && e.Path[:len(f.Dir)+1] == f.Dir+"/" {
				n++
			}
		}
		if n != opts.PackageFiles || f.Files != n {
			t.Errorf("%s holds %d files, description says %d, want %d", f.Dir, n, f.Files, opts.PackageFiles)
		}
	}
	back, err := gen.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.PythonHot.Path != ws.PythonHot.Path || back.Files != ws.Files || back.Options != ws.Options {
		t.Errorf("Load = %+v, want %+v", back, ws)
	}
}

// TestDeterministic: the same options write the same bytes; another seed
// does not.
func TestDeterministic(t *testing.T) {
	opts := gen.Options{Files: 400, Seed: 3, HotImporters: 20, PackageFiles: 12}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, err := gen.Generate(d, opts); err != nil {
			t.Fatal(err)
		}
	}
	opts.Seed = 4
	if _, err := gen.Generate(c, opts); err != nil {
		t.Fatal(err)
	}
	if ha, hb := treeHash(t, a), treeHash(t, b); ha != hb {
		t.Error("same options, different trees")
	}
	if treeHash(t, a) == treeHash(t, c) {
		t.Error("different seeds, same tree")
	}
}

func treeHash(t *testing.T, root string) [32]byte {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		h.Write([]byte(rel + "\x00"))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// TestTooSmall: impossible requests are errors, not panics.
func TestTooSmall(t *testing.T) {
	for _, o := range []gen.Options{{Files: 10}, {Files: 300, HotImporters: 1000}, {Files: 300, MaxLevel: 3}} {
		if _, err := gen.Generate(t.TempDir(), o); err == nil {
			t.Errorf("Generate(%+v) succeeded", o)
		}
	}
}

// TestAbsolutePython checks that AbsolutePython leaves no relative Python
// import (Rope cannot move a module imported that way), and that the
// default writes some.
func TestAbsolutePython(t *testing.T) {
	relative := regexp.MustCompile(`(?m)^\s*from \.`)
	for _, abs := range []bool{false, true} {
		dir := t.TempDir()
		if _, err := gen.Generate(dir, gen.Options{Files: 400, Seed: 3, AbsolutePython: abs}); err != nil {
			t.Fatal(err)
		}
		n := 0
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".py" {
				return err
			}
			data, err := os.ReadFile(p)
			n += len(relative.FindAll(data, -1))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if abs && n > 0 || !abs && n == 0 {
			t.Errorf("AbsolutePython %v: %d relative imports", abs, n)
		}
	}
}
