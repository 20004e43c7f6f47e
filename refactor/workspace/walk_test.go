package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
