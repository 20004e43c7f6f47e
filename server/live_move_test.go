package server

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/move"
)

// TestWillRenameOnLiveIndexSeesEdits: once the folder's import index is
// built, willRenameFiles computes on it, yet follows what changed since:
// an importer rewritten on disk without any notification, a new importer
// created on disk, and an importer's unsaved text — no stale bytes.
func TestWillRenameOnLiveIndexSeesEdits(t *testing.T) {
	e, root := openProject(t, editorConfig{}, utilTree)
	e.await("index built", func(st *editorState) bool { return st.endsOf("relayout: indexing imports") >= 1 })

	// On disk, unannounced: main.py's import moves down and gets an
	// alias; a new module imports strings too.
	tree := maps.Clone(utilTree)
	tree["src/app/main.py"] = "import os\n\nfrom app.util.strings import slug as sl\nimport app.util.other\n\nprint(sl, os, app.util.other)\n"
	tree["src/app/extra.py"] = "from app.util import strings\n"
	testtool.WriteTree(t, root, map[string]string{"src/app/main.py": tree["src/app/main.py"], "src/app/extra.py": tree["src/app/extra.py"]})
	renameLikeCLI(t, e, root, tree, "src/app/util/strings.py", "src/app/util/text.py")

	// Unsaved: text.py's import of other moves down two lines.
	u := e.open(root, "src/app/util/text.py")
	e.edit(u, "\n\nfrom app.util.other import X as Y\n\n\ndef slug(s):\n    return s + Y\n")
	we := willRename(e, root, "src/app/util/other.py", "src/app/util/helpers.py")
	e.apply(we)
	if got, want := e.buffer(u), "\n\nfrom app.util.helpers import X as Y\n\n\ndef slug(s):\n    return s + Y\n"; got != want {
		t.Errorf("unsaved buffer after the rename:\n%s\nwant:\n%s\nedit:\n%s", got, want, dumpEdit(we))
	}
}

// TestWillRenameSeesFilesCreatedWithoutEvents: a client that cannot watch
// files (Neovim 0.7) and a folder old enough for its directories to be
// trusted by their modification times, so requests walk nothing again but
// what changed: importers created on disk without any event from the
// client — in a directory the listing holds and in a new directory — are
// found by the next willRenameFiles (Listing.Stale, or the server's own
// watcher when its event came first), an importer edited in place is
// verified before its edit is computed, and the result equals `relayout
// move`'s.
func TestWillRenameSeesFilesCreatedWithoutEvents(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, utilTree)
	ageTree(t, root)
	cfg := editorConfig{noDynamicWatch: true}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	e.await("index built", func(st *editorState) bool { return st.endsOf("relayout: indexing imports") >= 1 })

	add := map[string]string{
		"src/app/extra.py":         "from app.util import strings\n",
		"src/app/jobs/__init__.py": "",
		"src/app/jobs/nightly.py":  "import app.util.strings\n\nprint(app.util.strings.slug)\n",
		"src/app/main.py":          "import os\n\nfrom app.util.strings import slug as sl\nimport app.util.other\n\nprint(sl, os, app.util.other)\n",
	}
	testtool.WriteTree(t, root, add)
	tree := maps.Clone(utilTree)
	maps.Copy(tree, add)
	renameLikeCLI(t, e, root, tree, "src/app/util/strings.py", "src/app/util/text.py")
}

// renameLikeCLI renames from → to in the editor (willRenameFiles, its edit
// applied, the file renamed on disk) and checks the tree equals what
// `relayout move` makes of tree.
func renameLikeCLI(t *testing.T, e *editor, root string, tree map[string]string, from, to string) {
	t.Helper()
	we := willRename(e, root, from, to)
	checkTextOnly(t, we)
	e.apply(we)
	renameOnDisk(t, root, from, to)
	moves := []move.Move{{From: from, To: to}}
	if d := diffTrees(readTree(t, root), cliTree(t, tree, moves, refactor.MoveOptions{})); d != "" {
		t.Errorf("rename %s → %s differs from `relayout move`:\n%s", from, to, d)
	}
}

// ageTree sets the modification time of everything below root an hour
// back, as in a checkout an editor opens (recent directories are walked
// again on every request: their times cannot be trusted yet).
func ageTree(t testing.TB, root string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}
