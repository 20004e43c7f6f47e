package index

import (
	"testing"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestMayContain: the word filter of a parsed file never rules out a
// dotted name the file contains (in a string, a comment, an import), and
// rules out names whose inner segments it lacks.
func TestMayContain(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"app/a.py": []byte("import os\n# see acme.billing.invoice_v2.total\nX = \"xacme.risk.core.engine_old\"\n"),
		"app/b.py": []byte("print('nothing here')\n"),
	})
	ix, err := Build(t.Context(), fs, config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := func(ss ...string) [][]byte {
		var out [][]byte
		for _, s := range ss {
			out = append(out, []byte(s))
		}
		return out
	}
	for _, name := range []string{"acme.billing.invoice_v2", "acme.billing.invoice_v2.total", "acme.risk.core.engine", "billing.invoice_v2.tot", "os"} {
		if !ix.MayContain("app/a.py", names(name)) {
			t.Errorf("MayContain(a.py, %q) = false; the file contains it", name)
		}
	}
	if ix.MayContain("app/b.py", names("acme.billing.invoice_v2.total", "acme.risk.core.engine")) {
		t.Errorf("MayContain(b.py) = true for names whose inner segments it lacks")
	}
	if !ix.MayContain("not/indexed.yaml", names("acme.billing.invoice")) {
		t.Errorf("MayContain of a file the index does not hold = false")
	}
}
