package edit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	"github.com/relayout/relayout/refactor/workspace"
)

// Summary describes an applied change set.
type Summary struct {
	FilesMoved   int
	FilesEdited  int
	FilesCreated int
	FilesDeleted int
	DirsCreated  []string
	DirsRemoved  []string
}

// ApplyOptions configures Apply.
type ApplyOptions struct {
	// Hook, when set, is called before every step of the apply with a
	// step name ("mkdir D", "write P", "remove P", "rmdir D", "commit");
	// an error it returns aborts and rolls back the apply (refactor.ApplyPlan
	// verifies a phase at "commit").
	Hook func(step string) error
}

// RollbackError is returned by Apply when the apply failed (Err) and
// restoring the old tree failed too (Rollback): the journal is kept, and
// `relayout apply --recover` finishes the rollback.
type RollbackError struct {
	Err      error
	Rollback error
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("%v; restoring the old tree failed too: %v (the journal in %s is kept: run `relayout apply --recover`)", e.Err, e.Rollback, JournalDir)
}

// Unwrap returns the error that made the apply fail.
func (e *RollbackError) Unwrap() error { return e.Err }

type write struct {
	path   string
	origin string // current path whose bytes to use when data is nil
	data   []byte
}

// applyPlan is what Apply will do, computed before anything is written.
type applyPlan struct {
	writes  []write
	removes []string
	touched []string // paths backed up, sorted
	newDirs []string // parents first
	// removeDirs are the directories the change set leaves empty, deepest
	// first.
	removeDirs []string
	sum        *Summary
}

// Apply writes the change set to the workspace at root, all-or-nothing:
// it prepares every step (refusing paths below symlinked directories),
// backs up every original it touches in a journal, then executes; on any
// failure, or when ctx is cancelled, everything is restored. ctx is checked
// before the first write and before every step. fs must describe the
// current tree. A failed rollback is a *RollbackError.
func Apply(ctx context.Context, root string, fs workspace.FileSet, cs *ChangeSet, opts ApplyOptions) (*Summary, error) {
	jdir := filepath.Join(root, JournalDir)
	if _, err := os.Lstat(jdir); err == nil {
		return nil, ErrJournalExists
	}
	p, err := prepare(root, fs, cs)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("apply: nothing written: %w", err)
	}
	j, err := startJournal(root, p)
	if err != nil {
		return nil, err
	}
	if err := execute(ctx, root, p, j, opts.Hook); err != nil {
		if rerr := rollback(root, j, "rollback "); rerr != nil {
			return nil, &RollbackError{Err: err, Rollback: rerr}
		}
		return nil, err
	}
	if err := removeJournal(jdir, j); err != nil {
		return p.sum, fmt.Errorf("apply: the change is complete but %w", err)
	}
	return p.sum, nil
}

// prepare computes the writes, removals, backups and new directories of
// cs, and checks that none of them goes through a symlinked directory.
func prepare(root string, fs workspace.FileSet, cs *ChangeSet) (*applyPlan, error) {
	final, contents, origin, err := cs.Result(fs)
	if err != nil {
		return nil, err
	}
	p := &applyPlan{sum: &Summary{FilesEdited: len(cs.EditedFiles())}}
	finalSet := map[string]bool{}
	for _, np := range final {
		finalSet[np] = true
		op, hasOrigin := origin[np]
		data, changed := contents[np]
		switch {
		case hasOrigin && op == np && !changed:
			continue
		case hasOrigin:
			p.writes = append(p.writes, write{path: np, origin: op, data: data})
		default:
			p.writes = append(p.writes, write{path: np, data: data})
			p.sum.FilesCreated++
		}
	}
	for _, r := range cs.Renames {
		if r.From != r.To {
			p.sum.FilesMoved++
		}
	}
	// Every original the apply replaces, moves or deletes is backed up;
	// so is a file on disk at a written path that the file set does not
	// list (ignored), which would otherwise be lost.
	touched := map[string]bool{}
	for _, w := range p.writes {
		if w.origin != "" {
			touched[w.origin] = true
		}
		if _, err := os.Lstat(full(root, w.path)); err == nil || fs.HasFile(w.path) {
			touched[w.path] = true
		}
	}
	for _, r := range cs.Renames {
		touched[r.From] = true
		if !finalSet[r.From] {
			p.removes = append(p.removes, r.From)
		}
	}
	for _, d := range cs.Deletes {
		touched[d] = true
		if !finalSet[d] {
			p.removes = append(p.removes, d)
		}
		p.sum.FilesDeleted++
	}
	for t := range touched {
		p.touched = append(p.touched, t)
	}
	sort.Strings(p.touched)
	before := dirsOf(fs.Files())
	for d := range dirsOf(final) {
		if before[d] {
			continue
		}
		if st, err := os.Lstat(full(root, d)); err == nil && st.IsDir() {
			continue // exists on disk (e.g. holds only ignored files)
		}
		p.newDirs = append(p.newDirs, d)
	}
	sort.Strings(p.newDirs) // parents sort before children
	p.sum.DirsCreated = p.newDirs
	p.removeDirs = cs.RemoveDirs
	written := make([]string, len(p.writes))
	for i, w := range p.writes {
		written[i] = w.path
	}
	dc := &dirChecker{root: root}
	for _, x := range slices.Concat(p.touched, p.newDirs, p.removes, p.removeDirs, written) {
		if err := validPath(x); err != nil {
			return nil, fmt.Errorf("%q: %v", x, err)
		}
		if err := dc.check(x); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// startJournal creates the journal: the backup of every touched file, then
// journal.json in state prepared. On failure it removes what it made.
func startJournal(root string, p *applyPlan) (*journal, error) {
	jdir := filepath.Join(root, JournalDir)
	j := &journal{Version: journalVersion, State: statePrepared, CreatedDirs: p.newDirs, RemovedDirs: p.removeDirs}
	for _, w := range p.writes {
		j.Written = append(j.Written, w.path)
	}
	at("journal mkdir")
	if err := os.Mkdir(jdir, 0o777); err != nil {
		return nil, fmt.Errorf("apply: create journal: %w", err)
	}
	fail := func(err error) (*journal, error) {
		_ = os.RemoveAll(jdir)
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(jdir, "backup"), 0o777); err != nil {
		return fail(fmt.Errorf("apply: create journal: %w", err))
	}
	for i, t := range p.touched {
		at("backup " + t)
		src := full(root, t)
		st, err := os.Stat(src) // the mode of what a listed symlink points to
		if err != nil {
			if st, err = os.Lstat(src); err != nil {
				return fail(fmt.Errorf("apply: %s: %w", t, err))
			}
		}
		name := strconv.Itoa(i)
		if err := linkOrCopy(src, filepath.Join(jdir, "backup", name)); err != nil {
			return fail(fmt.Errorf("apply: back up %s: %w", t, err))
		}
		j.Backups = append(j.Backups, backup{Path: t, File: name, Mode: st.Mode().Perm()})
	}
	if err := syncDir(filepath.Join(jdir, "backup")); err != nil {
		return fail(fmt.Errorf("apply: %w", err))
	}
	if err := writeJournal(jdir, j, "journal prepared"); err != nil {
		return fail(fmt.Errorf("apply: %w", err))
	}
	return j, nil
}

// execute changes the tree as planned and marks the journal committed.
func execute(ctx context.Context, root string, p *applyPlan, j *journal, hook func(string) error) error {
	jdir := filepath.Join(root, JournalDir)
	step := func(name string) error {
		at(name)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
		if hook != nil {
			return hook(name)
		}
		return nil
	}
	for _, d := range p.newDirs {
		if err := step("mkdir " + d); err != nil {
			return err
		}
		if err := os.Mkdir(full(root, d), 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("apply: create directory %s: %w", d, err)
		}
	}
	backupOf, modeOf := map[string]string{}, map[string]os.FileMode{}
	for _, b := range j.Backups {
		backupOf[b.Path] = filepath.Join(jdir, "backup", b.File)
		modeOf[b.Path] = b.Mode
	}
	for _, w := range p.writes {
		if err := step("write " + w.path); err != nil {
			return err
		}
		dst := full(root, w.path)
		var err error
		if w.data == nil && w.origin != "" {
			err = placeCopy(backupOf[w.origin], dst, "write "+w.path)
		} else {
			err = writeAtomic(dst, w.data, modeOf[w.origin], "write "+w.path)
		}
		if err != nil {
			return fmt.Errorf("apply: write %s: %w", w.path, err)
		}
	}
	for _, r := range p.removes {
		if err := step("remove " + r); err != nil {
			return err
		}
		if err := removeFile(root, r); err != nil {
			return fmt.Errorf("apply: remove %s: %w", r, err)
		}
	}
	for _, d := range p.removeDirs {
		if err := step("rmdir " + d); err != nil {
			return err
		}
		// A directory that still holds ignored files (e.g. __pycache__)
		// stays; that is not a failure.
		if err := os.Remove(full(root, d)); err == nil {
			p.sum.DirsRemoved = append(p.sum.DirsRemoved, d)
		}
	}
	if err := step("commit"); err != nil {
		return err
	}
	if err := syncDirs(root, slices.Concat(j.Written, p.removes, dirPaths(p.sum.DirsRemoved))); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	j.State = stateCommitted
	if err := writeJournal(jdir, j, "journal committed"); err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	return nil
}

// dirPaths turns directories into paths whose parent is the directory's
// parent (for syncDirs).
func dirPaths(dirs []string) []string {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = path.Clean(d)
	}
	return out
}
