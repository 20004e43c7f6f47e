package move

import (
	"bytes"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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
	// Reading and scanning every file is I/O bound: do it on all cores,
	// then record the findings in file order.
	files := e.fs.Files()
	found := make([][]mention, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) || e.ctx.Err() != nil {
					return
				}
				found[i] = e.mentions(files[i], mods, roots)
			}
		}()
	}
	wg.Wait()
	for i, p := range files {
		for _, m := range found[i] {
			switch {
			case m.entry:
				e.addEdit(p, m.start, m.end, m.mod.new)
			case e.opts.UpdateStrings:
				e.addEdit(p, m.start, m.end, m.mod.new)
				e.warn(e.newPath(p), m.line, "possible-reference", "updated possible reference %s → %s", m.mod.old, m.mod.new)
			default:
				e.warn(e.newPath(p), m.line, "possible-reference", "possible reference to %s (now %s) left unchanged; use --update-strings to rewrite it", m.mod.old, m.mod.new)
			}
		}
	}
}

// mention is one dotted name of a renamed module found in a file.
type mention struct {
	start, end, line int
	mod              renamedModule
	entry            bool // an entry point ("pkg.mod:attr" in pyproject.toml/setup.cfg)
}

// mentions scans one file for renamed modules outside its references and
// the edits already planned. It only reads engine state.
func (e *engine) mentions(p string, mods []renamedModule, roots [][]byte) []mention {
	data, err := e.read(p)
	if err != nil || len(data) > 4<<20 || workspace.Classify(data) != workspace.SkipNone {
		return nil
	}
	any := false
	for _, r := range roots {
		if bytes.Contains(data, r) {
			any = true
			break
		}
	}
	if !any {
		return nil
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
	var out []mention
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
			out = append(out, mention{start: start, end: end, line: lines.Position(start, parsers.UTF8).Line + 1, mod: m,
				entry: isEntryPointFile(p) && end < len(data) && data[end] == ':'})
			covered = append(covered, parsers.Span{Start: start, End: end})
		}
	}
	return out
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
