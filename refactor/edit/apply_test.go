package edit

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/workspace"
)

// tree reads every file, symlink and directory under dir into a map
// (files as mode + content), without following symlinks.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case rel == ".":
		case d.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "-> " + target
		case d.IsDir():
			out[rel+"/"] = info.Mode().Perm().String()
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
			if info.Mode().Perm() != 0o644 {
				out[rel] += " [" + info.Mode().Perm().String() + "]"
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diskSet(t *testing.T, dir string) workspace.FileSet {
	t.Helper()
	l, err := workspace.Walk(t.Context(), dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return workspace.NewDiskSet(l)
}

var initial = map[string]string{
	"a/b/x.py":        "import os\nfrom a.b import y\n",
	"a/b/y.py":        "Y = 1\r\n",
	"a/b/__init__.py": "",
	"c/keep.py":       "from a.b.x import *\n",
	"swap1.txt":       "one",
	"swap2.txt":       "two",
}

func sample() *ChangeSet {
	cs := NewChangeSet()
	cs.Renames = []Rename{{"a/b/x.py", "n/m/x.py"}, {"a/b/y.py", "n/m/y.py"}, {"swap1.txt", "swap2.txt"}, {"swap2.txt", "swap1.txt"}}
	cs.Edits["a/b/x.py"] = []TextEdit{{Start: 15, End: 18, New: "n.m"}}
	cs.Edits["c/keep.py"] = []TextEdit{{Start: 5, End: 10, New: "n.m.x"}}
	cs.Creates = []Create{{Path: "n/__init__.py", Content: nil}, {Path: "n/m/__init__.py", Content: []byte("")}}
	cs.Deletes = []string{"a/b/__init__.py"}
	cs.RemoveDirs = []string{"a/b", "a"}
	return cs
}

var want = map[string]string{
	"c/":              "-rwxr-xr-x",
	"c/keep.py":       "from n.m.x import *\n",
	"n/":              "-rwxr-xr-x",
	"n/__init__.py":   "",
	"n/m/":            "-rwxr-xr-x",
	"n/m/__init__.py": "",
	"n/m/x.py":        "import os\nfrom n.m import y\n",
	"n/m/y.py":        "Y = 1\r\n",
	"swap1.txt":       "two",
	"swap2.txt":       "one",
}

func TestApply(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	sum, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("tree after apply:\n%v\nwant\n%v", got, want)
	}
	if sum.FilesMoved != 4 || sum.FilesEdited != 2 || sum.FilesCreated != 2 || len(sum.DirsRemoved) != 2 {
		t.Errorf("summary = %+v", sum)
	}
}

// TestApplyFaultInjection fails the apply at every step in turn and checks
// the tree is exactly the old one afterwards.
func TestApplyFaultInjection(t *testing.T) {
	var steps []string
	{
		dir := t.TempDir()
		testtool.WriteTree(t, dir, initial)
		_, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{Hook: func(s string) error { steps = append(steps, s); return nil }})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(steps) < 10 {
		t.Fatalf("only %d steps: %v", len(steps), steps)
	}
	for _, step := range steps {
		dir := t.TempDir()
		testtool.WriteTree(t, dir, initial)
		before := tree(t, dir)
		boom := errors.New("injected")
		_, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{Hook: func(s string) error {
			if s == step {
				return boom
			}
			return nil
		}})
		if !errors.Is(err, boom) {
			t.Fatalf("step %q: err = %v", step, err)
		}
		if got := tree(t, dir); !reflect.DeepEqual(got, before) {
			t.Errorf("step %q: tree not restored:\n%v\nwant\n%v", step, got, before)
		}
	}
}

// TestRecover simulates a crash in the middle of an apply (no rollback
// runs, the journal stays) and checks Recover restores the old tree.
func TestRecover(t *testing.T) {
	for _, at := range []string{"write n/m/x.py", "remove ", "rmdir ", "commit"} {
		dir := t.TempDir()
		testtool.WriteTree(t, dir, initial)
		before := tree(t, dir)
		func() {
			defer func() { _ = recover() }()
			_, _ = Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{Hook: func(s string) error {
				if strings.HasPrefix(s, at) {
					panic("crash")
				}
				return nil
			}})
		}()
		if _, err := os.Stat(filepath.Join(dir, JournalDir)); err != nil {
			t.Fatalf("%s: journal missing after crash: %v", at, err)
		}
		if _, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{}); !errors.Is(err, ErrJournalExists) {
			t.Fatalf("%s: apply over a journal: %v", at, err)
		}
		ok, err := Recover(dir)
		if err != nil || !ok {
			t.Fatalf("%s: Recover = %v, %v", at, ok, err)
		}
		if got := tree(t, dir); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: tree after recover:\n%v\nwant\n%v", at, got, before)
		}
		if ok, err := Recover(dir); ok || err != nil {
			t.Errorf("%s: second Recover = %v, %v", at, ok, err)
		}
	}
}

func TestDiff(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	d, err := Diff(diskSet(t, dir), sample())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"rename from a/b/x.py\nrename to n/m/x.py", "-from a.b import y\n+from n.m import y", "new file mode", "deleted file mode"} {
		if !strings.Contains(d, s) {
			t.Errorf("diff lacks %q:\n%s", s, d)
		}
	}
}
