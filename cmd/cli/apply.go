package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/plan"
)

func init() {
	register(verb{name: "apply", short: "apply the restructuring plan, phase by phase, with verification", run: runApply})
}

const applyHelp = `Apply the restructuring plan (relayout.toml [[move]] entries, or --plan FILE),
phase by phase. The whole plan is validated first; each phase is then one
change set applied all-or-nothing through a journal. Before a phase is
committed the workspace is re-checked: a phase that leaves an import
unresolved that was not before, or whose --verify-cmd fails, is rolled back
and the apply stops. Leading phases already applied (sources gone, targets
present) are skipped, so re-running an applied plan does nothing.

An apply interrupted at any point (even kill -9) leaves its journal in
.relayout-journal; --recover rolls it back.

Exit status: 0 applied (or nothing to do), 1 a phase failed or the plan has
problems, 2 usage or configuration error.`

// applyStepHook, set only by tests, is called before every step of every
// phase's apply (see edit.ApplyOptions.Hook).
var applyStepHook func(step string) error

func runApply(e *env, args []string) int {
	fs := newFlags(e, "apply", "", applyHelp)
	planFile := fs.String("plan", "", "plan file in relayout.toml format (default: the workspace's relayout.toml)")
	phase := fs.Int("phase", 0, "apply only this phase")
	dry := fs.Bool("dry-run", false, "compute every phase and print the summary; write nothing")
	diff := fs.Bool("diff", false, "print a unified diff of each phase")
	shim := fs.Bool("shim", false, "leave a compatibility module at each old Python path that re-exports the new one")
	updateStrings := addStringsFlag(fs)
	verifyCmd := fs.String("verify-cmd", "", "run `sh -c CMD` in the workspace root after each phase; a failure rolls the phase back")
	recover := fs.Bool("recover", false, "roll back an interrupted apply and exit")
	root := fs.String("root", "", "workspace root (default: nearest relayout.toml or .git above the current directory)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "relayout apply: no arguments expected (use --plan FILE)")
		return ExitUsage
	}
	if *recover {
		return applyRecover(e, *root)
	}
	ws, code := openWorkspace(e, "apply", ".", *root)
	if ws == nil {
		return code
	}
	p, code := loadPlan(e, "apply", ws, *planFile)
	if p == nil {
		return code
	}
	opts := refactor.ApplyPlanOptions{Phase: *phase, DryRun: *dry, Diff: *diff, Shim: *shim, Strings: updateStrings.scope(defaultStrings(ws)), Hook: applyStepHook}
	opts.Cache, _ = refactor.OpenCache("")
	if *verifyCmd != "" {
		opts.Verify = func(ctx context.Context, root string) error {
			cmd := exec.CommandContext(ctx, "sh", "-c", *verifyCmd)
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("sh -c %q: %v\n%s", *verifyCmd, err, strings.TrimRight(string(out), "\n"))
			}
			return nil
		}
	}
	return applyPlan(e, ws.Root, p, opts)
}

// applyPlan runs refactor.ApplyPlan and prints the report; it returns the exit
// code.
func applyPlan(e *env, root string, p *plan.Plan, opts refactor.ApplyPlanOptions) int {
	rep, err := refactor.ApplyPlan(e.ctx, root, p, opts)
	if err != nil {
		var pe *plan.Error
		var me *refactor.MoveError
		switch {
		case errors.As(err, &pe):
			for _, pr := range pe.Problems {
				fmt.Fprintln(e.stderr, pr)
			}
			fmt.Fprintf(e.stderr, "relayout apply: nothing changed: %d problems in the plan\n", len(pe.Problems))
		case errors.As(err, &me):
			fmt.Fprintf(e.stderr, "relayout apply: nothing changed: %v\n", err)
		default:
			fmt.Fprintf(e.stderr, "relayout apply: %v\n", err)
		}
		printReport(e, rep, opts.DryRun)
		return ExitFindings
	}
	printReport(e, rep, opts.DryRun)
	if !rep.OK() {
		return ExitFindings
	}
	return ExitOK
}

func printReport(e *env, rep *plan.Report, dry bool) {
	if rep == nil {
		return
	}
	for _, ph := range rep.Phases {
		cs := ph.Changes
		if ph.Diff != "" {
			fmt.Fprint(e.stdout, ph.Diff)
		}
		if cs != nil {
			printWarnings(e, fmt.Sprintf("phase %d: ", ph.N), cs, dry)
		}
		switch {
		case cs != nil && (ph.Status == plan.StatusApplied || ph.Status == plan.StatusWouldApply):
			fmt.Fprintf(e.stdout, "phase %d: %s: %s\n", ph.N, ph.Status, changeSummary(cs))
		case ph.Reason != "":
			fmt.Fprintf(e.stdout, "phase %d: %s: %s\n", ph.N, ph.Status, ph.Reason)
			for _, u := range ph.NewUnresolved {
				fmt.Fprintf(e.stdout, "  new unresolved import: %s\n", u)
			}
		default:
			fmt.Fprintf(e.stdout, "phase %d: %s\n", ph.N, ph.Status)
		}
	}
	files, flat, created, removed := rep.Totals()
	verb := "moved"
	if dry {
		verb = "would move"
	}
	fmt.Fprintf(e.stdout, "summary: %s %s; %s flattened, %d created, %d removed\n", verb, plural(files, "file"), plural(len(flat), "directory"), len(created), len(removed))
	if len(created) > 0 {
		fmt.Fprintf(e.stdout, "directories created: %s\n", strings.Join(created, ", "))
	}
	if len(removed) > 0 {
		fmt.Fprintf(e.stdout, "directories removed: %s\n", strings.Join(removed, ", "))
	}
}

func applyRecover(e *env, root string) int {
	var err error
	if root == "" {
		if root, err = refactor.FindRoot("."); err != nil {
			fmt.Fprintf(e.stderr, "relayout apply: %v\n", err)
			return ExitUsage
		}
	}
	did, err := edit.Recover(root)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout apply: recover: %v\n", err)
		return ExitFindings
	}
	if !did {
		fmt.Fprintln(e.stdout, "nothing to recover")
		return ExitOK
	}
	fmt.Fprintln(e.stdout, "recovered: the interrupted apply was rolled back")
	return ExitOK
}
