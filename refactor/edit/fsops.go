package edit

// fsops.go: the file operations of apply and recover. None follows a
// symlink: a path is written or removed only when every directory above
// it, below the root, is a real directory (checkParents), links are
// copied as links, and temp files are named .relayout-tmp-* next to their
// destination so that recover can sweep them.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// tmpPrefix starts the name of every temp file apply and recover create.
const tmpPrefix = ".relayout-tmp-"

// failpoint, when set (by tests only), is called at every step of apply
// and recover, including the steps inside a file operation; a test makes
// it panic or exit to stop the process exactly there.
var failpoint func(step string)

func at(step string) {
	if failpoint != nil {
		failpoint(step)
	}
}

// full returns the OS path of the workspace-relative slash path rel.
func full(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }

// checkParents fails when a directory above rel (below root) is a symlink
// or not a directory. Directories that do not exist yet are fine.
func checkParents(root, rel string) error {
	return (&dirChecker{root: root}).check(rel)
}

// dirChecker is checkParents remembering the directories it found real,
// for checking many paths.
type dirChecker struct {
	root string
	real map[string]bool
}

func (c *dirChecker) check(rel string) error {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		d := strings.Join(parts[:i], "/")
		if c.real[d] {
			continue
		}
		st, err := os.Lstat(full(c.root, d))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil
		case err != nil:
			return err
		case st.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: refusing to write through the symlinked directory %s", rel, d)
		case !st.IsDir():
			return fmt.Errorf("%s: %s is not a directory", rel, d)
		}
		if c.real == nil {
			c.real = map[string]bool{}
		}
		c.real[d] = true
	}
	return nil
}

// mkdirs creates rel and its missing parents (honouring the umask),
// refusing to create anything through a symlink.
func mkdirs(root, rel string) error {
	if err := checkParents(root, rel); err != nil {
		return err
	}
	parts := strings.Split(rel, "/")
	for i := 1; i <= len(parts); i++ {
		d := strings.Join(parts[:i], "/")
		st, err := os.Lstat(full(root, d))
		switch {
		case err == nil && st.IsDir():
			continue
		case err == nil:
			return fmt.Errorf("%s: %s exists and is not a directory", rel, d)
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
		if err := os.Mkdir(full(root, d), 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}

// removeFile removes the file or symlink at rel (not what a link points
// to); a missing file is fine, a directory is an error.
func removeFile(root, rel string) error {
	if err := checkParents(root, rel); err != nil {
		return err
	}
	st, err := os.Lstat(full(root, rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", rel)
	}
	if err := os.Remove(full(root, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// tempName returns a fresh temp file name in dir.
func tempName(dir string) string {
	return filepath.Join(dir, tmpPrefix+strconv.FormatUint(rand.Uint64(), 36))
}

// writeAtomic writes data to a temp file next to dst, syncs it and
// renames it over dst. A new file (mode 0) gets 0666 less the umask; a
// replaced one keeps mode.
func writeAtomic(dst string, data []byte, mode fs.FileMode, step string) error {
	var tmp *os.File
	var err error
	for range 100 {
		tmp, err = os.OpenFile(tempName(filepath.Dir(dst)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	at(step + " tmp")
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if mode != 0 {
		if err := os.Chmod(tmp.Name(), mode); err != nil {
			_ = os.Remove(tmp.Name())
			return err
		}
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

// placeCopy puts the file (or symlink) src at dst atomically: a hard link
// when possible, else a copy, through a temp file next to dst.
func placeCopy(src, dst, step string) error {
	if a, err := os.Lstat(src); err == nil {
		if b, err := os.Lstat(dst); err == nil && os.SameFile(a, b) {
			return nil // already in place (a hard link of the backup)
		}
	}
	var tmp string
	var err error
	for range 100 {
		tmp = tempName(filepath.Dir(dst))
		if err = linkOrCopy(src, tmp); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	at(step + " tmp")
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// linkOrCopy makes dst (which must not exist) a hard link of src, or a
// copy of it; a symlink is copied as a symlink, never followed.
func linkOrCopy(src, dst string) error {
	st, err := os.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(target, dst)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", src)
	}
	if err := os.Link(src, dst); err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	_, cerr := io.Copy(out, in)
	serr := out.Sync()
	clerr := out.Close()
	return errors.Join(cerr, serr, clerr)
}

// sweepTemps removes the temp files apply or recover left in the
// directories of paths (and in the directories themselves when they are
// in dirs).
func sweepTemps(root string, paths, dirs []string) error {
	seen := map[string]bool{}
	var errs []error
	sweep := func(d string) {
		if seen[d] {
			return
		}
		seen[d] = true
		if d != "." {
			if err := checkParents(root, d+"/x"); err != nil {
				return // recover refuses these paths elsewhere
			}
			if st, err := os.Lstat(full(root, d)); err != nil || !st.IsDir() {
				return
			}
		}
		entries, err := os.ReadDir(full(root, d))
		if err != nil {
			return
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tmpPrefix) && !e.IsDir() {
				if err := os.Remove(filepath.Join(full(root, d), e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	for _, p := range paths {
		sweep(path.Dir(p))
	}
	for _, d := range dirs {
		sweep(d)
	}
	return errors.Join(errs...)
}

// syncDirs fsyncs the directories holding paths, so that the renames and
// removals in them are durable before the journal says so.
func syncDirs(root string, paths []string) error {
	seen := map[string]bool{}
	var errs []error
	for _, p := range paths {
		d := path.Dir(p)
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := syncDir(full(root, d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := f.Sync()
	cerr := f.Close()
	return errors.Join(serr, cerr)
}
