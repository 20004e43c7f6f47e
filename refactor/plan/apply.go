package plan

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
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

// Totals sums the phases: files moved and the directories flattened,
// created and removed (sorted, without duplicates).
func (r *Report) Totals() (files int, flattened, created, removed []string) {
	f, c, d := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range r.Phases {
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
// runs; a failure rolls the phase back and stops. A phase whose sources
// are all gone and targets all present is "already applied" and skipped.
// A plan with problems is an *Error and nothing is changed.
func Apply(ctx context.Context, root string, p *Plan, opts ApplyOptions) (*Report, error) {
	phases := p.Phases()
	if opts.Phase > 0 {
		var sel []Phase
		for _, ph := range phases {
			if ph.N == opts.Phase {
				sel = append(sel, ph)
			}
		}
		if len(sel) == 0 {
			return nil, fmt.Errorf("the plan has no phase %d", opts.Phase)
		}
		phases = sel
	}
	ws, err := refactor.Open(ctx, root)
	if err != nil {
		return nil, err
	}
	vopts := ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root, CheckMerge: opts.CheckMerge}
	// Validate every pending phase up front, each against the tree the
	// earlier ones leave, so a bad later phase changes nothing.
	all := p.Phases()
	done := map[int]bool{}
	for i, ok := range Applied(ws.FileSet(), all) {
		done[all[i].N] = ok
	}
	var pending []Phase
	for _, ph := range phases {
		if !done[ph.N] {
			pending = append(pending, ph)
		}
	}
	if probs := ValidatePhases(ws.FileSet(), p.File, pending, vopts); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	rep := &Report{}
	var fs workspace.FileSet = ws.FileSet()
	for i, ph := range phases {
		res := PhaseResult{N: ph.N}
		if !opts.DryRun {
			if ws, err = refactor.Open(ctx, root); err != nil {
				return rep, err
			}
			fs = ws.FileSet()
		}
		if done[ph.N] {
			res.Status = StatusAlreadyApplied
			rep.Phases = append(rep.Phases, res)
			continue
		}
		moves := make([]move.Move, len(ph.Moves))
		for j, m := range ph.Moves {
			moves[j] = move.Move{From: m.From, To: m.To}
		}
		var merges []move.Merge
		for _, m := range ph.Merges {
			merges = append(merges, move.Merge{From: m.From, To: m.To})
		}
		mopts := refactor.MoveOptions{Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Cache: opts.Cache, Merges: merges}
		var cs *edit.ChangeSet
		if opts.DryRun {
			cs, err = computeOn(ctx, fs, ws.Config, moves, mopts)
		} else {
			cs, err = ws.Move(ctx, moves, mopts)
		}
		if err != nil {
			res.Status, res.Reason = StatusFailed, "nothing changed: "+err.Error()
			rep.Phases = append(rep.Phases, res)
			markNotRun(rep, phases[i+1:])
			return rep, nil
		}
		res.Changes = cs
		res.FilesMoved = len(cs.Renames)
		res.DirsFlattened = flattened(cs)
		if opts.Diff {
			if res.Diff, err = edit.Diff(fs, cs); err != nil {
				return rep, err
			}
		}
		if opts.DryRun {
			res.Status = StatusWouldApply
			res.DirsCreated, res.DirsRemoved = dirChanges(fs, cs)
			rep.Phases = append(rep.Phases, res)
			fs = afterSet(fs, cs)
			continue
		}
		before, err := unresolved(ctx, ws, opts.Cache)
		if err != nil {
			return rep, err
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
			return verify(ctx, root, cs, before, opts)
		}
		sum, err := edit.Apply(ws.Root, fs, cs, edit.ApplyOptions{Hook: hook})
		if err != nil {
			res.Status, res.Reason = StatusRolledBack, err.Error()
			var ve *verifyError
			if errors.As(err, &ve) {
				res.NewUnresolved = ve.unresolved
			}
			if errors.Is(err, edit.ErrJournalExists) {
				res.Status = StatusFailed
			} else if strings.Contains(err.Error(), "rollback also failed") {
				res.Status = StatusFailed
			}
			rep.Phases = append(rep.Phases, res)
			markNotRun(rep, phases[i+1:])
			return rep, nil
		}
		res.Status = StatusApplied
		res.DirsCreated, res.DirsRemoved = sum.DirsCreated, sum.DirsRemoved
		rep.Phases = append(rep.Phases, res)
	}
	return rep, nil
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

// computeOn computes a change set against any file set (the façade's
// Workspace.Move works on the disk).
func computeOn(ctx context.Context, fs workspace.FileSet, cfg *config.Config, moves []move.Move, opts refactor.MoveOptions) (*edit.ChangeSet, error) {
	targets, err := move.Targets(fs, moves)
	if err != nil {
		return nil, err
	}
	refactor.AddMergeTargets(targets, opts.Merges)
	cands, err := refactor.Candidates(fs, moves, targets)
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(ctx, fs, cfg, index.Options{Only: cands, Cache: opts.Cache, MaxFileSize: cfg.Workspace.MaxFileSize})
	if err != nil {
		return nil, err
	}
	return move.Compute(ctx, ix, moves, move.Options{Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Config: cfg, Merges: opts.Merges})
}
