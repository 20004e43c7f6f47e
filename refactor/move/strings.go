package move

import (
	"bytes"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// renamedModule is a Python module whose dotted name changes.
type renamedModule struct {
	old, new string
}

// renamedModules returns the moved Python modules and packages whose
// dotted name changes, longest old name first.
func (e *engine) renamedModules() []renamedModule {
	seen := map[string]bool{}
	var out []renamedModule
	for old, nw := range e.fileMap {
		if !pyresolve.IsPython(old) {
			continue
		}
		oldT := workspace.Target{Status: workspace.Internal, Path: old}
		oldName, ok := e.pyOld.ModuleOf(old)
		if !ok || oldName == "" || seen[oldName] {
			continue
		}
		root, has := e.origRoot(oldName, oldT)
		newName, ok := e.absExpr(modPath(workspace.Target{Status: workspace.Internal, Path: nw}), root, has)
		if !ok || newName == oldName {
			continue
		}
		seen[oldName] = true
		out = append(out, renamedModule{oldName, newName})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].old) != len(out[j].old) {
			return len(out[i].old) > len(out[j].old)
		}
		return out[i].old < out[j].old
	})
	return out
}

// isEntryPointFile reports whether entry points ("pkg.mod:attr") in the
// file are updated by default.
func isEntryPointFile(p string) bool {
	b := path.Base(p)
	return b == "pyproject.toml" || b == "setup.cfg"
}

// possibleReferences finds dotted names of moved modules outside import
// statements: entry points in pyproject.toml/setup.cfg are updated; every
// other mention (strings, comments, shell scripts, YAML, Dockerfiles,
// Markdown...) is reported, and updated with Options.UpdateStrings.
func (e *engine) possibleReferences() {
	mods := e.renamedModules()
	if len(mods) == 0 {
		return
	}
	// A mention of a.b.c contains a.b: files that mention no renamed
	// module whose parent is not renamed too cannot mention any.
	renamed := map[string]bool{}
	for _, m := range mods {
		renamed[m.old] = true
	}
	var roots [][]byte
	for _, m := range mods {
		covered := false
		for p := m.old; strings.Contains(p, "."); {
			p = p[:strings.LastIndexByte(p, '.')]
			if renamed[p] {
				covered = true
				break
			}
		}
		if !covered {
			roots = append(roots, []byte(m.old))
		}
	}
	for _, p := range e.fs.Files() {
		data, err := e.fs.ReadFile(p)
		if err != nil || len(data) > 4<<20 || workspace.Classify(data) != workspace.SkipNone {
			continue
		}
		any := false
		for _, r := range roots {
			if bytes.Contains(data, r) {
				any = true
				break
			}
		}
		if !any {
			continue
		}
		var covered []parsers.Span
		if f := e.ix.File(p); f != nil {
			for _, imp := range f.Imports {
				covered = append(covered, imp.Span)
			}
		}
		for _, es := range e.edited[p] {
			covered = append(covered, parsers.Span{Start: es.Start, End: es.End})
		}
		var lines *parsers.Lines
		taken := map[int]bool{}
		for _, m := range mods {
			if !bytes.Contains(data, []byte(m.old)) {
				continue
			}
			for i := 0; ; {
				j := bytes.Index(data[i:], []byte(m.old))
				if j < 0 {
					break
				}
				start := i + j
				end := start + len(m.old)
				i = end
				if start > 0 && isNameByte(data[start-1], true) {
					continue
				}
				if end < len(data) && isNameByte(data[end], false) {
					continue
				}
				if taken[start] || overlaps(covered, start, end) {
					continue
				}
				taken[start] = true
				if lines == nil {
					lines = parsers.NewLines(data)
				}
				line := lines.Position(start, parsers.UTF8).Line + 1
				entry := isEntryPointFile(p) && end < len(data) && data[end] == ':'
				switch {
				case entry:
					e.addEdit(p, start, end, m.new)
				case e.opts.UpdateStrings:
					e.addEdit(p, start, end, m.new)
					e.warn(e.newPath(p), line, "possible-reference", "updated possible reference %s → %s", m.old, m.new)
				default:
					e.warn(e.newPath(p), line, "possible-reference", "possible reference to %s (now %s) left unchanged; use --update-strings to rewrite it", m.old, m.new)
				}
				covered = append(covered, parsers.Span{Start: start, End: end})
			}
		}
	}
}

// isNameByte reports whether c continues a dotted name (before it, a dot
// also counts: "x.a.b" does not mention "a.b").
func isNameByte(c byte, before bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 || (before && c == '.')
}

func overlaps(spans []parsers.Span, start, end int) bool {
	for _, s := range spans {
		if start < s.End && s.Start < end {
			return true
		}
	}
	return false
}
