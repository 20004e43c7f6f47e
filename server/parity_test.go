package server

// parity_test.go: the CLI and the server must leave the same tree. Every
// move fixture of the engine (refactor/move/testdata, the spec of moves)
// that succeeds runs through the CLI path (refactor.Workspace.Move, then
// edit.Apply) and through the server — codeAction/resolve when it takes
// no options, relayout.move with its options otherwise — with the fake
// editor applying the edit; the trees must be byte-identical.

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/move"
)

// moveFixture is the part of an engine fixture parity needs.
type moveFixture struct {
	files map[string]string
	moves []move.Move
	opts  map[string]bool
	skip  string // why the fixture does not apply
}

func parseMoveFixture(t *testing.T, file string) moveFixture {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fx := moveFixture{files: map[string]string{}, opts: map[string]bool{}}
	for _, f := range ar.Files {
		switch {
		case f.Name == "@move":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				from, to, _ := strings.Cut(line, "->")
				fx.moves = append(fx.moves, move.Move{From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
			}
		case f.Name == "@options":
			for _, o := range strings.Fields(string(f.Data)) {
				fx.opts[o] = true
			}
		case f.Name == "@error":
			fx.skip = "an error case"
		case f.Name == "@symlinks":
			fx.skip = "needs symlinks"
		case f.Name == "@merge":
			fx.skip = "a merge: the server does not offer merges yet"
		case strings.HasPrefix(f.Name, "@"):
		default:
			fx.files[f.Name] = string(f.Data)
		}
	}
	if fx.skip == "" && len(fx.moves) == 0 {
		fx.skip = "no @move section"
	}
	return fx
}

func TestParityWithCLI(t *testing.T) {
	files, err := filepath.Glob("../refactor/move/testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no engine fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			fx := parseMoveFixture(t, file)
			if fx.skip != "" {
				t.Skip(fx.skip)
			}
			opts := refactor.MoveOptions{Force: fx.opts["force"], Shim: fx.opts["shim"], UpdateStrings: fx.opts["update-strings"]}
			want := cliTree(t, fx.files, fx.moves, opts)

			cfg := editorConfig{echoRenames: true} // like VS Code
			e, root := openProject(t, cfg, fx.files)
			if len(fx.opts) == 0 {
				resolveMoves(t, e, root, fx.moves)
			} else {
				res, err := runCommand(e, commandArgs(root, fx.moves, opts))
				if err != nil || !res.Applied {
					t.Fatalf("relayout.move: %+v %v", res, err)
				}
			}
			e.saveAll()
			if d := diffTrees(readTree(t, root), want); d != "" {
				t.Errorf("server result differs from the CLI's:\n%s", d)
			}
		})
	}
}

// TestParityWithCLIOptions runs moves with options (the engine's fixtures
// have none) through relayout.move and the CLI: a shim created where the
// module was (a creation after the renames), an overwritten target (a
// deletion before them), rewritten possible references.
func TestParityWithCLIOptions(t *testing.T) {
	withTarget := map[string]string{"src/app/billing.py": "OLD = 1\n"}
	for name, file := range billingTree {
		withTarget[name] = file
	}
	withStrings := map[string]string{"scripts/run.sh": "python -m app.backend.services.billing.invoice\n"}
	for name, file := range billingTree {
		withStrings[name] = file
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		moves []move.Move
		opts  refactor.MoveOptions
	}{
		{"shim", billingTree, []move.Move{{From: invoiceRel, To: "src/app/invoice.py"}}, refactor.MoveOptions{Shim: true}},
		{"force", withTarget, []move.Move{{From: invoiceRel, To: "src/app/billing.py"}}, refactor.MoveOptions{Force: true}},
		{"update strings", withStrings, []move.Move{{From: invoiceRel, To: "src/app/invoice.py"}}, refactor.MoveOptions{UpdateStrings: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := cliTreeErr(t, tc.files, tc.moves, tc.opts)
			if err != nil {
				t.Fatalf("CLI: %v", err)
			}
			for _, echo := range []bool{false, true} {
				cfg := editorConfig{echoRenames: echo}
				e, root := openProject(t, cfg, tc.files)
				res, err := runCommand(e, commandArgs(root, tc.moves, tc.opts))
				if err != nil || !res.Applied {
					t.Fatalf("relayout.move: %+v %v", res, err)
				}
				if d := diffTrees(readTree(t, root), want); d != "" {
					t.Errorf("echo=%v: server result differs from the CLI's:\n%s", echo, d)
				}
			}
		})
	}
}

// commandArgs are relayout.move's arguments for moves with opts; strings
// are left to relayout.toml unless opts.UpdateStrings (as the CLI without
// --update-strings).
func commandArgs(root string, moves []move.Move, opts refactor.MoveOptions) map[string]any {
	args := map[string]any{"folder": string(fileURI(root, "")), "moves": moves, "force": opts.Force, "shim": opts.Shim}
	if opts.UpdateStrings {
		args["updateStrings"] = true
	}
	return args
}

// resolveMoves resolves a move action for moves (data as the server lists
// it) and applies its edit.
func resolveMoves(t *testing.T, e *editor, root string, moves []move.Move) {
	t.Helper()
	data, err := json.Marshal(actionData{Folder: fileURI(root, ""), File: fileURI(root, moves[0].From), Moves: moves})
	if err != nil {
		t.Fatal(err)
	}
	res, err := resolveAction(e, &protocol.CodeAction{Title: moveTitle + describeMoves(moves), Data: data})
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	e.apply(res.Edit)
}

// TestParitySequences: sequences of single moves, each made through a
// resolved code action (the edits a willRenameFiles answer carries plus
// the renames), leave after every step the tree `relayout move` leaves
// for the same step: across two languages, a tsconfig moving ahead of its
// files, and a namespace package (no __init__.py) whose modules are named
// by an entry point and a Procfile.
func TestParitySequences(t *testing.T) {
	nsTree := map[string]string{
		"pyproject.toml":         "[project.scripts]\nwork = \"app.jobs.worker:main\"\n\n[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
		"Procfile":               "worker: python -m app.jobs.worker\n",
		"src/app/__init__.py":    "",
		"src/app/jobs/worker.py": "from app.jobs.util import helper\n\n\ndef main():\n    return helper()\n",
		"src/app/jobs/util.py":   "def helper():\n    return 1\n",
		"frontend/tsconfig.json": `{"compilerOptions": {"strict": true}, "include": ["src"]}` + "\n",
		"frontend/src/a.ts":      "import { b } from './b';\nexport const a = b;\n",
		"frontend/src/b.ts":      "export const b = 1;\n",
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		steps []move.Move
	}{
		{"plan", planTree, []move.Move{
			{From: "src/app/backend/core/util/text.py", To: "src/app/text.py"},
			{From: "web/src/lib/format/date/fmt.ts", To: "web/src/lib/fmt.ts"},
			{From: "web/src/components/ui/widgets", To: "web/src/widgets"},
			{From: "src/app/backend/api/server", To: "src/app/server"},
		}},
		{"namespace and tsconfig ahead", nsTree, []move.Move{
			{From: "src/app/jobs/util.py", To: "src/app/util.py"},
			{From: "src/app/jobs/worker.py", To: "src/app/tasks/worker.py"},
			{From: "frontend/tsconfig.json", To: "web/tsconfig.json"},
			{From: "frontend/src/b.ts", To: "web/src/b.ts"},
			{From: "frontend/src/a.ts", To: "web/src/a.ts"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, root := openProject(t, editorConfig{echoRenames: true}, tc.files)
			cli := tc.files
			for i, m := range tc.steps {
				want := cliTree(t, cli, []move.Move{m}, refactor.MoveOptions{})
				resolveMoves(t, e, root, []move.Move{m})
				e.saveAll()
				if d := diffTrees(readTree(t, root), want); d != "" {
					t.Fatalf("step %d (%s → %s): server result differs from the CLI's:\n%s", i+1, m.From, m.To, d)
				}
				cli = map[string]string{}
				for p, c := range want {
					if c != nil {
						cli[p] = string(c)
					}
				}
			}
			final := string(readTree(t, root)["pyproject.toml"]) + string(readTree(t, root)["Procfile"])
			if tc.name != "plan" && (!strings.Contains(final, "app.tasks.worker:main") || !strings.Contains(final, "-m app.tasks.worker")) {
				t.Errorf("entry point or Procfile not following the namespace package's module:\n%s", final)
			}
		})
	}
}
