package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// cancelWorkspace writes a small Python workspace whose plan moves a
// package of 20 modules.
func cancelWorkspace(t *testing.T) string {
	t.Helper()
	ws := t.TempDir()
	files := map[string]string{
		".git/HEAD":                       "ref: refs/heads/main\n",
		"src/app/__init__.py":             "",
		"src/app/backend/__init__.py":     "",
		"src/app/backend/big/__init__.py": "",
		"relayout.toml":                   "[[move]]\nfrom = \"src/app/backend/big\"\nto = \"src/app/big\"\n",
		"pyproject.toml":                  "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n",
	}
	var users strings.Builder
	for i := 0; i < 20; i++ {
		files[fmt.Sprintf("src/app/backend/big/m%d.py", i)] = fmt.Sprintf("VALUE = %d\n", i)
		fmt.Fprintf(&users, "from app.backend.big.m%d import VALUE as v%d\n", i, i)
	}
	files["src/app/user.py"] = users.String()
	testtool.WriteTree(t, ws, files)
	return ws
}

// TestMoveCancelled: a `relayout move` whose context is cancelled (Ctrl-C)
// writes nothing and exits non-zero. (refactor/move's TestComputeCancelled
// cancels at every check inside the engine.)
func TestMoveCancelled(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	ws := cancelWorkspace(t)
	before := tree(t, ws)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr strings.Builder
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	code := runMove(e, []string{"--root", ws, filepath.Join(ws, "src/app/backend/big"), filepath.Join(ws, "src/app/big")})
	if code == ExitOK || !strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("exit %d, want a failure\n%s%s", code, stdout.String(), stderr.String())
	}
	if got := tree(t, ws); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("a cancelled move changed the tree")
	}
}

// TestApplyCancelledMidway: Ctrl-C while `relayout apply` is writing rolls
// the phase back: the tree is unchanged, the exit status is 1 and the
// phase is not reported as moving files.
func TestApplyCancelledMidway(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	ws := cancelWorkspace(t)
	before := tree(t, ws)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	writes := 0
	applyStepHook = func(step string) error {
		if strings.HasPrefix(step, "write ") {
			if writes++; writes == 5 {
				cancel()
			}
		}
		return nil
	}
	defer func() { applyStepHook = nil }()
	var stdout, stderr strings.Builder
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	code := runApply(e, []string{"--root", ws})
	if writes < 5 {
		t.Fatalf("the apply wrote only %d files: nothing was cancelled midway\n%s%s", writes, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if code != ExitFindings || !strings.Contains(out, "phase 1: rolled back") || strings.Contains(out, "moved 2") || !strings.Contains(out, "summary: moved 0 files") {
		t.Errorf("exit %d, want %d\n%s%s", code, ExitFindings, out, stderr.String())
	}
	if got := tree(t, ws); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("a cancelled apply changed the tree")
	}
}
