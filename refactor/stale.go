package refactor

import (
	"bytes"
	"context"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// Stale is a possible reference left behind by a move: a dotted Python
// module path in a string (mock.patch, importlib.import_module) or a
// non-code file (an entry point, a Procfile, shell, YAML, JSON or
// Dockerfile line) that starts with a workspace package but names no
// module, while a module of that name exists elsewhere in the workspace.
type Stale struct {
	// Path is the file holding the reference; Start and End are the byte
	// offsets of the dotted name in it, Line and Column (in bytes) its
	// 1-based position.
	Path         string
	Start, End   int
	Line, Column int
	// Name is the dotted name as written.
	Name string
	// Replacements are the names it probably means (the same module, or
	// module and attributes, under the module's current path), best first;
	// several when equally likely.
	Replacements []string
}

// staleFiles reports whether the text of a non-code file is scanned for
// stale references: configuration, scripts and deployment files, not prose.
func staleFiles(p string) bool {
	base := path.Base(p)
	switch {
	case base == "Procfile", strings.HasPrefix(base, "Dockerfile"), strings.HasSuffix(base, ".dockerfile"):
		return true
	}
	switch path.Ext(base) {
	case ".sh", ".bash", ".zsh", ".yml", ".yaml", ".json", ".toml", ".cfg", ".ini", ".env", ".conf":
		return true
	}
	return false
}

// StaleReferences finds the possible references of ix's workspace that name
// a Python module that does not exist any more (see Stale). ix must cover
// the workspace's Python files (a full index).
func StaleReferences(ctx context.Context, ix *index.Index) []Stale {
	r := ix.Python
	if r == nil {
		return nil
	}
	byLast := map[string][]string{} // last component → module names
	for _, f := range ix.FS.Files() {
		if !pyresolve.IsPython(f) {
			continue
		}
		if mod, ok := r.ModuleOf(f); ok && mod != "" {
			last := mod[strings.LastIndexByte(mod, '.')+1:]
			byLast[last] = append(byLast[last], mod)
		}
	}
	var out []Stale
	add := func(p string, src []byte, start, end int) {
		name := string(src[start:end])
		if reps := staleReplacements(r, byLast, name); len(reps) > 0 {
			line := bytes.Count(src[:start], []byte{'\n'}) + 1
			col := start - bytes.LastIndexByte(src[:start], '\n')
			out = append(out, Stale{Path: p, Start: start, End: end, Line: line, Column: col, Name: name, Replacements: reps})
		}
	}
	for _, p := range ix.FS.Files() {
		if ctx.Err() != nil {
			return out
		}
		if f := ix.File(p); f != nil {
			var src []byte
			for _, imp := range f.Imports {
				if imp.Kind != parsers.PyString || imp.Target.Status == workspace.Internal && imp.Matched == imp.Module {
					continue
				}
				if src == nil {
					var err error
					if src, err = ix.FS.ReadFile(p); err != nil {
						break
					}
				}
				if imp.Span.End <= len(src) && string(src[imp.Span.Start:imp.Span.End]) == imp.Module {
					add(p, src, imp.Span.Start, imp.Span.End)
				}
			}
			continue
		}
		if !staleFiles(p) {
			continue
		}
		src, err := ix.FS.ReadFile(p)
		if err != nil || len(src) > 1<<20 || workspace.Classify(src) != workspace.SkipNone {
			continue
		}
		for _, sp := range dottedNames(src) {
			add(p, src, sp[0], sp[1])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Start < out[j].Start
	})
	return out
}

// dottedNames returns the byte ranges of the dotted names (two or more
// identifiers joined by dots) in src that are not part of a longer token
// such as a path, a URL or a file name with a directory.
func dottedNames(src []byte) [][2]int {
	var out [][2]int
	isID := func(c byte, first bool) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || !first && c >= '0' && c <= '9'
	}
	for i := 0; i < len(src); {
		if !isID(src[i], true) || i > 0 && (isID(src[i-1], false) || strings.IndexByte("./\\-@$", src[i-1]) >= 0) {
			i++
			continue
		}
		j, dots := i, 0
		for j < len(src) {
			k := j
			for k < len(src) && isID(src[k], k == j) {
				k++
			}
			if k == j {
				break
			}
			j = k
			if j+1 < len(src) && src[j] == '.' && isID(src[j+1], true) {
				dots++
				j++
				continue
			}
			break
		}
		if dots > 0 && (j >= len(src) || strings.IndexByte("/\\-", src[j]) < 0) {
			out = append(out, [2]int{i, j})
		}
		if j == i {
			j++
		}
		i = j
	}
	return out
}

// staleReplacements returns what a dotted name left behind by a move
// probably means, or nothing when it is not stale: it must start with a
// workspace package, resolve to no module, and not be an attribute of the
// module its longest resolving prefix names; its last module component
// must name an existing module (the one it moved to).
func staleReplacements(r *pyresolve.Resolver, byLast map[string][]string, name string) []string {
	parts := strings.Split(name, ".")
	if !r.IsTop(parts[0]) {
		return nil
	}
	resolves := func(n int) (workspace.Target, bool) {
		t := r.Resolve("", strings.Join(parts[:n], "."), 0)
		return t, t.Status == workspace.Internal
	}
	if _, ok := resolves(len(parts)); ok {
		return nil
	}
	k := 0
	var prefix workspace.Target
	for n := len(parts) - 1; n >= 1; n-- {
		if t, ok := resolves(n); ok {
			k, prefix = n, t
			break
		}
	}
	if k > 0 && !prefix.Dir && !strings.HasSuffix(prefix.Path, "__init__.py") && !strings.HasSuffix(prefix.Path, "__init__.pyi") {
		return nil // a module's attributes: pkg.mod.Class.method
	}
	for j := len(parts); j > k; j-- {
		cands := byLast[parts[j-1]]
		if len(cands) == 0 {
			continue
		}
		best, bestScore := []string(nil), -1
		for _, c := range cands {
			score := sharedWords(parts[:j], strings.Split(c, "."))
			switch {
			case score > bestScore:
				best, bestScore = []string{c}, score
			case score == bestScore:
				best = append(best, c)
			}
		}
		sort.Strings(best)
		if len(best) > 3 {
			best = best[:3]
		}
		rest := strings.Join(parts[j:], ".")
		for i, b := range best {
			if rest != "" {
				best[i] = b + "." + rest
			}
		}
		return best
	}
	return nil
}

// sharedWords counts the components of a that also occur in b.
func sharedWords(a, b []string) int {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	n := 0
	for _, x := range a {
		if in[x] {
			n++
		}
	}
	return n
}
