package move

import (
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/relayout/relayout/demo"
	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestDemoBackendSeedMoves moves the demo workspace's backend modules
// along the seed plan (backend/api/main.py → api/main.py, auth_handler.py
// → api/auth.py, websocket/server.py → api/websocket.py, …) and proves
// with the real interpreter that every module still imports and the test
// suite (which patches modules by dotted strings) still passes.
func TestDemoBackendSeedMoves(t *testing.T) {
	dir := t.TempDir()
	if err := demo.Write(dir); err != nil {
		t.Fatal(err)
	}
	const b = "src/use_cases/fine_tuning_studio/backend/"
	const f = "src/use_cases/fine_tuning/"
	moves := []Move{
		{b + "api/main.py", f + "api/main.py"},
		{b + "api/routes.py", f + "api/routes.py"},
		{b + "auth/auth_handler.py", f + "api/auth.py"},
		{b + "websocket/server.py", f + "api/websocket.py"},
		{b + "websocket/events.py", f + "api/events.py"},
		{b + "collaboration/collaboration_manager.py", f + "collaboration/manager.py"},
		{b + "deployment/deployer.py", f + "deployment/deployer.py"},
		{b + "model_card/generator.py", f + "model_card/generator.py"},
		{b + "testing/test_suite.py", f + "testing/test_suite.py"},
		{b + "versioning/experiment_versioning.py", f + "versioning/experiment_versioning.py"},
	}
	before := pyrightErrors(t, dir)
	cs, err := runMoves(t.Context(), dir, moves, Options{UpdateStrings: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range cs.Warnings {
		if w.Code == "unexpressible" {
			t.Errorf("%s", w)
		}
	}
	l, err := workspace.Walk(t.Context(), dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(t.Context(), workspace.NewDiskSet(l), config.Default(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if u := ix.Unresolved(); len(u) > 0 {
		t.Errorf("unresolved imports after the moves: %+v", u)
	}
	if before != nil {
		after := pyrightErrors(t, dir)
		for rule, n := range after {
			if n > before[rule] {
				t.Errorf("pyright: %d %s errors after the moves, %d before", n, rule, before[rule])
			}
		}
	}
	py := testtool.Find(t, "python3", "")
	for _, args := range [][]string{
		{"-c", "import importlib, pathlib\nfor p in sorted(pathlib.Path('src').rglob('*.py')):\n    parts = list(p.relative_to('src').with_suffix('').parts)\n    if parts[-1] == '__init__':\n        parts = parts[:-1]\n    importlib.import_module('.'.join(parts))\n"},
		{"-m", "unittest", "discover", "-s", "tests", "-q"},
	} {
		cmd := exec.Command(py, args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("python3 %v: %v\n%s", args, err, out)
		}
	}
}

// pyrightErrors runs the real pyright type checker (RELAYOUT_PYRIGHT or
// PATH) over dir and counts its errors by rule; a missing pyright skips
// the test locally and fails it under CI (testtool).
func pyrightErrors(t *testing.T, dir string) map[string]int {
	t.Helper()
	bin := testtool.Find(t, "pyright", "RELAYOUT_PYRIGHT")
	cmd := exec.Command(bin, "--outputjson", ".")
	cmd.Dir = dir
	out, _ := cmd.Output() // exit status 1 just means "errors found"
	var report struct {
		GeneralDiagnostics []struct {
			Severity string `json:"severity"`
			Rule     string `json:"rule"`
			File     string `json:"file"`
			Message  string `json:"message"`
		} `json:"generalDiagnostics"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("pyright output: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, d := range report.GeneralDiagnostics {
		if d.Severity == "error" {
			counts[d.Rule]++
			if d.Rule == "reportMissingImports" || d.Rule == "reportAttributeAccessIssue" {
				t.Logf("pyright: %s: %s", d.File, d.Message)
			}
		}
	}
	return counts
}
