package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/move"
)

// utilTree is a src-layout project whose util package is imported in
// several forms, from outside and from inside the package.
var utilTree = map[string]string{
	"src/app/__init__.py":      "",
	"src/app/main.py":          "from app.util.strings import slug\nfrom app.util import strings\nimport app.util.other\n\nprint(slug, strings, app.util.other)\n",
	"src/app/util/__init__.py": "",
	"src/app/util/strings.py":  "from app.util.other import X\n\n\ndef slug(s):\n    return s + X\n",
	"src/app/util/other.py":    "X = '-'\n",
}

// willRename sends workspace/willRenameFiles for old → new pairs of paths
// below root.
func willRename(e *editor, root string, pairs ...string) *protocol.WorkspaceEdit {
	e.t.Helper()
	p := &protocol.RenameFilesParams{}
	for i := 0; i < len(pairs); i += 2 {
		p.Files = append(p.Files, protocol.FileRename{OldURI: string(fileURI(root, pairs[i])), NewURI: string(fileURI(root, pairs[i+1]))})
	}
	we, err := e.server.WillRenameFiles(e.ctx(), p)
	if err != nil {
		e.t.Fatalf("willRenameFiles: %v", err)
	}
	return we
}

// renameOnDisk performs the rename the editor announced.
func renameOnDisk(t *testing.T, root, from, to string) {
	t.Helper()
	dst := filepath.Join(root, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, filepath.FromSlash(from)), dst); err != nil {
		t.Fatal(err)
	}
}

// checkTextOnly asserts that a willRenameFiles answer holds text edits
// only, each addressed to a file that exists before the rename.
func checkTextOnly(t *testing.T, we *protocol.WorkspaceEdit) {
	t.Helper()
	for i, dc := range we.DocumentChanges {
		te, ok := dc.(*protocol.TextDocumentEdit)
		if !ok {
			t.Errorf("change %d is a %T, want text edits only", i, dc)
			continue
		}
		p, _ := uriToPath(te.TextDocument.URI)
		if _, err := os.Stat(p); err != nil {
			t.Errorf("change %d addressed to %s, which does not exist before the rename (want old URIs)", i, te.TextDocument.URI)
		}
	}
}

func TestWillRenameFile(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	we := willRename(e, root, "src/app/util/strings.py", "src/app/util/text.py")
	checkTextOnly(t, we)
	if len(we.DocumentChanges) != 1 {
		t.Errorf("%d documents edited, want main.py only:\n%s", len(we.DocumentChanges), dumpEdit(we))
	}
	e.apply(we)
	renameOnDisk(t, root, "src/app/util/strings.py", "src/app/util/text.py")
	got := readTree(t, root)
	if c := string(got["src/app/main.py"]); c != "from app.util.text import slug\nfrom app.util import text as strings\nimport app.util.other\n\nprint(slug, strings, app.util.other)\n" {
		t.Errorf("main.py:\n%s", c)
	}
	want := cliTree(t, utilTree, []move.Move{{From: "src/app/util/strings.py", To: "src/app/util/text.py"}}, refactor.MoveOptions{})
	if d := diffTrees(got, want); d != "" {
		t.Errorf("editor rename differs from `relayout move`:\n%s", d)
	}
}

// TestWillRenameFolder: the folder arrives without its children; the
// edits of files inside it are addressed to their old URIs.
func TestWillRenameFolder(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	inside := e.open(root, "src/app/util/strings.py") // open: its edit carries the version
	we := willRename(e, root, "src/app/util", "src/app/helpers")
	checkTextOnly(t, we)
	found := false
	for _, dc := range we.DocumentChanges {
		if te := dc.(*protocol.TextDocumentEdit); te.TextDocument.URI == inside {
			found = true
			if te.TextDocument.Version == nil || *te.TextDocument.Version != 1 {
				t.Errorf("edit of the open document inside the folder: version %v, want 1", te.TextDocument.Version)
			}
		}
	}
	if !found {
		t.Errorf("no edit addressed to %s (its old URI):\n%s", inside, dumpEdit(we))
	}
	e.apply(we)
	e.saveAll()
	renameOnDisk(t, root, "src/app/util", "src/app/helpers")
	got := readTree(t, root)
	if c := string(got["src/app/helpers/strings.py"]); !strings.HasPrefix(c, "from app.helpers.other import X\n") {
		t.Errorf("file inside the renamed folder:\n%s", c)
	}
	if c := string(got["src/app/main.py"]); !strings.Contains(c, "from app.helpers.strings import slug\nfrom app.helpers import strings\nimport app.helpers.other\n") {
		t.Errorf("main.py:\n%s", c)
	}
	want := cliTree(t, utilTree, []move.Move{{From: "src/app/util", To: "src/app/helpers"}}, refactor.MoveOptions{})
	if d := diffTrees(got, want); d != "" {
		t.Errorf("editor rename differs from `relayout move`:\n%s", d)
	}
}

// TestWillRenameCreatesPackage: a module moved into a new directory of a
// regular-package project needs an __init__.py there; it is created when
// the client can create files, and left out otherwise.
func TestWillRenameCreatesPackage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ops    []protocol.ResourceOperationKind
		create bool
	}{
		{"with create", nil, true},
		{"without create", []protocol.ResourceOperationKind{"rename"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := editorConfig{resourceOps: tc.ops}
			e, root := openProject(t, cfg, utilTree)
			we := willRename(e, root, "src/app/util/other.py", "src/app/consts/other.py")
			var creates []uri.URI
			for _, dc := range we.DocumentChanges {
				if c, ok := dc.(*protocol.CreateFile); ok {
					creates = append(creates, c.URI)
				}
			}
			want := []uri.URI{}
			if tc.create {
				want = append(want, fileURI(root, "src/app/consts/__init__.py"))
			}
			if len(creates) != len(want) || (len(want) == 1 && creates[0] != want[0]) {
				t.Fatalf("creates %v, want %v:\n%s", creates, want, dumpEdit(we))
			}
			e.apply(we)
			renameOnDisk(t, root, "src/app/util/other.py", "src/app/consts/other.py")
			got := readTree(t, root)
			if c := string(got["src/app/util/strings.py"]); !strings.HasPrefix(c, "from app.consts.other import X\n") {
				t.Errorf("importer:\n%s", c)
			}
			if tc.create {
				want := cliTree(t, utilTree, []move.Move{{From: "src/app/util/other.py", To: "src/app/consts/other.py"}}, refactor.MoveOptions{})
				if d := diffTrees(got, want); d != "" {
					t.Errorf("editor rename differs from `relayout move`:\n%s", d)
				}
			}
		})
	}
}

// TestWillRenameWithoutDocumentChanges: a client with neither
// documentChanges nor resource operations gets the plain changes map.
func TestWillRenameWithoutDocumentChanges(t *testing.T) {
	cfg := editorConfig{noDocumentChanges: true, resourceOps: []protocol.ResourceOperationKind{}}
	e, root := openProject(t, cfg, utilTree)
	we := willRename(e, root, "src/app/util/strings.py", "src/app/util/text.py")
	if len(we.DocumentChanges) != 0 || len(we.Changes[fileURI(root, "src/app/main.py")]) != 2 {
		t.Fatalf("want two plain changes to main.py:\n%s", dumpEdit(we))
	}
	e.apply(we)
	renameOnDisk(t, root, "src/app/util/strings.py", "src/app/util/text.py")
	if c, _ := os.ReadFile(filepath.Join(root, "src/app/main.py")); !strings.HasPrefix(string(c), "from app.util.text import slug\n") {
		t.Errorf("main.py:\n%s", c)
	}
}

func TestWillRenameIgnoresWhatItCannotMove(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	other := t.TempDir()
	for _, pairs := range [][]string{
		{"src/app/missing.py", "src/app/gone.py"}, // not in the workspace
	} {
		if we := willRename(e, root, pairs...); len(we.DocumentChanges) != 0 || len(we.Changes) != 0 {
			t.Errorf("%v: edit %s, want none", pairs, dumpEdit(we))
		}
	}
	// Out of the folder, and from outside any folder.
	we, err := e.server.WillRenameFiles(e.ctx(), &protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(fileURI(root, "src/app/main.py")), NewURI: string(uri.File(filepath.Join(other, "main.py")))},
		{OldURI: string(uri.File(filepath.Join(other, "x.py"))), NewURI: string(uri.File(filepath.Join(other, "y.py")))},
		{OldURI: "untitled:Untitled-1", NewURI: "untitled:Untitled-2"},
	}})
	if err != nil || len(we.DocumentChanges) != 0 {
		t.Errorf("willRenameFiles: %v %s, want an empty edit", err, dumpEdit(we))
	}
}

// TestWillRenameUnimportableWarns: a rename no import can follow (a
// module renamed to a name with a dash) gets no edits — the engine refuses
// it whole — and the user is told which importers will break, since the
// editor renames anyway.
func TestWillRenameUnimportableWarns(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	we := willRename(e, root, "src/app/util/other.py", "src/app/util/my-other.py")
	if len(we.DocumentChanges) != 0 || len(we.Changes) != 0 {
		t.Errorf("edit %s, want none", dumpEdit(we))
	}
	st := e.snapshot()
	if len(st.messages) != 1 || st.messages[0].Type != protocol.MessageTypeWarning ||
		!strings.Contains(st.messages[0].Message, "src/app/main.py") {
		t.Errorf("showMessage = %+v, want one warning naming the importer src/app/main.py", st.messages)
	}
}

// TestWillRenameWarnsOfRouteChange: renaming a Next.js route folder in the
// explorer changes a URL; the editor renames anyway, so the user is told.
func TestWillRenameWarnsOfRouteChange(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, map[string]string{
		"package.json":          `{"name": "web", "dependencies": {"next": "14.2.0"}}`,
		"next.config.js":        "module.exports = {};\n",
		"tsconfig.json":         `{"compilerOptions": {"jsx": "preserve"}, "include": ["**/*.ts", "**/*.tsx"]}`,
		"app/layout.tsx":        "export default function L({ children }: { children: any }) { return children; }\n",
		"app/about/page.tsx":    "export default function About() { return null; }\n",
		"app/about/content.tsx": "export const Text = 'about';\n",
	})
	willRename(e, root, "app/about", "app/info")
	st := e.snapshot()
	if len(st.messages) != 1 || st.messages[0].Type != protocol.MessageTypeWarning ||
		!strings.Contains(st.messages[0].Message, "/about") {
		t.Errorf("showMessage = %+v, want one warning naming the /about route", st.messages)
	}
}

// TestWillRenameEchoOfOwnEdit: VS Code announces the renames of a code
// action's edit with willRenameFiles while applying it; the server
// answers those with an empty edit, once.
func TestWillRenameEchoOfOwnEdit(t *testing.T) {
	cfg := editorConfig{echoRenames: true}
	e, root := openProject(t, cfg, billingTree)
	planned := byKind(t, codeActions(t, listActions(e, e.open(root, invoiceRel))), protocol.CodeActionKindRefactorMove)
	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatal(err)
	}
	renames := 0
	for _, dc := range res.Edit.DocumentChanges {
		if _, ok := dc.(*protocol.RenameFile); ok {
			renames++
		}
	}
	e.apply(res.Edit) // sends willRenameFiles before each rename
	st := e.snapshot()
	if len(st.echoAnswers) != renames || renames == 0 {
		t.Fatalf("%d echoes for %d renames", len(st.echoAnswers), renames)
	}
	for i, ans := range st.echoAnswers {
		if len(ans.DocumentChanges) != 0 || len(ans.Changes) != 0 {
			t.Errorf("echo %d answered with edits (imports rewritten twice):\n%s", i, dumpEdit(ans))
		}
	}
	e.saveAll()
	want := cliTree(t, billingTree, dataOf(t, planned).Moves, refactor.MoveOptions{})
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}

	// An echo is consumed once: the same rename made again by the user
	// (back and forth) is fixed normally.
	we := willRename(e, root, "src/app/billing/tax.py", "src/app/backend/services/billing/tax.py")
	if len(we.DocumentChanges) == 0 {
		t.Errorf("a user rename matching a consumed echo got an empty edit")
	}
}

// TestWillRenameAfterUnappliedAction: a code action resolved (an editor
// previews it) but never applied is no echo: the user then dragging the
// same files to the same place gets every import fixed.
func TestWillRenameAfterUnappliedAction(t *testing.T) {
	e, root := openProject(t, editorConfig{echoRenames: true}, billingTree)
	planned := byKind(t, codeActions(t, listActions(e, e.open(root, invoiceRel))), protocol.CodeActionKindRefactorMove)
	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatal(err)
	}
	// The user selects the same files and drags them where the action
	// would have put them.
	var pairs []string
	for _, dc := range res.Edit.DocumentChanges {
		if r, ok := dc.(*protocol.RenameFile); ok {
			op, _ := uriToPath(r.OldURI)
			np, _ := uriToPath(r.NewURI)
			from, _ := pathToRel(root, op)
			to, _ := pathToRel(root, np)
			pairs = append(pairs, from, to)
		}
	}
	we := willRename(e, root, pairs...)
	if len(we.DocumentChanges) == 0 {
		t.Fatalf("the user's rename got an empty edit (taken for an echo of an action never applied)")
	}
	e.apply(we)
	e.saveAll()
	for i := 0; i < len(pairs); i += 2 {
		renameOnDisk(t, root, pairs[i], pairs[i+1])
	}
	// A rename leaves deletions to the user: compare the files the CLI
	// keeps.
	want := cliTree(t, billingTree, dataOf(t, planned).Moves, refactor.MoveOptions{})
	got := readTree(t, root)
	for p := range got {
		if _, ok := want[p]; !ok && strings.HasPrefix(p, "src/app/backend/") {
			delete(got, p)
		}
	}
	if d := diffTrees(got, want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}
}

// TestEditPositionsFollowEncoding: the same edit on a line with non-BMP
// characters before the import, in utf-16 and in utf-8.
func TestEditPositionsFollowEncoding(t *testing.T) {
	files := map[string]string{
		"app/__init__.py": "",
		"app/old.py":      "X = 1\n",
		"app/use.py":      "s = \"😀𝄞\"; from app.old import X\n",
	}
	for _, tc := range []struct {
		offered    []protocol.PositionEncodingKind
		start, end uint32
	}{
		{nil, 17, 24}, // 😀 and 𝄞 are two UTF-16 code units each
		{[]protocol.PositionEncodingKind{"utf-8", "utf-16"}, 21, 28},  // and four bytes each
		{[]protocol.PositionEncodingKind{"utf-32", "utf-16"}, 17, 24}, // utf-32 is not chosen
	} {
		t.Run(string(kindToEncodingName(tc.offered)), func(t *testing.T) {
			cfg := editorConfig{encodings: tc.offered}
			e, root := openProject(t, cfg, files)
			we := willRename(e, root, "app/old.py", "app/new.py")
			if len(we.DocumentChanges) != 1 {
				t.Fatalf("want one edited document:\n%s", dumpEdit(we))
			}
			te := we.DocumentChanges[0].(*protocol.TextDocumentEdit)
			r := te.Edits[0].(*protocol.TextEdit).Range
			if r.Start != (protocol.Position{Character: tc.start}) || r.End != (protocol.Position{Character: tc.end}) {
				t.Errorf("range %+v, want 0:%d-0:%d", r, tc.start, tc.end)
			}
			e.apply(we)
			if c, _ := os.ReadFile(filepath.Join(root, "app/use.py")); string(c) != "s = \"😀𝄞\"; from app.new import X\n" {
				t.Errorf("use.py:\n%s", c)
			}
		})
	}
}

// kindToEncodingName names a test case by the encodings offered.
func kindToEncodingName(offered []protocol.PositionEncodingKind) string {
	if offered == nil {
		return "none offered"
	}
	var parts []string
	for _, k := range offered {
		parts = append(parts, string(k))
	}
	return strings.Join(parts, ",")
}
