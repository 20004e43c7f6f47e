package server

// bench_test.go: the server's own benchmarks, through JSON-RPC like an
// editor: a warm willRenameFiles on the live index and listing code
// actions on a too-deep file. They run on a workspace from refactor/gen of
// RELAYOUT_LSP_BENCH_FILES files (2,000 by default, CI-sized; 10,000 for
// the figures in docs/performance.md) and assert nothing about time; each
// reports cpu-ms/op, the process's CPU (server and client) per request.

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/gen"
)

// benchWorkspace generates the benchmark workspace, aged like a checkout
// (so directory times are trusted), and opens a server on it with its
// index built.
func benchWorkspace(b *testing.B, install ...func(*server)) (*editor, string, *gen.Workspace) {
	b.Helper()
	n, _ := strconv.Atoi(os.Getenv("RELAYOUT_LSP_BENCH_FILES"))
	if n <= 0 {
		n = 2000
	}
	root := b.TempDir()
	ws, err := gen.Generate(root, gen.Options{Files: n, Seed: 1, HotImporters: n / 10})
	if err != nil {
		b.Fatal(err)
	}
	ageTree(b, root)
	cfg := editorConfig{cacheDir: b.TempDir()}
	e := newEditor(b, cfg, install...)
	e.initialize(cfg, root)
	waitIndexed(b, e, 15*time.Minute)
	return e, root, ws
}

// waitIndexed polls until every folder of e's server has its import index
// (a cold index of a large workspace outlasts awaitTimeout).
func waitIndexed(tb testing.TB, e *editor, limit time.Duration) {
	tb.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(100 * time.Millisecond) {
		e.srv.mu.Lock()
		ready := len(e.srv.folders) > 0
		for _, f := range e.srv.folders {
			f.mu.Lock()
			ready = ready && f.index != nil
			f.mu.Unlock()
		}
		e.srv.mu.Unlock()
		if ready {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no index after %s", limit)
		}
	}
}

// processCPU returns the CPU time (user + system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuLoop runs f in a b.Loop and reports cpu-ms/op.
func cpuLoop(b *testing.B, f func()) {
	var start time.Duration
	first := true
	for b.Loop() {
		if first {
			start, first = processCPU(), false
		}
		f()
	}
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-start)/1e6/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkWillRenameWarm: willRenameFiles of each hot module (imported
// by a tenth of the files) once the folder's index is built: no walk, the
// importers verified and read once, the conventions of the snapshot
// cached. Each request is answered in full (the edit is not applied).
func BenchmarkWillRenameWarm(b *testing.B) {
	e, root, ws := benchWorkspace(b)
	for _, h := range []struct {
		name string
		hot  *gen.Hot
	}{{"python", ws.PythonHot}, {"ts", ws.TSHot}} {
		b.Run(h.name, func(b *testing.B) {
			if n := len(willRename(e, root, h.hot.Path, h.hot.To).DocumentChanges); n < len(h.hot.Importers) {
				b.Fatalf("%d documents edited, want at least the %d importers", n, len(h.hot.Importers))
			}
			cpuLoop(b, func() { willRename(e, root, h.hot.Path, h.hot.To) })
		})
	}
}

// BenchmarkCodeActionList: listing code actions on a too-deep file, while
// the folder's plan is being generated (blocked by a hook: the file alone
// lifted is offered) and once it is generated (its entry is offered).
func BenchmarkCodeActionList(b *testing.B) {
	release := make(chan struct{})
	block := func(s *server) {
		s.proposalHook = func(ctx context.Context) {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	}
	e, root, _ := benchWorkspace(b, block)
	snap, err := refactor.Open(b.Context(), root)
	if err != nil {
		b.Fatal(err)
	}
	vs := snap.Violations()
	if len(vs) == 0 {
		b.Fatal("no too-deep file")
	}
	u := e.open(root, vs[len(vs)/2].Path)
	list := func() int { return len(listActions(e, u)) }
	b.Run("plan-pending", func(b *testing.B) {
		cpuLoop(b, func() { list() })
	})
	close(release)
	b.Run("plan-ready", func(b *testing.B) {
		awaitSuggestions(e, u)
		cpuLoop(b, func() { list() })
	})
}
