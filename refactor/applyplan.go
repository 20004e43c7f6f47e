package refactor

import (
	"context"
	"errors"
	"fmt"

	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

// ApplyPlanOptions configures ApplyPlan.
type ApplyPlanOptions struct {
	// Phase applies only this phase (0 = every phase, in order).
	Phase int
	// DryRun computes every phase (each against the tree as the earlier
	// phases would leave it) and writes nothing.
	DryRun bool
	// Diff fills plan.PhaseResult.Diff with the unified diff of each phase.
	Diff bool
	// Shim, UpdateStrings and Strings are passed to the move engine.
	Shim, UpdateStrings bool
	Strings             move.Strings
	// Verify, when set, runs after a phase is written and before it is
	// committed, with the workspace root; an error rolls the phase back.
	Verify func(ctx context.Context, root string) error
	// Hook is passed to edit.Apply: it is called before every step of
	// every phase's apply, and an error it returns aborts and rolls back
	// that phase (fault injection in tests).
	Hook func(step string) error
	// Cache is the parse cache (nil = none).
	Cache *index.Cache
	// CheckMerge validates merges (see plan.ValidateOptions.CheckMerge).
	CheckMerge func(m plan.Merge, fs workspace.FileSet) []string
}

// verifyError is a failed post-phase check.
type verifyError struct {
	msg        string
	unresolved []string
}

func (e *verifyError) Error() string { return e.msg }

// ApplyPlan applies the plan to the workspace at root, phase by phase. Each
// phase is validated against the tree as it is, computed as one change set
// by Workspace.Move and applied all-or-nothing through edit.Apply's
// journal; before the journal is committed the workspace is re-opened and
// its imports checked (no import may be left unresolved that was not
// before) and opts.Verify runs; a failure rolls the phase back and stops.
// What is pending and valid is decided by plan.Check, as for `relayout
// plan --check`: the leading phases already applied are skipped, and a
// plan with problems in any pending phase is a *plan.Error and nothing is
// changed.
func ApplyPlan(ctx context.Context, root string, p *plan.Plan, opts ApplyPlanOptions) (*plan.Report, error) {
	phases, err := selectPhases(p, opts.Phase)
	if err != nil {
		return nil, err
	}
	ws, err := Open(ctx, root)
	if err != nil {
		return nil, err
	}
	// Decide what is pending and validate every pending phase up front,
	// each against the tree the earlier ones leave, exactly as `relayout
	// plan --check` does, so a bad later phase changes nothing.
	st := plan.Check(ws.FileSet(), p, plan.ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root, CheckMerge: opts.CheckMerge})
	if len(st.Problems) > 0 {
		return nil, &plan.Error{Problems: st.Problems}
	}
	if opts.Phase > 0 && !st.IsApplied(opts.Phase) && st.Pending[0].N != opts.Phase {
		return nil, fmt.Errorf("phase %d cannot be applied before phase %d", opts.Phase, st.Pending[0].N)
	}
	rep := &plan.Report{}
	fs := ws.FileSet()
	for i, ph := range phases {
		if !opts.DryRun {
			if ws, err = Open(ctx, root); err != nil {
				return rep, err
			}
			fs = ws.FileSet()
		}
		if st.IsApplied(ph.N) {
			rep.Phases = append(rep.Phases, plan.PhaseResult{N: ph.N, Status: plan.StatusAlreadyApplied})
			continue
		}
		res, err := runPhase(ctx, ws, fs, ph, opts)
		if err != nil {
			return rep, err
		}
		rep.Phases = append(rep.Phases, res)
		if res.Status != plan.StatusApplied && res.Status != plan.StatusWouldApply {
			for _, rest := range phases[i+1:] {
				rep.Phases = append(rep.Phases, plan.PhaseResult{N: rest.N, Status: plan.StatusNotRun, Reason: "an earlier phase did not apply"})
			}
			return rep, nil
		}
		if opts.DryRun {
			fs = plan.After(fs, res.Changes)
		}
	}
	return rep, nil
}

// selectPhases returns the plan's phases, or only phase n when n > 0.
func selectPhases(p *plan.Plan, n int) ([]plan.Phase, error) {
	phases := p.Phases()
	if n <= 0 {
		return phases, nil
	}
	for _, ph := range phases {
		if ph.N == n {
			return []plan.Phase{ph}, nil
		}
	}
	return nil, fmt.Errorf("the plan has no phase %d", n)
}

// runPhase computes one phase against fs (the workspace's tree, or in a
// dry run the tree the earlier phases would leave) and, unless a dry run,
// applies it. A phase that fails or is rolled back is a result, not an
// error; the error is for failures outside the phase (re-reading the
// workspace).
func runPhase(ctx context.Context, ws *Workspace, fs workspace.FileSet, ph plan.Phase, opts ApplyPlanOptions) (plan.PhaseResult, error) {
	res := plan.PhaseResult{N: ph.N}
	moves, merges := ph.Requests()
	mopts := MoveOptions{Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Cache: opts.Cache, Merges: merges}
	if opts.DryRun {
		mopts.FileSet = fs
	}
	cs, err := ws.Move(ctx, moves, mopts)
	if err != nil {
		res.Status, res.Reason = plan.StatusFailed, "nothing changed: "+err.Error()
		return res, nil
	}
	res.Changes = cs
	res.FilesMoved = len(cs.Renames)
	res.DirsFlattened = plan.Flattened(cs)
	if opts.Diff {
		if res.Diff, err = edit.Diff(fs, cs); err != nil {
			return res, err
		}
	}
	if opts.DryRun {
		res.Status = plan.StatusWouldApply
		res.DirsCreated, res.DirsRemoved = plan.DirChanges(fs, cs)
		return res, nil
	}
	return res, commitPhase(ctx, ws, fs, cs, opts, &res)
}

// commitPhase writes a computed phase through edit.Apply, verifying it
// before the journal is committed, and records the outcome in res.
func commitPhase(ctx context.Context, ws *Workspace, fs workspace.FileSet, cs *edit.ChangeSet, opts ApplyPlanOptions, res *plan.PhaseResult) error {
	before, err := unresolved(ctx, ws, opts.Cache)
	if err != nil {
		return err
	}
	hook := func(step string) error {
		if opts.Hook != nil {
			if err := opts.Hook(step); err != nil {
				return err
			}
		}
		if step != "commit" {
			return nil
		}
		return verifyPhase(ctx, ws.Root, cs, before, opts)
	}
	sum, err := edit.Apply(ctx, ws.Root, fs, cs, edit.ApplyOptions{Hook: hook})
	if err != nil {
		res.Status, res.Reason = plan.StatusRolledBack, err.Error()
		var ve *verifyError
		if errors.As(err, &ve) {
			res.NewUnresolved = ve.unresolved
		}
		var re *edit.RollbackError
		if errors.Is(err, edit.ErrJournalExists) || errors.As(err, &re) {
			res.Status = plan.StatusFailed
		}
		return nil
	}
	res.Status = plan.StatusApplied
	res.DirsCreated, res.DirsRemoved = sum.DirsCreated, sum.DirsRemoved
	return nil
}

// verifyPhase re-opens the workspace written by a phase (not yet
// committed) and checks that it adds no unresolved import, then runs
// opts.Verify.
func verifyPhase(ctx context.Context, root string, cs *edit.ChangeSet, before []index.Unresolved, opts ApplyPlanOptions) error {
	ws, err := Open(ctx, root)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	after, err := unresolved(ctx, ws, opts.Cache)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	seen := map[string]int{}
	for _, u := range before {
		seen[cs.NewPath(u.Path)+"\x00"+u.Module]++
	}
	var added []string
	for _, u := range after {
		k := u.Path + "\x00" + u.Module
		if seen[k] > 0 {
			seen[k]--
			continue
		}
		added = append(added, fmt.Sprintf("%s:%d: %s", u.Path, u.Pos.Line+1, u.Module))
	}
	if len(added) > 0 {
		return &verifyError{unresolved: added, msg: fmt.Sprintf("the phase would leave %d new unresolved imports (first: %s)", len(added), added[0])}
	}
	if opts.Verify != nil {
		if err := opts.Verify(ctx, root); err != nil {
			return &verifyError{msg: "verify command failed: " + err.Error()}
		}
	}
	return nil
}

func unresolved(ctx context.Context, ws *Workspace, cache *index.Cache) ([]index.Unresolved, error) {
	ix, err := ws.Index(ctx, index.Options{Cache: cache})
	if err != nil {
		return nil, err
	}
	return ix.Unresolved(), nil
}
