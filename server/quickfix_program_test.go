package server

import (
	"testing"

	"go.lsp.dev/protocol"
)

// TestQuickFixKeepsProgram: the too-deep quick fixes (the folder's lift
// and the file's own move) are not offered when the move would take a
// file out of its tsconfig program (the project includes shared/a/b/c,
// which keeps a file, so the include cannot follow the lifted folder d,
// and no config governs shared/), and are offered when the project's
// include still covers the new place.
func TestQuickFixKeepsProgram(t *testing.T) {
	for _, tc := range []struct {
		name    string
		include string
		offered bool
	}{
		{"include names the deep folder", `["src", "../shared/a/b/c"]`, false},
		{"include names the whole folder", `["src", "../shared"]`, true},
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
			var moves []string
			for _, a := range codeActions(t, listActions(e, u, protocol.CodeActionKindQuickFix)) {
				for _, m := range dataOf(t, a).Moves {
					moves = append(moves, a.Title+": "+m.From+" → "+m.To)
				}
			}
			t.Logf("quick fixes: %q", moves)
			if got := len(moves) > 0; got != tc.offered {
				t.Errorf("quick fix offered = %v (%q), want %v", got, moves, tc.offered)
			}
		})
	}
}
