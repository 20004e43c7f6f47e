package plan

import (
	"os"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// FuzzImportMarkdown feeds arbitrary documents to the Markdown plan
// importer: it must never panic; every move it imports has clean paths
// inside the workspace; and the TOML it writes for them parses back to the
// same moves. Seeds: the seed plan document and
// testdata/fuzz/FuzzImportMarkdown.
func FuzzImportMarkdown(f *testing.F) {
	if data, err := os.ReadFile("testdata/restructuring-plan.md"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("## Phase 1: hoist\n- Move `a/b` → `c`\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := ImportMarkdown("plan.md", data, ImportOptions{})
		if err != nil {
			return
		}
		for _, m := range im.Moves {
			for _, p := range []string{m.From, m.To} {
				if c, ok := workspace.CleanRel(p); !ok || c != p || c == "" {
					t.Fatalf("imported path %q is not a clean path inside the workspace", p)
				}
			}
		}
		text := TOML("imported", im.Moves, nil)
		p, err := Parse("relayout.toml", text)
		if err != nil {
			t.Fatalf("the written plan does not parse: %v\n%s", err, text)
		}
		if len(p.Moves) != len(im.Moves) {
			t.Fatalf("%d moves written, %d read back:\n%s", len(im.Moves), len(p.Moves), text)
		}
		for i, m := range p.Moves {
			w := im.Moves[i]
			if m.From != w.From || m.To != w.To || m.Phase != w.Phase || m.Note != w.Note {
				t.Fatalf("move %d: read back %+v, wrote %+v:\n%s", i, m, w, text)
			}
		}
	})
}
