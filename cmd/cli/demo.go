package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relayout/relayout/demo"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/conventions"
	"github.com/relayout/relayout/refactor/plan"
)

func init() {
	register(verb{name: "demo", short: "write the demo workspace and restructure it end to end", run: runDemo})
}

const demoHelp = `Write the demo workspace (the Fine-Tuning Studio of the seed plan, nested
up to 7 levels deep) to DIR (default: a new temporary directory) and run the
whole story on it, reporting each step as PASS, FAIL or SKIP:

  1. check      the depth violations (and that every import resolves)
  2. plan       import the shipped seed-style plan (restructuring-plan.md) into
                relayout.toml and validate it; show the generated plan too
  3. apply      apply the plan phase by phase (with --update-strings)
  4. recheck    0 violations and 0 unresolved imports; the Next.js route
                table and the collected tests are the same as before
  5. python     python3 imports every module and the unit tests pass
                (PYTHONPATH=src; skipped without python3)
  6. tsc        tsc --noEmit -p <frontend> (tsc from $RELAYOUT_TSC or PATH;
                skipped without it)

Exit status: 0 when every step passed or was skipped, 1 otherwise.`

type demoStep struct {
	name   string
	status string // PASS, FAIL or SKIP
	detail string
}

func runDemo(e *env, args []string) int {
	fset := newFlags(e, "demo", "[DIR]", demoHelp)
	if code := parseFlags(fset, args); code >= 0 {
		return code
	}
	if fset.NArg() > 1 {
		fmt.Fprintln(e.stderr, "relayout demo: at most one DIR")
		return ExitUsage
	}
	dir := ""
	if fset.NArg() == 1 {
		dir = fset.Arg(0)
	} else {
		d, err := os.MkdirTemp("", "relayout-demo-")
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout demo: %v\n", err)
			return ExitUsage
		}
		dir = d
	}
	if err := demo.Write(dir); err != nil {
		fmt.Fprintf(e.stderr, "relayout demo: %v\n", err)
		return ExitUsage
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(e.stdout, "demo workspace: %s\n", abs)
	d := &demoRun{e: e, root: abs}
	d.cache, _ = refactor.OpenCache("")
	d.run()
	fmt.Fprintln(e.stdout, "\n== summary")
	failed := 0
	for _, s := range d.steps {
		fmt.Fprintf(e.stdout, "%-4s %-8s %s\n", s.status, s.name, s.detail)
		if s.status == "FAIL" {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(e.stdout, "%d steps failed (workspace left in %s)\n", failed, abs)
		return ExitFindings
	}
	fmt.Fprintf(e.stdout, "every step passed (workspace in %s)\n", abs)
	return ExitOK
}

type demoRun struct {
	e     *env
	root  string
	cache *refactor.Cache
	steps []demoStep
	// routes and tests are the route table and the collected tests
	// before the plan (refactor/conventions).
	routes, tests []string
}

// meanings returns what frameworks and test runners find by path in the
// workspace: the Next.js routes ("page /experiments/[id]") and the
// collected test modules (by name).
func (d *demoRun) meanings() (routes, tests []string) {
	ws, err := refactor.Open(d.e.ctx, d.root)
	if err != nil {
		return nil, nil
	}
	m := conventions.Detect(ws.FileSet())
	for _, r := range m.Routes() {
		routes = append(routes, r.String())
	}
	for _, t := range m.Tests() {
		tests = append(tests, path.Base(t))
	}
	sort.Strings(routes)
	sort.Strings(tests)
	return routes, tests
}

func (d *demoRun) step(name, status, format string, args ...any) {
	s := demoStep{name: name, status: status, detail: fmt.Sprintf(format, args...)}
	d.steps = append(d.steps, s)
	fmt.Fprintf(d.e.stdout, "%s: %s\n", s.status, s.detail)
}

func (d *demoRun) header(n int, name string) {
	fmt.Fprintf(d.e.stdout, "\n== %d. %s\n", n, name)
}

func (d *demoRun) check() (refactor.CheckReport, error) {
	ws, err := refactor.Open(d.e.ctx, d.root)
	if err != nil {
		return refactor.CheckReport{}, err
	}
	return refactor.Check(d.e.ctx, ws, refactor.CheckOptions{Imports: true, Cache: d.cache})
}

func (d *demoRun) run() {
	ctx, e := d.e.ctx, d.e
	// 1. check
	d.header(1, "check: files deeper than the limit")
	rep, err := d.check()
	switch {
	case err != nil:
		d.step("check", "FAIL", "%v", err)
		return
	case len(rep.Violations) == 0 || len(rep.Unresolved) > 0:
		d.step("check", "FAIL", "want violations and no unresolved import, got %d violations, %d unresolved imports", len(rep.Violations), len(rep.Unresolved))
	default:
		deepest := 0
		for _, v := range rep.Violations {
			if v.Level > deepest {
				deepest = v.Level
			}
		}
		for i, v := range rep.Violations {
			if i == 5 {
				fmt.Fprintf(e.stdout, "  … and %d more\n", len(rep.Violations)-5)
				break
			}
			fmt.Fprintf(e.stdout, "  %s: level %d exceeds the limit of %d\n", v.Path, v.Level, v.Max)
		}
		d.step("check", "PASS", "%d files deeper than %d levels (deepest: level %d); every import resolves", len(rep.Violations), rep.Max, deepest)
	}
	d.routes, d.tests = d.meanings()
	fmt.Fprintf(e.stdout, "  route table (%d routes): %s\n", len(d.routes), strings.Join(d.routes, ", "))

	// 2. plan
	d.header(2, "plan: import the seed-style plan, and the generated one")
	md := demo.PlanMarkdown()
	mdPath := filepath.Join(d.root, "restructuring-plan.md")
	if err := os.WriteFile(mdPath, md, 0o644); err != nil {
		d.step("plan", "FAIL", "%v", err)
		return
	}
	im, err := plan.ImportMarkdown("restructuring-plan.md", md, plan.ImportOptions{})
	if err != nil {
		d.step("plan", "FAIL", "%v", err)
		return
	}
	for _, u := range im.Unmapped {
		fmt.Fprintf(e.stdout, "  not mapped: line %d: %s\n", u.Line, u.Text)
	}
	toml := plan.TOML("Imported from restructuring-plan.md by relayout demo.", im.Moves, nil)
	tomlPath := filepath.Join(d.root, config.FileName)
	if err := os.WriteFile(tomlPath, toml, 0o644); err != nil {
		d.step("plan", "FAIL", "%v", err)
		return
	}
	ws, err := refactor.Open(ctx, d.root)
	if err != nil {
		d.step("plan", "FAIL", "%v", err)
		return
	}
	p := plan.FromConfig(ws.Config)
	gen := plan.Generate(ws.FileSet(), plan.GenerateOptions{Rule: ws.DepthRule(), PythonRoots: ws.Config.Python.Roots})
	fmt.Fprintf(e.stdout, "  generated alternative (relayout plan): %d moves\n", len(gen.Plan.Moves))
	for _, ph := range gen.Plan.Phases() {
		fmt.Fprintf(e.stdout, "    phase %d: %s\n", ph.N, gen.Titles[ph.N])
		for _, m := range ph.Moves {
			fmt.Fprintf(e.stdout, "      %s → %s\n", m.From, m.To)
		}
	}
	probs := plan.Validate(ws.FileSet(), p, plan.ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root})
	for _, pr := range probs {
		fmt.Fprintf(e.stdout, "  %s\n", pr)
	}
	if len(probs) > 0 {
		d.step("plan", "FAIL", "the imported plan has %d problems", len(probs))
		return
	}
	d.step("plan", "PASS", "imported %d moves in %d phases into %s (%d steps not mapped); no problems", len(p.Moves), len(p.Phases()), config.FileName, len(im.Unmapped))

	// 3. apply
	d.header(3, "apply: phase by phase, verified")
	ar, err := refactor.ApplyPlan(ctx, d.root, p, refactor.ApplyPlanOptions{UpdateStrings: true, Cache: d.cache})
	if err != nil {
		d.step("apply", "FAIL", "%v", err)
		return
	}
	printReport(e, ar, false)
	files, flat, created, removed := ar.Totals()
	if !ar.OK() {
		d.step("apply", "FAIL", "a phase was rolled back (see above); the tree is as the last good phase left it")
	} else {
		d.step("apply", "PASS", "%d files moved, %d directories flattened, %d created, %d removed", files, len(flat), len(created), len(removed))
	}

	// 4. recheck
	d.header(4, "check again")
	rep, err = d.check()
	switch {
	case err != nil:
		d.step("recheck", "FAIL", "%v", err)
	case len(rep.Violations) > 0 || len(rep.Unresolved) > 0:
		for _, v := range rep.Violations {
			fmt.Fprintf(e.stdout, "  %s: level %d exceeds the limit of %d\n", v.Path, v.Level, v.Max)
		}
		for _, u := range rep.Unresolved {
			fmt.Fprintf(e.stdout, "  %s:%d:%d: unresolved import %q\n", u.Path, u.Line, u.Column, u.Module)
		}
		d.step("recheck", "FAIL", "%d violations, %d unresolved imports", len(rep.Violations), len(rep.Unresolved))
	default:
		d.step("recheck", "PASS", "0 violations, 0 unresolved imports")
	}
	routes, tests := d.meanings()
	fmt.Fprintf(e.stdout, "  route table (%d routes): %s\n", len(routes), strings.Join(routes, ", "))
	if strings.Join(routes, "\n") != strings.Join(d.routes, "\n") || strings.Join(tests, "\n") != strings.Join(d.tests, "\n") {
		d.step("routes", "FAIL", "the route table or the collected tests changed: routes %v → %v, tests %v → %v", d.routes, routes, d.tests, tests)
	} else {
		d.step("routes", "PASS", "route table kept (%d routes) and the same %d test modules collected", len(routes), len(tests))
	}

	// 5. python
	d.header(5, "python: import every module, run the unit tests")
	d.python(ctx)

	// 6. tsc
	d.header(6, "tsc --noEmit")
	d.tsc(ctx)
}

func (d *demoRun) python(ctx context.Context) {
	py, err := exec.LookPath("python3")
	if err != nil {
		d.step("python", "SKIP", "python3 not found")
		return
	}
	var mods []string
	src := filepath.Join(d.root, "src")
	_ = filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".py") {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = strings.TrimSuffix(filepath.ToSlash(rel), ".py")
		if path.Base(rel) == "__init__" {
			rel = path.Dir(rel)
		}
		mods = append(mods, strings.ReplaceAll(rel, "/", "."))
		return nil
	})
	sort.Strings(mods)
	code := "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
	cmd := exec.CommandContext(ctx, py, append([]string{"-c", code}, mods...)...)
	cmd.Dir = d.root
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		d.step("python", "FAIL", "importing the %d modules failed: %v\n%s", len(mods), err, indent(string(out)))
		return
	}
	cmd = exec.CommandContext(ctx, py, "-m", "unittest", "discover", "-s", "tests")
	cmd.Dir = d.root
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		d.step("python", "FAIL", "%d modules import, but the unit tests fail: %v\n%s", len(mods), err, indent(string(out)))
		return
	}
	d.step("python", "PASS", "python3 imports all %d modules; the unit tests pass", len(mods))
}

func (d *demoRun) tsc(ctx context.Context) {
	tsc := os.Getenv("RELAYOUT_TSC")
	if tsc == "" {
		tsc, _ = exec.LookPath("tsc")
	}
	if tsc == "" {
		d.step("tsc", "SKIP", "tsc not found (put it on PATH or set RELAYOUT_TSC)")
		return
	}
	var project string
	_ = filepath.WalkDir(d.root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() && (de.Name() == "node_modules" || de.Name() == ".git") {
			return filepath.SkipDir
		}
		if project == "" && de.Name() == "tsconfig.json" {
			project = filepath.Dir(p)
		}
		return nil
	})
	if project == "" {
		d.step("tsc", "FAIL", "no tsconfig.json in the workspace")
		return
	}
	rel, _ := filepath.Rel(d.root, project)
	cmd := exec.CommandContext(ctx, tsc, "--noEmit", "-p", project)
	cmd.Dir = d.root
	if out, err := cmd.CombinedOutput(); err != nil {
		d.step("tsc", "FAIL", "tsc --noEmit -p %s: %v\n%s", filepath.ToSlash(rel), err, indent(string(out)))
		return
	}
	d.step("tsc", "PASS", "tsc --noEmit -p %s", filepath.ToSlash(rel))
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("… %d more lines", len(lines)-20))
	}
	return "    " + strings.Join(lines, "\n    ")
}
