package python

import (
	"context"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
)

func BenchmarkExecOneStmt(b *testing.B) {
	src := []byte(benchSource)
	qs, _ := loadQueries()
	tree, _ := parse(context.Background(), qs.lang, src)
	defer tree.Close()
	x := newExtractor(context.Background(), src, src, qs, tree.RootNode(), nil)
	var nodes []*sitter.Node
	for _, s := range findWord(src, "import", false) {
		if n := x.importStmtAt(anchor{start: s, end: s + 6}); n != nil {
			nodes = append(nodes, n)
		}
	}
	b.Logf("%d statements", len(nodes))
	cur := sitter.NewQueryCursor()
	defer cur.Close()
	b.Run("exec", func(b *testing.B) {
		for b.Loop() {
			for _, n := range nodes {
				cur.Exec(qs.imports.q, n)
				for {
					if _, ok := cur.NextMatch(); !ok {
						break
					}
				}
			}
		}
	})
	b.Run("lookup", func(b *testing.B) {
		for b.Loop() {
			for _, s := range findWord(src, "import", false) {
				x.importStmtAt(anchor{start: s, end: s + 6})
			}
		}
	})
	b.Run("rangeexec", func(b *testing.B) {
		first, last := nodes[0], nodes[len(nodes)-1]
		for b.Loop() {
			cur.SetPointRange(first.StartPoint(), last.EndPoint())
			cur.Exec(qs.imports.q, tree.RootNode())
			for {
				if _, ok := cur.NextMatch(); !ok {
					break
				}
			}
		}
		cur.SetPointRange(sitter.Point{}, sitter.Point{Row: ^uint32(0), Column: ^uint32(0)})
	})
}
