package edit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/relayout/relayout/refactor/workspace"
)

// JournalDir is the directory, at the workspace root, that holds the
// journal of an apply in progress. Its presence means an apply did not
// finish; Recover rolls it back.
const JournalDir = ".relayout-journal"

// ErrJournalExists is returned by Apply when an earlier apply did not
// finish; run Recover first.
var ErrJournalExists = errors.New("an earlier apply did not finish (" + JournalDir + " exists): run `relayout apply --recover`")

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
	// step name; an error it returns aborts the apply at that point (used
	// by fault-injection tests).
	Hook func(step string) error
}

type journal struct {
	Version int    `json:"version"`
	State   string `json:"state"` // "prepared" or "committed"
	// Backups are hard links (or copies) of every original file the apply
	// overwrites, moves or deletes.
	Backups []backup `json:"backups"`
	// Written lists every path the apply writes (new or replaced).
	Written []string `json:"written"`
	// CreatedDirs are directories the apply creates, parents first.
	CreatedDirs []string `json:"createdDirs"`
	// RemovedDirs are directories the apply removes, deepest first.
	RemovedDirs []string `json:"removedDirs"`
}

type backup struct {
	Path string      `json:"path"`
	File string      `json:"file"` // name inside the journal's backup dir
	Mode os.FileMode `json:"mode"`
}

type write struct {
	path   string
	origin string // current path whose bytes to use when content is nil
	data   []byte
}

// Apply writes the change set to the workspace at root, all-or-nothing:
// every original it touches is first backed up in a journal; on any
// failure everything is restored. fs must describe the current tree.
func Apply(root string, fs workspace.FileSet, cs *ChangeSet, opts ApplyOptions) (*Summary, error) {
	hook := opts.Hook
	if hook == nil {
		hook = func(string) error { return nil }
	}
	jdir := filepath.Join(root, JournalDir)
	if _, err := os.Stat(jdir); err == nil {
		return nil, ErrJournalExists
	}
	final, contents, origin, err := cs.Result(fs)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	sum := &Summary{}
	// What to write.
	var writes []write
	finalSet := map[string]bool{}
	for _, np := range final {
		finalSet[np] = true
		op, hasOrigin := origin[np]
		data, changed := contents[np]
		switch {
		case hasOrigin && op == np && !changed:
			continue
		case hasOrigin:
			writes = append(writes, write{path: np, origin: op, data: data})
		default:
			writes = append(writes, write{path: np, data: data})
			sum.FilesCreated++
		}
	}
	for _, r := range cs.Renames {
		if r.From != r.To {
			sum.FilesMoved++
		}
	}
	sum.FilesEdited = len(cs.EditedFiles())
	// What to remove: originals that are not final paths any more.
	var removes []string
	touched := map[string]bool{}
	for _, w := range writes {
		if w.origin != "" {
			touched[w.origin] = true
		}
		if fs.HasFile(w.path) {
			touched[w.path] = true
		}
	}
	for _, r := range cs.Renames {
		touched[r.From] = true
		if !finalSet[r.From] {
			removes = append(removes, r.From)
		}
	}
	for _, d := range cs.Deletes {
		touched[d] = true
		if !finalSet[d] {
			removes = append(removes, d)
		}
		sum.FilesDeleted++
	}
	// Directories to create.
	before := dirsOf(fs.Files())
	var newDirs []string
	for d := range dirsOf(final) {
		if !before[d] {
			if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(d))); err == nil && st.IsDir() {
				continue // exists on disk (e.g. holds only ignored files)
			}
			newDirs = append(newDirs, d)
		}
	}
	sort.Strings(newDirs) // parents sort before children
	sum.DirsCreated = newDirs

	j := &journal{Version: 1, State: "prepared", CreatedDirs: newDirs, RemovedDirs: cs.RemoveDirs}
	for _, w := range writes {
		j.Written = append(j.Written, w.path)
	}
	if err := os.Mkdir(jdir, 0o755); err != nil {
		return nil, fmt.Errorf("apply: create journal: %w", err)
	}
	if err := os.Mkdir(filepath.Join(jdir, "backup"), 0o755); err != nil {
		_ = os.RemoveAll(jdir)
		return nil, fmt.Errorf("apply: create journal: %w", err)
	}
	var touchedList []string
	for p := range touched {
		touchedList = append(touchedList, p)
	}
	sort.Strings(touchedList)
	backupOf := map[string]string{}
	for i, p := range touchedList {
		full := filepath.Join(root, filepath.FromSlash(p))
		st, err := os.Stat(full)
		if err != nil {
			_ = os.RemoveAll(jdir)
			return nil, fmt.Errorf("apply: %s: %w", p, err)
		}
		name := strconv.Itoa(i)
		if err := linkOrCopy(full, filepath.Join(jdir, "backup", name)); err != nil {
			_ = os.RemoveAll(jdir)
			return nil, fmt.Errorf("apply: back up %s: %w", p, err)
		}
		backupOf[p] = filepath.Join(jdir, "backup", name)
		j.Backups = append(j.Backups, backup{Path: p, File: name, Mode: st.Mode().Perm()})
	}
	if err := writeJournal(jdir, j); err != nil {
		_ = os.RemoveAll(jdir)
		return nil, err
	}
	fail := func(err error) (*Summary, error) {
		if rerr := rollback(root, j); rerr != nil {
			return nil, fmt.Errorf("%w; rollback also failed: %v (the journal in %s is kept: run `relayout apply --recover`)", err, rerr, JournalDir)
		}
		return nil, err
	}
	for _, d := range newDirs {
		if err := hook("mkdir " + d); err != nil {
			return fail(err)
		}
		if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil && !os.IsExist(err) {
			return fail(fmt.Errorf("apply: create directory %s: %w", d, err))
		}
	}
	modeOf := map[string]os.FileMode{}
	for _, b := range j.Backups {
		modeOf[b.Path] = b.Mode
	}
	for _, w := range writes {
		if err := hook("write " + w.path); err != nil {
			return fail(err)
		}
		dst := filepath.Join(root, filepath.FromSlash(w.path))
		mode := os.FileMode(0o644)
		if m, ok := modeOf[w.origin]; ok {
			mode = m
		}
		var err error
		if w.data == nil && w.origin != "" {
			err = placeCopy(backupOf[w.origin], dst, mode)
		} else {
			err = writeAtomic(dst, w.data, mode)
		}
		if err != nil {
			return fail(fmt.Errorf("apply: write %s: %w", w.path, err))
		}
	}
	for _, p := range removes {
		if err := hook("remove " + p); err != nil {
			return fail(err)
		}
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(p))); err != nil && !os.IsNotExist(err) {
			return fail(fmt.Errorf("apply: remove %s: %w", p, err))
		}
	}
	for _, d := range cs.RemoveDirs {
		if err := hook("rmdir " + d); err != nil {
			return fail(err)
		}
		full := filepath.Join(root, filepath.FromSlash(d))
		if err := os.Remove(full); err == nil {
			sum.DirsRemoved = append(sum.DirsRemoved, d)
		}
		// A directory that still holds ignored files (e.g. __pycache__)
		// stays; that is not a failure.
	}
	if err := hook("commit"); err != nil {
		return fail(err)
	}
	j.State = "committed"
	if err := writeJournal(jdir, j); err != nil {
		return fail(err)
	}
	if err := os.RemoveAll(jdir); err != nil {
		return sum, fmt.Errorf("apply: remove journal: %w", err)
	}
	return sum, nil
}

// Recover finishes or rolls back an interrupted apply at root. It reports
// false when there was nothing to recover.
func Recover(root string) (bool, error) {
	jdir := filepath.Join(root, JournalDir)
	data, err := os.ReadFile(filepath.Join(jdir, "journal.json"))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(jdir); serr == nil {
			// Crashed while preparing: nothing was changed yet.
			return true, os.RemoveAll(jdir)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recover: %w", err)
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return false, fmt.Errorf("recover: corrupt journal %s: %w", jdir, err)
	}
	if j.State == "committed" {
		return true, os.RemoveAll(jdir)
	}
	return true, rollback(root, &j)
}

// rollback restores the tree described by the journal: written paths are
// removed, originals restored from their backups, created directories
// removed and removed directories re-created. It is idempotent.
func rollback(root string, j *journal) error {
	jdir := filepath.Join(root, JournalDir)
	var errs []error
	for _, d := range j.RemovedDirs {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range j.Written {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(p))); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	for _, b := range j.Backups {
		dst := filepath.Join(root, filepath.FromSlash(b.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := placeCopy(filepath.Join(jdir, "backup", b.File), dst, b.Mode); err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", b.Path, err))
		}
	}
	for i := len(j.CreatedDirs) - 1; i >= 0; i-- {
		_ = os.Remove(filepath.Join(root, filepath.FromSlash(j.CreatedDirs[i]))) // only if empty
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return os.RemoveAll(jdir)
}

func writeJournal(jdir string, j *journal) error {
	data, err := json.MarshalIndent(j, "", " ")
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := writeAtomic(filepath.Join(jdir, "journal.json"), data, 0o644); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}

// writeAtomic writes data to a temp file in dst's directory, syncs it and
// renames it over dst.
func writeAtomic(dst string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".relayout-tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// placeCopy puts the bytes of src at dst atomically (a hard link when
// possible, else a copy through a temp file).
func placeCopy(src, dst string, mode os.FileMode) error {
	if a, err := os.Stat(src); err == nil {
		if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
			return nil // already in place (a hard link of the backup)
		}
	}
	tmp := filepath.Join(filepath.Dir(dst), ".relayout-tmp-"+path.Base(filepath.ToSlash(dst))+"-"+strconv.Itoa(os.Getpid()))
	_ = os.Remove(tmp)
	if err := linkOrCopy(src, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	_, cerr := io.Copy(out, in)
	serr := out.Sync()
	clerr := out.Close()
	return errors.Join(cerr, serr, clerr)
}
