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
	// Regression inputs found by fuzzing (kept here rather than under
	// testdata/fuzz, whose fixed path is deeper than the 4-level rule).
	// crlf
	f.Add([]byte("## Phase 3\r\n- Move `a b` → `c\"d`\r\n"))
	// escape
	f.Add([]byte("## Phase 1\n- Move `../../etc` → `x`\n- Move `a` → `/..`\n"))
	// fence
	f.Add([]byte("```\n## Phase 1\n- Move `a` → `b`\n~~~\n- Move `c` → `d`\n"))
	// invalid-utf8
	f.Add([]byte("# PhAse 0\xe5\nMove `0`→`0`"))
	// quotes
	f.Add([]byte("# Phase 1: \"quoted\" \\ title\n- Move `x\\y` → `z'w`\n"))
	// trees
	f.Add([]byte("# Plan\n\n## Current Structure\n```\nsrc/app/   # Level 2\n├── backend/\n```\n\n## Proposed Structure\n```\nsrc/app/\n```\n\n## Phase 1: hoist\n- **Move** `backend/api` → `api`\n- Move `backend/auth/x.py` -> `auth.py` and `backend/ws` => `ws`\n- Update imports\n\n### Phase 2 - tidy\n1. Move `/docs/a.md` → `/docs.md`\n"))
	// unicode
	f.Add([]byte("## Phase 2: ünïcode\n- move `dir/файл.py` ⟶ `файл.py`\n"))
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
