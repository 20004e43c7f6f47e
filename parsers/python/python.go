// Package python extracts module references from Python source (.py and
// .pyi) with tree-sitter: import and from-import statements, attribute
// chains that use a plain `import a.b.c`, and module paths in the string
// argument of importlib.import_module, __import__ and mock.patch.
//
// It owns the Python tree-sitter queries (queries/*.scm, embedded and
// compiled once) and a pool of parsers. It produces parsers.Result and
// nothing else: it must not import refactor, server, cmd, go.lsp.dev or
// zap, and it does not log.
//
// Invariants: Extract never fails on broken source (syntax errors, and NUL
// bytes, which Python rejects, are reported in Result.Errors and
// everything that parsed is still extracted); it fails only when ctx is
// done or the parse exceeds MaxParseTime. All spans are byte offsets into
// the exact src given, including any UTF-8 BOM. Extract is safe for
// concurrent use.
//
// Known limits: no scope analysis (a PyAttribute is reported even where a
// local shadows the imported name); imports that tree-sitter folds into
// an ERROR node (for example after an unclosed bracket) are not reported.
package python

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// MaxParseTime bounds the tree-sitter parse of one file, independently of
// ctx. A parse that takes longer is abandoned and Extract returns an error
// wrapping context.DeadlineExceeded. It guards against pathological input
// without a timer or goroutine per file (tree-sitter checks its own clock).
const MaxParseTime = 10 * time.Second

// parseTimeout is MaxParseTime; tests lower it to exercise the timeout path.
var parseTimeout = MaxParseTime

// Extract returns the module references in one Python file.
//
// Refs are in source order (by Span.Start). The returned error is non-nil
// only if ctx was done before extraction finished (ctx.Err() is returned)
// or the parse ran over MaxParseTime (the error wraps
// context.DeadlineExceeded); broken source is never an error.
func Extract(ctx context.Context, src []byte) (*parsers.Result, error) {
	return extract(ctx, src, modeAuto)
}

// mode is how extract finds the nodes to run queries on. Both ways give
// the same result (TestModesAgree); they differ in cost only.
type mode uint8

const (
	// modeAuto is modeTargeted when the tree has no syntax error and the
	// anchors are not too many, else modeFull.
	modeAuto mode = iota
	// modeFull runs every query in one pass over the whole tree. Its cost
	// is proportional to the number of nodes: on benchSource about 80% of
	// the parse time, against about 30% for modeTargeted.
	modeFull
	// modeTargeted runs the queries only on the statements and calls that
	// anchor words found by a byte scan lead to (see targeted.go). It is
	// used on error-free trees only, where every anchor's node is exactly
	// what the whole-tree query would match.
	modeTargeted
)

func extract(ctx context.Context, src []byte, m mode) (*parsers.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	qs, err := loadQueries()
	if err != nil {
		return nil, err
	}
	parsed, nulErrs := blankNULs(src)
	tree, err := parse(ctx, qs.lang, parsed)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	cur := sitter.NewQueryCursor()
	defer cur.Close()

	x := newExtractor(ctx, src, parsed, qs, tree.RootNode(), cur)
	x.errors = nulErrs
	done := false
	if m != modeFull && x.clean {
		if done, err = x.targeted(m == modeTargeted); err != nil {
			return nil, err
		}
	}
	if !done {
		if err := x.run(qs.all, x.root); err != nil {
			return nil, err
		}
	}
	x.collectErrors()
	return x.result(), nil
}

// blankNULs returns src with NUL bytes replaced by spaces, and the spans of
// the NUL runs. tree-sitter's Python lexer stops a string at a NUL and
// loses the statements that follow; Python rejects NULs in source anyway,
// so they are reported as errors and parsed as blanks. Offsets do not
// move. src is returned as is when it has no NUL.
func blankNULs(src []byte) ([]byte, []parsers.Span) {
	i := bytes.IndexByte(src, 0)
	if i < 0 {
		return src, nil
	}
	out := bytes.Clone(src)
	var errs []parsers.Span
	for ; i < len(out); i++ {
		if out[i] != 0 {
			continue
		}
		start := i
		for ; i < len(out) && out[i] == 0; i++ {
			out[i] = ' '
		}
		errs = append(errs, parsers.Span{Start: start, End: i})
	}
	return out, errs
}

// parserPool holds idle parsers with the Python language set. A parser
// dropped by the pool is freed by the finalizer go-tree-sitter sets on it;
// the pool keeps the number of live parsers near the number of concurrent
// Extract calls.
var parserPool sync.Pool

// parse parses src with a pooled parser. The caller must Close the tree.
func parse(ctx context.Context, lang *sitter.Language, src []byte) (*sitter.Tree, error) {
	p, _ := parserPool.Get().(*sitter.Parser)
	if p == nil {
		p = sitter.NewParser()
		p.SetLanguage(lang)
	}
	p.SetOperationLimit(int(parseTimeout / time.Microsecond))
	tree, delivered, err := parseCtx(ctx, p, src)
	switch {
	case delivered:
		// ctx was cancelled while parsing. go-tree-sitter sets the parser's
		// cancellation flag from a goroutine of its own, possibly after
		// ParseCtx returned, and clears it only on some paths: a parser
		// that saw a cancellation cannot be trusted again, so it is closed
		// instead of being Reset and pooled.
		if tree != nil {
			tree.Close()
		}
		p.Close()
		return nil, ctx.Err()
	case err != nil:
		// Over the operation limit (MaxParseTime). tree-sitter would resume
		// the halted parse on the next call: Reset makes it start afresh.
		p.Reset()
		parserPool.Put(p)
		return nil, fmt.Errorf("parse python: %w: gave up after %v (%w)", context.DeadlineExceeded, parseTimeout, err)
	}
	parserPool.Put(p)
	return tree, nil
}

// parseCtx runs p.ParseCtx so that a cancellation reaches go-tree-sitter
// only while the parse is still running, and reports whether it did.
//
// go-tree-sitter watches ctx.Done() in a goroutine that stays alive until
// it notices the parse finished; if ctx is cancelled in that window, the
// goroutine may still raise the parser's cancellation flag and the next
// parse with that parser fails at once. The context handed to
// go-tree-sitter here is closed by us, under a lock, only before the parse
// has finished; if it was closed (delivered), the caller discards p.
func parseCtx(ctx context.Context, p *sitter.Parser, src []byte) (tree *sitter.Tree, delivered bool, err error) {
	if ctx.Done() == nil { // never cancelled: no watcher at all
		tree, err = p.ParseCtx(ctx, nil, src)
		return tree, false, err
	}
	pc := &parseContext{Context: ctx, done: make(chan struct{})}
	var (
		mu       sync.Mutex
		finished bool
		closed   bool
	)
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !finished {
			closed = true
			close(pc.done)
		}
	})
	tree, err = p.ParseCtx(pc, nil, src)
	stop()
	mu.Lock()
	finished = true
	delivered = closed
	mu.Unlock()
	return tree, delivered, err
}

// parseContext is ctx with a Done channel that parseCtx controls.
type parseContext struct {
	context.Context
	done chan struct{}
}

func (c *parseContext) Done() <-chan struct{} { return c.done }

func (c *parseContext) Err() error {
	select {
	case <-c.done:
		return c.Context.Err()
	default:
		return nil
	}
}
