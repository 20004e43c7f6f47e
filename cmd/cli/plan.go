package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

func init() {
	register(verb{name: "plan", short: "check, import or generate a restructuring plan", run: runPlan})
}

const planHelp = `Work with restructuring plans (relayout.toml [[move]] entries; see
docs/plan-format.md). Three modes:

  relayout plan --check [--plan FILE]
      validate the plan (relayout.toml, or FILE) against the workspace, phase
      by phase, and print every problem as file:line: message.
  relayout plan --from-markdown FILE [--old-root P] [--new-root P] [-o OUT]
      import a Markdown plan written like the seed ("Move ` + "`X` → `Y`" + `" bullets
      under "Phase N" headings); steps that are not moves are listed on
      stderr as "not mapped: line N: ...". With -o the entries are appended
      to OUT (an existing relayout.toml keeps its other tables).
  relayout plan [--max-depth N] [--format toml|markdown] [-o OUT] [PATH]
      propose moves that bring every file within the limit.

Exit status: 0 clean, 1 problems (or files that cannot be brought within the
limit), 2 usage or configuration error.`

func runPlan(e *env, args []string) int {
	fs := newFlags(e, "plan", "[PATH]", planHelp)
	check := fs.Bool("check", false, "validate the plan and print its problems")
	planFile := fs.String("plan", "", "plan file in relayout.toml format (default: the workspace's relayout.toml)")
	fromMD := fs.String("from-markdown", "", "import this Markdown plan")
	oldRoot := fs.String("old-root", "", "with --from-markdown: directory source paths are relative to (default: the Current Structure tree's root)")
	newRoot := fs.String("new-root", "", "with --from-markdown: directory target paths are relative to (default: the Proposed Structure tree's root)")
	out := fs.String("o", "", "append the [[move]] entries to this file instead of printing them")
	maxDepth := fs.Int("max-depth", 0, "override the depth limit")
	format := fs.String("format", "toml", "generated plan format: toml or markdown")
	root := fs.String("root", "", "workspace root (default: nearest relayout.toml or .git above PATH or the current directory)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "relayout plan: at most one PATH")
		return ExitUsage
	}
	if *maxDepth < 0 {
		fmt.Fprintln(e.stderr, "relayout plan: --max-depth must be >= 0")
		return ExitUsage
	}
	switch {
	case *fromMD != "":
		return planImport(e, *fromMD, *oldRoot, *newRoot, *out)
	case *check:
		return planCheck(e, *root, *planFile, *maxDepth)
	}
	if *format != "toml" && *format != "markdown" {
		fmt.Fprintf(e.stderr, "relayout plan: unknown --format %q (want toml or markdown)\n", *format)
		return ExitUsage
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	return planGenerate(e, dir, *root, *maxDepth, *format, *out)
}

// loadPlan returns the plan of --plan FILE or of the workspace's
// relayout.toml.
func loadPlan(e *env, verb string, ws *refactor.Workspace, file string) (*plan.Plan, int) {
	if file == "" {
		p := plan.FromConfig(ws.Config)
		if p.Empty() {
			fmt.Fprintf(e.stderr, "relayout %s: no plan: add [[move]] entries to %s (relayout plan --from-markdown or relayout plan -o %s writes them) or pass --plan FILE\n",
				verb, config.FileName, config.FileName)
			return nil, ExitUsage
		}
		return p, ExitOK
	}
	p, err := plan.Load(file, file)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(e.stderr, "relayout %s: invalid plan: %v\n", verb, err)
		} else {
			fmt.Fprintf(e.stderr, "relayout %s: %v\n", verb, err)
		}
		return nil, ExitUsage
	}
	if p.Empty() {
		fmt.Fprintf(e.stderr, "relayout %s: %s holds no [[move]] or [[merge]] entries\n", verb, file)
		return nil, ExitUsage
	}
	return p, ExitOK
}

func planCheck(e *env, root, file string, maxDepth int) int {
	ws, code := openWorkspace(e, "plan", ".", root)
	if ws == nil {
		return code
	}
	if maxDepth > 0 {
		ws.Config.Depth.Max = maxDepth
	}
	p, code := loadPlan(e, "plan", ws, file)
	if p == nil {
		return code
	}
	st := plan.Check(ws.FileSet(), p, plan.ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root})
	for i, ph := range st.Phases {
		if st.Applied[i] {
			fmt.Fprintf(e.stdout, "phase %d: already applied\n", ph.N)
		}
	}
	for _, pr := range st.Problems {
		fmt.Fprintln(e.stdout, pr)
	}
	if len(st.Problems) > 0 {
		fmt.Fprintf(e.stderr, "relayout plan: %d problems\n", len(st.Problems))
		return ExitFindings
	}
	applied := ""
	if n := len(st.Phases) - len(st.Pending); n > 0 {
		applied = fmt.Sprintf(" (%d already applied)", n)
	}
	fmt.Fprintf(e.stdout, "%s: %d moves in %d phases%s: no problems\n", p.File, len(p.Moves), len(st.Phases), applied)
	return ExitOK
}

func planImport(e *env, file, oldRoot, newRoot, out string) int {
	data, err := workspace.ReadRegular(file, workspace.MaxConfigSize)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
		return ExitUsage
	}
	im, err := plan.ImportMarkdown(filepath.Base(file), data, plan.ImportOptions{OldRoot: oldRoot, NewRoot: newRoot})
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
		return ExitUsage
	}
	for _, n := range im.Notes {
		fmt.Fprintf(e.stderr, "relayout plan: note: %s\n", n)
	}
	for _, u := range im.Unmapped {
		fmt.Fprintf(e.stderr, "not mapped: line %d: %s\n", u.Line, u.Text)
	}
	header := fmt.Sprintf("Imported from %s by relayout plan --from-markdown\n(sources relative to %s, targets to %s).", filepath.Base(file), orDot(im.OldRoot), orDot(im.NewRoot))
	tables := plan.TOML(header, im.Moves, nil)
	fmt.Fprintf(e.stderr, "relayout plan: imported %d moves, %d steps not mapped\n", len(im.Moves), len(im.Unmapped))
	return writePlanOut(e, out, tables)
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

// writePlanOut prints tables, or appends them to out (creating it), and
// checks that the result still parses.
func writePlanOut(e *env, out string, tables []byte) int {
	if out == "" {
		_, _ = e.stdout.Write(tables)
		return ExitOK
	}
	existing, err := workspace.ReadRegular(out, workspace.MaxConfigSize)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
		return ExitUsage
	}
	data := plan.AppendTOML(existing, tables)
	if _, err := config.Parse(out, data); err != nil {
		fmt.Fprintf(e.stderr, "relayout plan: %s would not parse after appending: %v; nothing written\n", out, err)
		return ExitUsage
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(e.stderr, "relayout plan: wrote %s\n", out)
	return ExitOK
}

func planGenerate(e *env, dir, root string, maxDepth int, format, out string) int {
	ws, code := openWorkspace(e, "plan", dir, root)
	if ws == nil {
		return code
	}
	if maxDepth > 0 {
		ws.Config.Depth.Max = maxDepth
	}
	pr := plan.Generate(ws.FileSet(), plan.GenerateOptions{Rule: ws.DepthRule(), PythonRoots: ws.Config.Python.Roots})
	for _, u := range pr.Unresolved {
		fmt.Fprintf(e.stderr, "relayout plan: %s: cannot be brought within level %d without leaving its Python source root or TypeScript project\n", u, ws.Config.Depth.Max)
	}
	for _, x := range pr.Excludes {
		fmt.Fprintf(e.stderr, "relayout plan: %d files stay deeper than level %d: add %q to [depth] exclude (%s)\n", len(x.Files), ws.Config.Depth.Max, x.Pattern, x.Reason)
	}
	var text []byte
	if format == "markdown" {
		cache, _ := refactor.OpenCache("")
		ix, err := ws.Index(e.ctx, refactor.IndexOptions{Cache: cache, Progress: progressPrinter(e, "indexing")})
		clearProgress(e)
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
			return ExitFindings
		}
		// The counts in the report are those of apply's dry run (none
		// when the plan needs its proposed excludes first).
		var dry *plan.Report
		if len(pr.Plan.Moves) > 0 {
			if r, err := refactor.ApplyPlan(e.ctx, ws.Root, pr.Plan, refactor.ApplyPlanOptions{DryRun: true, Cache: cache}); err == nil {
				dry = r
			}
		}
		text = plan.Markdown(ws.FileSet(), pr, plan.MarkdownOptions{Title: filepath.Base(ws.Root), Rule: ws.DepthRule(), Index: ix, DryRun: dry})
	} else {
		var header strings.Builder
		fmt.Fprintf(&header, "Generated by relayout plan: %d moves bring every file within level %d.", len(pr.Plan.Moves), ws.Config.Depth.Max)
		for _, ph := range pr.Plan.Phases() {
			fmt.Fprintf(&header, "\nPhase %d: %s.", ph.N, pr.Titles[ph.N])
		}
		for _, x := range pr.Excludes {
			fmt.Fprintf(&header, "\nProposed [depth] exclude %q: %d files stay deeper because %s.", x.Pattern, len(x.Files), x.Reason)
		}
		if len(pr.Plan.Moves) == 0 && len(pr.Excludes) == 0 {
			header.Reset()
			fmt.Fprintf(&header, "relayout plan: every file is within level %d: nothing to move.", ws.Config.Depth.Max)
		}
		text = plan.TOML(header.String(), pr.Plan.Moves, nil)
	}
	if code := writeOut(e, out, text, format); code != ExitOK {
		return code
	}
	if len(pr.Unresolved) > 0 {
		return ExitFindings
	}
	return ExitOK
}

func writeOut(e *env, out string, text []byte, format string) int {
	if format == "markdown" && out != "" {
		if err := os.WriteFile(out, text, 0o644); err != nil {
			fmt.Fprintf(e.stderr, "relayout plan: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	}
	return writePlanOut(e, out, text)
}
