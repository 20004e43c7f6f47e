package python

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"

	"github.com/relayout/relayout/parsers"
)

//go:embed queries/*.scm
var queryFiles embed.FS

// role is what a query capture stands for. Capture names in queries/*.scm
// map to roles through roleByCapture; names starting with "_" are helpers
// for predicates and carry no role.
type role uint8

const (
	roleNone role = iota
	roleImportStmt
	roleImportModule
	roleImportAlias
	roleFromStmt
	roleFromModule
	roleFromName
	roleFromAlias
	roleFromWildcard
	roleTypeCheckBlock
	roleAttrRoot
	roleAttrExpr
	roleCallExpr
	roleCallFunc
	roleCallArg
	numRoles
)

var roleByCapture = map[string]role{
	"import.stmt":     roleImportStmt,
	"import.module":   roleImportModule,
	"import.alias":    roleImportAlias,
	"from.stmt":       roleFromStmt,
	"from.module":     roleFromModule,
	"from.name":       roleFromName,
	"from.alias":      roleFromAlias,
	"from.wildcard":   roleFromWildcard,
	"typecheck.block": roleTypeCheckBlock,
	"attr.root":       roleAttrRoot,
	"attr.expr":       roleAttrExpr,
	"call.expr":       roleCallExpr,
	"call.func":       roleCallFunc,
	"call.arg":        roleCallArg,
}

// nodeKind is a node type extraction looks for outside queries.
type nodeKind uint8

const (
	kindOther nodeKind = iota
	kindModule
	kindImportStmt // import, from-import and __future__ import statements
	kindIf         // if_statement and elif_clause
	kindAttribute
	kindIdentifier
	kindCall
	kindStringStart
	kindStringEnd
	kindKeywordArg
)

var kindByType = map[string]nodeKind{
	"module":                  kindModule,
	"import_statement":        kindImportStmt,
	"import_from_statement":   kindImportStmt,
	"future_import_statement": kindImportStmt,
	"if_statement":            kindIf,
	"elif_clause":             kindIf,
	"attribute":               kindAttribute,
	"identifier":              kindIdentifier,
	"call":                    kindCall,
	"string_start":            kindStringStart,
	"string_end":              kindStringEnd,
	"keyword_argument":        kindKeywordArg,
}

// kind returns the nodeKind of n (kindOther for a nil node).
func (qs *queries) kind(n *sitter.Node) nodeKind {
	if n == nil {
		return kindOther
	}
	if s := int(n.Symbol()); s < len(qs.kinds) {
		return qs.kinds[s]
	}
	return kindOther // ERROR and other builtin symbols
}

// query is one compiled tree-sitter query with its capture roles.
type query struct {
	q       *sitter.Query
	roles   []role // by capture id
	hasPred []bool // by pattern index: needs QueryCursor.FilterPredicates
}

// queries holds every query, compiled once and shared by all Extract
// calls (a TSQuery is immutable and safe for concurrent use; each call
// brings its own cursor). They live as long as the process and are never
// closed.
type queries struct {
	lang *sitter.Language
	// kinds maps a node symbol to the kinds extraction tests for: a
	// symbol comparison instead of Node.Type, which allocates a string.
	kinds []nodeKind
	// all is every pattern of every file, for one pass over a whole tree.
	all *query
	// One per file: imports, typecheck and strings run on single
	// statements and calls, attributes over a whole tree.
	imports, typecheck, strings, attributes *query
}

var (
	queryOnce sync.Once
	queryVal  *queries
	queryErr  error
)

// loadQueries returns the compiled queries, compiling them on first use.
func loadQueries() (*queries, error) {
	queryOnce.Do(func() { queryVal, queryErr = compileQueries() })
	return queryVal, queryErr
}

func compileQueries() (*queries, error) {
	names, err := fs.Glob(queryFiles, "queries/*.scm")
	if err != nil {
		return nil, fmt.Errorf("list python queries: %w", err)
	}
	sort.Strings(names)
	qs := &queries{lang: python.GetLanguage()}
	qs.kinds = make([]nodeKind, qs.lang.SymbolCount())
	for i := range qs.kinds {
		sym := sitter.Symbol(i)
		if qs.lang.SymbolType(sym) == sitter.SymbolTypeRegular {
			qs.kinds[i] = kindByType[qs.lang.SymbolName(sym)]
		}
	}
	var all strings.Builder
	for _, name := range names {
		if path.Base(name) == "defs.scm" {
			continue // Defs' own query (defs.go), not a reference query
		}
		b, err := queryFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read python query %s: %w", name, err)
		}
		all.Write(b)
		all.WriteByte('\n')
		q, err := compileQuery(qs.lang, name, b)
		if err != nil {
			return nil, err
		}
		switch path.Base(name) {
		case "imports.scm":
			qs.imports = q
		case "typecheck.scm":
			qs.typecheck = q
		case "strings.scm":
			qs.strings = q
		case "attributes.scm":
			qs.attributes = q
		default:
			return nil, fmt.Errorf("compile python queries: unknown query file %s", name)
		}
	}
	if qs.all, err = compileQuery(qs.lang, "queries/*.scm", []byte(all.String())); err != nil {
		return nil, err
	}
	if qs.imports == nil || qs.typecheck == nil || qs.strings == nil || qs.attributes == nil {
		return nil, fmt.Errorf("compile python queries: want attributes, imports, strings and typecheck.scm, have %v", names)
	}
	return qs, nil
}

func compileQuery(lang *sitter.Language, name string, src []byte) (*query, error) {
	q, err := sitter.NewQuery(src, lang)
	if err != nil {
		return nil, fmt.Errorf("compile python query %s: %w", name, err)
	}
	cq := &query{q: q}
	for id := range q.CaptureCount() {
		capture := q.CaptureNameForId(id)
		r, ok := roleByCapture[capture]
		if !ok && !strings.HasPrefix(capture, "_") {
			q.Close()
			return nil, fmt.Errorf("compile python query %s: capture @%s has no role in roleByCapture", name, capture)
		}
		cq.roles = append(cq.roles, r)
	}
	for i := range q.PatternCount() {
		cq.hasPred = append(cq.hasPred, len(q.PredicatesForPattern(i)) > 0)
	}
	return cq, nil
}

// QueriesHash is the hex SHA-256 of the embedded queries (queries/*.scm):
// it changes whenever what Extract matches may change, so caches of
// extraction results key on it.
func QueriesHash() string { return queriesHash() }

var queriesHash = parsers.HashOnce(queryFiles, "queries/*.scm")
