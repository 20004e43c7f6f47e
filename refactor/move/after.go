package move

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// overlay is the workspace as it will be after the moves: a FileSet whose
// files are the moved paths, with contents read from their old paths (or
// from created content).
type overlay struct {
	*workspace.DiskSet
	base    workspace.FileSet
	origin  map[string]string // new path → old path
	content map[string][]byte // created files
}

func (o *overlay) ReadFile(rel string) ([]byte, error) {
	if c, ok := o.content[rel]; ok {
		return c, nil
	}
	if old, ok := o.origin[rel]; ok {
		return o.base.ReadFile(old)
	}
	return nil, fmt.Errorf("read %s: %w", rel, os.ErrNotExist)
}

// planPackages decides which new directories get an __init__.py: a new
// directory between a moved Python file and its source root gets one when
// the file came from a regular package (its old directory had one).
func (e *engine) planPackages() {
	final := map[string]bool{}
	for _, f := range e.fs.Files() {
		final[e.newPath(f)] = true
	}
	for _, d := range e.cs.Deletes {
		delete(final, d)
	}
	existedDir := func(d string) bool { return e.fs.HasDir(d) }
	var olds []string
	for old := range e.fileMap {
		olds = append(olds, old)
	}
	sort.Strings(olds)
	for _, old := range olds {
		if !strings.HasSuffix(old, ".py") && !strings.HasSuffix(old, ".pyi") {
			continue
		}
		oldDir := path.Dir(old)
		if oldDir == "." || !(e.fs.HasFile(oldDir+"/__init__.py") || e.fs.HasFile(oldDir+"/__init__.pyi")) {
			continue // namespace package or top level: keep it that way
		}
		nw := e.fileMap[old]
		root := e.pyOld.RootOf(nw)
		for d := path.Dir(nw); d != "." && d != root && (root == "" || strings.HasPrefix(d, root+"/")); d = path.Dir(d) {
			if existedDir(d) && !e.movedAwayEntirely(d) {
				break // an existing directory keeps its package style
			}
			init := d + "/__init__.py"
			if final[init] || final[d+"/__init__.pyi"] || e.created[init] {
				continue
			}
			e.created[init] = true
			e.cs.Creates = append(e.cs.Creates, edit.Create{Path: init, Content: []byte{}})
		}
	}
}

// movedAwayEntirely reports whether every file under dir moves elsewhere.
func (e *engine) movedAwayEntirely(dir string) bool {
	for _, f := range e.fs.Files() {
		if strings.HasPrefix(f, dir+"/") {
			if n := e.newPath(f); strings.HasPrefix(n, dir+"/") {
				return false
			}
		}
	}
	return true
}

// buildAfter builds the post-move file set and resolvers.
func (e *engine) buildAfter() {
	o := &overlay{base: e.fs, origin: map[string]string{}, content: map[string][]byte{}}
	deleted := map[string]bool{}
	for _, d := range e.cs.Deletes {
		deleted[d] = true
	}
	var files []string
	for _, f := range e.fs.Files() {
		if deleted[f] {
			continue
		}
		n := e.newPath(f)
		o.origin[n] = f
		files = append(files, n)
	}
	for _, c := range e.cs.Creates {
		o.content[c.Path] = c.Content
		files = append(files, c.Path)
	}
	o.DiskSet = workspace.NewMemSetPaths("", files)
	e.after = o
	roots := e.cfg.Python.Roots
	if len(roots) > 0 {
		e.pyNew = pyresolve.New(o, roots)
	} else {
		// Keep the old roots (moved to where their directory went) and add
		// whatever the new tree declares.
		set := map[string]bool{}
		for _, r := range e.pyOld.Roots() {
			set[e.newDir(r)] = true
		}
		for _, r := range pyresolve.DetectRoots(o, nil) {
			set[r] = true
		}
		var rs []string
		for r := range set {
			rs = append(rs, r)
		}
		sort.Slice(rs, func(i, j int) bool {
			if len(rs[i]) != len(rs[j]) {
				return len(rs[i]) > len(rs[j])
			}
			return rs[i] < rs[j]
		})
		e.pyNew = pyresolve.NewWithRoots(o, rs)
	}
	e.tsNew, _ = tsresolve.New(o)
}

// isEmptyInit reports whether an __init__.py holds only blank lines and
// comments.
func isEmptyInit(data []byte) bool {
	for _, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			return false
		}
	}
	return true
}

// removeEmptyDirs deletes directories the moves leave empty (deepest
// first); an empty or comment-only __init__.py alone in such a directory
// is deleted with it unless something still imports that package.
func (e *engine) removeEmptyDirs() {
	lost := map[string]bool{}
	for old, nw := range e.fileMap {
		for d := path.Dir(old); d != "."; d = path.Dir(d) {
			if !strings.HasPrefix(nw, d+"/") {
				lost[d] = true
			}
		}
	}
	var dirs []string
	for d := range lost {
		dirs = append(dirs, d)
	}
	// Deepest first.
	sort.Slice(dirs, func(i, j int) bool {
		ci, cj := strings.Count(dirs[i], "/"), strings.Count(dirs[j], "/")
		if ci != cj {
			return ci > cj
		}
		return dirs[i] < dirs[j]
	})
	removed := map[string]bool{}
	deleted := map[string]bool{}
	for _, d := range dirs {
		if e.created[d+"/__init__.py"] {
			continue
		}
		// Files still directly or indirectly in d after the moves.
		var remaining []string
		for _, f := range e.after.Files() {
			if strings.HasPrefix(f, d+"/") && !deleted[f] {
				remaining = append(remaining, f)
			}
		}
		for _, c := range e.cs.Creates {
			if strings.HasPrefix(c.Path, d+"/") && !e.after.HasFile(c.Path) {
				remaining = append(remaining, c.Path)
			}
		}
		if len(remaining) == 1 && (path.Base(remaining[0]) == "__init__.py" || path.Base(remaining[0]) == "__init__.pyi") && path.Dir(remaining[0]) == d {
			init := remaining[0]
			old := e.after.origin[init]
			data, err := e.after.ReadFile(init)
			if old != "" && old == init && err == nil && isEmptyInit(data) && !e.stillImported(old) {
				e.cs.Deletes = append(e.cs.Deletes, old)
				deleted[init] = true
				remaining = nil
			}
		}
		if len(remaining) == 0 {
			removed[d] = true
			e.cs.RemoveDirs = append(e.cs.RemoveDirs, d)
		}
	}
}

// stillImported reports whether a file outside the moved set imports the
// package whose __init__ is init.
func (e *engine) stillImported(init string) bool {
	for _, importer := range e.ix.Importers(init) {
		if strings.HasPrefix(importer, path.Dir(init)+"/") {
			continue
		}
		f := e.ix.File(importer)
		if f == nil {
			continue
		}
		for _, imp := range f.Imports {
			if imp.Target.Path != init {
				continue
			}
			onlyMovedSubmodules := imp.Kind == parsers.PyFrom && len(imp.NameTargets) > 0
			for _, nt := range imp.NameTargets {
				if nt.Status != workspace.Internal || e.newTarget(nt) == nt {
					onlyMovedSubmodules = false
				}
			}
			if !onlyMovedSubmodules {
				return true
			}
		}
	}
	return false
}
