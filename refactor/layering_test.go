package refactor_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering keeps the architecture's import rules true:
// cmd → server → refactor → parsers, and only cmd and server know LSP.
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	const mod = "github.com/relayout/relayout/"
	rules := []struct {
		tree      string
		forbidden []string
	}{
		{"./parsers/...", []string{mod + "refactor", mod + "server", mod + "cmd", "go.lsp.dev/", "go.uber.org/zap"}},
		{"./refactor/...", []string{mod + "server", mod + "cmd", "go.lsp.dev/", "go.uber.org/zap"}},
		{"./server/...", []string{mod + "cmd"}},
	}
	for _, r := range rules {
		cmd := exec.Command("go", "list", "-deps", r.tree)
		cmd.Dir = ".."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", r.tree, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range r.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", r.tree, dep)
				}
			}
		}
	}
}
