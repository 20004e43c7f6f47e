package typescript

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/relayout/relayout/parsers"
)

// FuzzExtract: any bytes extract with each grammar without a panic; the
// only error is a parse that gave up (context.DeadlineExceeded), and every
// span lies inside the source, in order. Seeds: the golden inputs in
// testdata and the hostile inputs below.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"commonjs.js", "component.tsx", "bom.ts", "broken.ts", "ambient.d.ts"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		// Hostile input (issue 8): the tsx grammar's endless loop, CRLF
		// and a BOM, a NUL, UTF-16, unterminated template and JSX.
		"(" + strings.Repeat("\n", 27) + "]", "\ufeffimport a from './a';\r\nexport * from \"./b\";\r\n",
		"import x from './x'\x00;", "\xff\xfei\x00m\x00p\x00o\x00r\x00t\x00",
		"const s = `${require('./a')}", "<div>{import('./lazy')</div>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, lang := range []parsers.Lang{parsers.TypeScript, parsers.TSX} {
			res, err := Extract(context.Background(), lang, src)
			if errors.Is(err, context.DeadlineExceeded) {
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			in := func(s parsers.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(src) }
			for _, r := range res.Refs {
				if !in(r.Span) || !in(r.Stmt) || r.Span.Start < r.Stmt.Start || r.Span.End > r.Stmt.End {
					t.Fatalf("%s: ref %q: span %v, statement %v outside the source (%d bytes) or each other", lang, r.Module, r.Span, r.Stmt, len(src))
				}
			}
			for _, e := range res.Errors {
				if !in(e) {
					t.Fatalf("%s: error span %v outside the source", lang, e)
				}
			}
		}
	})
}
