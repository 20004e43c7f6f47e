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
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

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
}

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
	w := &walker{ctx: ctx, root: real, opts: opts, visiting: map[string]bool{}, out: &Listing{Root: real}}
	if !opts.NoGitignore {
		ps, err := readIgnoreFile(filepath.Join(real, ".git", "info", "exclude"), nil)
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", root, err)
		}
		w.patterns = append(w.patterns, ps...)
	}
	if err := w.dir("", real); err != nil {
		return nil, err
	}
	sort.Slice(w.out.Files, func(i, j int) bool { return w.out.Files[i].Path < w.out.Files[j].Path })
	sort.Strings(w.out.Dirs)
	return w.out, nil
}

// dir walks directory rel ("" for the root) whose real path is real.
func (w *walker) dir(rel, real string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.visiting[real] = true
	defer delete(w.visiting, real)
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
		ps, err := readIgnoreFile(filepath.Join(w.root, filepath.FromSlash(rel), ".gitignore"), domain)
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
		var size int64
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
			size = st.Size()
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
			size = info.Size()
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
		w.out.Files = append(w.out.Files, Entry{Path: child, Size: size})
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
func readIgnoreFile(file string, domain []string) ([]ignoreRule, error) {
	if st, err := os.Stat(file); err != nil || st.IsDir() {
		return nil, nil // missing (or a directory, which git ignores too)
	}
	data, err := ReadRegular(file, MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
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
	return ps, nil
}
