package gen_test

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/relayout/relayout/refactor/gen"
)

// The generated workspace itself (file counts, hot modules, resolution)
// is checked through the façade, by refactor's TestGeneratedWorkspace:
// packages under refactor/ do not import the façade.

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
