package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestQuickFixKeepsProgram: the too-deep quick fixes (the plan's folder
// lift and the file's own move) never take a file out of its tsconfig
// program: when the project includes shared/a/b/c, which keeps a file (so
// the include cannot follow the lifted folder d, and no config governs
// shared/), nothing offered moves a file outside shared/a/b/c/ — the
// folder's lift is refused, the file alone may still go to
// shared/a/b/c/x.ts — and when the project's include covers the whole of
// shared/, the folder's lift is offered.
func TestQuickFixKeepsProgram(t *testing.T) {
	for _, tc := range []struct {
		name     string
		include  string
		liftsDir bool   // the folder d's lift is offered
		staysIn  string // every offered target lies below this folder
	}{
		{"include names the deep folder", `["src", "../shared/a/b/c"]`, false, "shared/a/b/c/"},
		{"include names the whole folder", `["src", "../shared"]`, true, "shared/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, root := openProject(t, editorConfig{}, map[string]string{
				"web/tsconfig.json":   `{"compilerOptions": {"strict": true}, "include": ` + tc.include + `}`,
				"web/src/main.ts":     "import { x } from '../../shared/a/b/c/d/x';\nconsole.log(x);\n",
				"shared/a/b/c/d/x.ts": "export const x = 1;\n",
				"shared/a/b/c/d/y.ts": "export const y = 2;\n",
				"shared/a/b/c/w.ts":   "export const w = 3;\n", // stays: the include cannot follow d
				"shared/a/c/q.ts":     "export const q = 4;\n", // c cannot be lifted to shared/a/c
			})
			u := e.open(root, "shared/a/b/c/d/x.ts")
			awaitSuggestions(e, u)
			var moves []string
			liftsDir := false
			for _, a := range codeActions(t, listActions(e, u, protocol.CodeActionKindQuickFix)) {
				for _, m := range dataOf(t, a).Moves {
					moves = append(moves, a.Title+": "+m.From+" → "+m.To)
					liftsDir = liftsDir || m.From == "shared/a/b/c/d"
					if !strings.HasPrefix(m.To, tc.staysIn) {
						t.Errorf("%s → %s leaves %s", m.From, m.To, tc.staysIn)
					}
				}
			}
			t.Logf("quick fixes: %q", moves)
			if liftsDir != tc.liftsDir {
				t.Errorf("folder lift offered = %v (%q), want %v", liftsDir, moves, tc.liftsDir)
			}
		})
	}
}
