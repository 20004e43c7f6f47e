package server

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor/gen"
)

// TestMeasureWarmWillRename measures (it asserts nothing about time) the
// process CPU and wall time of a warm willRenameFiles of each hot module
// of a generated workspace of RELAYOUT_LSP_BENCH files (skipped when
// unset): on the live index, then on a fresh walk and candidate parse (the
// folder's index withheld). Run it with -v; docs/performance.md.
func TestMeasureWarmWillRename(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RELAYOUT_LSP_BENCH"))
	if n == 0 {
		t.Skip("set RELAYOUT_LSP_BENCH=<files> to measure")
	}
	root := t.TempDir()
	ws, err := gen.Generate(root, gen.Options{Files: n, Seed: 1, HotImporters: n / 10})
	if err != nil {
		t.Fatal(err)
	}
	e := newEditor(t, editorConfig{cacheDir: t.TempDir()})
	e.initialize(editorConfig{}, root)
	e.await("index built", func(st *editorState) bool { return st.endsOf("relayout: indexing imports") >= 1 })
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	const runs = 5
	for _, mode := range []string{"live index", "fresh walk"} {
		if mode == "fresh walk" {
			e.srv.mu.Lock()
			for _, f := range e.srv.folders {
				f.stopIndex()
				f.mu.Lock()
				f.index, f.indexOf = nil, nil
				f.mu.Unlock()
			}
			e.srv.mu.Unlock()
		}
		for _, h := range []*gen.Hot{ws.PythonHot, ws.TSHot} {
			willRename(e, root, h.Path, h.To) // warm-up
			c0, w0 := cpu(), time.Now()
			edited := 0
			for range runs {
				edited = len(willRename(e, root, h.Path, h.To).DocumentChanges)
			}
			t.Logf("%s, %s (%d files edited): %.3f CPU-s, %.3f s wall per request",
				mode, h.Path, edited, (cpu()-c0).Seconds()/runs, time.Since(w0).Seconds()/runs)
		}
	}
}
