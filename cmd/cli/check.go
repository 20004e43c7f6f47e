package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
)

func init() {
	register(verb{name: "check", short: "report files deeper than the limit (and unresolved imports)", run: runCheck})
}

const checkHelp = `Report every file deeper than the depth limit (relayout.toml [depth] max,
default 4) and, with --imports, every workspace-internal import that does not
resolve. PATH (default ".") selects the workspace: the nearest directory at
or above it holding relayout.toml or .git; only findings under PATH are
reported. Paths are printed relative to the workspace root.

Exit status: 0 clean, 1 findings, 2 usage or configuration error.`

func runCheck(e *env, args []string) int {
	fs := newFlags(e, "check", "[PATH]", checkHelp)
	maxDepth := fs.Int("max-depth", 0, "override the depth limit")
	imports := fs.Bool("imports", false, "also report unresolved workspace-internal imports (parses every source file)")
	format := fs.String("format", "text", "output format: text, json or sarif")
	root := fs.String("root", "", "workspace root (default: nearest relayout.toml or .git above PATH)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(e.stderr, "relayout check: at most one PATH")
		return ExitUsage
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(e.stderr, "relayout check: unknown --format %q (want text, json or sarif)\n", *format)
		return ExitUsage
	}
	target := "."
	if fs.NArg() == 1 {
		target = fs.Arg(0)
	}
	st, err := os.Stat(target)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout check: %v\n", err)
		return ExitUsage
	}
	dir := target
	if !st.IsDir() {
		dir = filepath.Dir(target)
	}
	ws, code := openWorkspace(e, "check", dir, *root)
	if ws == nil {
		return code
	}
	if *maxDepth < 0 {
		fmt.Fprintln(e.stderr, "relayout check: --max-depth must be >= 0")
		return ExitUsage
	}
	if *maxDepth > 0 {
		ws.Config.Depth.Max = *maxDepth
	}
	abs, _ := filepath.Abs(target)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	scope, _ := filepath.Rel(ws.Root, abs)
	scope = filepath.ToSlash(scope)
	opts := refactor.CheckOptions{Imports: *imports, Scope: scope, Progress: progressPrinter(e, "indexing")}
	if *imports {
		opts.Cache, _ = refactor.OpenCache("") // the cache is an optimisation: run without it if unavailable
	}
	rep, err := refactor.Check(e.ctx, ws, opts)
	clearProgress(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout check: %v\n", err)
		return ExitUsage
	}
	switch *format {
	case "json":
		writeJSON(e.stdout, rep)
	case "sarif":
		writeJSON(e.stdout, toSARIF(rep, Version))
	default:
		for _, v := range rep.Violations {
			fmt.Fprintf(e.stdout, "%s: level %d exceeds the limit of %d\n", v.Path, v.Level, v.Max)
		}
		for _, u := range rep.Unresolved {
			fmt.Fprintf(e.stdout, "%s:%d:%d: unresolved import %q\n", u.Path, u.Line, u.Column, u.Module)
		}
		for _, st := range rep.Stale {
			fmt.Fprintf(e.stdout, "%s:%d:%d: stale reference %q: the module moved (now %s)\n", st.Path, st.Line, st.Column, st.Name, strings.Join(st.Replacements, " or "))
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(e.stderr, "relayout: note: %s: %s\n", n.Path, n.Message)
		}
	}
	if len(rep.Violations) > 0 || len(rep.Unresolved) > 0 || len(rep.Stale) > 0 {
		return ExitFindings
	}
	return ExitOK
}

// openWorkspace finds and opens the workspace containing dir (or root when
// given), printing errors. It returns nil and an exit code on failure.
func openWorkspace(e *env, verb, dir, root string) (*refactor.Workspace, int) {
	var err error
	if root == "" {
		root, err = refactor.FindRoot(dir)
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout %s: %v\n", verb, err)
			return nil, ExitUsage
		}
	}
	ws, err := refactor.Open(e.ctx, root)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(e.stderr, "relayout %s: invalid configuration: %v\n", verb, err)
		} else {
			fmt.Fprintf(e.stderr, "relayout %s: %v\n", verb, err)
		}
		return nil, ExitUsage
	}
	return ws, ExitOK
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// progressPrinter returns a progress callback that rewrites one stderr line
// when stderr is a terminal, and nil otherwise.
func progressPrinter(e *env, what string) func(done, total int) {
	f, ok := e.stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	return func(done, total int) {
		if total >= 200 && (done%100 == 0 || done == total) {
			fmt.Fprintf(e.stderr, "\r%s %d/%d files", what, done, total)
		}
	}
}

func clearProgress(e *env) {
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(e.stderr, "\r"+strings.Repeat(" ", 40)+"\r")
	}
}
