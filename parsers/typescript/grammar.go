package typescript

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	tsgrammar "github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/relayout/relayout/parsers"
)

//go:embed queries/*.scm
var queryFiles embed.FS

// grammar is one tree-sitter grammar with its compiled query and a pool of
// parsers set to it.
type grammar struct {
	name  string
	lang  *sitter.Language
	query func() (*query, error) // compiled once, on first use

	// pool holds idle *sitter.Parser values. A parser the pool drops during
	// a GC is freed by its finalizer; that is acceptable because the GC
	// that dropped it has already run. Parsers that fail a parse are
	// closed explicitly rather than pooled.
	pool sync.Pool
}

// The two grammars. JavaScript (.js/.mjs/.cjs) uses the tsx grammar rather
// than tree-sitter-javascript: .js files often hold JSX (both grammars
// parse it) and, in React Native and older Facebook code, Flow annotations
// (`import type`, `type Props = {...}`, `x: number`), which the tsx grammar
// parses and the javascript grammar turns into ERROR nodes. The JS-only
// forms tsx misreads (contextual TS keywords such as `as` used as variable
// names) are rarer, and one grammar less means one query set less and a
// smaller binary.
var (
	tsGrammar  = newGrammar("typescript", tsgrammar.GetLanguage())
	tsxGrammar = newGrammar("tsx", tsx.GetLanguage())
)

func newGrammar(name string, lang *sitter.Language) *grammar {
	g := &grammar{name: name, lang: lang}
	g.query = sync.OnceValues(func() (*query, error) { return compile(lang) })
	return g
}

// grammarFor returns the grammar that parses lang.
func grammarFor(lang parsers.Lang) (*grammar, error) {
	switch lang {
	case parsers.TypeScript:
		return tsGrammar, nil
	case parsers.TSX, parsers.JavaScript:
		return tsxGrammar, nil
	}
	return nil, fmt.Errorf("typescript: unsupported language %q", lang)
}

// parse parses src with a pooled parser. The caller must Close the tree.
//
// On failure the parser is Reset (a halted tree-sitter parse otherwise
// resumes on the next call) and closed instead of pooled: go-tree-sitter's
// ParseCtx watches ctx from a goroutine that can still set the parser's
// cancellation flag after ParseCtx returned, which would abort a later,
// unrelated parse. For the same reason a parser whose ctx is done by the
// time its parse succeeded is not pooled, and a parse that fails with no
// ctx error (a stale flag slipped through) is retried once on a new parser.
func (g *grammar) parse(ctx context.Context, src []byte) (*sitter.Tree, error) {
	p, _ := g.pool.Get().(*sitter.Parser)
	for attempt := 0; ; attempt++ {
		if p == nil {
			p = sitter.NewParser()
			p.SetLanguage(g.lang)
		}
		tree, err := p.ParseCtx(ctx, nil, src)
		if err == nil {
			if ctx.Err() == nil {
				g.pool.Put(p)
			} else {
				p.Close()
			}
			return tree, nil
		}
		p.Reset()
		p.Close()
		p = nil
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("parse %s: %w", g.name, ctxErr)
		}
		if attempt > 0 {
			return nil, fmt.Errorf("parse %s: %w", g.name, err)
		}
	}
}

// role is what a query capture stands for.
type role uint8

const (
	roleNone role = iota // predicate-only captures (named "_...")
	roleSource
	roleImport
	roleImportEquals
	roleExport
	roleExportImportEquals
	roleExportImportAlias
	roleExportImportTail
	roleRequire
	roleDynamicImport
	roleMock
	roleMockObject
	roleMockMethod
	roleMockGeneric
	roleMockCallee
	numRoles
)

// roleOf maps capture names used in queries/*.scm to roles.
var roleOf = map[string]role{
	"source":               roleSource,
	"import":               roleImport,
	"import_equals":        roleImportEquals,
	"export":               roleExport,
	"export_import_equals": roleExportImportEquals,
	"export_import_alias":  roleExportImportAlias,
	"export_import_tail":   roleExportImportTail,
	"require":              roleRequire,
	"dynamic_import":       roleDynamicImport,
	"mock":                 roleMock,
	"mock_object":          roleMockObject,
	"mock_method":          roleMockMethod,
	"mock_generic":         roleMockGeneric,
	"mock_callee":          roleMockCallee,
}

// query is the compiled reference query of one grammar. It lives as long
// as the process and is only read after compile, so it is safe to share.
type query struct {
	q *sitter.Query
	// roles is indexed by capture id.
	roles []role
	// predicates is indexed by pattern index: whether the pattern has
	// predicates that QueryCursor.FilterPredicates must check.
	predicates []bool
}

// querySource concatenates the embedded query files in name order.
func querySource() ([]byte, error) {
	names, err := fs.Glob(queryFiles, "queries/*.scm")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		data, err := queryFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// compile builds the query for lang. Failing here is a bug in queries/*.scm.
func compile(lang *sitter.Language) (*query, error) {
	src, err := querySource()
	if err != nil {
		return nil, fmt.Errorf("typescript: read queries: %w", err)
	}
	q, err := sitter.NewQuery(src, lang)
	if err != nil {
		return nil, fmt.Errorf("typescript: compile queries: %w", err)
	}
	cq := &query{q: q, roles: make([]role, q.CaptureCount()), predicates: make([]bool, q.PatternCount())}
	for id := range cq.roles {
		name := q.CaptureNameForId(uint32(id))
		r, ok := roleOf[name]
		if !ok && !strings.HasPrefix(name, "_") {
			q.Close()
			return nil, errors.New("typescript: query capture @" + name + " has no role")
		}
		cq.roles[id] = r
	}
	for i := range cq.predicates {
		cq.predicates[i] = len(q.PredicatesForPattern(uint32(i))) > 0
	}
	return cq, nil
}

// QueriesHash is the hex SHA-256 of the embedded queries (queries/*.scm):
// it changes whenever what Extract matches may change, so caches of
// extraction results key on it.
func QueriesHash() string { return queriesHash() }

var queriesHash = parsers.HashOnce(queryFiles, "queries/*.scm")
