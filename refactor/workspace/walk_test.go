package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relayout/relayout/internal/testtool"
)

func paths(l *Listing) []string {
	var out []string
	for _, f := range l.Files {
		out = append(out, f.Path)
	}
	return out
}

func TestWalkIgnores(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{
		".gitignore":              "*.log\n/build-out/\n!keep.log\n# comment\n",
		".git/info/exclude":       "secret.txt\n",
		".git/HEAD":               "ref",
		"a.py":                    "",
		"x.log":                   "",
		"keep.log":                "",
		"secret.txt":              "",
		"build-out/gen.py":        "",
		"sub/build-out/kept.py":   "", // anchored pattern: only the root's
		"sub/.gitignore":          "local.py\n!x.log\n",
		"sub/local.py":            "",
		"sub/x.log":               "", // re-included by the deeper .gitignore
		"sub/deeper/local.py":     "",
		"node_modules/p/index.js": "",
		"pkg/__pycache__/a.pyc":   "",
		".venv/lib/x.py":          "",
		".cache/relayout/x.json":  "", // the user cache (XDG_CACHE_HOME) inside a workspace
		"gen/skip/me.py":          "",
		"gen/keep.py":             "",
		"dist/bundle.js":          "",
		"pkg/build/__init__.py":   "", // a Python package named build is source
	})
	l, err := Walk(t.Context(), dir, Options{Exclude: []string{"gen/skip"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "a.py", "gen/keep.py", "keep.log", "pkg/build/__init__.py", "sub/.gitignore", "sub/build-out/kept.py", "sub/x.log"}
	if got := paths(l); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q\nwant    %q", got, want)
	}
	if !l.Has("sub/x.log") || l.Has("x.log") {
		t.Errorf("Has is wrong")
	}
}

func TestWalkSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{"real/a.py": "", "real/deep/b.py": ""})
	testtool.WriteTree(t, outside, map[string]string{"o.py": ""})
	for link, target := range map[string]string{
		"loop":         ".",               // points at the root
		"real/deep/up": "..",              // points at an ancestor
		"alias":        "real",            // inside the root: followed
		"out":          outside,           // leaves the root
		"outfile.py":   outside + "/o.py", // a file outside
		"dangling":     "nothing-here",    // broken
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	l, err := Walk(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alias/a.py", "alias/deep/b.py", "real/a.py", "real/deep/b.py"}
	if got := paths(l); !reflect.DeepEqual(got, want) {
		t.Fatalf("files = %q\nwant    %q", got, want)
	}
	notes := map[string]string{}
	for _, n := range l.Notes {
		notes[n.Path] = n.Message
	}
	for p, frag := range map[string]string{"loop": "loop", "real/deep/up": "loop", "out": "leaves", "outfile.py": "leaves", "dangling": "broken"} {
		if !strings.Contains(notes[p], frag) {
			t.Errorf("note for %s = %q, want it to mention %q", p, notes[p], frag)
		}
	}
}

func TestClassify(t *testing.T) {
	if Classify([]byte("import os\n")) != SkipNone {
		t.Error("text classified as skipped")
	}
	if Classify([]byte("PK\x00\x01")) != SkipBinary {
		t.Error("binary not detected")
	}
	if Classify([]byte(strings.Repeat("a", 30000))) != SkipMinified {
		t.Error("minified bundle not detected")
	}
}

// TestRescanFollowsStaleDirs: Stale finds the directories whose entries
// changed since the walk (by their modification time, and a .gitignore
// edited in place), and Rescan of those alone gives the listing a fresh
// walk gives.
func TestRescanFollowsStaleDirs(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{
		".gitignore":   "*.log\n",
		"top.py":       "",
		"a/x.py":       "",
		"b/old.py":     "",
		"b/keep.py":    "",
		"c/y.py":       "",
		"e/.gitignore": "",
		"e/gen.py":     "",
		"e/f/deep.py":  "",
	})
	old := time.Now().Add(-time.Hour)
	age := func() {
		_ = filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
			if err == nil {
				_ = os.Chtimes(p, old, old)
			}
			return nil
		})
	}
	age()
	l, err := Walk(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := l.Stale(); len(s) != 0 {
		t.Fatalf("Stale right after the walk = %q, want none", s)
	}
	testtool.WriteTree(t, dir, map[string]string{
		"a/new.py":  "",
		"a/x.py":    "changed in place",
		"c/d/z.py":  "",
		"c/d/x.log": "",
	})
	if err := os.Remove(filepath.Join(dir, "b", "old.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "e", ".gitignore"), []byte("gen.py\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(dir, "e"), old, old); err != nil {
		t.Fatal(err) // only the .gitignore's own time says it changed
	}
	stale := l.Stale()
	if want := []string{"a", "b", "c", "e"}; !reflect.DeepEqual(stale, want) {
		t.Fatalf("Stale = %q, want %q", stale, want)
	}
	got, err := Rescan(t.Context(), l, stale)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Walk(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(paths(got), paths(fresh)) || !reflect.DeepEqual(got.Dirs, fresh.Dirs) {
		t.Errorf("rescan: files %q dirs %q\nfresh walk: files %q dirs %q", paths(got), got.Dirs, paths(fresh), fresh.Dirs)
	}
	if !reflect.DeepEqual(paths(l), []string{".gitignore", "a/x.py", "b/keep.py", "b/old.py", "c/y.py", "e/.gitignore", "e/f/deep.py", "e/gen.py", "top.py"}) {
		t.Errorf("Rescan modified the listing it started from: %q", paths(l))
	}
	// The root: a file created at the top re-walks everything.
	age()
	if l, err = Walk(t.Context(), dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if s := l.Stale(); len(s) != 0 {
		t.Fatalf("Stale right after the second walk = %q, want none", s)
	}
	testtool.WriteTree(t, dir, map[string]string{"new.py": ""})
	if s := l.Stale(); !reflect.DeepEqual(s, []string{""}) {
		t.Errorf("Stale after a file created at the root = %q, want [\"\"]", s)
	}
}
