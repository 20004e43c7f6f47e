package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/relayout/relayout/internal/bench"
	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/gen"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

func init() {
	register(verb{name: "bench", short: "time relayout's phases on a generated workspace", run: runBench})
}

const benchHelp = `Time relayout's phases, R times each, on a generated workspace or on the
checkout at PATH. Without PATH it generates a realistic mixed Python +
TypeScript workspace (N files of about 5 KB, 5 to 15 imports each, nested up
to 7 levels, one module per language imported by N/10 files, or by
--hot-importers); with PATH the hot modules are the most imported Python and
TS files of the checkout (or --ts-move, --py-move).

  walk+depth       open the workspace and compute depth violations (time to
                   first diagnostics; nothing is parsed)
  git ls-files     the floor for the walk (a git checkout only)
  index cold       parse and resolve every source file, no parse cache
  index cached     the same with a warm parse cache (a restart)
  index update     the next index snapshot after one source file changed
  py move compute  change set for moving the hot Python module, after
                   indexing (dry run; the target is 50 ms at N=10000)
  ts move compute  the same for the hot TS module
  py move e2e      the Python move as 'relayout move --dry-run' runs it:
                   candidate prefilter, partial index, compute (cold)

It prints the machine, the load average, the median, min and max of every
phase, the index's heap per source file, and ratios.

Side by side (--side-by-side, on by default), each tool a separate process
on the same hot moves: relayout serve (started cold, then again on its
parse cache) driven over stdio like an editor (initialize, didOpen of the
hot TS module, workspace/willRenameFiles), relayout move --dry-run (empty
and warm parse cache), and the peers that are installed:
typescript-language-server + TypeScript 5.x (--peer-dir), TypeScript 7's
tsc --lsp --stdio (--ts7-dir) for the TS move, and Rope (MoveModule or a
module Rename, through a Python that imports rope) for the Python move.
For each session: time to the first diagnostic and to the first answer
(cold), until it settles (no progress open, CPU idle for a second), CPU of
the process tree from /proc, RSS and peak RSS (VmHWM); for each move: the
median and max of --warm requests, CPU per request, and whether each
peer edits the same files with the same specifiers as relayout serve.
A peer that is not installed is skipped with a message.

Nothing is written outside the generated workspace (parse caches are
temporary; no move is applied). The Go benchmarks in
refactor/bench_test.go measure the same phases (see docs/performance.md).`

// benchPhase is one timed phase of relayout bench.
type benchPhase struct {
	name  string
	times []time.Duration
}

// median returns the median run time (the mean of the middle two for an
// even count).
func (p *benchPhase) median() time.Duration { return bench.Median(p.times) }

func runBench(e *env, args []string) int {
	fs := newFlags(e, "bench", "[PATH]", benchHelp)
	files := fs.Int("files", gen.DefaultFiles, "number of files in the generated workspace")
	runs := fs.Int("runs", 5, "timed runs of each phase")
	keep := fs.String("keep", "", "generate the workspace into `DIR` and keep it, or reuse the one generated there before")
	seed := fs.Uint64("seed", 1, "generator seed")
	absPy := fs.Bool("absolute-python", false, "generate only absolute Python imports (Rope cannot move a module imported relatively)")
	hot := fs.Int("hot-importers", 0, "files importing each hot module of the generated workspace (default --files/10)")
	phases := fs.Bool("phases", true, "time the in-process phases")
	side := fs.Bool("side-by-side", true, "measure relayout serve and the CLI against the installed peers")
	so := sideFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "relayout bench: at most one PATH expected")
		return ExitUsage
	}
	tsMove, err := parseMoveFlag("ts-move", *so.tsMove)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
		return ExitUsage
	}
	pyMove, err := parseMoveFlag("py-move", *so.pyMove)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
		return ExitUsage
	}
	if *files < 100 || *runs < 1 || *so.warm < 1 {
		fmt.Fprintln(e.stderr, "relayout bench: want --files >= 100, --runs >= 1 and --warm >= 1")
		return ExitUsage
	}
	var subj *benchSubject
	if fs.NArg() == 1 {
		root := fs.Arg(0)
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stderr, "relayout bench: %s is not a directory\n", root)
			return ExitUsage
		}
		machine(e.stdout)
		fmt.Fprintf(e.stdout, "workspace: %s\n", root)
		subj = &benchSubject{root: root, deeper: -1}
	} else {
		if *hot <= 0 {
			*hot = *files / 10
		}
		opts := gen.Options{Files: *files, Seed: *seed, HotImporters: *hot, PackageFiles: max(4, *files/50), AbsolutePython: *absPy}
		machine(e.stdout)
		ws, cleanup, code := benchWorkspace(e, opts, *keep)
		if ws == nil {
			return code
		}
		defer cleanup()
		subj = &benchSubject{root: ws.Root, deeper: ws.Deeper(4), pyHot: hotMove(ws.PythonHot), tsHot: hotMove(ws.TSHot)}
	}
	if tsMove != nil {
		subj.tsHot = tsMove
	}
	if pyMove != nil {
		subj.pyHot = pyMove
	}
	if *phases {
		if err := benchPhases(e, subj, *runs); err != nil {
			fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
			return ExitFindings
		}
	}
	if *side {
		err := findHot(e, subj)
		if err == nil {
			err = sideBySide(e, subj, so)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout bench: side by side: %v\n", err)
			return ExitFindings
		}
	}
	return ExitOK
}

// machine prints the facts that make numbers comparable.
func machine(w io.Writer) {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	fmt.Fprintf(w, "relayout %s, %s %s/%s\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "machine: %s, NumCPU %d, GOMAXPROCS %d\n", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			fmt.Fprintf(w, "load average: %s %s %s\n", f[0], f[1], f[2])
		}
	}
}

// benchSubject is the workspace relayout bench measures.
type benchSubject struct {
	root string
	// deeper is the number of depth violations expected (-1: unknown).
	deeper       int
	pyHot, tsHot *move.Move // nil: no such module
	// searched: the most imported modules were looked for (a checkout).
	searched bool
}

// hotMove returns the move of a generated hot module.
func hotMove(h *gen.Hot) *move.Move {
	if h == nil {
		return nil
	}
	return &move.Move{From: h.Path, To: h.To}
}

// mostImported returns a move of the file of language family py (Python,
// else TS/JS) with the most importers in ix, to a sibling named
// <stem>_moved; nil when no file is imported. Package and directory index
// files are skipped (moving them renames a directory's API).
func mostImported(ix *index.Index, py bool) *move.Move {
	best, n := "", 0
	for _, p := range ix.Files() {
		lang, _ := parsers.LangOf(p)
		base := path.Base(p)
		if (lang == parsers.Python) != py || strings.HasPrefix(base, "__init__.") || strings.HasPrefix(base, "index.") {
			continue
		}
		if k := len(ix.Importers(p)); k > n {
			best, n = p, k
		}
	}
	if best == "" {
		return nil
	}
	ext := path.Ext(best)
	if strings.HasSuffix(best, ".d.ts") {
		ext = ".d.ts"
	}
	return &move.Move{From: best, To: strings.TrimSuffix(best, ext) + "_moved" + ext}
}

// benchWorkspace generates the workspace (or reuses the one in keep) and
// prints what it holds. cleanup removes a temporary workspace.
func benchWorkspace(e *env, opts gen.Options, keep string) (*gen.Workspace, func(), int) {
	cleanup := func() {}
	dir := keep
	if keep != "" {
		if ws, err := gen.Load(keep); err == nil {
			o := ws.Options
			if o.Files == opts.Files && o.Seed == opts.Seed && o.HotImporters == opts.HotImporters && o.PackageFiles == opts.PackageFiles && o.AbsolutePython == opts.AbsolutePython {
				fmt.Fprintf(e.stdout, "workspace: reusing %s\n", keep)
				describeWorkspace(e.stdout, ws)
				return ws, cleanup, ExitOK
			}
			fmt.Fprintf(e.stderr, "relayout bench: %s holds a workspace generated with other options; remove it or choose another --keep directory\n", keep)
			return nil, nil, ExitUsage
		}
		if entries, err := os.ReadDir(keep); err == nil && len(entries) > 0 {
			fmt.Fprintf(e.stderr, "relayout bench: %s is not empty and holds no generated workspace; choose an empty or new --keep directory\n", keep)
			return nil, nil, ExitUsage
		}
	} else {
		tmp, err := os.MkdirTemp("", "relayout-bench-")
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
			return nil, nil, ExitFindings
		}
		dir = tmp
		cleanup = func() { os.RemoveAll(tmp) }
	}
	status(e, "generating %d files", opts.Files)
	start := time.Now()
	ws, err := gen.Generate(dir, opts)
	if err != nil {
		cleanup()
		fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
		return nil, nil, ExitFindings
	}
	clearStatus(e)
	fmt.Fprintf(e.stdout, "workspace: generated in %s", fmtDur(time.Since(start)))
	if keep != "" {
		fmt.Fprintf(e.stdout, " into %s (kept)", keep)
	}
	fmt.Fprintln(e.stdout)
	describeWorkspace(e.stdout, ws)
	return ws, cleanup, ExitOK
}

func describeWorkspace(w io.Writer, ws *gen.Workspace) {
	fmt.Fprintf(w, "  %d files: %d Python, %d TypeScript, %d other; %.1f MB of source; %d deeper than level 4\n",
		ws.Files, ws.Python, ws.TypeScript, ws.Other, float64(ws.SourceBytes)/1e6, ws.Deeper(4))
	if h := ws.PythonHot; h != nil {
		fmt.Fprintf(w, "  hot Python module: %s, imported by %d files, moved to %s\n", h.Path, len(h.Importers), h.To)
	}
	if h := ws.TSHot; h != nil {
		fmt.Fprintf(w, "  hot TS module: %s, imported by %d files, moved to %s\n", h.Path, len(h.Importers), h.To)
	}
}

// status shows what is running on a terminal's stderr.
func status(e *env, format string, args ...any) {
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(e.stderr, "\r%-60s", fmt.Sprintf(format, args...))
	}
}

// clearStatus erases the status line.
func clearStatus(e *env) {
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(e.stderr, "\r%60s\r", "")
	}
}

// benchPhases runs and prints every phase.
func benchPhases(e *env, subj *benchSubject, runs int) error {
	ctx := e.ctx
	phases := map[string]*benchPhase{}
	var order []*benchPhase
	timeIt := func(name string, f func() error) error {
		p := phases[name]
		if p == nil {
			p = &benchPhase{name: name}
			phases[name] = p
			order = append(order, p)
		}
		status(e, "%s: run %d/%d", name, len(p.times)+1, runs)
		start := time.Now()
		if err := f(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		p.times = append(p.times, time.Since(start))
		return nil
	}
	cacheDir, err := os.MkdirTemp("", "relayout-bench-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cacheDir)
	cache, err := index.OpenCache(cacheDir)
	if err != nil {
		return err
	}
	var w *refactor.Workspace
	var ix *index.Index
	var violations int
	var bytesPerFile float64
	_, gitErr := os.Stat(filepath.Join(subj.root, ".git"))
	_, gitBin := exec.LookPath("git")
	type step struct {
		name string
		run  func() error
		skip func() bool // evaluated when the step comes
	}
	steps := []step{
		{name: "walk+depth", run: func() (err error) {
			w, err = refactor.Open(ctx, subj.root)
			if err == nil {
				violations = len(w.Violations())
			}
			return err
		}},
		{name: "git ls-files", skip: func() bool { return gitErr != nil || gitBin != nil }, run: func() error {
			return exec.CommandContext(ctx, "git", "-C", subj.root, "ls-files", "--cached", "--others", "--exclude-standard").Run()
		}},
		{name: "index cold", run: func() (err error) {
			ix, err = index.Build(ctx, w.FileSet(), w.Config, index.Options{})
			return err
		}},
		{name: "index cached", run: func() error {
			_, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache})
			return err
		}},
		{name: "index update", skip: func() bool { return len(ix.Files()) == 0 }, run: func() error {
			// One source file edited in memory: only it is parsed again.
			p := ix.Files()[len(ix.Files())/2]
			src, err := w.FileSet().ReadFile(p)
			if err != nil {
				return err
			}
			src = append(slices.Clone(src), "\n"...)
			fs := workspace.WithOverlay(w.FileSet(), map[string][]byte{p: src})
			_, err = ix.Update(ctx, index.Change{FS: fs, Changed: []string{p}}, index.Options{})
			return err
		}},
		{name: "py move compute", skip: func() bool { return subj.pyHot == nil }, run: func() error { return computeHot(ctx, w, ix, subj.pyHot) }},
		{name: "ts move compute", skip: func() bool { return subj.tsHot == nil }, run: func() error { return computeHot(ctx, w, ix, subj.tsHot) }},
		{name: "py move e2e", skip: func() bool { return subj.pyHot == nil }, run: func() error {
			_, err := w.Move(ctx, []move.Move{*subj.pyHot}, refactor.MoveOptions{})
			return err
		}},
	}
	for _, s := range steps {
		if s.skip != nil && s.skip() {
			continue
		}
		if s.name == "index cached" { // fill the cache first, untimed, and weigh the index
			status(e, "filling the parse cache")
			if _, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache}); err != nil {
				return fmt.Errorf("fill the parse cache: %w", err)
			}
			bytesPerFile = indexHeap(ctx, w, cache)
			subj.searched = subj.deeper < 0
			if subj.pyHot == nil && subj.deeper < 0 {
				subj.pyHot = mostImported(ix, true)
			}
			if subj.tsHot == nil && subj.deeper < 0 {
				subj.tsHot = mostImported(ix, false)
			}
		}
		for range runs {
			if err := timeIt(s.name, s.run); err != nil {
				return err
			}
		}
	}
	clearStatus(e)
	if subj.deeper >= 0 && violations != subj.deeper {
		return fmt.Errorf("found %d depth violations, the generator planted %d", violations, subj.deeper)
	}
	out := e.stdout
	srcFiles := float64(len(ix.Files()))
	fmt.Fprintf(out, "\n%d files, %d source files indexed, %d deeper than level 4\n", len(w.Listing.Files), len(ix.Files()), violations)
	for _, h := range []*move.Move{subj.pyHot, subj.tsHot} {
		if h != nil {
			fmt.Fprintf(out, "hot module: %s, imported by %d files, moved to %s\n", h.From, len(ix.Importers(h.From)), h.To)
		}
	}
	fmt.Fprintf(out, "\n%d runs per phase\n%-16s %10s %10s %10s\n", runs, "phase", "median", "min", "max")
	for _, p := range order {
		fmt.Fprintf(out, "%-16s %10s %10s %10s\n", p.name, fmtDur(p.median()), fmtDur(slices.Min(p.times)), fmtDur(slices.Max(p.times)))
	}
	fmt.Fprintf(out, "\nindex memory: %.0f bytes per source file (heap after GC)\n", bytesPerFile)
	med := func(name string) time.Duration { return phases[name].median() }
	cold := med("index cold").Seconds()
	fmt.Fprintf(out, "\nratios (medians)\n")
	fmt.Fprintf(out, "  index cold / walk+depth:    %.0fx\n", cold/med("walk+depth").Seconds())
	fmt.Fprintf(out, "  index cold / index cached:  %.1fx\n", cold/med("index cached").Seconds())
	if phases["index update"] != nil {
		fmt.Fprintf(out, "  index cold / index update:  %.0fx\n", cold/med("index update").Seconds())
	}
	if phases["git ls-files"] != nil {
		fmt.Fprintf(out, "  walk+depth / git ls-files:  %.1fx\n", med("walk+depth").Seconds()/med("git ls-files").Seconds())
	}
	if phases["py move e2e"] != nil {
		fmt.Fprintf(out, "  index cold / py move e2e:   %.1fx\n", cold/med("py move e2e").Seconds())
	}
	fmt.Fprintf(out, "  walk+depth throughput:      %.0f files/s\n", float64(len(w.Listing.Files))/med("walk+depth").Seconds())
	fmt.Fprintf(out, "  index cold throughput:      %.0f files/s\n", srcFiles/cold)
	fmt.Fprintf(out, "  index cached throughput:    %.0f files/s\n", srcFiles/med("index cached").Seconds())
	if phases["py move compute"] != nil {
		py := med("py move compute")
		verdict := "within"
		if py > 50*time.Millisecond {
			verdict = "over"
		}
		fmt.Fprintf(out, "  py move compute vs 50 ms:   %s (%s the target; the target is set for %d files)\n", fmtDur(py), verdict, gen.DefaultFiles)
	}
	return nil
}

// indexHeap builds the full index from the warm cache and returns the
// heap it holds per source file, after a GC.
func indexHeap(ctx context.Context, w *refactor.Workspace, cache *index.Cache) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache})
	if err != nil || len(ix.Files()) == 0 {
		return 0
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := float64(len(ix.Files()))
	runtime.KeepAlive(ix)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
}

// computeHot computes (and discards) the change set of a move on a full
// index.
func computeHot(ctx context.Context, w *refactor.Workspace, ix *index.Index, m *move.Move) error {
	if m == nil {
		return errors.New("no hot module")
	}
	_, err := move.Compute(ctx, ix, []move.Move{*m}, move.Options{Root: w.Root, Config: w.Config})
	return err
}

// fmtDur prints a duration with three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
