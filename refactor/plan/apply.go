package plan

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// ApplyOptions configures Apply.
type ApplyOptions struct {
	// Phase applies only this phase (0 = every phase, in order).
	Phase int
	// DryRun computes every phase (each against the tree as the earlier
	// phases would leave it) and writes nothing.
	DryRun bool
	// Diff fills PhaseResult.Diff with the unified diff of each phase.
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
	// CheckMerge validates merges (see ValidateOptions.CheckMerge).
	CheckMerge func(m Merge, fs workspace.FileSet) []string
}

// Phase statuses reported in PhaseResult.Status.
const (
	StatusApplied        = "applied"
	StatusAlreadyApplied = "already applied"
	StatusWouldApply     = "would apply"
	StatusRolledBack     = "rolled back"
	StatusFailed         = "failed"
	StatusNotRun         = "not run"
)

// PhaseResult is what happened to one phase.
type PhaseResult struct {
	N      int
	Status string
	// Reason says why a phase was rolled back, failed or not run.
	Reason string
	// Changes is the phase's computed change set (nil when none was
	// computed).
	Changes *edit.ChangeSet
	// Diff is the unified diff of Changes (ApplyOptions.Diff).
	Diff string
	// NewUnresolved lists imports that the phase would have left
	// unresolved (path:line: module), when that rolled it back.
	NewUnresolved []string
	// FilesMoved counts renamed files; DirsFlattened, DirsCreated and
	// DirsRemoved are workspace-relative directories.
	FilesMoved    int
	DirsFlattened []string
	DirsCreated   []string
	DirsRemoved   []string
}

// Report is the result of Apply.
type Report struct {
	Phases []PhaseResult
}

// OK reports whether no phase failed or was rolled back.
func (r *Report) OK() bool {
	for _, p := range r.Phases {
		if p.Status == StatusRolledBack || p.Status == StatusFailed {
			return false
		}
	}
	return true
}

// Totals sums the phases that applied (or would): files moved and the
// directories flattened, created and removed (sorted, without duplicates).
// A phase rolled back or failed counts for nothing.
func (r *Report) Totals() (files int, flattened, created, removed []string) {
	f, c, d := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range r.Phases {
		if p.Status != StatusApplied && p.Status != StatusWouldApply {
			continue
		}
		files += p.FilesMoved
		for _, x := range p.DirsFlattened {
			f[x] = true
		}
		for _, x := range p.DirsCreated {
			c[x] = true
		}
		for _, x := range p.DirsRemoved {
			d[x] = true
		}
	}
	// A directory created by one phase and removed by a later one is
	// neither.
	for x := range c {
		if d[x] {
			delete(c, x)
			delete(d, x)
		}
	}
	return files, sortedKeys(f), sortedKeys(c), sortedKeys(d)
}

// verifyError is a failed post-phase check.
type verifyError struct {
	msg        string
	unresolved []string
}

func (e *verifyError) Error() string { return e.msg }

// Apply applies the plan to the workspace at root, phase by phase. Each
// phase is validated against the tree as it is, computed as one change set
// and applied all-or-nothing through edit.Apply's journal; before the
// journal is committed the workspace is re-opened and its imports checked
// (no import may be left unresolved that was not before) and opts.Verify
// runs; a failure rolls the phase back and stops. What is pending and
// valid is decided by Check, as for `relayout plan --check`: the leading
// phases already applied are skipped, and a plan with problems in any
// pending phase is an *Error and nothing is changed.
func Apply(ctx context.Context, root string, p *Plan, opts ApplyOptions) (*Report, error) {
	phases, err := selectPhases(p, opts.Phase)
	if err != nil {
		return nil, err
	}
	ws, err := refactor.Open(ctx, root)
	if err != nil {
		return nil, err
	}
	// Decide what is pending and validate every pending phase up front,
	// each against the tree the earlier ones leave, exactly as `relayout
	// plan --check` does, so a bad later phase changes nothing.
	st := Check(ws.FileSet(), p, ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root, CheckMerge: opts.CheckMerge})
	if len(st.Problems) > 0 {
		return nil, &Error{Problems: st.Problems}
	}
	if opts.Phase > 0 && !st.IsApplied(opts.Phase) && st.Pending[0].N != opts.Phase {
		return nil, fmt.Errorf("phase %d cannot be applied before phase %d", opts.Phase, st.Pending[0].N)
	}
	rep := &Report{}
	var fs workspace.FileSet = ws.FileSet()
	for i, ph := range phases {
		if !opts.DryRun {
			if ws, err = refactor.Open(ctx, root); err != nil {
				return rep, err
			}
			fs = ws.FileSet()
		}
		if st.IsApplied(ph.N) {
			rep.Phases = append(rep.Phases, PhaseResult{N: ph.N, Status: StatusAlreadyApplied})
			continue
		}
		res, err := runPhase(ctx, ws, fs, ph, opts)
		if err != nil {
			return rep, err
		}
		rep.Phases = append(rep.Phases, res)
		if res.Status != StatusApplied && res.Status != StatusWouldApply {
			markNotRun(rep, phases[i+1:])
			return rep, nil
		}
		if opts.DryRun {
			fs = afterSet(fs, res.Changes)
		}
	}
	return rep, nil
}

// selectPhases returns the plan's phases, or only phase n when n > 0.
func selectPhases(p *Plan, n int) ([]Phase, error) {
	phases := p.Phases()
	if n <= 0 {
		return phases, nil
	}
	for _, ph := range phases {
		if ph.N == n {
			return []Phase{ph}, nil
		}
	}
	return nil, fmt.Errorf("the plan has no phase %d", n)
}

// runPhase computes one phase against fs (the workspace's tree, or in a
// dry run the tree the earlier phases would leave) and, unless a dry run,
// applies it. A phase that fails or is rolled back is a result, not an
// error; the error is for failures outside the phase (re-reading the
// workspace).
func runPhase(ctx context.Context, ws *refactor.Workspace, fs workspace.FileSet, ph Phase, opts ApplyOptions) (PhaseResult, error) {
	res := PhaseResult{N: ph.N}
	moves := make([]move.Move, len(ph.Moves))
	for j, m := range ph.Moves {
		moves[j] = move.Move{From: m.From, To: m.To}
	}
	var merges []move.Merge
	for _, m := range ph.Merges {
		merges = append(merges, move.Merge{From: m.From, To: m.To})
	}
	mopts := refactor.MoveOptions{Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Cache: opts.Cache, Merges: merges}
	if opts.DryRun {
		mopts.FileSet = fs
	}
	cs, err := ws.Move(ctx, moves, mopts)
	if err != nil {
		res.Status, res.Reason = StatusFailed, "nothing changed: "+err.Error()
		return res, nil
	}
	res.Changes = cs
	res.FilesMoved = len(cs.Renames)
	res.DirsFlattened = flattened(cs)
	if opts.Diff {
		if res.Diff, err = edit.Diff(fs, cs); err != nil {
			return res, err
		}
	}
	if opts.DryRun {
		res.Status = StatusWouldApply
		res.DirsCreated, res.DirsRemoved = dirChanges(fs, cs)
		return res, nil
	}
	return res, commitPhase(ctx, ws, fs, cs, opts, &res)
}

// commitPhase writes a computed phase through edit.Apply, verifying it
// before the journal is committed, and records the outcome in res.
func commitPhase(ctx context.Context, ws *refactor.Workspace, fs workspace.FileSet, cs *edit.ChangeSet, opts ApplyOptions, res *PhaseResult) error {
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
		return verify(ctx, ws.Root, cs, before, opts)
	}
	sum, err := edit.Apply(ctx, ws.Root, fs, cs, edit.ApplyOptions{Hook: hook})
	if err != nil {
		res.Status, res.Reason = StatusRolledBack, err.Error()
		var ve *verifyError
		if errors.As(err, &ve) {
			res.NewUnresolved = ve.unresolved
		}
		var re *edit.RollbackError
		if errors.Is(err, edit.ErrJournalExists) || errors.As(err, &re) {
			res.Status = StatusFailed
		}
		return nil
	}
	res.Status = StatusApplied
	res.DirsCreated, res.DirsRemoved = sum.DirsCreated, sum.DirsRemoved
	return nil
}

func markNotRun(rep *Report, rest []Phase) {
	for _, ph := range rest {
		rep.Phases = append(rep.Phases, PhaseResult{N: ph.N, Status: StatusNotRun, Reason: "an earlier phase did not apply"})
	}
}

// verify re-opens the workspace written by a phase (not yet committed)
// and checks that it adds no unresolved import, then runs opts.Verify.
func verify(ctx context.Context, root string, cs *edit.ChangeSet, before []index.Unresolved, opts ApplyOptions) error {
	ws, err := refactor.Open(ctx, root)
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

func unresolved(ctx context.Context, ws *refactor.Workspace, cache *index.Cache) ([]index.Unresolved, error) {
	ix, err := ws.Index(ctx, index.Options{Cache: cache})
	if err != nil {
		return nil, err
	}
	return ix.Unresolved(), nil
}

// flattened returns the directories whose files a change set moves to a
// shallower level.
func flattened(cs *edit.ChangeSet) []string {
	set := map[string]bool{}
	for _, r := range cs.Renames {
		if strings.Count(r.To, "/") < strings.Count(r.From, "/") {
			set[path.Dir(r.From)] = true
		}
	}
	return sortedKeys(set)
}

// dirChanges returns the directories a change set creates and leaves
// empty.
func dirChanges(fs workspace.FileSet, cs *edit.ChangeSet) (created, removed []string) {
	final, _, _, err := cs.Result(fs)
	if err != nil {
		return nil, nil
	}
	before, after := dirsOf(fs.Files()), dirsOf(final)
	for d := range after {
		if !before[d] {
			created = append(created, d)
		}
	}
	for d := range before {
		if !after[d] {
			removed = append(removed, d)
		}
	}
	sort.Strings(created)
	sort.Strings(removed)
	return created, removed
}

// afterSet is the tree a change set leaves, read through the tree before
// it (dry runs of later phases).
type after struct {
	*workspace.DiskSet
	base     workspace.FileSet
	origin   map[string]string
	contents map[string][]byte
}

func afterSet(fs workspace.FileSet, cs *edit.ChangeSet) workspace.FileSet {
	final, contents, origin, err := cs.Result(fs)
	if err != nil {
		return fs
	}
	return &after{DiskSet: workspace.NewMemSetPaths("", final), base: fs, origin: origin, contents: contents}
}

// ReadFile implements workspace.FileSet.
func (a *after) ReadFile(rel string) ([]byte, error) {
	if c, ok := a.contents[rel]; ok {
		return c, nil
	}
	if o, ok := a.origin[rel]; ok {
		return a.base.ReadFile(o)
	}
	return nil, fmt.Errorf("read %s: not in the tree", rel)
}
