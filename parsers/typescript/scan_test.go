package typescript

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// refsBoth returns the refs of src found the production way (keyword scan,
// query on subtrees) and by running the query over the whole tree.
func refsBoth(t *testing.T, lang parsers.Lang, src []byte) (scan, full []parsers.Ref) {
	t.Helper()
	g, err := grammarFor(lang)
	if err != nil {
		t.Fatal(err)
	}
	q, err := g.query()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := g.parse(context.Background(), withForAssert(src, false))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	xs := &extractor{src: src, q: q, seen: map[int]bool{}}
	if err := xs.run(context.Background(), tree.RootNode()); err != nil {
		t.Fatal(err)
	}
	xf := &extractor{src: src, q: q, seen: map[int]bool{}}
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	xf.exec(qc, tree.RootNode())
	sortRefs(xs.refs)
	sortRefs(xf.refs)
	return xs.refs, xf.refs
}

// TestScanMatchesFullQuery checks that running the query only around
// keywords finds exactly what running it over the whole tree finds.
func TestScanMatchesFullQuery(t *testing.T) {
	type input struct {
		name string
		lang parsers.Lang
		src  []byte
	}
	var inputs []input
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if lang, ok := parsers.LangOf(e.Name()); ok {
			src, err := os.ReadFile(filepath.Join("testdata", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, input{e.Name(), lang, src})
		}
	}
	for _, in := range benchInputs {
		inputs = append(inputs, input{"bench " + in.name, in.lang, in.src()})
	}
	for _, src := range []string{
		"éimport x from 'a'; ñrequire('b'); x=require('c')",
		"a = /* import */ require/* c */('a'); `${require('b')}`",
		"foo(require)('a'); (require)('b'); obj.require('c'); new require('d')",
		"export\nimport x = require('a')\nexport import y =\n  require('b')",
		"const x = import.meta.resolve('a') + await import('b');",
		"vi\n  .mock('a'); jest\n.mock('b')",
		"if (a < typeof b > ('c')) {} x = vi.mock < typeof y > ('d')",
	} {
		inputs = append(inputs, input{src, parsers.TypeScript, []byte(src)})
	}
	for _, in := range inputs {
		scan, full := refsBoth(t, in.lang, in.src)
		if len(full) == 0 {
			t.Logf("%s: no refs", in.name)
		}
		if !reflect.DeepEqual(scan, full) {
			t.Errorf("%s: scan and full query differ\nscan %v\nfull %v", in.name, simplify(scan), simplify(full))
		}
	}
}
