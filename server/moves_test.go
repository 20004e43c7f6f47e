package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
)

// simulateRenames applies steps one by one to a set of existing files and
// reports the first rename that would overwrite one.
func simulateRenames(files []string, steps []edit.Rename) (map[string]string, error) {
	at := map[string]string{} // path → original
	for _, f := range files {
		at[f] = f
	}
	for _, s := range steps {
		orig, ok := at[s.From]
		if !ok {
			return nil, fmt.Errorf("rename of missing %s", s.From)
		}
		if _, taken := at[s.To]; taken {
			return nil, fmt.Errorf("rename %s → %s overwrites a file", s.From, s.To)
		}
		for p := range at {
			if strings.HasPrefix(p, s.To+"/") || strings.HasPrefix(s.To, p+"/") {
				return nil, fmt.Errorf("rename %s → %s collides with %s", s.From, s.To, p)
			}
		}
		delete(at, s.From)
		at[s.To] = orig
	}
	return at, nil
}

func TestRenameSteps(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		renames []edit.Rename
		temps   int
	}{
		{"independent", []string{"a", "b"}, []edit.Rename{{From: "a", To: "x/a"}, {From: "b", To: "x/b"}}, 0},
		{"chain", []string{"a", "b", "c"}, []edit.Rename{{From: "a", To: "b"}, {From: "b", To: "c"}, {From: "c", To: "d"}}, 0},
		{"swap", []string{"a", "b"}, []edit.Rename{{From: "a", To: "b"}, {From: "b", To: "a"}}, 1},
		{"three-cycle", []string{"a", "b", "c"}, []edit.Rename{{From: "a", To: "b"}, {From: "b", To: "c"}, {From: "c", To: "a"}}, 1},
		{"two swaps", []string{"a", "b", "c", "d"}, []edit.Rename{{From: "a", To: "b"}, {From: "b", To: "a"}, {From: "c", To: "d"}, {From: "d", To: "c"}}, 2},
		{"file becomes directory", []string{"m", "z"}, []edit.Rename{{From: "z", To: "m/z"}, {From: "m", To: "n"}}, 0},
		{"directory becomes file", []string{"m/a"}, []edit.Rename{{From: "m/a", To: "n/a"}}, 0},
		{"temporary name taken", []string{"a", "b", "a.relayout-tmp1"}, []edit.Rename{{From: "a", To: "b"}, {From: "b", To: "a"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			taken := func(p string) bool {
				for _, f := range tc.files {
					if f == p {
						return true
					}
				}
				return false
			}
			steps := renameSteps(tc.renames, taken)
			at, err := simulateRenames(tc.files, steps)
			if err != nil {
				t.Fatalf("steps %v: %v", steps, err)
			}
			for _, r := range tc.renames {
				if at[r.To] != r.From {
					t.Errorf("%s ends at %q, want from %s (steps %v)", r.To, at[r.To], r.From, steps)
				}
			}
			if got := len(steps) - len(tc.renames); got != tc.temps {
				t.Errorf("%d temporary renames, want %d: %v", got, tc.temps, steps)
			}
		})
	}
}

func TestEmptyDirsAfter(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{
		"a/b/x.py":                 "",
		"a/b/c/y.py":               "",
		"a/__init__.py":            "",
		"p/q/z.py":                 "",
		"p/q/__pycache__/z.pyc":    "", // ignored by the walker: p/q must stay
		"k/only.py":                "",
		"k/sub/.keep":              "", // not leaving
		"e/f/g.py":                 "",
		"stays/new-arrival/old.py": "",
	})
	cs := &edit.ChangeSet{
		Renames: []edit.Rename{
			{From: "a/b/x.py", To: "t/x.py"}, {From: "a/b/c/y.py", To: "t/y.py"},
			{From: "p/q/z.py", To: "t/z.py"}, {From: "k/only.py", To: "t/only.py"},
			{From: "e/f/g.py", To: "t/g.py"}, {From: "stays/new-arrival/old.py", To: "t/old.py"},
		},
		Deletes:    []string{"a/__init__.py"},
		Creates:    []edit.Create{{Path: "stays/new-arrival/__init__.py"}},
		RemoveDirs: []string{"a/b/c", "e/f", "p/q", "a/b", "e", "k", "p", "stays/new-arrival", "a"},
	}
	got := emptyDirsAfter(root, cs)
	want := []string{"a/b/c", "e/f", "a/b", "e", "a"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("emptyDirsAfter = %v, want %v (p/q holds __pycache__, k/sub stays, stays/new-arrival gets a file)", got, want)
	}
}

// fakeBasis is an editBasis over in-memory files.
type fakeBasis struct {
	files map[string]string
	open  map[string]int32
}

func (b fakeBasis) uri(rel string) uri.URI { return relToURI("/w", rel) }
func (b fakeBasis) content(rel string) ([]byte, error) {
	c, ok := b.files[rel]
	if !ok {
		return nil, fmt.Errorf("no %s", rel)
	}
	return []byte(c), nil
}
func (b fakeBasis) version(rel string) *int32 {
	if v, ok := b.open[rel]; ok {
		return &v
	}
	return nil
}

// describe renders document changes one per line.
func describe(dcs []protocol.DocumentChange) string {
	var b strings.Builder
	short := func(u uri.URI) string { return strings.TrimPrefix(string(u), "file:///w/") }
	for _, dc := range dcs {
		switch c := dc.(type) {
		case *protocol.TextDocumentEdit:
			v := "null"
			if c.TextDocument.Version != nil {
				v = fmt.Sprint(*c.TextDocument.Version)
			}
			fmt.Fprintf(&b, "edit %s@%s", short(c.TextDocument.URI), v)
			for _, el := range c.Edits {
				te := el.(*protocol.TextEdit)
				fmt.Fprintf(&b, " %d:%d-%d:%d=%q", te.Range.Start.Line, te.Range.Start.Character, te.Range.End.Line, te.Range.End.Character, te.NewText)
			}
		case *protocol.CreateFile:
			fmt.Fprintf(&b, "create %s", short(c.URI))
			if c.Options != nil && c.Options.Overwrite != nil {
				b.WriteString(" overwrite")
			}
		case *protocol.RenameFile:
			fmt.Fprintf(&b, "rename %s %s", short(c.OldURI), short(c.NewURI))
			if c.Options != nil && c.Options.Overwrite != nil {
				b.WriteString(" overwrite")
			}
		case *protocol.DeleteFile:
			fmt.Fprintf(&b, "delete %s", short(c.URI))
			if c.Options != nil && c.Options.Recursive != nil {
				b.WriteString(" recursive")
			}
			if c.Options != nil && c.Options.IgnoreIfNotExists != nil {
				b.WriteString(" ignoreIfNotExists")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestDocumentChangesOrder(t *testing.T) {
	basis := fakeBasis{
		files: map[string]string{"old.py": "import dep\n", "user.py": "x = '😀'; import old\n", "dep.py": ""},
		open:  map[string]int32{"user.py": 4},
	}
	cs := &edit.ChangeSet{
		Edits: map[string][]edit.TextEdit{
			"user.py": {{Start: 19, End: 22, New: "pkg.new"}, {Start: 19, End: 22, New: "pkg.new"}}, // a duplicate is sent once
			"old.py":  {{Start: 7, End: 10, New: "pkg.dep"}},
		},
		Renames:    []edit.Rename{{From: "old.py", To: "pkg/new.py"}, {From: "dep.py", To: "pkg/dep.py"}},
		Creates:    []edit.Create{{Path: "old.py", Content: []byte("from pkg.new import *\n")}, {Path: "pkg/__init__.py"}},
		Deletes:    []string{"pkg/dep.py", "gone/__init__.py"},
		RemoveDirs: []string{"gone"},
	}
	all := resourceOps{create: true, rename: true, delete: true}
	steps := renameSteps(cs.Renames, func(string) bool { return false })
	dcs, notes, err := changeSetToDocumentChanges(cs, steps, []string{"gone"}, basis, parsers.UTF16, all)
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v %v", err, notes)
	}
	want := `edit old.py@null 0:7-0:10="pkg.dep"
edit user.py@4 0:17-0:20="pkg.new"
delete pkg/dep.py
create pkg/__init__.py
rename dep.py pkg/dep.py
rename old.py pkg/new.py
create old.py
edit old.py@null 0:0-0:0="from pkg.new import *\n"
delete gone recursive ignoreIfNotExists
`
	if got := describe(dcs); got != want {
		t.Errorf("documentChanges:\n%s\nwant:\n%s", got, want)
	}

	// Without delete support: overwrites instead of freeing deletes, and
	// notes for what is left out.
	dcs, notes, err = changeSetToDocumentChanges(cs, steps, []string{"gone"}, basis, parsers.UTF8, resourceOps{create: true, rename: true})
	if err != nil {
		t.Fatal(err)
	}
	want = `edit old.py@null 0:7-0:10="pkg.dep"
edit user.py@4 0:19-0:22="pkg.new"
create pkg/__init__.py
rename dep.py pkg/dep.py overwrite
rename old.py pkg/new.py
create old.py
edit old.py@null 0:0-0:0="from pkg.new import *\n"
`
	if got := describe(dcs); got != want {
		t.Errorf("documentChanges without delete:\n%s\nwant:\n%s", got, want)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "gone/__init__.py not deleted") || !strings.Contains(notes[1], "empty directory gone not removed") {
		t.Errorf("notes %q", notes)
	}

	// Overlapping edits are a broken change set, not something to send.
	cs.Edits["user.py"] = append(cs.Edits["user.py"], edit.TextEdit{Start: 20, End: 21, New: "x"})
	if _, _, err := changeSetToDocumentChanges(cs, steps, nil, basis, parsers.UTF16, all); err == nil {
		t.Errorf("overlapping edits converted")
	}
}

func TestEchoes(t *testing.T) {
	var e echoes
	changes := []protocol.DocumentChange{
		&protocol.RenameFile{Kind: "rename", OldURI: uri.File("/w/a.py"), NewURI: uri.File("/w/b.py")},
		&protocol.CreateFile{Kind: "create", URI: uri.File("/w/c.py")},
	}
	files := map[string][]byte{"/w/user.py": []byte("import a\n")}
	read := func(p string) ([]byte, bool) { c, ok := files[p]; return c, ok }

	// In flight: an echo while the client applies, not after it answered.
	done := e.sending(changes)
	if e.take("/w/b.py", "/w/a.py", read) {
		t.Error("reverse rename taken as an echo")
	}
	if !e.take("/w/a.py", "/w/b.py", read) {
		t.Error("echo of an in-flight applyEdit not recognised")
	}
	done()
	if e.take("/w/a.py", "/w/b.py", read) {
		t.Error("rename taken as an echo after the client answered")
	}

	// Offered (a resolved code action): an echo only once its text edits
	// are in the files, and only once.
	e.offer(changes, map[string][]byte{"/w/user.py": []byte("import b\n")}, map[string]string{"/w/user.py": "/w/user.py"}, time.Now().Add(time.Minute))
	if e.take("/w/a.py", "/w/b.py", read) {
		t.Error("rename of a code action never applied taken as an echo")
	}
	files["/w/user.py"] = []byte("import b\n")
	if !e.take("/w/a.py", "/w/b.py", read) {
		t.Error("echo of an applied code action not recognised")
	}
	if e.take("/w/a.py", "/w/b.py", read) {
		t.Error("echo recognised twice")
	}
	e.offer(changes, nil, nil, time.Now().Add(-time.Second))
	if e.take("/w/a.py", "/w/b.py", read) {
		t.Error("expired echo recognised")
	}
}

// Interface checks for the test double and the real basis.
var (
	_ editBasis = fakeBasis{}
	_ editBasis = (*computedMove)(nil)
)

// TestDocumentChangesNestedEmptyDirs: a move that empties nested folders
// deletes only the topmost one, once, recursively (VS Code validates a run
// of deletes before performing any: deleting a/b/c and then a/b would fail
// on a/b still holding c, and VS Code would ignore the whole edit); a
// deleted file inside it is covered by that delete; an emptied folder
// holding nothing after the renames is deleted without recursive.
func TestDocumentChangesNestedEmptyDirs(t *testing.T) {
	basis := fakeBasis{files: map[string]string{"a/b/c/m.py": "", "a/b/__init__.py": "", "x/n.py": "", "keep/o.py": ""}}
	cs := &edit.ChangeSet{
		Renames:    []edit.Rename{{From: "a/b/c/m.py", To: "m.py"}, {From: "x/n.py", To: "n.py"}},
		Deletes:    []string{"a/b/__init__.py", "keep/o.py"},
		RemoveDirs: []string{"a/b/c", "a/b", "a", "x"},
	}
	steps := renameSteps(cs.Renames, func(string) bool { return false })
	all := resourceOps{create: true, rename: true, delete: true}
	dcs, notes, err := changeSetToDocumentChanges(cs, steps, []string{"a/b/c", "a/b", "a", "x"}, basis, parsers.UTF8, all)
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v %v", err, notes)
	}
	want := `rename a/b/c/m.py m.py
rename x/n.py n.py
delete keep/o.py
delete a recursive ignoreIfNotExists
delete x ignoreIfNotExists
`
	if got := describe(dcs); got != want {
		t.Errorf("documentChanges:\n%s\nwant:\n%s", got, want)
	}
}
