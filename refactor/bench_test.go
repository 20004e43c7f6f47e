//go:build unix

package refactor_test

// Benchmarks of relayout's engine on a generated 10,000-file mixed Python +
// TypeScript workspace (package refactor/gen): time to first depth
// diagnostics, cold and cached indexing, and moves (a module imported by
// 1,000 files; a package/folder of 200 files) — the change-set compute
// alone after indexing, and end to end as the CLI runs it. Numbers and
// how to read them are in docs/performance.md. There are no timing
// assertions; the correctness checks only make sure each benchmark
// measures the work it claims to.
//
// The workspace is generated once per test binary into a temporary
// directory removed by TestMain. RELAYOUT_BENCH_FILES changes its size;
// RELAYOUT_BENCH_DIR keeps it in (or reuses it from) a directory, which
// saves the generation across runs.
//
// Besides wall time, every benchmark reports cpu-ms/op, the process's user
// + system CPU time per operation (getrusage, hence the unix build tag):
// on a shared machine it moves much less than wall time.

import (
	"context"
	"fmt"
	iofs "io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/gen"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// benchState is the workspace shared by every benchmark of the process.
var benchState struct {
	genOnce sync.Once
	dir     string // removed by TestMain when temporary
	temp    bool
	ws      *gen.Workspace
	err     error

	ixOnce sync.Once
	w      *refactor.Workspace
	ix     *index.Index
	ixErr  error
}

// TestMain removes the generated benchmark workspace after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchState.temp && benchState.dir != "" {
		os.RemoveAll(benchState.dir)
	}
	os.Exit(code)
}

// benchFiles is the size of the benchmark workspace.
func benchFiles() int {
	if n, err := strconv.Atoi(os.Getenv("RELAYOUT_BENCH_FILES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// benchOptions are the generator options of the benchmark workspace: n
// files, a hot module per language imported by n/10 files, a package and
// a folder of n/50 files.
func benchOptions(n int) gen.Options {
	return gen.Options{Files: n, Seed: 1, HotImporters: n / 10, PackageFiles: max(4, n/50)}
}

// sameWorkspace reports whether a workspace generated with a answers
// for options b.
func sameWorkspace(a, b gen.Options) bool {
	return a.Files == b.Files && a.Seed == b.Seed && a.HotImporters == b.HotImporters && a.PackageFiles == b.PackageFiles
}

// benchWorkspace generates (once) and returns the benchmark workspace.
func benchWorkspace(b *testing.B) *gen.Workspace {
	b.Helper()
	s := &benchState
	s.genOnce.Do(func() {
		opts := benchOptions(benchFiles())
		if dir := os.Getenv("RELAYOUT_BENCH_DIR"); dir != "" {
			s.dir = dir
			ws, err := gen.Load(dir)
			switch {
			case err == nil && sameWorkspace(ws.Options, opts):
				s.ws = ws
				return
			case err == nil: // generated with other options: regenerate
				s.err = os.RemoveAll(dir)
			default:
				// Never delete a directory that holds something else.
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					s.err = fmt.Errorf("RELAYOUT_BENCH_DIR %s is not empty and holds no generated workspace", dir)
				}
			}
			if s.err != nil {
				return
			}
		} else {
			s.dir, s.err = os.MkdirTemp("", "relayout-bench-")
			s.temp = true
			if s.err != nil {
				return
			}
		}
		s.ws, s.err = gen.Generate(s.dir, opts)
	})
	if s.err != nil {
		b.Fatalf("generate the benchmark workspace: %v", s.err)
	}
	return s.ws
}

// benchIndex returns the opened workspace and its full index, built once
// per process (never inside a benchmark's timed loop).
func benchIndex(b *testing.B) (*gen.Workspace, *refactor.Workspace, *index.Index) {
	b.Helper()
	ws := benchWorkspace(b)
	s := &benchState
	s.ixOnce.Do(func() {
		ctx := context.Background()
		s.w, s.ixErr = refactor.Open(ctx, ws.Root)
		if s.ixErr == nil {
			s.ix, s.ixErr = index.Build(ctx, s.w.FileSet(), s.w.Config, index.Options{KeepSources: true})
		}
	})
	if s.ixErr != nil {
		b.Fatalf("index the benchmark workspace: %v", s.ixErr)
	}
	return ws, s.w, s.ix
}

// open opens the benchmark workspace (walk + configuration).
func open(b *testing.B, ws *gen.Workspace) *refactor.Workspace {
	b.Helper()
	w, err := refactor.Open(context.Background(), ws.Root)
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f in a b.Loop and reports cpu-ms/op.
func loop(b *testing.B, f func()) {
	var start time.Duration
	first := true
	for b.Loop() {
		if first {
			start, first = cpuTime(), false
		}
		f()
	}
	if b.N > 0 {
		b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
	}
}

// perSecond reports n items per op as a rate.
func perSecond(b *testing.B, n int, unit string) {
	if b.N > 0 && b.Elapsed() > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), unit)
	}
}

// BenchmarkDepthDiagnostics is the time to first depth diagnostics: load
// relayout.toml, walk the workspace (gitignore and excludes), check every
// path against the depth rule. Nothing is read or parsed.
func BenchmarkDepthDiagnostics(b *testing.B) {
	ws := benchWorkspace(b)
	ctx := context.Background()
	violations := 0
	loop(b, func() {
		w, err := refactor.Open(ctx, ws.Root)
		if err != nil {
			b.Fatal(err)
		}
		violations = len(w.Violations())
	})
	if violations != ws.Deeper(4) {
		b.Fatalf("%d violations, want %d", violations, ws.Deeper(4))
	}
	perSecond(b, ws.Files, "files/s")
	b.ReportMetric(float64(violations), "violations")
}

// BenchmarkIndexCold builds the full import index with no parse cache on
// all cores (GOMAXPROCS parsers): read, classify, hash, parse and extract
// every Python/TS file, resolve every reference, build the reverse index.
// The workspace is already open (see BenchmarkDepthDiagnostics).
func BenchmarkIndexCold(b *testing.B) {
	ws := benchWorkspace(b)
	w := open(b, ws)
	ctx := context.Background()
	b.SetBytes(ws.SourceBytes)
	loop(b, func() {
		if _, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{}); err != nil {
			b.Fatal(err)
		}
	})
	perSecond(b, ws.Python+ws.TypeScript, "files/s")
}

// editedFS is a FileSet in which some files have changed since the cache
// was filled: each ReadFile of one of them appends a comment carrying the
// current generation, so every benchmark iteration misses the cache for
// exactly those files.
type editedFS struct {
	workspace.FileSet
	changed map[string]bool
	gen     int
}

// Root implements workspace.DiskFiles.
func (e *editedFS) Root() string { return e.FileSet.(workspace.DiskFiles).Root() }

// Stat implements workspace.DiskFiles: a changed file is not what is on
// disk, so its size and mtime say nothing.
func (e *editedFS) Stat(rel string) (iofs.FileInfo, error) {
	if e.changed[rel] {
		return nil, fmt.Errorf("stat %s: edited in memory", rel)
	}
	return e.FileSet.(workspace.DiskFiles).Stat(rel)
}

// ReadFile implements workspace.FileSet.
func (e *editedFS) ReadFile(rel string) ([]byte, error) {
	data, err := e.FileSet.ReadFile(rel)
	if err != nil || !e.changed[rel] {
		return data, err
	}
	c := "//"
	if strings.HasSuffix(rel, ".py") {
		c = "#"
	}
	return append(data, fmt.Sprintf("\n%s edit %d\n", c, e.gen)...), nil
}

// warmCache returns a parse cache in a temporary directory filled with
// every file of w.
func warmCache(b *testing.B, w *refactor.Workspace) *index.Cache {
	b.Helper()
	cache, err := index.OpenCache(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := index.Build(context.Background(), w.FileSet(), w.Config, index.Options{Cache: cache}); err != nil {
		b.Fatal(err)
	}
	return cache
}

// BenchmarkIndexCached is a restart with a warm on-disk parse cache
// (index.Cache in a temporary directory): files whose size and mtime match
// their cache entry are not read, every reference is resolved, and only
// changed files are read, hashed and parsed. "unchanged" changes nothing; "1pct-changed" changes one source
// file in a hundred before each build.
func BenchmarkIndexCached(b *testing.B) {
	ws := benchWorkspace(b)
	w := open(b, ws)
	ctx := context.Background()
	cache := warmCache(b, w)
	for _, pct := range []int{0, 1} {
		name := "unchanged"
		if pct > 0 {
			name = fmt.Sprintf("%dpct-changed", pct)
		}
		b.Run(name, func(b *testing.B) {
			efs := &editedFS{FileSet: w.FileSet(), changed: map[string]bool{}}
			if pct > 0 {
				i := 0
				for _, e := range w.Listing.Files {
					if strings.HasSuffix(e.Path, ".py") || strings.HasSuffix(e.Path, ".ts") || strings.HasSuffix(e.Path, ".tsx") {
						if i%(100/pct) == 0 {
							efs.changed[e.Path] = true
						}
						i++
					}
				}
			}
			b.SetBytes(ws.SourceBytes)
			loop(b, func() {
				efs.gen++
				if _, err := index.Build(ctx, efs, w.Config, index.Options{Cache: cache}); err != nil {
					b.Fatal(err)
				}
			})
			perSecond(b, ws.Python+ws.TypeScript, "files/s")
			b.ReportMetric(float64(len(efs.changed)), "reparsed/op")
		})
	}
}

// BenchmarkIndexMemory reports the heap an index of the whole workspace
// holds once built (bytes/file: per Python/TS file, after a GC, with the
// workspace listing already open and not counted). The build reads a warm
// parse cache; without KeepSources no file content is kept.
func BenchmarkIndexMemory(b *testing.B) {
	ws := benchWorkspace(b)
	w := open(b, ws)
	ctx := context.Background()
	cache := warmCache(b, w)
	var perFile float64
	loop(b, func() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if len(ix.Files()) != ws.Python+ws.TypeScript {
			b.Fatalf("%d files indexed, want %d", len(ix.Files()), ws.Python+ws.TypeScript)
		}
		perFile = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(ix.Files()))
		runtime.KeepAlive(ix)
	})
	b.ReportMetric(perFile, "bytes/file")
}

// computeMove benchmarks move.Compute alone on the full index (as the
// language server holds it): the index is built outside the timer.
func computeMove(b *testing.B, moves []move.Move, check func(cs *edit.ChangeSet) error) {
	_, w, ix := benchIndex(b)
	ctx := context.Background()
	opts := move.Options{Root: w.Root, Config: w.Config}
	cs, err := move.Compute(ctx, ix, moves, opts)
	if err != nil {
		b.Fatal(err)
	}
	if err := check(cs); err != nil {
		b.Fatal(err)
	}
	loop(b, func() {
		if _, err := move.Compute(ctx, ix, moves, opts); err != nil {
			b.Fatal(err)
		}
	})
	reportChangeSet(b, cs)
}

// endToEndMove benchmarks refactor.Workspace.Move as `relayout move
// --dry-run` runs it, cold (no parse cache): expand the moves, prefilter
// candidate files by content, index only those, compute the change set.
// The workspace is already open (see BenchmarkDepthDiagnostics).
func endToEndMove(b *testing.B, moves []move.Move, check func(cs *edit.ChangeSet) error) {
	ws := benchWorkspace(b)
	w := open(b, ws)
	ctx := context.Background()
	fs := w.FileSet()
	targets, err := move.Targets(fs, moves)
	if err != nil {
		b.Fatal(err)
	}
	cands, err := refactor.Candidates(fs, moves, targets)
	if err != nil {
		b.Fatal(err)
	}
	var cs *edit.ChangeSet
	loop(b, func() {
		cs, err = w.Move(ctx, moves, refactor.MoveOptions{})
		if err != nil {
			b.Fatal(err)
		}
	})
	if err := check(cs); err != nil {
		b.Fatal(err)
	}
	reportChangeSet(b, cs)
	b.ReportMetric(float64(len(cands)), "candidates")
}

func reportChangeSet(b *testing.B, cs *edit.ChangeSet) {
	edits := 0
	for _, es := range cs.Edits {
		edits += len(es)
	}
	b.ReportMetric(float64(len(cs.EditedFiles())), "edited-files")
	b.ReportMetric(float64(edits), "edits")
}

// hotCheck makes sure a move of a hot module rewrote every importer (want
// is false for TS while refactor/tsmove may still be a stub).
func hotCheck(h *gen.Hot, want bool) func(cs *edit.ChangeSet) error {
	return func(cs *edit.ChangeSet) error {
		if len(cs.Renames) != 1 {
			return fmt.Errorf("%d renames, want 1", len(cs.Renames))
		}
		if n := len(cs.EditedFiles()); want && n < len(h.Importers) {
			return fmt.Errorf("moving %s edited %d files, want at least its %d importers", h.Path, n, len(h.Importers))
		}
		return nil
	}
}

// folderCheck makes sure a folder move renamed every file in it.
func folderCheck(f *gen.Folder) func(cs *edit.ChangeSet) error {
	return func(cs *edit.ChangeSet) error {
		if len(cs.Renames) != f.Files {
			return fmt.Errorf("moving %s renamed %d files, want %d", f.Dir, len(cs.Renames), f.Files)
		}
		return nil
	}
}

// BenchmarkMovePythonHot computes the change set of moving a Python module
// imported by 1,000 files (10,000-file workspace) to a shallower package,
// after indexing: move.Compute only. Target: ≤ 50 ms.
func BenchmarkMovePythonHot(b *testing.B) {
	ws := benchWorkspace(b)
	h := ws.PythonHot
	computeMove(b, []move.Move{{From: h.Path, To: h.To}}, hotCheck(h, true))
}

// BenchmarkMovePythonHotEndToEnd is the same move through
// refactor.Workspace.Move, cold: candidate prefilter + partial index +
// compute, as the CLI does it.
func BenchmarkMovePythonHotEndToEnd(b *testing.B) {
	ws := benchWorkspace(b)
	h := ws.PythonHot
	endToEndMove(b, []move.Move{{From: h.Path, To: h.To}}, hotCheck(h, true))
}

// BenchmarkMovePythonPackage200 moves a Python package of 200 files
// (modules and __init__.py files, in nested subpackages) two levels up:
// "compute" after indexing, "e2e" through Workspace.Move, cold.
func BenchmarkMovePythonPackage200(b *testing.B) {
	ws := benchWorkspace(b)
	f := ws.PythonPackage
	moves := []move.Move{{From: f.Dir, To: f.To}}
	b.Run("compute", func(b *testing.B) { computeMove(b, moves, folderCheck(f)) })
	b.Run("e2e", func(b *testing.B) { endToEndMove(b, moves, folderCheck(f)) })
}

// BenchmarkMoveTSHot computes the change set of moving a TS module
// imported by 1,000 files (relative and `@/` alias specifiers) to
// web/src/lib, after indexing: move.Compute only. The TS rewriting itself
// lives in refactor/tsmove.
func BenchmarkMoveTSHot(b *testing.B) {
	ws := benchWorkspace(b)
	h := ws.TSHot
	computeMove(b, []move.Move{{From: h.Path, To: h.To}}, hotCheck(h, false))
}

// BenchmarkMoveTSHotEndToEnd is the same move through
// refactor.Workspace.Move, cold.
func BenchmarkMoveTSHotEndToEnd(b *testing.B) {
	ws := benchWorkspace(b)
	h := ws.TSHot
	endToEndMove(b, []move.Move{{From: h.Path, To: h.To}}, hotCheck(h, false))
}

// BenchmarkMoveTSFolder200 moves a TS folder of 200 files (components,
// hooks, an index.ts barrel) two levels up: "compute" after indexing,
// "e2e" through Workspace.Move, cold.
func BenchmarkMoveTSFolder200(b *testing.B) {
	ws := benchWorkspace(b)
	f := ws.TSFolder
	moves := []move.Move{{From: f.Dir, To: f.To}}
	b.Run("compute", func(b *testing.B) { computeMove(b, moves, folderCheck(f)) })
	b.Run("e2e", func(b *testing.B) { endToEndMove(b, moves, folderCheck(f)) })
}
