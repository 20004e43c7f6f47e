package server

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor/gen"
)

// TestMeasureWarmWillRename measures (it asserts nothing about time) the
// process CPU and wall time of a warm willRenameFiles of each hot module
// of a generated workspace of RELAYOUT_LSP_BENCH files (skipped when
// unset): on the live index, then on a fresh walk and candidate parse (the
// folder's index withheld; RELAYOUT_LSP_BENCH_LIVE_ONLY=1 skips that).
// Run it with -v (and -cpuprofile, focusing on WillRenameFiles, for the
// server's own share); docs/performance.md.
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
	waitIndexed(t, e, 15*time.Minute)
	cpu := processCPU
	const runs = 5
	modes := []string{"live index", "fresh walk"}
	if os.Getenv("RELAYOUT_LSP_BENCH_LIVE_ONLY") != "" {
		modes = modes[:1] // profiling the live path alone
	}
	for _, mode := range modes {
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
			edited := 0
			var cpus, walls []float64
			for range runs {
				c0, w0 := cpu(), time.Now()
				edited = len(willRename(e, root, h.Path, h.To).DocumentChanges)
				cpus, walls = append(cpus, (cpu()-c0).Seconds()), append(walls, time.Since(w0).Seconds())
			}
			slices.Sort(cpus)
			slices.Sort(walls)
			t.Logf("%s, %s (%d files edited): median %.3f CPU-s (%.3f–%.3f), %.3f s wall per request (process: server and test client)",
				mode, h.Path, edited, cpus[runs/2], cpus[0], cpus[runs-1], walls[runs/2])
		}
	}
}
