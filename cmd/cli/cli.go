// Package cli implements relayout's command line: one file per verb (check,
// move, plan, apply, serve, demo, version). Verbs call package refactor
// directly; serve runs package server over stdio.
package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/relayout/relayout/refactor"
)

// Exit codes shared by every verb.
const (
	ExitOK       = 0 // clean
	ExitFindings = 1 // findings (violations, unresolved imports) or a failed operation
	ExitUsage    = 2 // usage or configuration error
)

// env carries the process environment of one invocation.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type verb struct {
	name  string
	short string
	run   func(e *env, args []string) int
}

var verbs = map[string]verb{}

func register(v verb) { verbs[v.name] = v }

// Main runs relayout with args (without the program name) and returns the
// process exit code. With no arguments and a non-terminal stdin it serves
// LSP, like gopls.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		if f, ok := stdin.(*os.File); ok && !isTerminal(f) {
			return verbs["serve"].run(e, nil)
		}
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return ExitOK
	case "-v", "-version", "--version":
		args[0] = "version"
	}
	v, ok := verbs[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "relayout: unknown command %q\n", args[0])
		usage(stderr)
		return ExitUsage
	}
	return v.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "relayout keeps a repository within a directory depth limit and moves Python and")
	fmt.Fprintln(w, "TypeScript/JavaScript modules while fixing every import.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: relayout <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, verbs[n].short)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'relayout <command> -h' for a command's flags. With no command and stdin not a")
	fmt.Fprintln(w, "terminal, relayout serves the Language Server Protocol on stdio.")
}

// newFlags returns a flag set that prints errors and usage to e.stderr.
func newFlags(e *env, name, argsUsage, desc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: relayout %s [flags] %s\n\n%s\n\nFlags:\n", name, argsUsage, strings.TrimSpace(desc))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns -1 to continue, or an exit code.
// Flags are flags wherever they appear: before, between or after the
// positional arguments (`relayout move a.py b.py --dry-run`). A lone "--"
// ends the flags, so a file named "--dry-run" is passed as `-- --dry-run`.
// Afterwards fs.Args() holds the positional arguments in order.
func parseFlags(fs *flag.FlagSet, args []string) int {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return ExitOK
			}
			return ExitUsage
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...) // "--": everything after is positional
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Parsing a lone "--" leaves the flags as they are and makes pos the
	// flag set's arguments.
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return ExitUsage
	}
	return -1
}

// stringsFlag is --update-strings: a value flag (true, false, code, all)
// that may also be given bare (= code). Unset, the scope comes from the
// workspace's default (see scope).
type stringsFlag struct {
	v   refactor.Strings
	set bool
}

func (f *stringsFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return f.v.String()
}

func (f *stringsFlag) Set(s string) error {
	v, err := refactor.ParseStrings(s)
	if err != nil {
		return err
	}
	f.v, f.set = v, true
	return nil
}

// IsBoolFlag lets --update-strings stand alone (flag passes "true").
func (f *stringsFlag) IsBoolFlag() bool { return true }

// scope returns the flag's value, or def when the flag was not given.
func (f *stringsFlag) scope(def refactor.Strings) refactor.Strings {
	if f.set {
		return f.v
	}
	return def
}

// addStringsFlag registers --update-strings on fs.
func addStringsFlag(fs *flag.FlagSet) *stringsFlag {
	f := &stringsFlag{}
	fs.Var(f, "update-strings", "rewrite possible references (dotted module paths outside imports): =code (the same as bare --update-strings) in code strings and configuration, =all also in prose (docs, changelogs, comments, docstrings), =false none (they are reported)")
	return f
}

// defaultStrings is the string scope when --update-strings is not given:
// relayout.toml's [moves] update_strings (true, the default, means code
// strings and configuration; prose is never rewritten by default).
func defaultStrings(ws *refactor.Workspace) refactor.Strings {
	if ws.Config.UpdateStrings() {
		return refactor.StringsCode
	}
	return refactor.StringsOff
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0
}
