package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/workspace"
)

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
	// Diff is the unified diff of Changes (when asked for).
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

// Report is the result of applying a plan (refactor.ApplyPlan).
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

// Flattened returns the directories whose files a change set moves to a
// shallower level.
func Flattened(cs *edit.ChangeSet) []string {
	set := map[string]bool{}
	for _, r := range cs.Renames {
		if strings.Count(r.To, "/") < strings.Count(r.From, "/") {
			set[path.Dir(r.From)] = true
		}
	}
	return sortedKeys(set)
}

// DirChanges returns the directories a change set creates and leaves
// empty when applied to fs.
func DirChanges(fs workspace.FileSet, cs *edit.ChangeSet) (created, removed []string) {
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

// after is the tree a change set leaves, read through the tree before it.
type after struct {
	*workspace.DiskSet
	base     workspace.FileSet
	origin   map[string]string
	contents map[string][]byte
}

// After returns the tree cs leaves when applied to fs, read through fs
// (a dry run computes a later phase against it). When cs cannot be applied
// to fs, fs itself is returned.
func After(fs workspace.FileSet, cs *edit.ChangeSet) workspace.FileSet {
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
