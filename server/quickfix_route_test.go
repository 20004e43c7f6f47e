package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestQuickFixRouteSafe: the too-deep quick fix on a Next.js route file
// uses the generator, which moves the whole app root to the top level, so
// the file keeps its path below the router (its URL) — never a merged
// name (issue 9). On a route file the generator cannot lift without
// changing its URL, no quick fix is offered.
func TestQuickFixRouteSafe(t *testing.T) {
	e, root := openProject(t, editorConfig{}, map[string]string{
		"apps/platform/web/package.json":            `{"dependencies": {"next": "15.0.0"}}`,
		"apps/platform/web/tsconfig.json":           `{}`,
		"apps/platform/web/app/layout.tsx":          "export default function L() { return null; }\n",
		"apps/platform/web/app/shop/[id]/page.tsx":  "export default function P() { return null; }\n",
		"site/package.json":                         `{"dependencies": {"next": "15.0.0"}}`,
		"site/app/layout.tsx":                       "export default function L() { return null; }\n",
		"site/app/docs/guides/intro/setup/page.tsx": "export default function P() { return null; }\n",
	})
	u := e.open(root, "apps/platform/web/app/shop/[id]/page.tsx")
	awaitSuggestions(e, u)
	fix := byKind(t, codeActions(t, listActions(e, u, protocol.CodeActionKindQuickFix)), protocol.CodeActionKindQuickFix)
	m := dataOf(t, fix).Moves[0]
	if m.From != "apps/platform/web" || m.To != "web" {
		t.Errorf("quick fix moves %s → %s, want the app root apps/platform/web → web", m.From, m.To)
	}
	if after := m.To + strings.TrimPrefix("apps/platform/web/app/shop/[id]/page.tsx", m.From); after != "web/app/shop/[id]/page.tsx" {
		t.Errorf("route file ends at %s", after)
	}

	u2 := e.open(root, "site/app/docs/guides/intro/setup/page.tsx")
	for _, a := range codeActions(t, listActions(e, u2, protocol.CodeActionKindQuickFix)) {
		for _, m := range dataOf(t, a).Moves {
			t.Errorf("quick fix %q moves %s → %s on a route the root cannot lift", a.Title, m.From, m.To)
		}
	}
}
