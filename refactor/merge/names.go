package merge

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/relayout/relayout/parsers"
)

// Kind says how a top-level name is bound.
type Kind string

// Kinds of top-level names.
const (
	// Function is a Python def or a TS/JS function declaration.
	Function Kind = "function"
	// Class is a class definition or declaration.
	Class Kind = "class"
	// Variable is a Python assignment target (also for/with targets at
	// module level) or a TS/JS const/let/var declarator.
	Variable Kind = "variable"
	// Import is a name bound by an import statement.
	Import Kind = "import"
	// Type is a Python `type X = ...`, a TS type alias or interface.
	Type Kind = "type"
	// Enum is a TS enum.
	Enum Kind = "enum"
	// Namespace is a TS namespace or `declare module` with a name.
	Namespace Kind = "namespace"
	// Export is a TS/JS name the module exports without binding it
	// locally: `export {a as b}` (b), `export {x} from 's'`, `export
	// default <expression>` ("default").
	Export Kind = "export"
)

// Name is one top-level name of a module.
type Name struct {
	// Name is the bound name; "default" for a TS default export.
	Name string
	// Kind says how it is bound.
	Kind Kind
	// Line is the 1-based line of the binding statement.
	Line int
	// What is a short description of the binding for messages ("def
	// helper", "from lib import helper", "export default").
	What string
	// Origin is, for imports and re-exports, what the name refers to: the
	// imported module and name ("lib.helper", "./lib:helper"); "" for
	// definitions. Two imports with equal Origins bind the same thing.
	Origin string
	// Exported is set for TS/JS names the module exports (always for Kind
	// Export).
	Exported bool
}

// TopLevelNames returns the names a module binds at top level, in source
// order: for Python defs, classes, assignment targets (also inside
// top-level if/try/with/for blocks) and imports; for TS/JS declarations,
// imports and exports. A name bound twice is listed twice. src is the
// module's content; a syntax error gives a *SyntaxError naming path.
func TopLevelNames(ctx context.Context, lang parsers.Lang, path string, src []byte) ([]Name, error) {
	ps, _, err := prepare(path, []Source{{Path: path, Content: src}})
	if err != nil {
		return nil, err
	}
	var bs []binding
	switch {
	case lang == parsers.Python:
		f, err := analyzePy(ctx, &ps[0], 0, newPySelf(path, nil))
		if err != nil {
			return nil, err
		}
		bs = f.bindings
	case lang.IsTSFamily():
		f, err := analyzeTS(ctx, lang, &ps[0], 0, newTSSelf(path, nil))
		if err != nil {
			return nil, err
		}
		bs = f.bindings
	default:
		return nil, fmt.Errorf("top-level names of %s: unsupported language %q", path, lang)
	}
	slices.SortStableFunc(bs, func(a, b binding) int { return cmp.Compare(a.line, b.line) })
	out := make([]Name, len(bs))
	for i, b := range bs {
		out[i] = Name{Name: b.name, Kind: b.kind, Line: b.line, What: b.what, Origin: b.origin, Exported: b.exported}
	}
	return out, nil
}
