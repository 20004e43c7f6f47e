package conventions

import (
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// TestDiffCacheFollowsContent: Diff keeps what it derives per tree
// snapshot, but a file its detection read that now holds other bytes (an
// unsaved package.json naming Next.js, over the same listing) is detected
// again, and the answer follows it; the same content is answered alike.
func TestDiffCacheFollowsContent(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"site/package.json":        []byte(`{"dependencies": {}}`),
		"site/app/docs/page.tsx":   []byte("export default function P() { return null; }\n"),
		"site/app/guides/intro.ts": []byte("export const x = 1;\n"),
	})
	moves := map[string]string{"site/app/docs/page.tsx": "site/app/guides/page.tsx"}
	routes := func(fs workspace.FileSet) int {
		n := 0
		for _, c := range Diff(fs, moves) {
			if c.Kind == KindRoute {
				n++
			}
		}
		return n
	}
	if n := routes(fs); n != 0 {
		t.Fatalf("without Next.js: %d route changes, want none", n)
	}
	next := workspace.WithOverlay(fs, map[string][]byte{"site/package.json": []byte(`{"dependencies": {"next": "15.0.0"}}`)})
	if n := routes(next); n == 0 {
		t.Errorf("package.json now names Next.js (same listing): no route change reported; the cache served the old answer")
	}
	if n := routes(fs); n != 0 {
		t.Errorf("the tree without Next.js again: %d route changes, want none", n)
	}
}
