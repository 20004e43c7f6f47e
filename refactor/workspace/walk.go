// Package workspace discovers the files of a workspace: a walker that
// honours .gitignore files at every level, .git/info/exclude and configured
// excludes, never follows a symlink out of the root or into a loop, and
// parses nothing. It also reads file contents with binary and size checks.
//
// Paths it returns are slash-separated and relative to the workspace root.
// The package must not import server, cmd or go.lsp.dev.
package workspace

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// DefaultExcludes are directory names skipped everywhere unless a
// configuration says otherwise: VCS data, dependencies, virtual
// environments, caches and build outputs (see OutputDirs).
var DefaultExcludes = []string{
	".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
	".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".next",
	".nuxt", ".turbo", ".parcel-cache", "dist", "build", "out", "coverage",
	".eggs", "site-packages", ".relayout-journal", ".cache",
}

// OutputDirs are the DefaultExcludes that are build outputs by convention
// but also common Python package names (pip has a package
// `operations/build`): they are skipped only when they hold no
// __init__.py.
var OutputDirs = map[string]bool{"dist": true, "build": true, "out": true, "coverage": true}

// Options configures Walk.
type Options struct {
	// Exclude holds extra doublestar globs relative to the root; a match on
	// a directory skips all of it.
	Exclude []string
	// NoDefaultExcludes disables DefaultExcludes.
	NoDefaultExcludes bool
	// NoGitignore disables .gitignore and .git/info/exclude handling.
	NoGitignore bool
}

// Entry is one file found by Walk.
type Entry struct {
	// Path is slash-separated and relative to the root.
	Path string
	// Size in bytes (of the symlink target for symlinked files).
	Size int64
	// ModTime is the modification time in Unix nanoseconds (of the
	// symlink target for symlinked files).
	ModTime int64
}

// Note records something Walk skipped and why (a symlink leaving the root,
// a loop, an unreadable directory).
type Note struct {
	Path    string
	Message string
}

// Listing is the result of a walk.
type Listing struct {
	// Root is the absolute, symlink-resolved workspace root.
	Root string
	// Files are sorted by Path.
	Files []Entry
	// Dirs lists every directory walked (not the root), sorted.
	Dirs  []string
	Notes []Note
	// DirTimes holds the modification time (Unix ns) of every directory
	// walked, the root as "", taken before it was read; 0 when it was too
	// recent to trust (Stale then always reports the directory).
	DirTimes map[string]int64

	opts Options
	// ignores holds the stamp of every ignore file read (.git/info/exclude
	// and each .gitignore), by workspace-relative path; missing when the
	// file did not exist (a .gitignore created later changes its
	// directory's time; .git/info/exclude is recorded as -1).
	ignores map[string]stamp
}

// stamp is a file's size and modification time (Unix ns).
type stamp struct{ size, mtime int64 }

// Has reports whether the listing holds the file rel.
func (l *Listing) Has(rel string) bool {
	i := sort.Search(len(l.Files), func(i int) bool { return l.Files[i].Path >= rel })
	return i < len(l.Files) && l.Files[i].Path == rel
}

type walker struct {
	ctx      context.Context
	root     string
	opts     Options
	patterns []ignoreRule
	visiting map[string]bool // real paths of directories on the current path
	out      *Listing
	seen     map[string]bool // directories Rescan walked again and found
}

// Walk lists the files under root. It returns an error only when root
// itself cannot be read or ctx is cancelled; everything else it skips is a
// Note.
func Walk(ctx context.Context, root string, opts Options) (*Listing, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("walk %s: not a directory", root)
	}
	w := newWalker(ctx, real, opts)
	if err := w.excludeFile(); err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	if err := w.dir("", real); err != nil {
		return nil, err
	}
	sort.Slice(w.out.Files, func(i, j int) bool { return w.out.Files[i].Path < w.out.Files[j].Path })
	sort.Strings(w.out.Dirs)
	return w.out, nil
}

func newWalker(ctx context.Context, root string, opts Options) *walker {
	return &walker{ctx: ctx, root: root, opts: opts, visiting: map[string]bool{},
		out: &Listing{Root: root, DirTimes: map[string]int64{}, opts: opts, ignores: map[string]stamp{}}}
}

// excludeFile reads .git/info/exclude (unless ignore files are off).
func (w *walker) excludeFile() error {
	if w.opts.NoGitignore {
		return nil
	}
	ps, err := w.readIgnore(".git/info/exclude", nil)
	if err != nil {
		return err
	}
	if _, ok := w.out.ignores[".git/info/exclude"]; !ok {
		w.out.ignores[".git/info/exclude"] = stamp{-1, -1}
	}
	w.patterns = append(w.patterns, ps...)
	return nil
}

// readIgnore reads the ignore file rel, recording its stamp.
func (w *walker) readIgnore(rel string, domain []string) ([]ignoreRule, error) {
	ps, st, err := readIgnoreFile(filepath.Join(w.root, filepath.FromSlash(rel)), domain)
	if st != nil {
		w.out.ignores[rel] = stamp{st.Size(), st.ModTime().UnixNano()}
	}
	return ps, err
}

// racyDir is how recent a directory's modification time may be for Stale
// to trust it: a file created in the same clock tick as the directory was
// read leaves the time unchanged.
const racyDir = 2 * time.Second

// Stale returns the directories of l whose entries may have changed since
// the walk, outermost only: those whose modification time differs (a file
// or directory created, removed or renamed in them), vanished, or was too
// recent to trust, and those holding an ignore file that changed (""
// when .git/info/exclude or the root's .gitignore did). Files changed in
// place are not found: only their directory's listing is checked. It
// costs one stat per directory.
func (l *Listing) Stale() []string {
	var out []string
	for d, t := range l.DirTimes {
		st, err := os.Stat(filepath.Join(l.Root, filepath.FromSlash(d)))
		if t == 0 || err != nil || !st.IsDir() || st.ModTime().UnixNano() != t {
			out = append(out, d)
		}
	}
	for f, was := range l.ignores {
		st, err := os.Stat(filepath.Join(l.Root, filepath.FromSlash(f)))
		now := stamp{-1, -1}
		if err == nil {
			now = stamp{st.Size(), st.ModTime().UnixNano()}
		}
		if now != was {
			d := path.Dir(f)
			if d == "." || f == ".git/info/exclude" {
				d = ""
			}
			out = append(out, d)
		}
	}
	return outermost(out)
}

// Equal reports whether l and o list the same files (paths, sizes,
// modification times) and directories, with the same directory times and
// ignore files: Stale answers alike for both.
func (l *Listing) Equal(o *Listing) bool {
	return l.Root == o.Root && slices.Equal(l.Files, o.Files) && slices.Equal(l.Dirs, o.Dirs) &&
		maps.Equal(l.DirTimes, o.DirTimes) && maps.Equal(l.ignores, o.ignores)
}

// outermost returns dirs without those below another of them, sorted ("" =
// the root holds every other).
func outermost(dirs []string) []string {
	sort.Strings(dirs)
	var out []string
	for _, d := range dirs {
		if d == "" {
			return []string{""}
		}
		if n := len(out); n > 0 && (out[n-1] == d || strings.HasPrefix(d, out[n-1]+"/")) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Rescan returns the listing after walking the directories dirs of l
// again, each with everything below it, with the options l was walked
// with; l is not modified. "" walks everything again. A directory that is
// gone drops its files. The rules of the ignore files above each directory
// are read again; a change to them is the caller's to find (Stale reports
// the directory holding a changed .gitignore).
func Rescan(ctx context.Context, l *Listing, dirs []string) (*Listing, error) {
	dirs = outermost(slices.Clone(dirs))
	if len(dirs) == 0 {
		return l, nil
	}
	if dirs[0] == "" {
		return Walk(ctx, l.Root, l.opts)
	}
	w := newWalker(ctx, l.Root, l.opts)
	for _, d := range dirs {
		if err := w.subtree(d); err != nil {
			return nil, err
		}
	}
	under := func(p string) bool {
		for _, d := range dirs {
			if p == d || strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
	out := &Listing{Root: l.Root, opts: l.opts, DirTimes: make(map[string]int64, len(l.DirTimes)), ignores: map[string]stamp{}}
	for _, f := range l.Files {
		if !under(f.Path) {
			out.Files = append(out.Files, f)
		}
	}
	out.Files = append(out.Files, w.out.Files...)
	sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
	for _, d := range l.Dirs {
		if !under(d) {
			out.Dirs = append(out.Dirs, d)
		}
	}
	for _, d := range dirs {
		if w.seen[d] {
			out.Dirs = append(out.Dirs, d)
		}
	}
	out.Dirs = append(out.Dirs, w.out.Dirs...)
	sort.Strings(out.Dirs)
	out.Dirs = slices.Compact(out.Dirs)
	for _, n := range l.Notes {
		if !under(n.Path) {
			out.Notes = append(out.Notes, n)
		}
	}
	out.Notes = append(out.Notes, w.out.Notes...)
	for d, t := range l.DirTimes {
		if !under(d) {
			out.DirTimes[d] = t
		}
	}
	maps.Copy(out.DirTimes, w.out.DirTimes)
	for f, st := range l.ignores {
		if !under(path.Dir(f)) {
			out.ignores[f] = st
		}
	}
	maps.Copy(out.ignores, w.out.ignores)
	return out, nil
}

// subtree walks the directory rel again (rel is not the root), with the
// ignore rules of the directories above it, and marks it seen; a
// directory that is gone, or is not a directory any more, adds nothing.
func (w *walker) subtree(rel string) error {
	full := filepath.Join(w.root, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return nil
	}
	if st, err := os.Stat(real); err != nil || !st.IsDir() || !within(w.root, real) {
		return nil
	}
	w.patterns = w.patterns[:0]
	clear(w.visiting)
	if err := w.excludeFile(); err != nil {
		return fmt.Errorf("walk %s: %w", w.root, err)
	}
	segs := strings.Split(rel, "/")
	for i := range segs {
		anc := strings.Join(segs[:i], "/")
		if !w.opts.NoGitignore {
			ps, err := w.readIgnore(path.Join(anc, ".gitignore"), segs[:i:i])
			if err != nil {
				return fmt.Errorf("walk: %w", err)
			}
			w.patterns = append(w.patterns, ps...)
		}
		if r, err := filepath.EvalSymlinks(filepath.Join(w.root, filepath.FromSlash(anc))); err == nil {
			w.visiting[r] = true
		}
	}
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	w.seen[rel] = true
	return w.dir(rel, real)
}

// dir walks directory rel ("" for the root) whose real path is real.
func (w *walker) dir(rel, real string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.visiting[real] = true
	defer delete(w.visiting, real)
	// Stat before reading: a change after it shows as a new time.
	var mtime int64
	if st, err := os.Stat(real); err == nil && time.Since(st.ModTime()) > racyDir {
		mtime = st.ModTime().UnixNano()
	}
	w.out.DirTimes[rel] = mtime
	entries, err := os.ReadDir(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil {
		if rel == "" {
			return fmt.Errorf("walk %s: %w", w.root, err)
		}
		w.note(rel, fmt.Sprintf("unreadable directory: %v", err))
		return nil
	}
	saved := len(w.patterns)
	if !w.opts.NoGitignore {
		var domain []string
		if rel != "" {
			domain = strings.Split(rel, "/")
		}
		ps, err := w.readIgnore(path.Join(rel, ".gitignore"), domain)
		if err != nil {
			return fmt.Errorf("walk: %w", err)
		}
		w.patterns = append(w.patterns, ps...)
	}
	defer func() { w.patterns = w.patterns[:saved] }()

	for _, e := range entries {
		name := e.Name()
		child := path.Join(rel, name)
		full := filepath.Join(w.root, filepath.FromSlash(child))
		isDir := e.IsDir()
		var size, mtime int64
		childReal := full
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(full)
			if err != nil {
				w.note(child, "broken symlink skipped")
				continue
			}
			if !within(w.root, target) {
				w.note(child, "symlink leaves the workspace root; skipped")
				continue
			}
			st, err := os.Stat(target)
			if err != nil {
				w.note(child, fmt.Sprintf("unreadable symlink target: %v", err))
				continue
			}
			if !st.IsDir() && !st.Mode().IsRegular() {
				w.note(child, "symlink to a special file (pipe, device or socket) skipped")
				continue
			}
			isDir = st.IsDir()
			size, mtime = st.Size(), st.ModTime().UnixNano()
			childReal = target
		} else if !isDir {
			if !e.Type().IsRegular() {
				continue // sockets, devices, pipes
			}
			info, err := e.Info()
			if err != nil {
				w.note(child, fmt.Sprintf("unreadable file: %v", err))
				continue
			}
			size, mtime = info.Size(), info.ModTime().UnixNano()
		}
		if w.excluded(child, name, isDir) {
			continue
		}
		if isDir {
			if w.visiting[childReal] || (childReal != full && w.isAncestorReal(childReal)) {
				w.note(child, "symlink loop skipped")
				continue
			}
			w.out.Dirs = append(w.out.Dirs, child)
			if err := w.dir(child, childReal); err != nil {
				return err
			}
			continue
		}
		w.out.Files = append(w.out.Files, Entry{Path: child, Size: size, ModTime: mtime})
	}
	return nil
}

// isAncestorReal reports whether real is the root or a directory above the
// current walk position (a symlink pointing at an ancestor is a loop).
func (w *walker) isAncestorReal(real string) bool {
	return real == w.root || w.visiting[real]
}

func (w *walker) excluded(rel, name string, isDir bool) bool {
	if !w.opts.NoDefaultExcludes && isDir {
		for _, d := range DefaultExcludes {
			if name == d {
				if OutputDirs[name] && isPythonPackage(filepath.Join(w.root, filepath.FromSlash(rel))) {
					break
				}
				return true
			}
		}
	}
	if !w.opts.NoDefaultExcludes && name == ".git" {
		return true
	}
	for _, g := range w.opts.Exclude {
		g = strings.TrimSuffix(g, "/")
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if !strings.Contains(g, "/") {
			if ok, _ := doublestar.Match(g, name); ok {
				return true
			}
		}
	}
	return ignored(w.patterns, rel, isDir)
}

// ignoreRule is one compiled .gitignore line: the pattern and a literal
// substring every path it matches contains, which rules most patterns out
// with one substring search instead of a glob match per path component.
type ignoreRule struct {
	pattern gitignore.Pattern
	literal string
}

// ignored reports whether the last rule matching rel (the rules of the
// deepest .gitignore last, later lines after earlier ones) excludes it, as
// gitignore.Matcher does.
func ignored(rules []ignoreRule, rel string, isDir bool) bool {
	var parts []string
	for i := len(rules) - 1; i >= 0; i-- {
		r := &rules[i]
		if !strings.Contains(rel, r.literal) {
			continue
		}
		if parts == nil {
			parts = strings.Split(rel, "/")
		}
		if res := r.pattern.Match(parts, isDir); res != gitignore.NoMatch {
			return res == gitignore.Exclude
		}
	}
	return false
}

// requiredLiteral returns the longest run of literal characters within one
// path component of a .gitignore pattern (outside wildcards, bracket
// expressions and escapes, without the negation): any path the pattern
// matches contains it. "" when the pattern has none.
func requiredLiteral(line string) string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "!")
	best, cur := "", strings.Builder{}
	flush := func() {
		if cur.Len() > len(best) {
			best = cur.String()
		}
		cur.Reset()
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '*', '?', '\\', '/':
			flush()
			if c == '\\' {
				i++ // the escaped character: not counted, to stay safe
			}
		case '[':
			flush()
			for i < len(line) && line[i] != ']' {
				i++
			}
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return best
}

func isPythonPackage(dir string) bool {
	for _, f := range []string{"__init__.py", "__init__.pyi"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

func (w *walker) note(rel, msg string) {
	w.out.Notes = append(w.out.Notes, Note{Path: rel, Message: msg})
}

// within reports whether p is root or below it (both absolute, clean).
func within(root, p string) bool {
	if p == root {
		return true
	}
	return strings.HasPrefix(p, root+string(filepath.Separator))
}

// readIgnoreFile parses a .gitignore-style file; a missing one has no
// patterns. It is read with ReadRegular: a pipe or a huge file is an error
// rather than a hang.
func readIgnoreFile(file string, domain []string) ([]ignoreRule, fs.FileInfo, error) {
	st, err := os.Stat(file)
	if err != nil || st.IsDir() {
		return nil, nil, nil // missing (or a directory, which git ignores too)
	}
	data, err := ReadRegular(file, MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, st, err
	}
	var ps []ignoreRule
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		ps = append(ps, ignoreRule{pattern: gitignore.ParsePattern(line, domain), literal: requiredLiteral(line)})
	}
	return ps, st, nil
}
