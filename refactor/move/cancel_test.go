package move

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// lateCancel is a context that reports cancellation from the n-th call of
// Err on, so a test can cancel at every point where the engine looks.
type lateCancel struct {
	context.Context
	calls, n int64
}

func (c *lateCancel) Err() error {
	if atomic.AddInt64(&c.calls, 1) > c.n {
		return context.Canceled
	}
	return nil
}

// TestComputeCancelled cancels Compute at each point where it checks its
// context (issue 14.1): each time, it must return context.Canceled and no
// change set, or the complete change set — never a partial one.
func TestComputeCancelled(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string][]byte{
		"src/a/util.ts":  []byte("export const x = 1;\n"),
		"src/main.ts":    []byte("import { x } from './a/util';\nconsole.log(x);\n"),
		"src/other.ts":   []byte("import { x } from './a/util';\nconst s = 'src/a/util';\n"),
		"app/py/m.py":    []byte("X = 1\n"),
		"app/use.py":     []byte("from app.py.m import X\nNAME = 'app.py.m'\n"),
		"docs/readme.md": []byte("see app/py/m.py and src/a/util.ts\n"),
	})
	l, err := workspace.Walk(t.Context(), dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(t.Context(), workspace.NewDiskSet(l), nil, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	moves := []Move{{From: "src/a/util.ts", To: "src/util.ts"}, {From: "app/py/m.py", To: "app/m.py"}}
	opts := Options{Root: l.Root, UpdateStrings: true}
	full, err := Compute(t.Context(), ix, moves, opts)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for n := int64(0); ; n++ {
		ctx := &lateCancel{Context: t.Context(), n: n}
		cs, err := Compute(ctx, ix, moves, opts)
		if err == nil {
			if !reflect.DeepEqual(cs, full) {
				t.Fatalf("cancelled at check %d: a partial change set and no error:\n%+v\nwant\n%+v", n, cs, full)
			}
			break
		}
		if !errors.Is(err, context.Canceled) || cs != nil {
			t.Fatalf("cancelled at check %d: Compute = %v, %v", n, cs, err)
		}
		cancelled++
	}
	t.Logf("%d cancellation points, each refused", cancelled)
	if cancelled < 3 {
		t.Errorf("only %d cancellation points", cancelled)
	}
}
