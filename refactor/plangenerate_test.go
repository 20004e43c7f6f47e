package refactor

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/conventions"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGenerateConventions runs the generator on one fixture per convention
// (testdata/generate_*.txtar: the comment says what the case proves; every
// plain section is a file of the workspace; "@plan" is the golden
// generated plan with its proposed excludes, rewritten by -update). For
// each: the plan validates (with its excludes), applies, leaves nothing too
// deep outside the excludes, no new unresolved import, and the Next.js
// route table and the set of collected tests (computed by
// refactor/conventions on the tree before and after) are identical —
// files compared by their original paths. With python3 and pytest
// installed, pytest --collect-only agrees too.
func TestGenerateConventions(t *testing.T) {
	files, _ := filepath.Glob("testdata/generate_*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	ctx := context.Background()
	cache, _ := index.OpenCache(t.TempDir())
	for _, file := range files {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "generate_"), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tree := map[string]string{}
			var planIdx = -1
			for i, f := range ar.Files {
				if f.Name == "@plan" {
					planIdx = i
					continue
				}
				tree[f.Name] = string(f.Data)
			}
			dir := testtool.TempTree(t, tree)
			ws, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ws.Violations()) == 0 {
				t.Fatal("fixture is already within the limit")
			}
			pr := plan.Generate(ws.FileSet(), plan.GenerateOptions{Rule: ws.DepthRule(), PythonRoots: ws.Config.Python.Roots})
			var got strings.Builder
			got.Write(plan.TOML("", pr.Plan.Moves, nil))
			for _, x := range pr.Excludes {
				fmt.Fprintf(&got, "# exclude %q (%d files): %s\n", x.Pattern, len(x.Files), x.Reason)
			}
			if *update {
				if planIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "@plan"})
					planIdx = len(ar.Files) - 1
				}
				ar.Files[planIdx].Data = []byte(got.String())
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if planIdx < 0 || string(ar.Files[planIdx].Data) != got.String() {
				want := ""
				if planIdx >= 0 {
					want = string(ar.Files[planIdx].Data)
				}
				t.Errorf("generated plan differs from @plan (run with -update and review):\n--- got ---\n%s--- want ---\n%s", got.String(), want)
			}
			if len(pr.Unresolved) > 0 {
				t.Errorf("unresolved: %v", pr.Unresolved)
			}
			rule := pr.RuleWith(ws.DepthRule())
			if probs := plan.Validate(ws.FileSet(), pr.Plan, plan.ValidateOptions{Rule: rule, Root: ws.Root}); len(probs) > 0 {
				t.Fatalf("generated plan has problems: %v", probs)
			}
			if ch := conventions.Diff(ws.FileSet(), pr.Final); len(ch) > 0 {
				t.Errorf("the plan changes pinned meanings: %v", ch)
			}
			routesBefore, testsBefore := meanings(ws.FileSet(), nil)
			before, err := unresolved(ctx, ws, cache)
			if err != nil {
				t.Fatal(err)
			}
			py := pytestPython(t)
			var pytestBefore []string
			if py != "" {
				pytestBefore = pytestCollect(t, py, dir, nil)
			}
			if len(pr.Excludes) > 0 {
				// The user adds the proposed excludes, as the report says.
				var b strings.Builder
				b.WriteString("[depth]\nexclude = [")
				for i, x := range pr.Excludes {
					if i > 0 {
						b.WriteString(", ")
					}
					fmt.Fprintf(&b, "%q", x.Pattern)
				}
				b.WriteString("]\n")
				if err := os.WriteFile(filepath.Join(dir, "relayout.toml"), []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if len(pr.Plan.Moves) > 0 {
				pr.Plan.File = "generated"
				rep, err := ApplyPlan(ctx, dir, pr.Plan, ApplyPlanOptions{Cache: cache})
				if err != nil || !rep.OK() {
					t.Fatalf("apply: %v %+v", err, rep)
				}
			}
			ws, err = Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if v := rule.Check(ws.FileSet().Files()); len(v) > 0 {
				t.Errorf("still too deep outside the proposed excludes: %v", v)
			}
			after, err := unresolved(ctx, ws, cache)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) > len(before) {
				t.Errorf("unresolved imports after apply: %v", after)
			}
			back := map[string]string{}
			for o, n := range pr.Final {
				back[n] = o
			}
			routesAfter, testsAfter := meanings(ws.FileSet(), back)
			if routesAfter != routesBefore {
				t.Errorf("route table changed:\n--- before ---\n%s--- after ---\n%s", routesBefore, routesAfter)
			}
			if testsAfter != testsBefore {
				t.Errorf("collected tests changed:\n--- before ---\n%s--- after ---\n%s", testsBefore, testsAfter)
			}
			if pytestBefore != nil {
				if a := pytestCollect(t, py, dir, back); !slices.Equal(a, pytestBefore) {
					t.Errorf("pytest --collect-only changed:\n--- before ---\n%s\n--- after ---\n%s", strings.Join(pytestBefore, "\n"), strings.Join(a, "\n"))
				}
			}
		})
	}
}

// meanings renders the route table and the collected tests of fs, files
// named by their original paths (back maps new → original).
func meanings(fs workspace.FileSet, back map[string]string) (routes, tests string) {
	orig := func(p string) string {
		if o, ok := back[p]; ok {
			return o
		}
		return p
	}
	m := conventions.Detect(fs)
	var r, ts []string
	for _, rt := range m.Routes() {
		r = append(r, fmt.Sprintf("%s %s %s\n", rt.Role, rt.URL, orig(rt.File)))
	}
	for _, f := range m.Tests() {
		ts = append(ts, orig(f)+"\n")
	}
	sort.Strings(r)
	sort.Strings(ts)
	return strings.Join(r, ""), strings.Join(ts, "")
}

// pytestPython returns a Python interpreter that can import pytest:
// $RELAYOUT_PYTEST_PYTHON, python3 on PATH, or Debian's /usr/bin/python3
// (where the python3-pytest package installs it). None is a skip of the
// pytest comparison locally and a failure under CI.
func pytestPython(t *testing.T) string {
	t.Helper()
	var cands []string
	if p := os.Getenv("RELAYOUT_PYTEST_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	cands = append(cands, "python3", "/usr/bin/python3")
	for _, py := range cands {
		if exec.Command(py, "-c", "import pytest").Run() == nil {
			return py
		}
	}
	testtool.MissingCheck(t, "no python3 that can import pytest (tried %v): pytest --collect-only not compared", cands)
	return ""
}

// pytestCollect returns the test IDs that pytest --collect-only finds in
// dir, sorted, after checking that the suite passes, with each file path mapped through back (new path → path
// before the plan; nil keeps paths), or nil when the tree has no tests/.
func pytestCollect(t *testing.T, py, dir string, back map[string]string) []string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "tests")); err != nil {
		return nil
	}
	cmd := exec.Command(py, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pytest --collect-only in %s: %v\n%s", dir, err, out)
	}
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		file, test, ok := strings.Cut(strings.TrimSpace(line), "::")
		if !ok {
			continue
		}
		if old, moved := back[file]; moved {
			file = old
		}
		ids = append(ids, file+"::"+test)
	}
	if len(ids) == 0 {
		t.Fatalf("pytest --collect-only in %s collected nothing:\n%s", dir, out)
	}
	sort.Strings(ids)
	run := exec.Command(py, "-m", "pytest", "-q", "-p", "no:cacheprovider")
	run.Dir = dir
	run.Env = cmd.Env
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("pytest in %s: %v\n%s", dir, err, out)
	}
	return ids
}
