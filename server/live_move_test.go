package server

import (
	"maps"
	"testing"

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
	we := willRename(e, root, "src/app/util/strings.py", "src/app/util/text.py")
	checkTextOnly(t, we)
	e.apply(we)
	renameOnDisk(t, root, "src/app/util/strings.py", "src/app/util/text.py")
	moves := []move.Move{{From: "src/app/util/strings.py", To: "src/app/util/text.py"}}
	if d := diffTrees(readTree(t, root), cliTree(t, tree, moves, refactor.MoveOptions{})); d != "" {
		t.Errorf("rename after edits on disk differs from `relayout move`:\n%s", d)
	}

	// Unsaved: text.py's import of other moves down two lines.
	u := e.open(root, "src/app/util/text.py")
	e.edit(u, "\n\nfrom app.util.other import X as Y\n\n\ndef slug(s):\n    return s + Y\n")
	we = willRename(e, root, "src/app/util/other.py", "src/app/util/helpers.py")
	e.apply(we)
	if got, want := e.buffer(u), "\n\nfrom app.util.helpers import X as Y\n\n\ndef slug(s):\n    return s + Y\n"; got != want {
		t.Errorf("unsaved buffer after the rename:\n%s\nwant:\n%s\nedit:\n%s", got, want, dumpEdit(we))
	}
}
