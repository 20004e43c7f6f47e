package bench

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// Move is one module move, workspace-relative slash paths.
type Move struct{ From, To string }

// Tool is one contender: a language server, or Rope through a Python
// interpreter.
type Tool struct {
	Name string
	LSP  *LSPServer
	Rope string // Python interpreter that imports rope
}

// Options bound a measurement.
type Options struct {
	Warm    int           // warm requests after the cold one
	Timeout time.Duration // for the whole session of one tool
}

// Result is one tool's session: cold, settled, then warm.
type Result struct {
	Name       string
	Info       string  // server name and version, when it says
	WillRename string  // its workspace.fileOperations.willRename capability (LSP)
	Err        error   // the session failed or timed out; the fields measured before stay
	ColdErrors []error // error answers to the first request before the first good one

	FirstDiag time.Duration // start → first publishDiagnostics (0: none)
	Cold      time.Duration // start → first answer to the move
	ColdCPU   time.Duration // process tree CPU at that answer
	Ready     time.Duration // start → settled (no progress open, CPU idle); 0: never
	ReadyCPU  time.Duration
	ReadyRSS  int64
	RSS, Peak int64 // after the warm requests (Peak: VmHWM)
	Moves     []*MoveResult
}

// MoveResult is one move's answers in a session.
type MoveResult struct {
	Move
	Files   map[string]string // new content of each edited file (the first answer)
	Warm    []time.Duration   // wall per warm request
	WarmCPU []time.Duration   // process tree CPU per warm request
	Err     error
}

// client is what a measurement needs of a running tool.
type client interface {
	pid() int
	rename(ctx context.Context, from, to string) (map[string]string, error)
	close()
}

// rename adapts lspClient to client.
func (c *lspClient) rename(ctx context.Context, from, to string) (map[string]string, error) {
	return c.willRename(ctx, from, to)
}

// settleWindow is how long a tool's CPU must stay idle to count as settled.
const settleWindow = time.Second

// Run measures tool on the workspace at root: start it (an LSP server gets
// the first move's file opened), ask for the first move (cold), wait until
// it settles, then ask for each move opts.Warm times (the others' first
// answer is untimed). The workspace is not changed.
func Run(ctx context.Context, tool Tool, root string, moves []Move, opts Options) *Result {
	r := &Result{Name: tool.Name}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	var c client
	var lc *lspClient
	var start time.Time
	if tool.LSP != nil {
		var err error
		lc, err = startLSP(*tool.LSP, root)
		if err != nil {
			r.Err = err
			return r
		}
		c, start = lc, lc.start
		r.WillRename, r.Info, err = lc.initialize(ctx, tool.LSP.InitOptions)
		if err == nil {
			err = lc.open(moves[0].From)
		}
		if err != nil {
			r.Err = err
			lc.close()
			return r
		}
	} else {
		rc, err := startRope(tool.Rope, root)
		if err != nil {
			r.Err = err
			return r
		}
		c, start = rc, rc.start
	}
	defer c.close()
	defer func() {
		u := TreeUsage(c.pid())
		r.RSS, r.Peak = u.RSS, u.Peak
		if lc != nil {
			r.FirstDiag = lc.firstDiagnostic()
		}
		if errors.Is(r.Err, context.DeadlineExceeded) {
			r.Err = fmt.Errorf("no answer within %s", opts.Timeout)
		}
	}()
	for _, mv := range moves {
		r.Moves = append(r.Moves, &MoveResult{Move: mv})
	}
	// A server that answers the first request with an error (still
	// loading its project) is asked again: cold is the first good answer.
	files, err := c.rename(ctx, moves[0].From, moves[0].To)
	for err != nil && ctx.Err() == nil && !errors.Is(err, errExited) {
		r.ColdErrors = append(r.ColdErrors, err)
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
		files, err = c.rename(ctx, moves[0].From, moves[0].To)
	}
	r.Cold, r.ColdCPU = time.Since(start), TreeUsage(c.pid()).CPU
	if err != nil {
		r.Err = err
		return r
	}
	r.Moves[0].Files = files
	// Settle: every progress ended and a second without CPU.
	last, lastAt := TreeUsage(c.pid()).CPU, time.Now()
	for {
		select {
		case <-ctx.Done():
			r.Err = ctx.Err()
			return r
		case <-time.After(100 * time.Millisecond):
		}
		u := TreeUsage(c.pid())
		if lc != nil && lc.busy() || u.CPU-last > 2*clockTick {
			last, lastAt = u.CPU, time.Now()
			continue
		}
		if time.Since(lastAt) >= settleWindow {
			r.Ready, r.ReadyCPU, r.ReadyRSS = lastAt.Sub(start), last, u.RSS
			break
		}
	}
	for _, m := range r.Moves {
		if m.Files == nil {
			if m.Files, m.Err = c.rename(ctx, m.From, m.To); m.Err != nil {
				if ctx.Err() != nil {
					r.Err = ctx.Err()
					return r
				}
				continue
			}
		}
		for range opts.Warm {
			u0, t0 := TreeUsage(c.pid()).CPU, time.Now()
			if _, err := c.rename(ctx, m.From, m.To); err != nil {
				m.Err = err
				break
			}
			m.Warm = append(m.Warm, time.Since(t0))
			m.WarmCPU = append(m.WarmCPU, TreeUsage(c.pid()).CPU-u0)
		}
	}
	return r
}

// RunProcess runs argv once in dir (a CLI move) and returns its wall time,
// CPU and peak RSS as a cold result.
func RunProcess(ctx context.Context, name string, argv []string, argv0, dir string, env []string, timeout time.Duration) *Result {
	r := &Result{Name: name}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if argv0 != "" {
		cmd.Args[0] = argv0
	}
	cmd.Dir = dir
	cmd.Env = append(cmd.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r.Cold = time.Since(start)
	if cmd.ProcessState != nil {
		r.ColdCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.Peak = ru.Maxrss * 1024
		}
	}
	if err != nil {
		if len(out) > 300 {
			out = out[len(out)-300:]
		}
		r.Err = fmt.Errorf("%w: %s", err, out)
	}
	return r
}

// Median returns the median of ds (0 when empty).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Mean returns the mean of ds (0 when empty).
func Mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}
