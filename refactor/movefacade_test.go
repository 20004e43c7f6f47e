package refactor

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestCandidates checks the move prefilter: moved files, files mentioning
// a moved stem or directory name, and files using an alias that points
// inside a moved directory are candidates; an alias of an ancestor
// directory alone does not make every file a candidate.
func TestCandidates(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"tsconfig.json":                       []byte(`{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"], "@recon/*": ["src/legacy/reconciliation/*"]}}}`),
		"src/legacy/reconciliation/ledger.ts": []byte("export const l = 1;\n"),
		"src/a.ts":                            []byte("import { l } from '@recon/ledger';\n"),
		"src/b.ts":                            []byte("import { x } from '@/other/x';\n"),
		"src/c.ts":                            []byte("import { l } from './legacy/reconciliation/ledger';\n"),
		"src/other/x.ts":                      []byte("export const x = 1;\n"),
	})
	moves := []move.Move{{From: "src/legacy/reconciliation", To: "src/recon"}}
	targets, err := move.Targets(fs, moves)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Candidates(fs, moves, targets)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"src/a.ts", "src/c.ts", "src/legacy/reconciliation/ledger.ts"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("candidates = %v, want %v", got, want)
	}
}
