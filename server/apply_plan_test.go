package server

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
)

// planTree is a two-language workspace (a Python backend under src/, a
// TypeScript frontend under web/ with a tsconfig alias) whose relayout.toml
// holds a three-phase plan: a Python module, then TS files and a folder,
// then a Python package with an entry point and a Procfile line naming it.
var planTree = map[string]string{
	"relayout.toml": `[[move]]
from = "src/app/backend/core/util/text.py"
to = "src/app/text.py"
phase = 1

[[move]]
from = "web/src/lib/format/date/fmt.ts"
to = "web/src/lib/fmt.ts"
phase = 2

[[move]]
from = "web/src/components/ui/widgets"
to = "web/src/widgets"
phase = 2

[[move]]
from = "src/app/backend/api/server"
to = "src/app/server"
phase = 3
`,
	"pyproject.toml": `[project]
name = "app"
version = "0"

[project.scripts]
app-serve = "app.backend.api.server.main:run"

[tool.setuptools.packages.find]
where = ["src"]
`,
	"Procfile":                               "web: gunicorn app.backend.api.server.main:run\n",
	"src/app/__init__.py":                    "",
	"src/app/backend/__init__.py":            "",
	"src/app/backend/api/__init__.py":        "",
	"src/app/backend/api/server/__init__.py": "",
	"src/app/backend/api/server/main.py":     "from app.backend.core.util.text import slug\n\n\ndef run():\n    return slug(\"X\")\n",
	"src/app/backend/core/__init__.py":       "",
	"src/app/backend/core/util/__init__.py":  "",
	"src/app/backend/core/util/text.py":      "def slug(s):\n    return s.lower()\n",
	"src/app/cli.py":                         "from app.backend.api.server import main\n\nprint(main.run())\n",
	"web/tsconfig.json":                      `{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "module": "esnext", "moduleResolution": "bundler", "baseUrl": ".", "paths": {"@lib/*": ["src/lib/*"]}}, "include": ["src"]}` + "\n",
	"web/src/lib/format/date/fmt.ts":         "export const fmt = (d: number): string => String(d);\n",
	"web/src/components/ui/widgets/Card.ts":  "import { fmt } from '@lib/format/date/fmt';\nimport { badge } from './Badge';\n\nexport const card = fmt(1) + badge;\n",
	"web/src/components/ui/widgets/Badge.ts": "export const badge = 'b';\n",
	"web/src/index.ts":                       "import { card } from './components/ui/widgets/Card';\n\nconsole.log(card);\n",
}

// cliApplyTree runs `relayout apply` (the real binary) on a copy of files
// and returns the resulting tree.
func cliApplyTree(t *testing.T, files map[string]string, args ...string) map[string][]byte {
	t.Helper()
	root := t.TempDir()
	testtool.WriteTree(t, root, files)
	cmd := exec.Command(relayoutBin, append([]string{"apply", "--root", root}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("relayout apply: %v\n%s", err, out)
	}
	return readTree(t, root)
}

// checkWorkspaceWorks runs the programs' own checks on the plan tree once
// the plan is applied: Python imports (the CLI module and every
// pyproject entry point), and `tsc --noEmit` on the frontend.
func checkWorkspaceWorks(t *testing.T, root string) {
	t.Helper()
	py := exec.Command(testtool.Find(t, "python3", ""), "-c", `
import importlib, sys, tomllib
sys.dont_write_bytecode = True
import app.cli
with open("pyproject.toml", "rb") as f:
    scripts = tomllib.load(f)["project"]["scripts"]
for name, ref in scripts.items():
    mod, _, attr = ref.partition(":")
    getattr(importlib.import_module(mod), attr)()
`)
	py.Dir = root
	py.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(root, "src"), "PYTHONDONTWRITEBYTECODE=1")
	if out, err := py.CombinedOutput(); err != nil {
		t.Errorf("python imports and entry points: %v\n%s", err, out)
	}
	proc, _ := os.ReadFile(filepath.Join(root, "Procfile"))
	if !strings.Contains(string(proc), "app.server.main:run") {
		t.Errorf("Procfile still names the old module:\n%s", proc)
	}
	tsc := testtool.Find(t, "tsc", "RELAYOUT_TSC")
	cmd := exec.Command(tsc, "--noEmit", "-p", filepath.Join(root, "web"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("tsc --noEmit: %v\n%s", err, out)
	}
}

// TestApplyPlanOverStdio: an editor lists the code actions of
// relayout.toml (one per pending phase), then runs relayout.applyPlan over
// the real binary's stdio, applying each workspace/applyEdit like VS Code
// (echoing its renames as willRenameFiles); the tree ends as `relayout
// apply` leaves it, and the programs still work.
func TestApplyPlanOverStdio(t *testing.T) {
	want := cliApplyTree(t, planTree)
	root := t.TempDir()
	testtool.WriteTree(t, root, planTree)
	e, sp := startServe(t)
	e.initialize(editorConfig{echoRenames: true}, root)
	e.awaitEnds(1)

	toml := e.open(root, "relayout.toml")
	var titles []string
	var cmd *protocol.Command
	for _, a := range codeActions(t, listActions(e, toml)) {
		titles = append(titles, a.Title)
		if a.Command.Command == commandApplyPlan && cmd == nil {
			c := a.Command
			cmd = &c
		}
		if a.Kind == nil || *a.Kind != protocol.CodeActionKindRefactorMove {
			t.Errorf("action %q has kind %v, want refactor.move", a.Title, a.Kind)
		}
	}
	wantTitles := []string{
		"Apply restructuring plan phase 1 (1 move)",
		"Apply restructuring plan phase 2 (2 moves)",
		"Apply restructuring plan phase 3 (1 move)",
	}
	if !equalStrings(titles, wantTitles) {
		t.Fatalf("actions on relayout.toml:\n%s\nwant:\n%s", strings.Join(titles, "\n"), strings.Join(wantTitles, "\n"))
	}
	// A file a pending phase moves offers that phase.
	var onFile []string
	for _, a := range codeActions(t, listActions(e, fileURI(root, "web/src/components/ui/widgets/Card.ts"), protocol.CodeActionKindRefactorMove)) {
		if a.Command.Command == commandApplyPlan {
			onFile = append(onFile, a.Title)
		}
	}
	if !equalStrings(onFile, wantTitles[1:2]) {
		t.Errorf("plan actions on Card.ts: %q, want %q", onFile, wantTitles[1:2])
	}

	// The whole plan: no phase argument.
	res, err := runNamed(e, commandApplyPlan, map[string]any{"folder": string(fileURI(root, ""))})
	if err != nil || !res.Applied {
		t.Fatalf("relayout.applyPlan: %+v %v\nstderr:\n%s", res, err, sp.stderr.String())
	}
	e.saveAll()
	if n := len(e.snapshot().applyEdits); n != 3 {
		t.Errorf("%d workspace/applyEdit requests, want one per phase (3)", n)
	}
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Fatalf("tree after relayout.applyPlan differs from `relayout apply`:\n%s", d)
	}
	for i, ans := range e.snapshot().echoAnswers {
		if len(ans.DocumentChanges) != 0 {
			t.Errorf("echo %d answered with edits", i)
		}
	}

	// Everything is applied now: no action is left, and running again
	// skips every phase as `relayout apply` does.
	for _, a := range codeActions(t, listActions(e, toml)) {
		if a.Command.Command == commandApplyPlan {
			t.Errorf("action %q offered for an applied plan", a.Title)
		}
	}
	again, err := runNamed(e, commandApplyPlan, map[string]any{"folder": string(fileURI(root, ""))})
	if err != nil || !again.Applied || strings.Count(again.Message, "already applied") != 3 {
		t.Errorf("second relayout.applyPlan: %+v %v", again, err)
	}
	sp.stop(t, e)
	checkWorkspaceWorks(t, root)
}

// TestApplyPlanPhaseAndFailures: one phase at a time matches `relayout
// apply --phase N`; an invalid plan stops before anything changes with its
// problems by line; a refusing editor stops the plan; an editor without
// workspace/applyEdit is told to run `relayout apply`.
func TestApplyPlanPhaseAndFailures(t *testing.T) {
	want := cliApplyTree(t, planTree, "--phase", "1")
	e, root := openProject(t, editorConfig{}, planTree)
	// Phases apply in order, as with `relayout apply --phase N`.
	res, err := runNamed(e, commandApplyPlan, map[string]any{"folder": string(fileURI(root, "")), "phase": 2})
	if err != nil || res.Applied || !strings.Contains(res.Message, "phase 2 cannot be applied before phase 1") {
		t.Errorf("phase 2 first: %+v %v", res, err)
	}
	res, err = runNamed(e, commandApplyPlan, map[string]any{"folder": string(fileURI(root, "")), "phase": 1})
	if err != nil || !res.Applied {
		t.Fatalf("phase 1: %+v %v", res, err)
	}
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Fatalf("tree after phase 1 differs from `relayout apply --phase 1`:\n%s", d)
	}
	if msg := e.snapshot().progress; len(msg) == 0 {
		t.Errorf("no $/progress while applying")
	}

	// A later phase whose source is gone: nothing runs, the line is named.
	bad := map[string]string{}
	for p, c := range planTree {
		bad[p] = c
	}
	bad["relayout.toml"] += "\n[[move]]\nfrom = \"src/app/missing.py\"\nto = \"src/app/other.py\"\nphase = 3\n"
	e2, root2 := openProject(t, editorConfig{}, bad)
	before := readTree(t, root2)
	res, err = runNamed(e2, commandApplyPlan, map[string]any{"folder": string(fileURI(root2, ""))})
	if err != nil || res.Applied || !strings.Contains(res.Message, "relayout.toml:21:") || !strings.Contains(res.Message, "nothing applied") {
		t.Errorf("invalid plan: %+v %v", res, err)
	}
	if d := diffTrees(readTree(t, root2), before); d != "" {
		t.Errorf("an invalid plan changed the tree:\n%s", d)
	}

	// The editor refuses phase 1's edit: the plan stops there.
	e3, root3 := openProject(t, editorConfig{refuseApplyEdit: true}, planTree)
	res, err = runNamed(e3, commandApplyPlan, map[string]any{"folder": string(fileURI(root3, ""))})
	if err != nil || res.Applied || !strings.Contains(res.Message, "phase 1 not applied: the editor refused the edit: the user declined") ||
		!strings.Contains(res.Message, "2 later phases not run") {
		t.Errorf("refused edit: %+v %v", res, err)
	}
	if n := len(e3.snapshot().applyEdits); n != 1 {
		t.Errorf("%d applyEdit requests after a refusal, want 1", n)
	}

	e4, root4 := openProject(t, editorConfig{noApplyEdit: true}, planTree)
	_, err = runNamed(e4, commandApplyPlan, map[string]any{"folder": string(fileURI(root4, ""))})
	if err == nil || !strings.Contains(err.Error(), "run `relayout apply`") {
		t.Errorf("without applyEdit: %v, want an error saying to run relayout apply", err)
	}
}

// TestApplyPlanArguments: malformed arguments are InvalidParams.
func TestApplyPlanArguments(t *testing.T) {
	e, root := openProject(t, editorConfig{}, planTree)
	for _, args := range [][]any{nil, {"x", "y"}, {map[string]any{"phase": 1}}, {map[string]any{"folder": "/not/a/folder"}}} {
		raw := make([]protocol.LSPAny, len(args))
		for i, a := range args {
			raw[i], _ = json.Marshal(a)
		}
		_, err := e.server.ExecuteCommand(e.ctx(), &protocol.ExecuteCommandParams{Command: commandApplyPlan, Arguments: raw})
		if rpcCode(err) != -32602 {
			t.Errorf("%v: err = %v, want InvalidParams", args, err)
		}
	}
	if res, err := runNamed(e, commandApplyPlan, map[string]any{"folder": string(fileURI(root, "")), "phase": 9}); err != nil || res.Applied || !strings.Contains(res.Message, "no phase 9") {
		t.Errorf("phase 9: %+v %v", res, err)
	}
}

// TestPlanAsSingleRenames: the plan of planTree performed as one
// willRenameFiles per entry, in plan order, the way a user drags files in
// the editor (applying each answer, then renaming; a target that is an
// empty __init__.py the server created earlier is replaced, as the user
// confirms the editor's prompt), leaves every import, entry point,
// Procfile line and tsconfig program working.
func TestPlanAsSingleRenames(t *testing.T) {
	e, root := openProject(t, editorConfig{}, planTree)
	for _, m := range [][2]string{
		{"src/app/backend/core/util/text.py", "src/app/text.py"},
		{"web/src/lib/format/date/fmt.ts", "web/src/lib/fmt.ts"},
		{"web/src/components/ui/widgets", "web/src/widgets"},
		{"src/app/backend/api/server", "src/app/server"},
	} {
		dragFile(t, e, root, m[0], m[1])
	}
	checkWorkspaceWorks(t, root)
}

// dragFile is a user dragging from to to in the editor: willRenameFiles,
// its answer applied and saved, the rename (replacing an empty
// __init__.py at the target, as the user confirms the editor's prompt),
// didRenameFiles.
func dragFile(t *testing.T, e *editor, root, from, to string) {
	t.Helper()
	we := willRename(e, root, from, to)
	checkTextOnly(t, we)
	e.apply(we)
	e.saveAll()
	replaceEmptyInit(t, root, to)
	renameOnDisk(t, root, from, to)
	if err := e.server.DidRenameFiles(e.ctx(), &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(fileURI(root, from)), NewURI: string(fileURI(root, to)),
	}}}); err != nil {
		t.Fatal(err)
	}
}

// replaceEmptyInit removes target when it is an empty __init__.py (the
// user answering "replace" to the editor's prompt).
func replaceEmptyInit(t *testing.T, root, target string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(target))
	if filepath.Base(p) != "__init__.py" {
		return
	}
	if st, err := os.Stat(p); err == nil && st.Size() == 0 {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTSConfigFollowsFiles: the tsconfig moves ahead of its files (its
// include is re-pointed at the old folder), then the files move one by
// one into the config's new folder: each still belongs to the program.
func TestTSConfigFollowsFiles(t *testing.T) {
	files := map[string]string{
		"frontend/tsconfig.json": `{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "module": "esnext", "moduleResolution": "bundler"}, "include": ["src"]}` + "\n",
		"frontend/src/a.ts":      "export const a = 1;\n", // no imports: each belongs to the
		"frontend/src/b.ts":      "export const b = 1;\n", // program through include only
		"frontend/src/c.ts":      "export const c = 1;\n",
	}
	e, root := openProject(t, editorConfig{}, files)
	for _, m := range [][2]string{
		{"frontend/tsconfig.json", "web/tsconfig.json"},
		{"frontend/src/a.ts", "web/src/a.ts"},
		{"frontend/src/b.ts", "web/src/b.ts"},
		{"frontend/src/c.ts", "web/src/c.ts"},
	} {
		dragFile(t, e, root, m[0], m[1])
		tsc := testtool.Find(t, "tsc", "RELAYOUT_TSC")
		cmd := exec.Command(tsc, "--noEmit", "--listFilesOnly", "-p", filepath.Join(root, "web"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("after %s → %s: tsc: %v\n%s", m[0], m[1], err, out)
		}
		for _, f := range []string{"a.ts", "b.ts", "c.ts"} {
			if !strings.Contains(string(out), "/src/"+f) {
				t.Errorf("after %s → %s: %s is in no program:\n%s", m[0], m[1], f, out)
			}
		}
	}
	// Once every file followed, the entries the moves added fold into one.
	if cfg, _ := os.ReadFile(filepath.Join(root, "web/tsconfig.json")); !strings.Contains(string(cfg), `"include": ["src"]}`) {
		t.Errorf("web/tsconfig.json at the end:\n%s", cfg)
	}
}

// TestTSConfigPathsFollowFiles: the tsconfig moves ahead of its files
// (its include and its "@/*" target are re-pointed at the old folder),
// then the files move one by one into the config's new folder with
// willRenameFiles: after every step the project type-checks with every
// file in it and every alias import unchanged, and at the end include and
// paths name the new folder only.
func TestTSConfigPathsFollowFiles(t *testing.T) {
	files := map[string]string{
		"frontend/tsconfig.json":    `{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "module": "esnext", "moduleResolution": "bundler", "paths": {"@/*": ["./src/*"]}}, "include": ["src"]}` + "\n",
		"frontend/src/lib/api.ts":   "export const get = (): number => 1;\n",
		"frontend/src/ui/button.ts": "import { get } from '@/lib/api';\n\nexport const button: number = get();\n",
		"frontend/src/app.ts":       "import { button } from '@/ui/button';\nimport { get } from '@/lib/api';\n\nexport const app: number = button + get();\n",
	}
	tsc := testtool.Find(t, "tsc", "RELAYOUT_TSC")
	e, root := openProject(t, editorConfig{}, files)
	for _, m := range [][2]string{
		{"frontend/tsconfig.json", "web/tsconfig.json"},
		{"frontend/src/lib/api.ts", "web/src/lib/api.ts"},
		{"frontend/src/ui/button.ts", "web/src/ui/button.ts"},
		{"frontend/src/app.ts", "web/src/app.ts"},
	} {
		dragFile(t, e, root, m[0], m[1])
		out, err := exec.Command(tsc, "--noEmit", "--listFiles", "-p", filepath.Join(root, "web")).CombinedOutput()
		if err != nil {
			t.Fatalf("after %s → %s: tsc: %v\n%s", m[0], m[1], err, out)
		}
		for _, f := range []string{"lib/api.ts", "ui/button.ts", "app.ts"} {
			if !strings.Contains(string(out), "/src/"+f) {
				t.Errorf("after %s → %s: %s is in no program:\n%s", m[0], m[1], f, out)
			}
		}
	}
	tree := readTree(t, root)
	for p, c := range tree {
		if strings.HasSuffix(p, ".ts") && strings.Contains(string(c), "from '.") {
			t.Errorf("%s: an alias import was rewritten:\n%s", p, c)
		}
	}
	cfg := string(tree["web/tsconfig.json"])
	if !strings.Contains(cfg, `"paths": {"@/*": ["./src/*"]}`) || !strings.Contains(cfg, `"include": ["src"]}`) {
		t.Errorf("web/tsconfig.json at the end:\n%s", cfg)
	}
}

// TestSingleRenamesReplaceCreatedInit: a package moved file by file with
// willRenameFiles: the first move makes the server create the new
// package's empty __init__.py; the last one moves the old __init__.py
// (which re-exports from the package) onto it, the user confirming the
// editor's "replace?" prompt. The package, its importers and its entry
// point work afterwards (real python3), and no file is lost.
func TestSingleRenamesReplaceCreatedInit(t *testing.T) {
	files := map[string]string{
		"pyproject.toml":                   "[project]\nname = \"app\"\nversion = \"0\"\n\n[project.scripts]\njobs = \"app.backend.jobs:go\"\n\n[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
		"src/app/__init__.py":              "",
		"src/app/backend/__init__.py":      "",
		"src/app/backend/jobs/__init__.py": "from app.backend.jobs.run import go\n",
		"src/app/backend/jobs/run.py":      "def go():\n    return 'ok'\n",
		"src/app/cli.py":                   "from app.backend.jobs import go\nfrom app.backend.jobs.run import go as go2\n\nprint(go(), go2())\n",
	}
	e, root := openProject(t, editorConfig{}, files)
	// The first answer creates the new package's __init__.py, so it is
	// applied as it is (dragFile wants text edits only).
	e.apply(willRename(e, root, "src/app/backend/jobs/run.py", "src/app/jobs/run.py"))
	e.saveAll()
	renameOnDisk(t, root, "src/app/backend/jobs/run.py", "src/app/jobs/run.py")
	if err := e.server.DidRenameFiles(e.ctx(), &protocol.RenameFilesParams{Files: []protocol.FileRename{{
		OldURI: string(fileURI(root, "src/app/backend/jobs/run.py")), NewURI: string(fileURI(root, "src/app/jobs/run.py")),
	}}}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(root, "src/app/jobs/__init__.py")); err != nil || len(data) != 0 {
		t.Fatalf("the first move did not create an empty src/app/jobs/__init__.py (%q, %v)", data, err)
	}
	dragFile(t, e, root, "src/app/backend/jobs/__init__.py", "src/app/jobs/__init__.py")
	tree := readTree(t, root)
	for _, p := range []string{"src/app/jobs/__init__.py", "src/app/jobs/run.py", "src/app/cli.py", "src/app/__init__.py"} {
		if tree[p] == nil {
			t.Errorf("%s missing after the moves", p)
		}
	}
	if !strings.Contains(string(tree["src/app/jobs/__init__.py"]), "import go") {
		t.Errorf("the replaced __init__.py lost its content:\n%s", tree["src/app/jobs/__init__.py"])
	}
	py := exec.Command(testtool.Find(t, "python3", ""), "-c", `
import importlib, sys, tomllib
import app.cli
with open("pyproject.toml", "rb") as f:
    scripts = tomllib.load(f)["project"]["scripts"]
for name, ref in scripts.items():
    mod, _, attr = ref.partition(":")
    assert getattr(importlib.import_module(mod), attr)() == "ok", ref
`)
	py.Dir = root
	py.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(root, "src"), "PYTHONDONTWRITEBYTECODE=1")
	if out, err := py.CombinedOutput(); err != nil {
		t.Errorf("python imports and entry points: %v\n%s\npyproject.toml:\n%s", err, out, tree["pyproject.toml"])
	}
}
