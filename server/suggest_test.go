package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/depth"
)

// TestCodeActionsDoNotWaitForThePlan: while the folder's plan generation
// is blocked (a test hook stands in for a slow one), listing code actions
// on a too-deep file answers at once, offering the file alone lifted
// within the limit; a generation for a snapshot that was replaced is
// cancelled; once a generation completes, the plan's quick fixes are
// listed as before (the directory, and the file alone where the directory
// move puts it).
func TestCodeActionsDoNotWaitForThePlan(t *testing.T) {
	release := make(chan struct{})
	gens := make(chan context.Context, 8)
	hook := func(s *server) {
		s.proposalHook = func(ctx context.Context) {
			gens <- ctx
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	}
	root := t.TempDir()
	testtool.WriteTree(t, root, billingTree)
	cfg := editorConfig{}
	e := newEditor(t, cfg, hook)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	u := e.open(root, invoiceRel)

	var fix *protocol.CodeAction
	for _, a := range moveActions(codeActions(t, listActions(e, u))) {
		if a.Kind != nil && *a.Kind == protocol.CodeActionKindQuickFix {
			if fix != nil {
				t.Fatalf("two quick fixes while the plan is generated: %q, %q", fix.Title, a.Title)
			}
			fix = a
		}
	}
	if fix == nil {
		t.Fatal("no quick fix while the plan is generated")
	}
	m := dataOf(t, fix).Moves[0]
	if lvl, _ := depth.Level(".", m.To); m.From != invoiceRel || lvl > 4 || !strings.HasSuffix(fix.Title, " (suggested)") {
		t.Errorf("quick fix %q moves %+v (level %d), want %s alone within the limit", fix.Title, m, lvl, invoiceRel)
	}
	first := awaitGeneration(t, gens)

	// A new snapshot: the next listing asks for its plan, and the blocked
	// generation of the old one stops.
	ends := e.ends()
	testtool.WriteTree(t, root, map[string]string{"src/app/extra.py": ""})
	changed(e, root, protocol.FileChangeTypeCreated, "src/app/extra.py")
	e.awaitEnds(ends + 1)
	listActions(e, u)
	awaitGeneration(t, gens)
	select {
	case <-first.Done():
	case <-time.After(awaitTimeout):
		t.Error("the generation for the replaced snapshot was not cancelled")
	}

	close(release)
	e.await("the plan generated", func(st *editorState) bool { return st.endsOf("relayout: suggesting moves") >= 2 })
	as := moveActions(codeActions(t, listActions(e, u)))
	if len(as) != 3 {
		t.Fatalf("%d actions once the plan is generated, want the plan entry and the suggestion (its directory, and the file alone): %+v", len(as), as)
	}
}

// awaitGeneration returns the context of the next plan generation the
// hook saw start.
func awaitGeneration(t *testing.T, gens chan context.Context) context.Context {
	t.Helper()
	select {
	case ctx := <-gens:
		return ctx
	case <-time.After(awaitTimeout):
		t.Fatal("no plan generation started")
		return nil
	}
}
