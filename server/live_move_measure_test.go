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
	// Files modified within the last seconds are hashed at every refresh
	// (index.Refresh: racily clean); an editor's workspace is older.
	time.Sleep(3 * time.Second)
	e := newEditor(t, editorConfig{cacheDir: t.TempDir()})
	e.initialize(editorConfig{}, root)
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(time.Second) {
		e.srv.mu.Lock()
		ready := len(e.srv.folders) > 0
		for _, f := range e.srv.folders {
			f.mu.Lock()
			ready = ready && f.index != nil
			f.mu.Unlock()
		}
		e.srv.mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no index after 15 minutes")
		}
	}
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
