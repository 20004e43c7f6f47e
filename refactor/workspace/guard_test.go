package workspace

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// Guard answers like the walker: reserved directories always, default and
// configured excludes, .gitignore at every level and .git/info/exclude; a
// build-output name that does not exist yet is not excluded.
func TestGuard(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{
		".gitignore":            "*.log\n",
		".git/info/exclude":     "secret/\n",
		"src/.gitignore":        "local.py\n",
		"src/a.py":              "",
		"dist/bundle.js":        "",
		"ops/build/__init__.py": "",
		"notes":                 "",
	})
	g := NewGuard(dir, Options{Exclude: []string{"vendor"}})
	for rel, want := range map[string]string{
		"src/b.py":              "",
		"src/local.py":          "src/local.py",
		"src/sub/local.py":      "src/sub/local.py",
		"x.log":                 "x.log",
		"secret/a.py":           "secret",
		"node_modules/x/y.js":   "node_modules",
		"vendor/a.py":           "vendor",
		"dist/a.js":             "dist",
		"build/a.py":            "", // does not exist: the move creates it
		"ops/build/a.py":        "", // a Python package named build
		"a/.relayout-journal/x": "a/.relayout-journal",
	} {
		if got := g.Excluded(rel, false); got != want {
			t.Errorf("Excluded(%s) = %q, want %q", rel, got, want)
		}
	}
	if r := g.Reserved("a/.git/hooks/x"); r != "a/.git" {
		t.Errorf("Reserved = %q", r)
	}
	if d := g.NotADir("notes/a.py"); d != "notes" {
		t.Errorf("NotADir = %q", d)
	}
	if err := os.Symlink("src", filepath.Join(dir, "lnk")); err != nil {
		t.Fatal(err)
	}
	if d := g.NotADir("lnk/x/a.py"); d != "" {
		t.Errorf("NotADir through a directory symlink = %q", d)
	}
}
