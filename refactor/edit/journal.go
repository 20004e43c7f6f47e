package edit

// journal.go: the journal of an apply in progress, and Recover.
//
// Layout: .relayout-journal/journal.json and .relayout-journal/backup/N.
// States: "prepared" (written before the first change to the tree: every
// backup is in place), "committed" (the tree is the new one) and
// "rolled-back" (the tree is the old one again). A journal reaches a final
// state through an atomic, fsynced rename of journal.json before any
// backup is removed, so a kill at any point leaves either a prepared
// journal with every backup, a final one, or a directory without
// journal.json (apply killed while preparing, or the journal being
// removed) — and Recover knows what to do with each.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// JournalDir is the directory, at the workspace root, that holds the
// journal of an apply in progress. Its presence means an apply did not
// finish; Recover rolls it back.
const JournalDir = ".relayout-journal"

// ErrJournalExists is returned by Apply when an earlier apply did not
// finish; run Recover first.
var ErrJournalExists = errors.New("an earlier apply did not finish (" + JournalDir + " exists): run `relayout apply --recover`")

// maxJournalSize bounds the journal file Recover reads.
const maxJournalSize = 256 << 20

const journalVersion = 1

// Journal states.
const (
	statePrepared   = "prepared"
	stateCommitted  = "committed"
	stateRolledBack = "rolled-back"
)

type journal struct {
	Version int    `json:"version"`
	State   string `json:"state"`
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

// InvalidJournalError is returned by Recover for a journal it refuses to
// act on; nothing was changed.
type InvalidJournalError struct {
	Reason string
}

func (e *InvalidJournalError) Error() string {
	return fmt.Sprintf("refusing to recover from %s: %s; nothing was changed (inspect it, then remove it by hand)", JournalDir, e.Reason)
}

func invalid(format string, args ...any) error {
	return &InvalidJournalError{Reason: fmt.Sprintf(format, args...)}
}

// Recover finishes or rolls back an interrupted apply at root. It reports
// false when there was nothing to recover. A journal whose entries leave
// the root, climb with "..", name backups not of the journal's own form,
// or sit behind symlinks is refused with an *InvalidJournalError before
// anything is touched. Recover is idempotent: a recover killed at any
// point can be run again.
func Recover(root string) (bool, error) {
	jdir := filepath.Join(root, JournalDir)
	st, err := os.Lstat(jdir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("recover: %w", err)
	}
	if !st.IsDir() {
		return true, invalid("it is not a directory (a symlink or a file)")
	}
	j, err := readJournal(jdir)
	if errors.Is(err, fs.ErrNotExist) {
		// Killed while preparing (nothing changed yet) or while removing a
		// finished journal: either way the tree is consistent.
		return true, removeJournal(jdir, nil)
	}
	if err != nil {
		return true, err
	}
	if j.State == statePrepared {
		if err := checkBackups(jdir, j); err != nil {
			return true, err
		}
		if err := checkTree(root, j); err != nil {
			return true, err
		}
		if err := rollback(root, j, "recover "); err != nil {
			return true, fmt.Errorf("recover: %w", err)
		}
		return true, nil
	}
	return true, removeJournal(jdir, j)
}

// readJournal reads and validates jdir/journal.json.
func readJournal(jdir string) (*journal, error) {
	name := filepath.Join(jdir, "journal.json")
	st, err := os.Lstat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("recover: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, invalid("journal.json is not a regular file")
	}
	if st.Size() > maxJournalSize {
		return nil, invalid("journal.json is larger than %d bytes", maxJournalSize)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJournalSize+1))
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	return parseJournal(data)
}

// parseJournal decodes and validates a journal.
func parseJournal(data []byte) (*journal, error) {
	if len(data) > maxJournalSize {
		return nil, invalid("journal.json is larger than %d bytes", maxJournalSize)
	}
	var j journal
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, invalid("corrupt journal.json: %v", err)
	}
	if dec.More() {
		return nil, invalid("corrupt journal.json: data after the journal")
	}
	if err := j.validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

// validate checks every entry: workspace-relative clean paths inside the
// root and outside the journal, backup files named by the journal's own
// scheme, permission bits only.
func (j *journal) validate() error {
	if j.Version != journalVersion {
		return invalid("unknown journal version %d", j.Version)
	}
	switch j.State {
	case statePrepared, stateCommitted, stateRolledBack:
	default:
		return invalid("unknown journal state %q", j.State)
	}
	lists := []struct {
		what  string
		paths []string
	}{{"written", j.Written}, {"createdDirs", j.CreatedDirs}, {"removedDirs", j.RemovedDirs}}
	for _, l := range lists {
		for _, p := range l.paths {
			if err := validPath(p); err != nil {
				return invalid("%s entry %q: %v", l.what, p, err)
			}
		}
	}
	files, paths := map[string]bool{}, map[string]bool{}
	for _, b := range j.Backups {
		if err := validPath(b.Path); err != nil {
			return invalid("backup entry %q: %v", b.Path, err)
		}
		if n, err := strconv.Atoi(b.File); err != nil || n < 0 || strconv.Itoa(n) != b.File {
			return invalid("backup of %s: file name %q is not one the journal makes", b.Path, b.File)
		}
		if files[b.File] || paths[b.Path] {
			return invalid("backup of %s is listed twice", b.Path)
		}
		files[b.File], paths[b.Path] = true, true
		if b.Mode&^fs.ModePerm != 0 {
			return invalid("backup of %s: mode %v is not a permission", b.Path, b.Mode)
		}
	}
	return nil
}

// validPath accepts a clean, slash-separated path inside the root that is
// not the journal's own.
func validPath(p string) error {
	switch {
	case p == "" || p == ".":
		return errors.New("empty")
	case strings.ContainsRune(p, 0):
		return errors.New("holds a NUL byte")
	case path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(filepath.FromSlash(p)) != "":
		return errors.New("absolute")
	case slices.Contains(strings.Split(p, "/"), ".."):
		return errors.New(`climbs out with ".."`)
	case path.Clean(p) != p:
		return errors.New("not clean")
	case !filepath.IsLocal(filepath.FromSlash(p)):
		return errors.New("not inside the root")
	case p == JournalDir || strings.HasPrefix(p, JournalDir+"/"):
		return errors.New("inside the journal")
	}
	return nil
}

// checkBackups makes sure every backup of a prepared journal is there (a
// regular file or a symlink inside a real backup directory) before the
// rollback removes anything.
func checkBackups(jdir string, j *journal) error {
	bdir := filepath.Join(jdir, "backup")
	st, err := os.Lstat(bdir)
	if err != nil || !st.IsDir() {
		if len(j.Backups) == 0 && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return invalid("%s/backup is missing or not a directory", JournalDir)
	}
	for _, b := range j.Backups {
		st, err := os.Lstat(filepath.Join(bdir, b.File))
		if err != nil {
			return invalid("the backup of %s (backup/%s) is missing", b.Path, b.File)
		}
		if !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0 {
			return invalid("the backup of %s (backup/%s) is not a file", b.Path, b.File)
		}
	}
	return nil
}

// checkTree refuses a journal any of whose paths lies below a symlinked
// directory (or below a file), before the rollback touches anything.
func checkTree(root string, j *journal) error {
	dc := &dirChecker{root: root}
	for _, p := range slices.Concat(j.Written, pathsOf(j.Backups)) {
		if err := dc.check(p); err != nil {
			return invalid("%v", err)
		}
	}
	for _, d := range slices.Concat(j.CreatedDirs, j.RemovedDirs) {
		if err := dc.check(d + "/x"); err != nil {
			return invalid("%v", err)
		}
	}
	return nil
}

// writeJournal writes jdir/journal.json atomically and durably.
func writeJournal(jdir string, j *journal, step string) error {
	data, err := json.MarshalIndent(j, "", " ")
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := writeAtomic(filepath.Join(jdir, "journal.json"), data, 0, step); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := syncDir(jdir); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	return nil
}

// rollback restores the tree a prepared journal describes: removed
// directories re-created, written paths removed, originals restored from
// their backups, temp files swept, created directories removed; then it
// marks the journal rolled back and removes it. Every step is idempotent,
// so a rollback killed anywhere can be run again.
func rollback(root string, j *journal, prefix string) error {
	jdir := filepath.Join(root, JournalDir)
	var errs []error
	removed := slices.Clone(j.RemovedDirs)
	sort.Strings(removed) // parents first
	for _, d := range removed {
		at(prefix + "mkdir " + d)
		if err := mkdirs(root, d); err != nil {
			errs = append(errs, fmt.Errorf("re-create %s: %w", d, err))
		}
	}
	for _, p := range j.Written {
		at(prefix + "unwrite " + p)
		if err := removeFile(root, p); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	for _, b := range j.Backups {
		at(prefix + "restore " + b.Path)
		if err := restore(root, jdir, b, prefix); err != nil {
			errs = append(errs, fmt.Errorf("restore %s: %w", b.Path, err))
		}
	}
	at(prefix + "sweep")
	if err := sweepTemps(root, append(slices.Clone(j.Written), pathsOf(j.Backups)...), j.CreatedDirs); err != nil {
		errs = append(errs, err)
	}
	for i := len(j.CreatedDirs) - 1; i >= 0; i-- {
		d := j.CreatedDirs[i]
		at(prefix + "rmdir " + d)
		if checkParents(root, d+"/x") == nil {
			_ = os.Remove(full(root, d)) // only if empty
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := syncDirs(root, append(slices.Clone(j.Written), pathsOf(j.Backups)...)); err != nil {
		return err
	}
	j.State = stateRolledBack
	if err := writeJournal(jdir, j, prefix+"mark rolled back"); err != nil {
		return err
	}
	return removeJournal(jdir, j)
}

// restore puts the backup of b back at its path.
func restore(root, jdir string, b backup, prefix string) error {
	if d := path.Dir(b.Path); d != "." {
		if err := mkdirs(root, d); err != nil {
			return err
		}
	} else if err := checkParents(root, b.Path); err != nil {
		return err
	}
	dst := full(root, b.Path)
	if st, err := os.Lstat(dst); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory", b.Path)
	}
	return placeCopy(filepath.Join(jdir, "backup", b.File), dst, prefix+"restore "+b.Path)
}

// removeJournal removes a journal in a final state (or without
// journal.json): its backups in journal order, then the rest.
func removeJournal(jdir string, j *journal) error {
	if j != nil {
		for _, b := range j.Backups {
			at("remove backup " + b.File)
			if err := os.Remove(filepath.Join(jdir, "backup", b.File)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove journal: %w", err)
			}
		}
	}
	at("remove journal")
	if err := os.RemoveAll(jdir); err != nil {
		return fmt.Errorf("remove journal: %w", err)
	}
	return nil
}

func pathsOf(bs []backup) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Path
	}
	return out
}
