package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/relayout/relayout/internal/bench"
	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
)

// sideOptions are the side-by-side flags of relayout bench.
type sideOptions struct {
	warm    *int
	timeout *time.Duration
	peerDir *string
	ts7Dir  *string
	python  *string
	tsMove  *string
	pyMove  *string
}

// sideFlags registers the side-by-side flags.
func sideFlags(fs *flag.FlagSet) sideOptions {
	return sideOptions{
		warm:    fs.Int("warm", 10, "warm move requests per server and module (side by side)"),
		timeout: fs.Duration("peer-timeout", 10*time.Minute, "give up on a server (or CLI run) after this long"),
		peerDir: fs.String("peer-dir", os.Getenv("RELAYOUT_PEER_DIR"), "npm prefix (or its node_modules) holding typescript-language-server and TypeScript 5.x (default $RELAYOUT_PEER_DIR)"),
		ts7Dir:  fs.String("ts7-dir", os.Getenv("RELAYOUT_TS7_DIR"), "npm prefix (or its node_modules) holding TypeScript 7 (default $RELAYOUT_TS7_DIR)"),
		python:  fs.String("python", os.Getenv("RELAYOUT_ROPE_PYTHON"), "Python interpreter with rope (default $RELAYOUT_ROPE_PYTHON, else python3 or /usr/bin/python3 that imports rope)"),
		tsMove:  fs.String("ts-move", "", "the TS move to measure, `OLD=NEW` (default: the hot or most imported TS module)"),
		pyMove:  fs.String("py-move", "", "the Python move to measure, `OLD=NEW` (default: the hot or most imported Python module)"),
	}
}

// parseMoveFlag parses OLD=NEW.
func parseMoveFlag(name, v string) (*move.Move, error) {
	if v == "" {
		return nil, nil
	}
	from, to, ok := strings.Cut(v, "=")
	if !ok || from == "" || to == "" {
		return nil, fmt.Errorf("--%s: want OLD=NEW, got %q", name, v)
	}
	return &move.Move{From: filepath.ToSlash(filepath.Clean(from)), To: filepath.ToSlash(filepath.Clean(to))}, nil
}

// selfCommand returns how to run this relayout binary again: the path and
// argv[0] (argv[0] as this process got it, so a test binary standing in
// for relayout dispatches the same way).
func selfCommand() (path, argv0 string, err error) {
	if p, err := exec.LookPath(os.Args[0]); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs, os.Args[0], nil
		}
	}
	p, err := os.Executable()
	return p, "", err
}

// findHot fills the subject's missing hot modules with the most imported
// files of a full index (built with a temporary parse cache).
func findHot(e *env, subj *benchSubject) error {
	if subj.searched || subj.deeper >= 0 || subj.pyHot != nil && subj.tsHot != nil {
		return nil
	}
	w, err := refactor.Open(e.ctx, subj.root)
	if err != nil {
		return err
	}
	status(e, "indexing to find the most imported modules")
	ix, err := index.Build(e.ctx, w.FileSet(), w.Config, index.Options{})
	clearStatus(e)
	if err != nil {
		return err
	}
	subj.searched = true
	if subj.pyHot == nil {
		subj.pyHot = mostImported(ix, true)
	}
	if subj.tsHot == nil {
		subj.tsHot = mostImported(ix, false)
	}
	return nil
}

// sideBySide measures relayout's server and CLI against the peers that are
// installed, on the subject's hot TS and Python moves, and prints the
// tables.
func sideBySide(e *env, subj *benchSubject, o sideOptions) error {
	out := e.stdout
	root, err := filepath.EvalSymlinks(subj.root)
	if err != nil {
		return err
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return err
	}
	self, argv0, err := selfCommand()
	if err != nil {
		return fmt.Errorf("find the relayout executable: %w", err)
	}
	fmt.Fprintf(out, "\nside by side (%d warm requests per server and module; load average %s)\n", *o.warm, bench.LoadAverage())
	var moves []bench.Move
	var tsMove, pyMove *bench.Move
	if m := subj.tsHot; m != nil {
		tsMove = &bench.Move{From: m.From, To: m.To}
		moves = append(moves, *tsMove)
		fmt.Fprintf(out, "TS move: %s -> %s\n", m.From, m.To)
	}
	if m := subj.pyHot; m != nil {
		pyMove = &bench.Move{From: m.From, To: m.To}
		moves = append(moves, *pyMove)
		fmt.Fprintf(out, "Python move: %s -> %s\n", m.From, m.To)
	}
	if len(moves) == 0 {
		fmt.Fprintln(out, "no module to move: nothing measured side by side")
		return nil
	}
	opts := bench.Options{Warm: *o.warm, Timeout: *o.timeout}
	cacheDir, err := os.MkdirTemp("", "relayout-bench-serve-cache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cacheDir)
	env := []string{"RELAYOUT_CACHE_DIR=" + cacheDir}
	serve := &bench.LSPServer{Argv: []string{self, "serve", "--log-level", "error"}, Argv0: argv0, Env: env}
	var sessions []*bench.Result
	run := func(t bench.Tool, ms []bench.Move) *bench.Result {
		status(e, "side by side: %s", t.Name)
		r := bench.Run(e.ctx, t, root, ms, opts)
		clearStatus(e)
		sessions = append(sessions, r)
		return r
	}
	rl := run(bench.Tool{Name: "relayout serve", LSP: serve}, moves)
	run(bench.Tool{Name: "relayout serve (cached)", LSP: serve}, moves)
	var skipped []string
	if tsMove != nil {
		if s, err := bench.FindTSLS(*o.peerDir); err != nil {
			skipped = append(skipped, "typescript-language-server: skipped: "+err.Error())
		} else {
			run(bench.Tool{Name: s.Name, LSP: s}, []bench.Move{*tsMove})
		}
		if s, err := bench.FindTS7(*o.ts7Dir); err != nil {
			skipped = append(skipped, "tsc --lsp (TypeScript 7): skipped: "+err.Error())
		} else {
			r := run(bench.Tool{Name: s.Name, LSP: s}, []bench.Move{*tsMove})
			skipped = append(skipped, fmt.Sprintf("%s: willRenameFiles capability %s", s.Name, r.WillRename))
		}
	}
	if pyMove != nil {
		if py, err := bench.FindRope(*o.python); err != nil {
			skipped = append(skipped, "rope: skipped: "+err.Error()+" (install: apt-get install python3-rope)")
		} else {
			name, _, _ := strings.Cut(py, " ")
			run(bench.Tool{Name: "rope " + strings.TrimSuffix(strings.TrimPrefix(py, name+" (rope "), ")"), Rope: name}, []bench.Move{*pyMove})
		}
	}
	// The CLI: one process per move, with an empty parse cache, then a warm one.
	cli := map[bench.Move][2]*bench.Result{}
	for _, m := range moves {
		dir, err := os.MkdirTemp("", "relayout-bench-cli-cache-")
		if err != nil {
			return err
		}
		argv := []string{self, "move", "--dry-run", "--root", root, m.From, m.To}
		env := []string{"RELAYOUT_CACHE_DIR=" + dir}
		status(e, "side by side: relayout move")
		cold := bench.RunProcess(e.ctx, "relayout move (CLI)", argv, argv0, root, env, *o.timeout)
		cached := bench.RunProcess(e.ctx, "relayout move (CLI, cached)", argv, argv0, root, env, *o.timeout)
		clearStatus(e)
		os.RemoveAll(dir)
		cli[m] = [2]*bench.Result{cold, cached}
	}
	printSessions(out, sessions)
	for _, m := range moves {
		printMove(out, root, m, sessions, cli[m], rl)
	}
	for _, s := range skipped {
		fmt.Fprintln(out, s)
	}
	fmt.Fprintf(out, "load average after: %s\n", bench.LoadAverage())
	return nil
}

// printSessions prints the cold start and memory of every session.
func printSessions(out io.Writer, sessions []*bench.Result) {
	fmt.Fprintf(out, "\n%-44s %10s %10s %10s %10s %10s %10s %10s\n", "session (start -> first answer -> settled)", "1st diag", "cold", "cold CPU", "settled", "settl. CPU", "RSS settl.", "peak RSS")
	for _, r := range sessions {
		fmt.Fprintf(out, "%-44s %10s %10s %10s %10s %10s %10s %10s\n", r.Name, optDur(r.FirstDiag), optDur(r.Cold), optDur(r.ColdCPU),
			optDur(r.Ready), optDur(r.ReadyCPU), fmtBytes(r.ReadyRSS), fmtBytes(r.Peak))
		if n := len(r.ColdErrors); n > 0 {
			fmt.Fprintf(out, "  %s: %d error answers before the first good one, the first: %s\n", r.Name, n, firstLine(r.ColdErrors[0].Error()))
		}
		if r.Err != nil {
			fmt.Fprintf(out, "  %s: %s\n", r.Name, firstLine(r.Err.Error()))
		}
	}
}

// firstLine returns s up to its first line break (server errors carry
// stack traces).
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// printMove prints the warm requests of one move, the CLI runs, the
// agreement of each peer's edits with relayout serve's, and ratios.
func printMove(out io.Writer, root string, m bench.Move, sessions []*bench.Result, cli [2]*bench.Result, rl *bench.Result) {
	lang, _ := parsers.LangOf(m.From)
	kind := "TS"
	if lang == parsers.Python {
		kind = "Python"
	}
	fmt.Fprintf(out, "\n%s move %s -> %s\n", kind, m.From, m.To)
	fmt.Fprintf(out, "%-44s %10s %10s %10s %7s  %s\n", "tool", "warm med", "warm max", "CPU/req", "edited", "edits vs relayout serve")
	var ref *bench.MoveResult
	if mr := moveOf(rl, m); mr != nil && mr.Files != nil {
		ref = mr
	}
	type row struct {
		name                string
		med, max, cpu, cold time.Duration
		peak                int64
	}
	var rows []row
	for _, r := range sessions {
		mr := moveOf(r, m)
		if mr == nil {
			continue
		}
		agree := "-"
		if ref != nil && mr != ref && mr.Files != nil {
			agree = bench.Compare(root, ref.Files, mr.Files).String()
		}
		fmt.Fprintf(out, "%-44s %10s %10s %10s %7d  %s\n", r.Name, optDur(bench.Median(mr.Warm)), optDur(maxDur(mr.Warm)), optDur(bench.Mean(mr.WarmCPU)), len(mr.Files), agree)
		if mr.Err != nil {
			fmt.Fprintf(out, "  %s: %s\n", r.Name, firstLine(mr.Err.Error()))
		}
		if ref != nil && mr != ref && mr.Files != nil {
			if ag := bench.Compare(root, ref.Files, mr.Files); ag.Disagree+ag.OnlyA+ag.OnlyB > 0 {
				for _, ex := range ag.Examples {
					fmt.Fprintf(out, "  e.g. %s\n", ex)
				}
			}
		}
		rows = append(rows, row{r.Name, bench.Median(mr.Warm), maxDur(mr.Warm), bench.Mean(mr.WarmCPU), r.Cold, r.Peak})
	}
	for _, c := range cli {
		fmt.Fprintf(out, "%-44s %10s %10s %10s %7s  once: %s wall, %s CPU, peak RSS %s", c.Name, "", "", "", "", optDur(c.Cold), optDur(c.ColdCPU), fmtBytes(c.Peak))
		if c.Err != nil {
			fmt.Fprintf(out, " (failed: %v)", c.Err)
		}
		fmt.Fprintln(out)
	}
	if len(rows) < 2 || rows[0].med == 0 {
		return
	}
	fmt.Fprintf(out, "ratios to relayout serve (peer / relayout; > 1: relayout ahead)\n")
	base := rows[0]
	ratio := func(a, b float64) string {
		if a == 0 || b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fx", a/b)
	}
	for _, r := range rows[1:] {
		fmt.Fprintf(out, "  %-42s cold %s, warm median %s, CPU/req %s, peak RSS %s\n", r.name,
			ratio(r.cold.Seconds(), base.cold.Seconds()), ratio(r.med.Seconds(), base.med.Seconds()),
			ratio(r.cpu.Seconds(), base.cpu.Seconds()), ratio(float64(r.peak), float64(base.peak)))
	}
}

// moveOf returns the session's result for move m (nil: not asked).
func moveOf(r *bench.Result, m bench.Move) *bench.MoveResult {
	if r == nil {
		return nil
	}
	for _, mr := range r.Moves {
		if mr.Move == m {
			return mr
		}
	}
	return nil
}

func maxDur(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// optDur prints a duration, or "-" for none.
func optDur(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmtDur(d)
}

// fmtBytes prints a byte count in MB, or "-" for none.
func fmtBytes(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
