package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// billingTree is a src-layout Python project whose billing package sits
// at level 5 (limit 4); relayout.toml's plan moves it up in phase 2.
var billingTree = map[string]string{
	"relayout.toml":       "[[move]]\nfrom = \"src/app/backend/services/billing\"\nto = \"src/app/billing\"\nphase = 2\nnote = \"flatten billing\"\n",
	"src/app/__init__.py": "",
	"src/app/cli.py": "from app.backend.services.billing.invoice import total\n" +
		"from app.backend.services.billing import invoice\n\nprint(total, invoice)\n",
	"src/app/backend/__init__.py":                  "",
	"src/app/backend/services/__init__.py":         "",
	"src/app/backend/services/billing/__init__.py": "",
	"src/app/backend/services/billing/invoice.py":  "from .tax import rate\nfrom app.backend.services.billing.tax import rate as r2\n\n\ndef total():\n    return rate + r2\n",
	"src/app/backend/services/billing/tax.py":      "rate = 1\n",
}

const invoiceRel = "src/app/backend/services/billing/invoice.py"

// openProject writes files below a new root, starts a server and an editor
// with cfg, and waits for the folder's first open.
func openProject(t *testing.T, cfg editorConfig, files map[string]string) (*editor, string) {
	t.Helper()
	root := t.TempDir()
	testtool.WriteTree(t, root, files)
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	return e, root
}

// awaitSuggestions lists code actions for u, which starts the generation
// of the folder's plan when its snapshot has none yet (suggest.go), and
// waits until that generation ended, so the next listing offers the plan's
// quick fixes.
func awaitSuggestions(e *editor, u uri.URI) {
	e.t.Helper()
	ends := e.snapshot().endsOf("relayout: suggesting moves")
	listActions(e, u)
	var res statusResult
	if _, err := e.conn.Call(e.ctx(), methodStatus, struct{}{}, &res); err != nil {
		e.t.Fatal(err)
	}
	for _, f := range res.Folders {
		if f.Suggesting {
			e.await("the plan generated", func(st *editorState) bool { return st.endsOf("relayout: suggesting moves") > ends })
			return
		}
	}
}

// listActions sends textDocument/codeAction for u with the diagnostics
// the editor holds for it.
func listActions(e *editor, u uri.URI, only ...protocol.CodeActionKind) []protocol.CommandOrCodeAction {
	e.t.Helper()
	res, err := e.server.CodeAction(e.ctx(), &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u},
		Context:      protocol.CodeActionContext{Diagnostics: e.snapshot().diags[u], Only: only},
	})
	if err != nil {
		e.t.Fatalf("codeAction: %v", err)
	}
	return res
}

// codeActions returns the code actions among list, failing on commands.
func codeActions(t *testing.T, list []protocol.CommandOrCodeAction) []*protocol.CodeAction {
	t.Helper()
	var out []*protocol.CodeAction
	for _, x := range list {
		a, ok := x.(*protocol.CodeAction)
		if !ok {
			t.Fatalf("got %T, want code actions", x)
		}
		a.Data = bytes.Clone(a.Data) // the decoder may reuse its buffer for later messages
		out = append(out, a)
	}
	return out
}

// moveActions drops the actions that run a command (the plan's phases):
// what is left are the move actions with edits.
func moveActions(as []*protocol.CodeAction) []*protocol.CodeAction {
	var out []*protocol.CodeAction
	for _, a := range as {
		if a.Command.Command == "" {
			out = append(out, a)
		}
	}
	return out
}

// byKind returns the single move action (one with an edit to resolve,
// not a command) of kind.
func byKind(t *testing.T, as []*protocol.CodeAction, kind protocol.CodeActionKind) *protocol.CodeAction {
	t.Helper()
	var found *protocol.CodeAction
	for _, a := range as {
		if a.Kind != nil && *a.Kind == kind && a.Command.Command == "" {
			if found != nil {
				t.Fatalf("two %s actions", kind)
			}
			found = a
		}
	}
	if found == nil {
		t.Fatalf("no %s action among %d", kind, len(as))
	}
	return found
}

// dataOf decodes an action's data.
func dataOf(t *testing.T, a *protocol.CodeAction) actionData {
	t.Helper()
	var d actionData
	if err := json.Unmarshal(a.Data, &d); err != nil {
		t.Fatalf("data of %q: %v", a.Title, err)
	}
	return d
}

// resolveAction sends codeAction/resolve.
func resolveAction(e *editor, a *protocol.CodeAction) (*protocol.CodeAction, error) {
	return e.server.CodeActionResolve(e.ctx(), a)
}

// cliTree runs moves through the CLI path (refactor.Workspace.Move, then
// edit.Apply) on a fresh copy of files and returns the resulting tree.
func cliTree(t *testing.T, files map[string]string, moves []move.Move, opts refactor.MoveOptions) map[string][]byte {
	t.Helper()
	tree, err := cliTreeErr(t, files, moves, opts)
	if err != nil {
		t.Fatalf("CLI: %v", err)
	}
	return tree
}

// cliTreeErr is cliTree returning the engine's error.
func cliTreeErr(t *testing.T, files map[string]string, moves []move.Move, opts refactor.MoveOptions) (map[string][]byte, error) {
	t.Helper()
	root := t.TempDir()
	testtool.WriteTree(t, root, files)
	ws, err := refactor.Open(t.Context(), root)
	if err != nil {
		return nil, err
	}
	if !opts.UpdateStrings { // like the CLI without --update-strings
		opts.UpdateStrings = ws.Config.UpdateStrings()
	}
	cs, err := ws.Move(t.Context(), moves, opts)
	if err != nil {
		return nil, fmt.Errorf("move: %w", err)
	}
	if _, err := edit.Apply(t.Context(), ws.Root, ws.FileSet(), cs, edit.ApplyOptions{}); err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	return readTree(t, root), nil
}

// checkEditShape asserts the documentChanges order clients need: text
// edits of existing files first (old URIs), then creations, renames
// without ignoreIfExists, deletions, none inside another.
func checkEditShape(t *testing.T, root string, we *protocol.WorkspaceEdit) {
	t.Helper()
	if we == nil || len(we.DocumentChanges) == 0 {
		t.Fatalf("empty workspace edit")
	}
	phase := 0 // 0 text edits of existing files, 1 creates, 2 renames, 3 deletes
	created := map[uri.URI]bool{}
	var deleted []uri.URI
	for i, dc := range we.DocumentChanges {
		switch c := dc.(type) {
		case *protocol.TextDocumentEdit:
			if created[c.TextDocument.URI] {
				continue // content of a created file
			}
			if phase != 0 {
				t.Errorf("change %d: text edit of %s after file operations", i, c.TextDocument.URI)
			}
			p, _ := uriToPath(c.TextDocument.URI)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("change %d: text edit addressed to %s, which does not exist (want old URIs)", i, c.TextDocument.URI)
			}
		case *protocol.CreateFile:
			if phase > 1 {
				t.Errorf("change %d: create after renames (no shim here)", i)
			}
			phase = 1
			created[c.URI] = true
		case *protocol.RenameFile:
			if phase > 2 {
				t.Errorf("change %d: rename after deletes", i)
			}
			phase = 2
			if o := c.Options; o != nil && (o.IgnoreIfExists != nil || (o.Overwrite != nil && *o.Overwrite)) {
				t.Errorf("change %d: rename options %+v, want none (Neovim 0.7 skips renames with ignoreIfExists)", i, *o)
			}
		case *protocol.DeleteFile:
			phase = 3
			for _, d := range deleted {
				if strings.HasPrefix(string(c.URI), string(d)+"/") || strings.HasPrefix(string(d), string(c.URI)+"/") {
					t.Errorf("change %d: deletes %s and %s, one inside the other (VS Code refuses the edit)", i, d, c.URI)
				}
			}
			deleted = append(deleted, c.URI)
		}
	}
	raw, _ := protocol.Marshal(we)
	if strings.Contains(string(raw), "ignoreIfExists") {
		t.Errorf("edit carries ignoreIfExists: %s", raw)
	}
	if strings.Contains(string(raw), `"changes"`) {
		t.Errorf("edit carries changes besides documentChanges: %s", raw)
	}
}

func TestCodeActionsForTooDeepFile(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	if len(e.snapshot().diags[u]) != 1 {
		t.Fatalf("want the too-deep diagnostic first, got %+v", e.snapshot().diags[u])
	}
	awaitSuggestions(e, u)

	as := moveActions(codeActions(t, listActions(e, u)))
	if len(as) != 3 {
		t.Fatalf("%d actions, want the plan entry and the suggestion (its directory, and the file alone): %+v", len(as), as)
	}
	for _, a := range as {
		if a.Edit != nil {
			t.Errorf("%q: listed with an edit; edits belong to resolve", a.Title)
		}
		d := dataOf(t, a)
		if d.Folder != uri.File(root) || d.File != u || d.Version == nil || *d.Version != 1 || len(d.Moves) != 1 {
			t.Errorf("%q: data %+v", a.Title, d)
		}
		if !strings.HasPrefix(a.Title, moveTitle) && !strings.HasPrefix(a.Title, movePackageTitle) {
			t.Errorf("title %q", a.Title)
		}
	}

	planned := byKind(t, as, protocol.CodeActionKindRefactorMove)
	if want := moveTitle + "src/app/backend/services/billing → src/app/billing (plan phase 2, relayout.toml:1)"; planned.Title != want {
		t.Errorf("plan action %q, want %q", planned.Title, want)
	}
	if m := dataOf(t, planned).Moves[0]; m != (move.Move{From: "src/app/backend/services/billing", To: "src/app/billing"}) {
		t.Errorf("plan action moves %+v", m)
	}

	var fix, fileFix *protocol.CodeAction
	for _, a := range as {
		switch {
		case a.Kind == nil || *a.Kind != protocol.CodeActionKindQuickFix:
		case strings.HasPrefix(a.Title, moveTitle+invoiceRel+" → "):
			fileFix = a
		default:
			fix = a
		}
	}
	if fix == nil || fileFix == nil {
		t.Fatalf("want a quick fix moving the directory and one moving the file alone")
	}
	// The file alone goes where the directory move would put it.
	fm := dataOf(t, fileFix).Moves[0]
	if fm.From != invoiceRel || fileFix.IsPreferred != nil && *fileFix.IsPreferred {
		t.Errorf("file quick fix %q moves %+v (preferred %v)", fileFix.Title, fm, fileFix.IsPreferred)
	}
	if lvl, _ := depth.Level(".", fm.To); lvl > 4 {
		t.Errorf("file quick fix puts the file at %s, level %d", fm.To, lvl)
	}
	if len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != protocol.String(codeTooDeep) {
		t.Errorf("quickfix diagnostics %+v, want the too-deep one", fix.Diagnostics)
	}
	if fix.IsPreferred == nil || !*fix.IsPreferred {
		t.Errorf("quickfix not preferred")
	}
	if !strings.HasSuffix(fix.Title, " (suggested)") {
		t.Errorf("quickfix title %q does not say it is a suggestion", fix.Title)
	}
	// The suggestion brings the file within the limit.
	m := dataOf(t, fix).Moves[0]
	if !covers(m.From, invoiceRel) {
		t.Fatalf("suggested move %+v does not cover %s", m, invoiceRel)
	}
	after := m.To + strings.TrimPrefix(invoiceRel, m.From)
	if lvl, _ := depth.Level(".", after); lvl > 4 {
		t.Errorf("suggested move puts the file at %s, level %d", after, lvl)
	}

	// context.only filters by kind.
	if got := moveActions(codeActions(t, listActions(e, u, protocol.CodeActionKindRefactor))); len(got) != 1 || *got[0].Kind != protocol.CodeActionKindRefactorMove {
		t.Errorf("only refactor: %+v", got)
	}
	if got := codeActions(t, listActions(e, u, protocol.CodeActionKindQuickFix)); len(got) != 2 || *got[0].Kind != protocol.CodeActionKindQuickFix {
		t.Errorf("only quickfix: %+v", got)
	}
	if got := listActions(e, u, protocol.CodeActionKindSourceOrganizeImports); len(got) != 0 {
		t.Errorf("only organizeImports: %+v", got)
	}
	// A shallow file outside the plan has nothing to offer.
	if got := listActions(e, e.open(root, "src/app/cli.py")); len(got) != 0 {
		t.Errorf("cli.py: %d actions, want none", len(got))
	}
}

func TestResolveAppliesPlanMove(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)

	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if res.Title != planned.Title || res.Edit == nil {
		t.Fatalf("resolved %+v", res)
	}
	checkEditShape(t, root, res.Edit)
	// The open document's edit carries its version.
	for _, dc := range res.Edit.DocumentChanges {
		if te, ok := dc.(*protocol.TextDocumentEdit); ok && te.TextDocument.URI == u {
			if v := te.TextDocument.Version; v == nil || *v != 1 {
				t.Errorf("edit of the open document has version %v, want 1", v)
			}
		} else if ok && te.TextDocument.Version != nil {
			t.Errorf("edit of unopened %s has version %d, want null", te.TextDocument.URI, *te.TextDocument.Version)
		}
	}

	e.apply(res.Edit)
	e.saveAll()
	got := readTree(t, root)
	if c := string(got["src/app/cli.py"]); c != "from app.billing.invoice import total\nfrom app.billing import invoice\n\nprint(total, invoice)\n" {
		t.Errorf("importer not rewritten:\n%s", c)
	}
	if c := string(got["src/app/billing/invoice.py"]); !strings.Contains(c, "from app.billing.tax import rate as r2") || !strings.Contains(c, "from .tax import rate\n") {
		t.Errorf("moved module:\n%s", c)
	}
	if _, ok := got["src/app/backend/services/billing/"]; ok {
		t.Errorf("old package directory left behind")
	}
	want := cliTree(t, billingTree, dataOf(t, planned).Moves, refactor.MoveOptions{})
	if d := diffTrees(got, want); d != "" {
		t.Errorf("editor result differs from `relayout move`:\n%s", d)
	}
	// The moved buffer followed its file.
	e.sync()
	if _, _, open := e.srv.documentText(fileURI(root, "src/app/billing/invoice.py")); !open {
		t.Errorf("the moved document is not open at its new URI")
	}
}

func TestResolveAddressesUnsavedText(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)

	// The importer is open with unsaved lines that shift every offset.
	cli := e.open(root, "src/app/cli.py", "import os  # 😀 unsaved\n"+billingTree["src/app/cli.py"]+"from app.backend.services.billing.tax import rate\n")
	e.edit(cli, "import sys\nimport os  # 😀 unsaved\n"+billingTree["src/app/cli.py"]+"from app.backend.services.billing.tax import rate\n")
	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	var cliEdit *protocol.TextDocumentEdit
	for _, dc := range res.Edit.DocumentChanges {
		if te, ok := dc.(*protocol.TextDocumentEdit); ok && te.TextDocument.URI == cli {
			cliEdit = te
		}
	}
	if cliEdit == nil || cliEdit.TextDocument.Version == nil || *cliEdit.TextDocument.Version != 2 {
		t.Fatalf("edit of the open importer: %+v, want version 2", cliEdit)
	}
	e.apply(res.Edit)
	text := e.buffer(cli)
	want := "import sys\nimport os  # 😀 unsaved\nfrom app.billing.invoice import total\nfrom app.billing import invoice\n\nprint(total, invoice)\nfrom app.billing.tax import rate\n"
	if text != want {
		t.Errorf("unsaved importer after the edit:\n%s\nwant:\n%s", text, want)
	}
	e.sync()
	if srvText, v, _ := e.srv.documentText(cli); srvText != want || v != 3 {
		t.Errorf("the server's copy (version %d) after the editor's didChange:\n%s", v, srvText)
	}
	if disk, _ := os.ReadFile(filepath.Join(root, "src/app/cli.py")); string(disk) != billingTree["src/app/cli.py"] {
		t.Errorf("the edit of an open document went to disk:\n%s", disk)
	}
}

func TestResolveRejectsStaleVersion(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
	e.edit(u, "# edited\n"+billingTree[invoiceRel])
	_, err := resolveAction(e, planned)
	if rpcCode(err) != protocol.CodeContentModified {
		t.Fatalf("resolve after an edit: %v, want ContentModified", err)
	}
	if !strings.Contains(err.Error(), "version 1, now 2") {
		t.Errorf("error %q does not say what changed", err)
	}
	// Listing again yields a fresh action that resolves.
	planned = byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
	if _, err := resolveAction(e, planned); err != nil {
		t.Errorf("resolve of the fresh action: %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	t.Run("no resource operations", func(t *testing.T) {
		cfg := editorConfig{resourceOps: []protocol.ResourceOperationKind{}}
		e, root := openProject(t, cfg, billingTree)
		u := e.open(root, invoiceRel)
		planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
		_, err := resolveAction(e, planned)
		if rpcCode(err) != codeRequestFailed || !strings.Contains(err.Error(), "cannot move files") {
			t.Errorf("resolve: %v, want RequestFailed saying the editor cannot move files", err)
		}
	})
	t.Run("invalid move", func(t *testing.T) {
		cfg := editorConfig{}
		e, root := openProject(t, cfg, billingTree)
		u := e.open(root, invoiceRel)
		planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
		// The target appears after listing: the move is now impossible.
		testtool.WriteTree(t, root, map[string]string{"src/app/billing/x.py": ""})
		// A file (not a directory) now blocks the target.
		d := dataOf(t, planned)
		d.Moves = []move.Move{{From: invoiceRel, To: "src/app/billing/x.py"}}
		planned.Data, _ = json.Marshal(d)
		_, err := resolveAction(e, planned)
		if rpcCode(err) != codeRequestFailed || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("resolve: %v, want RequestFailed naming the existing target", err)
		}
	})
	t.Run("no data", func(t *testing.T) {
		cfg := editorConfig{}
		e, _ := openProject(t, cfg, billingTree)
		_, err := resolveAction(e, &protocol.CodeAction{Title: "x"})
		if rpcCode(err) != jsonrpc2.InvalidParams {
			t.Errorf("resolve without data: %v, want InvalidParams", err)
		}
	})
}

// TestEagerEditsWithoutResolveSupport: Neovim 0.7 cannot resolve edits
// and does not declare documentChanges (it applies them all the same).
func TestEagerEditsWithoutResolveSupport(t *testing.T) {
	cfg := editorConfig{noResolve: true, noDocumentChanges: true}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	awaitSuggestions(e, u)
	as := moveActions(codeActions(t, listActions(e, u)))
	if len(as) != 3 {
		t.Fatalf("%d actions, want 3", len(as))
	}
	for _, a := range as {
		if a.Edit == nil {
			t.Fatalf("%q listed without its edit for a client that cannot resolve", a.Title)
		}
		checkEditShape(t, root, a.Edit)
	}
	planned := byKind(t, as, protocol.CodeActionKindRefactorMove)
	e.apply(planned.Edit)
	e.saveAll()
	want := cliTree(t, billingTree, dataOf(t, planned).Moves, refactor.MoveOptions{})
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}
}

func TestEagerEditFailureDisablesAction(t *testing.T) {
	cfg := editorConfig{noResolve: true, resourceOps: []protocol.ResourceOperationKind{}}
	e, root := openProject(t, cfg, billingTree)
	u := e.open(root, invoiceRel)
	awaitSuggestions(e, u)
	as := moveActions(codeActions(t, listActions(e, u)))
	if len(as) != 3 {
		t.Fatalf("%d actions, want 3 (disabled)", len(as))
	}
	for _, a := range as {
		if a.Edit != nil || !strings.Contains(a.Disabled.Reason, "cannot move files") {
			t.Errorf("%q: edit %v, disabled %q; want disabled because the editor cannot rename", a.Title, a.Edit != nil, a.Disabled.Reason)
		}
	}
	cfg.noDisabled = true
	e, root = openProject(t, cfg, billingTree)
	if as := listActions(e, e.open(root, invoiceRel)); len(as) != 0 {
		t.Errorf("%d actions for a client that can neither rename nor show disabled actions", len(as))
	}
}

// TestCommandsWithoutLiteralSupport: an editor without code action
// literals gets relayout.move commands, which it executes.
func TestCommandsWithoutLiteralSupport(t *testing.T) {
	cfg := editorConfig{noLiterals: true}
	e, root := openProject(t, cfg, billingTree)
	list := listActions(e, e.open(root, invoiceRel))
	var cmd *protocol.Command
	for _, x := range list {
		c, ok := x.(*protocol.Command)
		if !ok {
			t.Fatalf("got %T, want commands", x)
		}
		if strings.Contains(c.Title, "plan phase 2") {
			cmd = c
		}
	}
	if cmd == nil || cmd.Command != commandMove || len(cmd.Arguments) != 3 {
		t.Fatalf("commands %+v", list)
	}
	if _, err := e.server.ExecuteCommand(e.ctx(), &protocol.ExecuteCommandParams{Command: cmd.Command, Arguments: cmd.Arguments}); err != nil {
		t.Fatalf("executeCommand: %v", err)
	}
	want := cliTree(t, billingTree, []move.Move{{From: "src/app/backend/services/billing", To: "src/app/billing"}}, refactor.MoveOptions{})
	e.saveAll()
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}
}

// TestTypeScriptMove moves a TS module through its plan entry: importers'
// relative specifiers follow it, and its own are recomputed.
func TestTypeScriptMove(t *testing.T) {
	files := map[string]string{
		"relayout.toml":                      "[[move]]\nfrom = \"src/features/billing/lib/format.ts\"\nto = \"src/shared/format.ts\"\nphase = 1\n",
		"tsconfig.json":                      `{ "compilerOptions": { "strict": true }, "include": ["src"] }` + "\n",
		"src/features/billing/lib/format.ts": "import { clamp } from './math';\nexport const format = (n: number) => String(clamp(n));\n",
		"src/features/billing/lib/math.ts":   "export const clamp = (n: number) => Math.max(0, n);\n",
		"src/main.ts":                        "import { format } from \"./features/billing/lib/format\";\nconsole.log(format(1));\n",
	}
	cfg := editorConfig{}
	e, root := openProject(t, cfg, files)
	u := e.open(root, "src/features/billing/lib/format.ts")
	planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	checkEditShape(t, root, res.Edit)
	e.apply(res.Edit)
	e.saveAll()
	got := readTree(t, root)
	if c := string(got["src/main.ts"]); c != "import { format } from \"./shared/format\";\nconsole.log(format(1));\n" {
		t.Errorf("importer:\n%s", c)
	}
	if c := string(got["src/shared/format.ts"]); c != "import { clamp } from '../features/billing/lib/math';\nexport const format = (n: number) => String(clamp(n));\n" {
		t.Errorf("moved module:\n%s", c)
	}
	want := cliTree(t, files, []move.Move{{From: "src/features/billing/lib/format.ts", To: "src/shared/format.ts"}}, refactor.MoveOptions{})
	if d := diffTrees(got, want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}
}

// TestQuickFixKeepsRoutes: a too-deep page of a Next.js app router gets no
// quick fix that renames or re-parents a route segment, nor one creating
// a second app directory; a too-deep helper outside the router gets its
// fixes as usual.
func TestQuickFixKeepsRoutes(t *testing.T) {
	page := "web/src/app/(shop)/products/[id]/reviews/page.tsx"
	helper := "web/src/lib/format/date/parts/day.ts"
	files := map[string]string{
		"web/next.config.js":     "module.exports = {};\n",
		"web/package.json":       `{"dependencies": {"next": "15.0.0"}}` + "\n",
		"web/src/app/layout.tsx": "export default function Layout() { return null; }\n",
		page:                     "export default function Page() { return null; }\n",
		helper:                   "export const day = 1;\n",
		"web/src/lib/use.ts":     "import { day } from './format/date/parts/day';\nexport const u = day;\n",
	}
	e, root := openProject(t, editorConfig{}, files)
	awaitSuggestions(e, e.open(root, page))
	for _, rel := range []string{page, helper} {
		u := e.open(root, rel)
		var n int
		for _, a := range moveActions(codeActions(t, listActions(e, u, protocol.CodeActionKindQuickFix))) {
			n++
			m := dataOf(t, a).Moves[0]
			if !routeSafe(e.srv.folders[uri.File(root)].current().Listing.Files, m.From, m.To) {
				t.Errorf("%s: quick fix %q changes a route", rel, a.Title)
			}
			if strings.HasPrefix(m.From, "web/src/app/") || strings.HasPrefix(m.To, "web/app") || strings.HasPrefix(m.To, "web/src/app/") {
				t.Errorf("%s: quick fix %q moves route files", rel, a.Title)
			}
		}
		if rel == helper && n == 0 {
			t.Errorf("%s: no quick fix for a too-deep file outside the router", rel)
		}
	}
	for _, tc := range []struct {
		from, to string
		safe     bool
	}{
		{"web/src/app/(shop)/products", "web/src/products", false},      // re-parented segment
		{"web/src/app/(shop)/products/[id]", "web/src/app/[id]", false}, // renamed route
		{"web/src/lib/format", "web/src/app/format", false},             // into the router
		{"web/src/lib/format", "web/app/format", false},                 // a second app directory
		{"web/src/app", "web/app", true},                                // the whole app root
		{"web/src/lib/format/date/parts/day.ts", "web/src/lib/day.ts", true},
	} {
		var listing []workspace.Entry
		for p := range files {
			listing = append(listing, workspace.Entry{Path: p})
		}
		if got := routeSafe(listing, tc.from, tc.to); got != tc.safe {
			t.Errorf("routeSafe(%s → %s) = %v, want %v", tc.from, tc.to, got, tc.safe)
		}
	}
}
