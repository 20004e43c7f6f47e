package typescript

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// Running the query over a whole tree costs about a third of the parse
// (the query cursor visits every node), while references are rare. So run
// finds candidates by bytes first: every word import, export, require,
// jest and vi starts a reference form, so the query only runs on the small
// subtree around each such word (see queryRoot). The query stays the one
// definition of what a reference is; the scan only decides where to look.
// TestScanMatchesFullQuery checks both find the same refs.

// keywords are the words one of the query patterns starts with.
var keywords = [...][]byte{[]byte("import"), []byte("export"), []byte("require"), []byte("jest"), []byte("vi")}

// ctxCheckEvery is how many candidates run between two ctx checks.
const ctxCheckEvery = 32

// run finds the refs of the tree by running the query around each keyword.
func (x *extractor) run(ctx context.Context, root *sitter.Node) error {
	hits := candidates(x.src)
	if len(hits) == 0 {
		return nil
	}
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	rows := rowStarts(x.src)
	done := make(map[rootKey]bool)
	for i, off := range hits {
		if i%ctxCheckEvery == ctxCheckEvery-1 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("extract: %w", err)
			}
		}
		start, end := pointAt(rows, off.start), pointAt(rows, off.end)
		n := root.NamedDescendantForPointRange(start, end)
		node, sibling := x.queryRoot(n)
		if node == nil {
			continue
		}
		key := rootKey{spanOf(node), node.Symbol()}
		if done[key] {
			continue
		}
		done[key] = true
		if sibling == nil {
			x.exec(qc, node)
			continue
		}
		// A pattern over two sibling statements: run it on their parent,
		// limited to the two.
		qc.SetPointRange(node.StartPoint(), sibling.EndPoint())
		x.exec(qc, node.Parent())
		qc.SetPointRange(sitter.Point{}, sitter.Point{}) // whole tree again
	}
	return nil
}

// rootKey identifies a node the query already ran on.
type rootKey struct {
	span parsers.Span
	sym  sitter.Symbol
}

// hit is the byte range of one keyword occurrence.
type hit struct{ start, end int }

// candidates returns the occurrences of keywords in src that are whole
// words, in source order. Occurrences in strings and comments are kept:
// queryRoot drops them.
func candidates(src []byte) []hit {
	var hits []hit
	for _, kw := range keywords {
		for i := 0; ; {
			j := bytes.Index(src[i:], kw)
			if j < 0 {
				break
			}
			start := i + j
			i = start + len(kw)
			if start > 0 && isIdentByte(src[start-1]) || i < len(src) && isIdentByte(src[i]) {
				continue
			}
			hits = append(hits, hit{start, i})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.start - b.start })
	return hits
}

// queryRoot returns the node to run the query on for the smallest named
// node n around a keyword: the statement or call that a pattern starts
// with, found by climbing the few node types a pattern passes through on
// its way from the keyword to its root. It returns nil when n is not part
// of a reference form (a keyword in a string, a comment, a property name,
// a declaration without a source). When the pattern spans two sibling
// statements (`export import x = require('s')`, see queries/imports.scm)
// it returns the first statement and its sibling.
func (x *extractor) queryRoot(n *sitter.Node) (node, sibling *sitter.Node) {
	for range 5 { // the longest climb: vi → member → await → binary → binary
		if n == nil {
			return nil, nil
		}
		switch n.Type() {
		case "import_statement":
			return n, nil
		case "export_statement":
			if n.ChildByFieldName("source") != nil {
				return n, nil
			}
			if d := n.ChildByFieldName("declaration"); d != nil && d.Type() == "import_alias" {
				if next := n.NextNamedSibling(); next != nil && next.Type() == "expression_statement" {
					return n, next
				}
			}
			return nil, nil
		case "call_expression":
			return n, nil
		case "binary_expression":
			// vi.importActual<typeof import('s')>('s') read as (a < b) > (c).
			if p := n.Parent(); p != nil && p.Type() == "binary_expression" {
				return p, nil
			}
			return n, nil
		case "identifier", "import", "member_expression", "await_expression", "import_require_clause":
			n = n.Parent()
		default:
			return nil, nil
		}
	}
	return nil, nil
}

// rowStarts returns the byte offset where each tree-sitter row starts
// (tree-sitter counts rows by "\n" only).
func rowStarts(src []byte) []int {
	rows := []int{0}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return rows
		}
		i += j + 1
		rows = append(rows, i)
	}
}

// pointAt converts a byte offset to a tree-sitter point (row, byte column).
func pointAt(rows []int, off int) sitter.Point {
	r := sort.Search(len(rows), func(i int) bool { return rows[i] > off }) - 1
	return sitter.Point{Row: uint32(r), Column: uint32(off - rows[r])}
}
