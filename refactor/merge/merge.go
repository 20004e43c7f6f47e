// Package merge combines the contents of several modules into one: the
// content side of a `[[merge]]` plan entry. The move engine treats every
// source as moving to the target (so importers and each source's own
// relative imports are already rewritten for the target location) and then
// calls Python or TypeScript with the rewritten contents; Check runs the
// same analysis without producing output, for plan validation.
//
// It owns the rules of a merge: what goes on top (docstring, directives,
// imports, __all__), which imports are removed because they now refer to
// the merged module itself, and which merges are refused (a name defined in
// two sources, two default exports, syntax errors). It is a pure function
// over bytes: no file system, no logging.
//
// It reads source only through parsers: the import extractors
// (python.Extract, typescript.Extract) and the module-structure extractors
// (python.Defs, typescript.Defs), which hand it plain data (statement
// kinds, byte ranges, names). It does not import go-tree-sitter
// (refactor's layering test enforces it), server, cmd, go.lsp.dev or zap.
//
// Invariants: a merge never produces output from a source that has a
// syntax error (*SyntaxError) and never produces output that binds one
// name to two meanings (*Clash). All positions it reports are 1-based
// lines of the source as given. Paths are used for messages only.
package merge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relayout/relayout/parsers"
)

// Source is one module to merge: its path (for messages) and its content
// (already rewritten for the target location).
type Source struct {
	// Path is the slash-separated workspace-relative path the content came
	// from. It appears in messages and in the `merged from` comments only.
	Path string
	// Content is the module's text, with its imports already rewritten as
	// if the module lived at the target path.
	Content []byte
}

// Options tell a merge how to recognise imports of the merged module
// itself. The zero value recognises only relative imports (Python `from .x
// import y`, TS `'./x'`), which the package resolves against the target
// path on its own.
type Options struct {
	// IsSelf reports whether a non-relative import refers to the target
	// module. Python passes absolute dotted module names ("app.api.x"; for
	// `from app.api import x` it asks about "app.api" and "app.api.x"); the
	// caller answers from its source roots. TS/JS passes bare specifiers as
	// written ("@/api/x", "~/api/x.js"); the caller answers from its
	// tsconfig paths. Nil means "never".
	IsSelf func(module string) bool
}

func (o *Options) isSelf(module string) bool {
	return o != nil && o.IsSelf != nil && o.IsSelf(module)
}

// Check reports whether srcs can be merged into target, without producing
// the merged content: nil, a *Clash, a *SyntaxError (several are joined
// with errors.Join) or another error (cancellation, unsupported language).
// The language comes from the target's extension. opts may be nil.
func Check(ctx context.Context, target string, srcs []Source, opts *Options) error {
	lang, ok := parsers.LangOf(target)
	if !ok {
		return fmt.Errorf("merge into %s: not a Python or TypeScript/JavaScript module", target)
	}
	var err error
	if lang == parsers.Python {
		_, err = Python(ctx, target, srcs, opts)
	} else {
		_, err = TypeScript(ctx, target, srcs, opts)
	}
	return err
}

// Clash is the error for a merge that would change what a name means: a
// top-level name defined (or imported from different places) in two
// sources, two default exports, or an import of the merged module itself
// that cannot simply be dropped. Every problem found is listed, each with
// the files and lines involved.
type Clash struct {
	// Target is the merged module's path.
	Target string
	// Conflicts are in the order of their first site (source order, then
	// line).
	Conflicts []Conflict
}

// Conflict is one reason a merge is refused.
type Conflict struct {
	// Name is the name in question ("default" for default exports).
	Name string
	// Reason says what is wrong and, where there is one, what to do.
	Reason string
	// Sites are the places involved, in source order.
	Sites []Site
}

// Site is one place that takes part in a Conflict.
type Site struct {
	// Path is the Source.Path of the source.
	Path string
	// Line is 1-based.
	Line int
	// What describes the place: "def helper", "class Config",
	// "from lib import helper", "export default".
	What string
}

// String formats the site as path:line (what).
func (s Site) String() string {
	if s.What == "" {
		return fmt.Sprintf("%s:%d", s.Path, s.Line)
	}
	return fmt.Sprintf("%s:%d (%s)", s.Path, s.Line, s.What)
}

// Error lists every conflict, one per line.
func (c *Clash) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "merge into %s: %d conflict", c.Target, len(c.Conflicts))
	if len(c.Conflicts) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(":")
	for _, cf := range c.Conflicts {
		b.WriteString("\n\t")
		b.WriteString(cf.String())
	}
	return b.String()
}

// String formats the conflict on one line.
func (cf Conflict) String() string {
	sites := make([]string, len(cf.Sites))
	for i, s := range cf.Sites {
		sites[i] = s.String()
	}
	return fmt.Sprintf("%q %s: %s", cf.Name, cf.Reason, strings.Join(sites, ", "))
}

// SyntaxError is the error for a source that does not parse: a merge never
// combines broken code.
type SyntaxError struct {
	// Path is the Source.Path of the broken source.
	Path string
	// Line and Col (both 1-based, Col in bytes) locate the first error.
	Line, Col int
}

// Error names the file and line and says what to do.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: syntax error; fix it before merging the module", e.Path, e.Line, e.Col)
}

// Reason texts shared by both languages.
const (
	reasonDefinedTwice = "is defined in more than one merged module; rename one of them"
	reasonDefaultTwice = "export is declared in more than one merged module; keep one default export"
	reasonAliasedSelf  = "is imported from the merged module under another name; import it without `as` or rename its uses"
	reasonModuleAlias  = "names the merged module itself and is still used; refer to the merged names directly instead of through it"
	reasonUndefined    = "is imported from the merged module but none of the merged modules defines it"
	reasonNestedSelf   = "imports the merged module itself inside a top-level block; move the import into the function that needs it or remove it"
	reasonAllLiteral   = "is not a literal list of strings; the merged module gets one __all__ built from the literal lists, so write it as one"
	reasonEncoding     = "differs between the merged modules; convert them to UTF-8 first"
	reasonUsedEarly    = "is used at import time before the module that defines it; list the defining module earlier in `from` or move the use into a function"
)

// prepared is one source's text as the merge works on it: no BOM, "\n"
// line breaks.
type prepared struct {
	path  string
	text  []byte
	lines *parsers.Lines
}

var bom = []byte("\uFEFF")

// style is what the output keeps from the first source.
type style struct {
	bom  bool
	crlf bool
}

// prepare validates srcs and normalises their text.
func prepare(target string, srcs []Source) ([]prepared, style, error) {
	if len(srcs) == 0 {
		return nil, style{}, fmt.Errorf("merge into %s: no sources", target)
	}
	var st style
	seen := map[string]bool{}
	out := make([]prepared, len(srcs))
	for i, s := range srcs {
		if seen[s.Path] {
			return nil, style{}, fmt.Errorf("merge into %s: %s is listed twice", target, s.Path)
		}
		seen[s.Path] = true
		text := s.Content
		if bytes.HasPrefix(text, bom) {
			text = text[len(bom):]
			if i == 0 {
				st.bom = true
			}
		}
		if i == 0 {
			if nl := bytes.IndexByte(text, '\n'); nl > 0 && text[nl-1] == '\r' {
				st.crlf = true
			}
		}
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
		out[i] = prepared{path: s.Path, text: text, lines: parsers.NewLines(text)}
	}
	return out, st, nil
}

// finish applies the first source's BOM and line break style.
func (st style) finish(out []byte) []byte {
	if st.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if st.bom {
		out = append(bytes.Clone(bom), out...)
	}
	return out
}

// line returns the 1-based line of offset.
func (p *prepared) line(offset int) int {
	return p.lines.Position(offset, parsers.UTF8).Line + 1
}

// syntaxError returns the error for the first of errs.
func (p *prepared) syntaxError(errs []parsers.Span) error {
	if len(errs) == 0 {
		return nil
	}
	pos := p.lines.Position(errs[0].Start, parsers.UTF8)
	return &SyntaxError{Path: p.path, Line: pos.Line + 1, Col: pos.Col + 1}
}

// joinErrs joins per-source errors, keeping a single error unwrapped so
// that errors.As and type switches see it directly.
func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
