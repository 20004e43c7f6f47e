package typescript

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

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

// Parse time bounds: a parse of n bytes may take MinParseTime plus
// ParseTimePerByte per byte (1 MiB: about 4.7 s), several times what a
// valid file needs on a loaded machine. The tsx grammar loops forever on
// some broken input ("(" followed by 27 blank lines and "]"): such a file
// gives up after about half a second instead of holding a worker until
// the caller's timeout.
const (
	MinParseTime     = 500 * time.Millisecond
	ParseTimePerByte = 4 * time.Microsecond
)

// ParseBudget is the time a parse of n bytes of source may take.
func ParseBudget(n int) time.Duration {
	return MinParseTime + time.Duration(n)*ParseTimePerByte
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
//
// Every parse is bounded by ParseBudget (tree-sitter checks its own clock):
// over it, the error wraps context.DeadlineExceeded.
//
// The budget is CPU time, so that a busy machine does not make valid files
// give up.
func (g *grammar) parse(ctx context.Context, src []byte) (*sitter.Tree, error) {
	p, _ := g.pool.Get().(*sitter.Parser)
	budget := ParseBudget(len(src))
	// The CPU-time budget is measured on this thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for attempt := 0; ; attempt++ {
		if p == nil {
			p = sitter.NewParser()
			p.SetLanguage(g.lang)
		}
		tree, gaveUp, err := parseWithin(ctx, p, src, budget)
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
		if gaveUp {
			return nil, fmt.Errorf("parse %s: %w: gave up after %v of CPU time (%w)", g.name, context.DeadlineExceeded, budget, err)
		}
		if attempt > 0 {
			return nil, fmt.Errorf("parse %s: %w", g.name, err)
		}
	}
}

// parseWithin runs p on src until the parse finishes or has used budget of
// this thread's CPU time (the caller locks the thread). tree-sitter's own
// limit counts wall-clock time, so it is set to the CPU time left: a parse
// it halts while the machine was busy elsewhere resumes where it stopped
// (tree-sitter resumes a halted parse of the same input unless Reset).
// Wall-clock time is capped at 20 times the budget all the same. A stale
// cancellation flag, which also reads as ErrOperationLimit but fails at
// once, is returned as a plain error.
func parseWithin(ctx context.Context, p *sitter.Parser, src []byte, budget time.Duration) (tree *sitter.Tree, gaveUp bool, err error) {
	cpu0, wall0 := threadCPU(), time.Now()
	for {
		slice := max(budget-(threadCPU()-cpu0), 10*time.Millisecond)
		p.SetOperationLimit(int(slice / time.Microsecond))
		start := time.Now()
		tree, err = p.ParseCtx(ctx, nil, src)
		if err == nil || ctx.Err() != nil || !errors.Is(err, sitter.ErrOperationLimit) || time.Since(start) < slice {
			return tree, false, err
		}
		if threadCPU()-cpu0 >= budget || time.Since(wall0) >= 20*budget {
			return nil, true, err
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
		if path.Base(name) == "defs.scm" {
			continue // Defs' own query (defs.go), not a reference query
		}
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
