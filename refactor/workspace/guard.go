package workspace

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Reserved are directory names a move may never write into, whatever the
// walk options: the VCS's data and relayout's own journal.
var Reserved = []string{".git", ".relayout-journal"}

// Guard checks move targets against the disk and the walker's rules, not
// against a listing: a listing does not show ignored or excluded files, so
// only the disk can tell whether a target would overwrite one. A Guard
// reads each directory's .gitignore once; it is not safe for concurrent
// use.
type Guard struct {
	root string
	opts Options
	pats map[string][]ignoreRule // dir → patterns in force inside it
	dirs map[string]string       // dir → first excluded ancestor-or-self ("" none)
}

// NewGuard returns a Guard for the workspace at root (absolute) walked
// with opts.
func NewGuard(root string, opts Options) *Guard {
	return &Guard{root: root, opts: opts, pats: map[string][]ignoreRule{}, dirs: map[string]string{}}
}

// Reserved returns the first component of rel that is a Reserved
// directory ("" when none is).
func (g *Guard) Reserved(rel string) string {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		for _, r := range Reserved {
			if p == r {
				return strings.Join(parts[:i+1], "/")
			}
		}
	}
	return ""
}

// Excluded returns the first directory above rel, or rel itself, that a
// walk would skip — a default or configured exclude, a .gitignore or
// .git/info/exclude match — or "" when rel would be listed. isDir says
// whether rel names a directory. A build-output directory name (OutputDirs)
// that does not exist yet does not count: the move creates it.
func (g *Guard) Excluded(rel string, isDir bool) string {
	if dir := ParentDir(rel); dir != "" {
		if x := g.excludedDir(dir); x != "" {
			return x
		}
	}
	if g.excludedEntry(rel, isDir) {
		return rel
	}
	return ""
}

// excludedDir is Excluded for a directory, memoised: the targets of a
// directory move share their ancestors.
func (g *Guard) excludedDir(dir string) string {
	if x, ok := g.dirs[dir]; ok {
		return x
	}
	x := ""
	if parent := ParentDir(dir); parent != "" {
		x = g.excludedDir(parent)
	}
	if x == "" && g.excludedEntry(dir, true) {
		x = dir
	}
	g.dirs[dir] = x
	return x
}

// excludedEntry reports whether the walker would skip rel itself, given
// that its ancestors are walked.
func (g *Guard) excludedEntry(rel string, isDir bool) bool {
	name := path.Base(rel)
	if isDir && OutputDirs[name] {
		if _, err := os.Lstat(g.abs(rel)); errors.Is(err, os.ErrNotExist) {
			return false
		}
	}
	w := &walker{root: g.root, opts: g.opts, patterns: g.patterns(ParentDir(rel))}
	return w.excluded(rel, name, isDir)
}

// patterns returns the ignore patterns in force inside directory dir ("" is
// the root): .git/info/exclude and every .gitignore from the root down.
func (g *Guard) patterns(dir string) []ignoreRule {
	if g.opts.NoGitignore {
		return nil
	}
	if ps, ok := g.pats[dir]; ok {
		return ps
	}
	var ps []ignoreRule
	var domain []string
	if dir == "" {
		ps, _, _ = readIgnoreFile(filepath.Join(g.root, ".git", "info", "exclude"), nil) // a bad one fails the walk
	} else {
		ps = append(ps, g.patterns(ParentDir(dir))...)
		domain = strings.Split(dir, "/")
	}
	own, _, _ := readIgnoreFile(filepath.Join(g.abs(dir), ".gitignore"), domain)
	ps = append(ps[:len(ps):len(ps)], own...)
	g.pats[dir] = ps
	return ps
}

// ParentDir returns the directory holding the slash-separated
// workspace-relative path rel, "" for the root.
func ParentDir(rel string) string {
	if d := path.Dir(rel); d != "." {
		return d
	}
	return ""
}

func (g *Guard) abs(rel string) string { return filepath.Join(g.root, filepath.FromSlash(rel)) }

// OnDisk reports what is at rel on disk without following a final
// symlink: nil when nothing is there.
func (g *Guard) OnDisk(rel string) os.FileInfo {
	st, err := os.Lstat(g.abs(rel))
	if err != nil {
		return nil
	}
	return st
}

// NotADir returns the first directory above rel that exists on disk as
// something other than a directory (following symlinks), or "".
func (g *Guard) NotADir(rel string) string {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		d := strings.Join(parts[:i], "/")
		st, err := os.Stat(g.abs(d))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return ""
			}
			return d
		}
		if !st.IsDir() {
			return d
		}
	}
	return ""
}

// SameFile reports whether a and b name the same file on disk (a
// case-only rename on a case-insensitive file system).
func (g *Guard) SameFile(a, b string) bool {
	sa, err1 := os.Lstat(g.abs(a))
	sb, err2 := os.Lstat(g.abs(b))
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// Describe names what a file-system entry is, for messages.
func Describe(st os.FileInfo) string {
	switch m := st.Mode(); {
	case m.IsRegular():
		return "a file"
	case m.IsDir():
		return "a directory"
	case m&os.ModeSymlink != 0:
		return "a symlink"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0:
		return "a device"
	default:
		return fmt.Sprintf("a special file (%s)", m.Type())
	}
}
