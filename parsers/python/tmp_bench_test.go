package python

import (
	"context"
	"testing"
)

func BenchmarkParsePooled(b *testing.B) {
	src := []byte(benchSource)
	qs, _ := loadQueries()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		tree, err := parse(context.Background(), qs.lang, src)
		if err != nil {
			b.Fatal(err)
		}
		tree.Close()
	}
}
