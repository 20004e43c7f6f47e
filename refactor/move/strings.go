package move

import (
	"bytes"
	"fmt"
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

// Strings is how far Compute rewrites possible references: dotted names
// of renamed Python modules outside the references the parsers extract
// (which are always rewritten, mock.patch and import_module strings
// included). Entry points ("pkg.mod:attr" in pyproject.toml/setup.cfg)
// are always rewritten too.
type Strings int

const (
	// StringsOff reports possible references and rewrites none.
	StringsOff Strings = iota
	// StringsCode rewrites code-like mentions: string literals in Python
	// code (not docstrings) and mentions in configuration, scripts and
	// deployment files (TOML, setup.cfg/INI, YAML, JSON, shell,
	// Dockerfile, Procfile, Makefile, .env); prose is reported.
	StringsCode
	// StringsAll also rewrites prose: Markdown, reST, text, changelogs,
	// comments and docstrings, and any other file.
	StringsAll
)

// ParseStrings parses a scope as the CLI flag and relayout.toml write it:
// "false"/"off"/"none", "true"/"code", "all".
func ParseStrings(s string) (Strings, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "false", "off", "none", "0":
		return StringsOff, nil
	case "true", "code", "1", "":
		return StringsCode, nil
	case "all":
		return StringsAll, nil
	}
	return StringsOff, fmt.Errorf("unknown string scope %q (want true, false, code or all)", s)
}

// String returns "off", "code" or "all".
func (s Strings) String() string {
	switch s {
	case StringsCode:
		return "code"
	case StringsAll:
		return "all"
	}
	return "off"
}

// stringScope is the effective scope of Options.Strings and the older
// Options.UpdateStrings.
func (e *engine) stringScope() Strings {
	s := e.opts.Strings
	if e.opts.UpdateStrings && s < StringsCode {
		s = StringsCode
	}
	return s
}

// isEntryPointFile reports whether entry points ("pkg.mod:attr") in the
// file are updated by default.
func isEntryPointFile(p string) bool {
	b := path.Base(p)
	return b == "pyproject.toml" || b == "setup.cfg"
}

// mentionKind says where a possible reference stands, which decides the
// scope that rewrites it.
type mentionKind int

const (
	mentionEntry mentionKind = iota // entry point: always rewritten
	mentionCode                     // code string or configuration: StringsCode
	mentionProse                    // prose, comment, docstring: StringsAll
	mentionBare                     // Python code outside strings: StringsAll
)

// where describes a mention kind for messages.
func (k mentionKind) where() string {
	switch k {
	case mentionProse:
		return "prose"
	case mentionBare:
		return "code outside a string"
	}
	return "code or configuration"
}

// configFile reports whether a non-Python file is configuration, a script
// or a deployment file, whose dotted names are code (not prose).
func configFile(p string) bool {
	b := strings.ToLower(path.Base(p))
	for _, prefix := range []string{"change", "history", "news", "release", "readme"} {
		if strings.HasPrefix(b, prefix) {
			return false // changelogs and READMEs are prose whatever their format
		}
	}
	switch {
	case b == "procfile", b == "makefile", b == "justfile", strings.HasPrefix(b, "dockerfile"), strings.HasSuffix(b, ".dockerfile"),
		b == ".env", strings.HasPrefix(b, ".env."):
		return true
	}
	switch path.Ext(b) {
	case ".toml", ".cfg", ".ini", ".conf", ".yaml", ".yml", ".json", ".jsonc", ".sh", ".bash", ".zsh", ".mk", ".env", ".service", ".spec":
		return true
	}
	return false
}

// possibleReferences finds dotted names of moved modules outside import
// statements. Entry points in pyproject.toml/setup.cfg are updated; other
// mentions are updated or reported by scope (Options.Strings): code
// strings and configuration with StringsCode, prose, comments, docstrings
// and other files with StringsAll.
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
	scope := e.stringScope()
	for i, p := range files {
		for _, m := range found[i] {
			switch {
			case m.kind == mentionEntry:
				e.addEdit(p, m.start, m.end, m.mod.new)
			case m.kind == mentionCode && scope >= StringsCode, scope >= StringsAll:
				e.addEdit(p, m.start, m.end, m.mod.new)
				e.warn(e.newPath(p), m.line, "updated-string", "%s → %s in %s", m.mod.old, m.mod.new, m.kind.where())
			case m.kind == mentionCode:
				e.warn(e.newPath(p), m.line, "possible-reference", "possible reference to %s (now %s) in %s left unchanged; use --update-strings to rewrite it", m.mod.old, m.mod.new, m.kind.where())
			default:
				e.warn(e.newPath(p), m.line, "possible-reference", "possible reference to %s (now %s) in %s left unchanged; use --update-strings=all to rewrite it", m.mod.old, m.mod.new, m.kind.where())
			}
		}
	}
}

// mention is one dotted name of a renamed module found in a file.
type mention struct {
	start, end, line int
	mod              renamedModule
	kind             mentionKind
}

// mentions scans one file for renamed modules outside its references and
// the edits already planned. It only reads engine state.
func (e *engine) mentions(p string, mods []renamedModule, roots [][]byte) []mention {
	if !e.ix.MayContain(p, roots) {
		return nil // the index's word filter rules the file out unread
	}
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
	var pyText []pyToken // Python files: strings and comments
	py := pyresolve.IsPython(p)
	if py {
		pyText = scanPyText(data)
	}
	config := configFile(p)
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
			kind := mentionProse
			switch {
			case isEntryPointFile(p) && end < len(data) && data[end] == ':':
				kind = mentionEntry
			case py:
				kind = pyMentionKind(pyText, start)
			case config:
				kind = mentionCode
			}
			out = append(out, mention{start: start, end: end, line: lines.Position(start, parsers.UTF8).Line + 1, mod: m, kind: kind})
			covered = append(covered, parsers.Span{Start: start, End: end})
		}
	}
	return out
}

// pyToken is a string literal or comment of Python source.
type pyToken struct {
	start, end int
	comment    bool
	docstring  bool // a string that is a statement of its own
}

// pyMentionKind classifies a mention at offset off of Python source.
func pyMentionKind(toks []pyToken, off int) mentionKind {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].end > off })
	if i == len(toks) || toks[i].start > off {
		return mentionBare
	}
	if t := toks[i]; t.comment || t.docstring {
		return mentionProse
	}
	return mentionCode
}

// scanPyText finds the comments and string literals of Python source, in
// order. It is a lexer, not a parser: a string alone on its lines that is
// triple-quoted or opens the file or a block (a docstring, or a bare
// string statement) counts as prose; one alone on a line inside a list or
// a call is code.
func scanPyText(src []byte) []pyToken {
	var out []pyToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			end := bytes.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			out = append(out, pyToken{start: i, end: i + end, comment: true})
			i += end
		case c == '"' || c == '\'':
			start := i
			for start > 0 && strings.IndexByte("rRbBuUfF", src[start-1]) >= 0 {
				start--
			}
			q := src[i : i+1]
			if bytes.HasPrefix(src[i:], []byte{c, c, c}) {
				q = src[i : i+3]
			}
			j := i + len(q)
			for j < len(src) && !bytes.HasPrefix(src[j:], q) {
				if src[j] == '\\' {
					j++
				} else if len(q) == 1 && src[j] == '\n' {
					break
				}
				j++
			}
			end := min(j+len(q), len(src))
			doc := aloneOnLines(src, start, end) && (len(q) == 3 || afterHeader(src, start))
			out = append(out, pyToken{start: start, end: end, docstring: doc})
			i = end
		default:
			i++
		}
	}
	return out
}

// afterHeader reports whether the last non-blank line before start ends
// a block header (":") or there is none (the start of the file).
func afterHeader(src []byte, start int) bool {
	before := bytes.TrimRight(src[:bytes.LastIndexByte(src[:start], '\n')+1], " \t\r\n")
	return len(before) == 0 || before[len(before)-1] == ':'
}

// aloneOnLines reports whether src[start:end] is preceded on its first
// line and followed on its last line by nothing but blanks (or a comment).
func aloneOnLines(src []byte, start, end int) bool {
	lineStart := bytes.LastIndexByte(src[:start], '\n') + 1
	if len(bytes.TrimSpace(src[lineStart:start])) != 0 {
		return false
	}
	rest := src[end:]
	if k := bytes.IndexByte(rest, '\n'); k >= 0 {
		rest = rest[:k]
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || rest[0] == '#'
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
