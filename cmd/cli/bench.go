package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/gen"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
)

func init() {
	register(verb{name: "bench", short: "time relayout's phases on a generated workspace", run: runBench})
}

const benchHelp = `Generate a realistic mixed Python + TypeScript workspace (N files of about
5 KB, 5 to 15 imports each, nested up to 7 levels, one module per language
imported by N/10 files) and time relayout's phases on it, R times each:

  walk+depth       open the workspace and compute depth violations (time to
                   first diagnostics; nothing is parsed)
  index cold       parse and resolve every source file, no parse cache
  index cached     the same with a warm parse cache (a restart)
  py move compute  change set for moving the hot Python module, after
                   indexing (dry run; the target is 50 ms at N=10000)
  ts move compute  the same for the hot TS module
  py move e2e      the Python move as 'relayout move --dry-run' runs it:
                   candidate prefilter, partial index, compute (cold)

It prints the machine, the median, min and max of every phase, and ratios.
Nothing outside the generated workspace is changed. The Go benchmarks in
refactor/bench_test.go measure the same phases (see docs/performance.md).`

// benchPhase is one timed phase of relayout bench.
type benchPhase struct {
	name  string
	times []time.Duration
}

// median returns the median run time (the mean of the middle two for an
// even count).
func (p *benchPhase) median() time.Duration {
	s := slices.Clone(p.times)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func runBench(e *env, args []string) int {
	fs := newFlags(e, "bench", "", benchHelp)
	files := fs.Int("files", gen.DefaultFiles, "number of files in the generated workspace")
	runs := fs.Int("runs", 5, "timed runs of each phase")
	keep := fs.String("keep", "", "generate the workspace into `DIR` and keep it, or reuse the one generated there before")
	seed := fs.Uint64("seed", 1, "generator seed")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "relayout bench: no arguments expected")
		return ExitUsage
	}
	if *files < 100 || *runs < 1 {
		fmt.Fprintln(e.stderr, "relayout bench: want --files >= 100 and --runs >= 1")
		return ExitUsage
	}
	opts := gen.Options{Files: *files, Seed: *seed, HotImporters: *files / 10, PackageFiles: max(4, *files/50)}
	machine(e.stdout)

	ws, cleanup, code := benchWorkspace(e, opts, *keep)
	if ws == nil {
		return code
	}
	defer cleanup()
	if err := benchPhases(e, ws, *runs); err != nil {
		fmt.Fprintf(e.stderr, "relayout bench: %v\n", err)
		return ExitFindings
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
}

// benchWorkspace generates the workspace (or reuses the one in keep) and
// prints what it holds. cleanup removes a temporary workspace.
func benchWorkspace(e *env, opts gen.Options, keep string) (*gen.Workspace, func(), int) {
	cleanup := func() {}
	dir := keep
	if keep != "" {
		if ws, err := gen.Load(keep); err == nil {
			o := ws.Options
			if o.Files == opts.Files && o.Seed == opts.Seed && o.HotImporters == opts.HotImporters && o.PackageFiles == opts.PackageFiles {
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
func benchPhases(e *env, ws *gen.Workspace, runs int) error {
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
	steps := []struct {
		name string
		run  func() error
	}{
		{"walk+depth", func() (err error) {
			w, err = refactor.Open(ctx, ws.Root)
			if err == nil {
				violations = len(w.Violations())
			}
			return err
		}},
		{"index cold", func() (err error) {
			ix, err = index.Build(ctx, w.FileSet(), w.Config, index.Options{})
			return err
		}},
		{"index cached", func() error {
			_, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache})
			return err
		}},
		{"py move compute", func() error { return computeHot(ctx, w, ix, ws.PythonHot) }},
		{"ts move compute", func() error { return computeHot(ctx, w, ix, ws.TSHot) }},
		{"py move e2e", func() error {
			_, err := w.Move(ctx, []move.Move{{From: ws.PythonHot.Path, To: ws.PythonHot.To}}, refactor.MoveOptions{})
			return err
		}},
	}
	for _, s := range steps {
		if s.name == "index cached" { // fill the cache first, untimed
			status(e, "filling the parse cache")
			if _, err := index.Build(ctx, w.FileSet(), w.Config, index.Options{Cache: cache}); err != nil {
				return fmt.Errorf("fill the parse cache: %w", err)
			}
		}
		for range runs {
			if err := timeIt(s.name, s.run); err != nil {
				return err
			}
		}
	}
	clearStatus(e)
	if violations != ws.Deeper(4) {
		return fmt.Errorf("found %d depth violations, the generator planted %d", violations, ws.Deeper(4))
	}
	out := e.stdout
	fmt.Fprintf(out, "\n%d runs per phase\n%-16s %10s %10s %10s\n", runs, "phase", "median", "min", "max")
	for _, p := range order {
		fmt.Fprintf(out, "%-16s %10s %10s %10s\n", p.name, fmtDur(p.median()), fmtDur(slices.Min(p.times)), fmtDur(slices.Max(p.times)))
	}
	med := func(name string) time.Duration { return phases[name].median() }
	srcFiles := float64(ws.Python + ws.TypeScript)
	cold := med("index cold").Seconds()
	fmt.Fprintf(out, "\nratios (medians)\n")
	fmt.Fprintf(out, "  index cold / walk+depth:    %.0fx\n", cold/med("walk+depth").Seconds())
	fmt.Fprintf(out, "  index cold / index cached:  %.1fx\n", cold/med("index cached").Seconds())
	fmt.Fprintf(out, "  index cold / py move e2e:   %.1fx\n", cold/med("py move e2e").Seconds())
	fmt.Fprintf(out, "  walk+depth throughput:      %.0f files/s\n", float64(ws.Files)/med("walk+depth").Seconds())
	fmt.Fprintf(out, "  index cold throughput:      %.0f files/s, %.1f MB/s\n", srcFiles/cold, float64(ws.SourceBytes)/1e6/cold)
	fmt.Fprintf(out, "  index cached throughput:    %.0f files/s\n", srcFiles/med("index cached").Seconds())
	py := med("py move compute")
	verdict := "within"
	if py > 50*time.Millisecond {
		verdict = "over"
	}
	fmt.Fprintf(out, "  py move compute vs 50 ms:   %s (%s the target; the target is set for %d files)\n", fmtDur(py), verdict, gen.DefaultFiles)
	return nil
}

// computeHot computes (and discards) the change set of moving a hot
// module on a full index.
func computeHot(ctx context.Context, w *refactor.Workspace, ix *index.Index, h *gen.Hot) error {
	if h == nil {
		return errors.New("no hot module")
	}
	_, err := move.Compute(ctx, ix, []move.Move{{From: h.Path, To: h.To}}, move.Options{Root: w.Root, Config: w.Config})
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
