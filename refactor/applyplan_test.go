package refactor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/plan"
)

// snapshot returns every file and directory under dir with its content
// ("/" for directories), ignoring __pycache__.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "__pycache__" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			out[rel+"/"] = "/"
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffSnap(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "only in got: "+k)
		} else if v != w {
			out = append(out, "differs: "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "only in want: "+k)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

var twoPhase = map[string]string{
	"pyproject.toml":                   "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
	"src/app/__init__.py":              "",
	"src/app/backend/__init__.py":      "",
	"src/app/backend/api/__init__.py":  "from .main import run\n",
	"src/app/backend/api/main.py":      "from app.backend.auth.handler import check\n\n\ndef run():\n    return check()\n",
	"src/app/backend/auth/__init__.py": "",
	"src/app/backend/auth/handler.py":  "def check():\n    return 1\n",
	"src/app/cli.py":                   "from app.backend.api import run\nimport app.backend.auth.handler as h\n",
	"relayout.toml": `[[move]]
from = "src/app/backend/api"
to = "src/app/api"
phase = 1

[[move]]
from = "src/app/backend/auth"
to = "src/app/auth"
phase = 2
`,
}

func loadWS(t *testing.T, root string) *plan.Plan {
	t.Helper()
	ws, err := Open(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	return plan.FromConfig(ws.Config)
}

// TestApplyFaultInjection fails the apply at every step of every phase
// (edit.ApplyOptions.Hook) and checks that the tree is then exactly as the
// last good phase left it: the old tree when phase 1 fails, the tree after
// phase 1 when phase 2 fails. Nothing else is left behind.
func TestApplyFaultInjection(t *testing.T) {
	ctx := context.Background()
	base := testtool.TempTree(t, twoPhase)
	s0 := snapshot(t, base)
	// The good runs: after phase 1, after both; and the list of steps.
	var steps []string
	record := func(step string) error { steps = append(steps, step); return nil }
	one := testtool.TempTree(t, twoPhase)
	if rep, err := ApplyPlan(ctx, one, loadWS(t, one), ApplyPlanOptions{Phase: 1}); err != nil || !rep.OK() {
		t.Fatalf("phase 1: %v %+v", err, rep)
	}
	s1 := snapshot(t, one)
	all := testtool.TempTree(t, twoPhase)
	rep, err := ApplyPlan(ctx, all, loadWS(t, all), ApplyPlanOptions{Hook: record})
	if err != nil || !rep.OK() {
		t.Fatalf("apply: %v %+v", err, rep)
	}
	s2 := snapshot(t, all)
	if len(diffSnap(s0, s1)) == 0 || len(diffSnap(s1, s2)) == 0 {
		t.Fatal("the phases change nothing: the test proves nothing")
	}
	// Split the recorded steps by phase: each phase ends with "commit".
	phaseOf := make([]int, len(steps))
	ph := 1
	for i, s := range steps {
		phaseOf[i] = ph
		if s == "commit" {
			ph++
		}
	}
	if ph != 3 {
		t.Fatalf("want two commits, got steps %q", steps)
	}
	injected := errors.New("injected fault")
	for k := range steps {
		t.Run(fmt.Sprintf("%d_%s", k, steps[k]), func(t *testing.T) {
			dir := testtool.TempTree(t, twoPhase)
			n := 0
			hook := func(string) error {
				n++
				if n-1 == k {
					return injected
				}
				return nil
			}
			rep, err := ApplyPlan(ctx, dir, loadWS(t, dir), ApplyPlanOptions{Hook: hook})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatalf("the fault did not fail the apply: %+v", rep.Phases)
			}
			want := s0
			if phaseOf[k] == 2 {
				want = s1
			}
			if d := diffSnap(snapshot(t, dir), want); d != "" {
				t.Errorf("after a fault at step %d (%s, phase %d) the tree is not the one before the phase:\n%s", k, steps[k], phaseOf[k], d)
			}
			failed := rep.Phases[phaseOf[k]-1]
			if failed.Status != plan.StatusRolledBack || !strings.Contains(failed.Reason, "injected fault") {
				t.Errorf("phase %d: status %q reason %q", phaseOf[k], failed.Status, failed.Reason)
			}
		})
	}
}

// TestApplyVerifyRollsBack: a failing verification rolls the phase back
// and says why; re-running an applied plan does nothing.
func TestApplyVerifyRollsBack(t *testing.T) {
	ctx := context.Background()
	dir := testtool.TempTree(t, twoPhase)
	s0 := snapshot(t, dir)
	rep, err := ApplyPlan(ctx, dir, loadWS(t, dir), ApplyPlanOptions{Verify: func(context.Context, string) error { return errors.New("tests fail") }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Phases[0].Status != plan.StatusRolledBack || !strings.Contains(rep.Phases[0].Reason, "verify command failed: tests fail") {
		t.Fatalf("%+v", rep.Phases)
	}
	if rep.Phases[1].Status != plan.StatusNotRun {
		t.Errorf("phase 2 ran after phase 1 failed: %+v", rep.Phases[1])
	}
	if d := diffSnap(snapshot(t, dir), s0); d != "" {
		t.Fatalf("not rolled back:\n%s", d)
	}
	// Apply for real, then again: the second run changes nothing.
	if rep, err := ApplyPlan(ctx, dir, loadWS(t, dir), ApplyPlanOptions{}); err != nil || !rep.OK() {
		t.Fatalf("%v %+v", err, rep)
	}
	s2 := snapshot(t, dir)
	rep, err = ApplyPlan(ctx, dir, loadWS(t, dir), ApplyPlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range rep.Phases {
		if ph.Status != plan.StatusAlreadyApplied {
			t.Errorf("re-run: phase %d %s", ph.N, ph.Status)
		}
	}
	if d := diffSnap(snapshot(t, dir), s2); d != "" {
		t.Errorf("re-run changed the tree:\n%s", d)
	}
}

// TestApplyDryRun computes both phases (the second against the tree the
// first would leave) and writes nothing.
func TestApplyDryRun(t *testing.T) {
	dir := testtool.TempTree(t, twoPhase)
	s0 := snapshot(t, dir)
	rep, err := ApplyPlan(context.Background(), dir, loadWS(t, dir), ApplyPlanOptions{DryRun: true, Diff: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != 2 || rep.Phases[1].Status != plan.StatusWouldApply || !strings.Contains(rep.Phases[1].Diff, "-import app.backend.auth.handler as h") {
		t.Fatalf("%+v", rep.Phases)
	}
	if d := diffSnap(snapshot(t, dir), s0); d != "" {
		t.Errorf("dry run wrote:\n%s", d)
	}
}

// TestApplyPhaseOutOfOrder: --phase 2 while phase 1 is pending is refused
// and writes nothing (phase 2 was validated against the tree phase 1
// leaves, not against this one).
func TestApplyPhaseOutOfOrder(t *testing.T) {
	dir := testtool.TempTree(t, twoPhase)
	s0 := snapshot(t, dir)
	_, err := ApplyPlan(t.Context(), dir, loadWS(t, dir), ApplyPlanOptions{Phase: 2})
	if err == nil || !strings.Contains(err.Error(), "phase 2 cannot be applied before phase 1") {
		t.Fatalf("err = %v", err)
	}
	if d := diffSnap(snapshot(t, dir), s0); d != "" {
		t.Errorf("wrote:\n%s", d)
	}
}

// TestVerifyNewUnresolved: an import unresolved after a phase that was not
// before fails the verification; one that already was does not.
func TestVerifyNewUnresolved(t *testing.T) {
	ctx := context.Background()
	dir := testtool.TempTree(t, map[string]string{
		"pyproject.toml":      "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
		"src/app/__init__.py": "",
		"src/app/a.py":        "import app.missing\n",
	})
	ws, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	before, err := unresolved(ctx, ws, nil)
	if err != nil || len(before) != 1 {
		t.Fatalf("want one unresolved import, got %v %v", before, err)
	}
	cs := edit.NewChangeSet()
	err = verifyPhase(ctx, dir, cs, nil, ApplyPlanOptions{})
	var ve *verifyError
	if !errors.As(err, &ve) || len(ve.unresolved) != 1 || !strings.Contains(ve.unresolved[0], "src/app/a.py:1: app.missing") {
		t.Errorf("new unresolved import not reported: %v", err)
	}
	if err := verifyPhase(ctx, dir, cs, before, ApplyPlanOptions{}); err != nil {
		t.Errorf("an import unresolved before the phase failed it: %v", err)
	}
}

// genDeep generates a Python project under src/proj nested up to 8
// directories deep: regular packages (some only grouping subpackages),
// repeated directory names (so hoists collide), modules importing earlier
// modules absolutely and relatively, and data files.
func genDeep(r *rand.Rand) map[string]string {
	files := map[string]string{
		"pyproject.toml":       "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
		"src/proj/__init__.py": "",
	}
	names := []string{"core", "util", "api", "db", "models", "io"}
	pkgs := []string{"src/proj"}
	for i := 0; i < 14; i++ {
		parent := pkgs[r.Intn(len(pkgs))]
		if strings.Count(parent, "/") >= 7 {
			parent = pkgs[len(pkgs)-1]
			if strings.Count(parent, "/") >= 7 {
				parent = "src/proj"
			}
		}
		p := parent + "/" + names[r.Intn(len(names))]
		if _, dup := files[p+"/__init__.py"]; dup {
			p = fmt.Sprintf("%s/%s%d", parent, names[r.Intn(len(names))], i)
		}
		pkgs = append(pkgs, p)
		files[p+"/__init__.py"] = ""
	}
	type mod struct{ pkg, name string }
	var mods []mod
	dotted := func(m mod) string {
		return strings.ReplaceAll(strings.TrimPrefix(m.pkg, "src/"), "/", ".") + "." + m.name
	}
	for i := 0; i < 24; i++ {
		m := mod{pkgs[r.Intn(len(pkgs))], fmt.Sprintf("m%d", i)}
		var b strings.Builder
		fmt.Fprintf(&b, "VALUE = %d\n", i)
		for k := 0; k < 2 && len(mods) > 0; k++ {
			o := mods[r.Intn(len(mods))]
			switch r.Intn(3) {
			case 0:
				fmt.Fprintf(&b, "import %s\n", dotted(o))
			case 1:
				fmt.Fprintf(&b, "from %s import VALUE as v%d\n", dotted(o), k)
			default:
				if o.pkg == m.pkg {
					fmt.Fprintf(&b, "from . import %s\n", o.name)
				} else {
					fmt.Fprintf(&b, "from %s import %s\n", strings.ReplaceAll(strings.TrimPrefix(o.pkg, "src/"), "/", "."), o.name)
				}
			}
		}
		files[m.pkg+"/"+m.name+".py"] = b.String()
		mods = append(mods, m)
		if r.Intn(4) == 0 {
			files[m.pkg+"/data.yaml"] = "x: 1\n"
		}
	}
	// Grouping-only packages lose their modules sometimes: keep as is.
	return files
}

// TestGeneratedPlansProperty: on generated deep workspaces, the generated
// plan validates, applies, and leaves every file within the limit, no
// unresolved import, and (with python3) every module importable.
func TestGeneratedPlansProperty(t *testing.T) {
	ctx := context.Background()
	py := testtool.Optional(t, "python3", "")
	cache, _ := index.OpenCache(t.TempDir())
	for seed := int64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			files := genDeep(rand.New(rand.NewSource(seed)))
			dir := testtool.TempTree(t, files)
			ws, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ws.Violations()) == 0 {
				t.Skip("generated workspace is already within the limit")
			}
			pr := plan.Generate(ws.FileSet(), plan.GenerateOptions{Rule: ws.DepthRule()})
			if len(pr.Unresolved) > 0 {
				t.Fatalf("unresolved: %v", pr.Unresolved)
			}
			// No collisions, every target within the limit.
			seen := map[string]string{}
			for _, f := range ws.FileSet().Files() {
				n := f
				if to, ok := pr.Final[f]; ok {
					n = to
				}
				if o, dup := seen[n]; dup {
					t.Fatalf("%s and %s both end at %s", o, f, n)
				}
				seen[n] = f
				if v, bad := ws.DepthRule().CheckFile(n); bad {
					t.Errorf("%s ends at level %d", v.Path, v.Level)
				}
			}
			if probs := plan.Validate(ws.FileSet(), pr.Plan, plan.ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root}); len(probs) > 0 {
				t.Fatalf("generated plan has problems: %v\n%s", probs, plan.TOML("", pr.Plan.Moves, nil))
			}
			before, err := unresolved(ctx, ws, cache)
			if err != nil {
				t.Fatal(err)
			}
			pr.Plan.File = "generated"
			rep, err := ApplyPlan(ctx, dir, pr.Plan, ApplyPlanOptions{Cache: cache})
			if err != nil || !rep.OK() {
				t.Fatalf("apply: %v %+v\n%s", err, rep, plan.TOML("", pr.Plan.Moves, nil))
			}
			ws, err = Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if v := ws.Violations(); len(v) > 0 {
				t.Errorf("still too deep after apply: %v", v)
			}
			after, err := unresolved(ctx, ws, cache)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) > len(before) {
				t.Errorf("unresolved imports after apply: %v", after)
			}
			if py != "" {
				var mods []string
				for _, f := range ws.FileSet().Files() {
					if strings.HasPrefix(f, "src/") && strings.HasSuffix(f, ".py") {
						m := strings.TrimSuffix(strings.TrimPrefix(f, "src/"), ".py")
						if path.Base(m) == "__init__" {
							m = path.Dir(m)
						}
						mods = append(mods, strings.ReplaceAll(m, "/", "."))
					}
				}
				cmd := exec.Command(py, append([]string{"-c", "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)\n"}, mods...)...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("python3 cannot import the restructured modules: %v\n%s\n%s", err, out, plan.TOML("", pr.Plan.Moves, nil))
				}
			}
		})
	}
}
