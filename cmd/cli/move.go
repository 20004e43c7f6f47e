package cli

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
)

func init() {
	register(verb{name: "move", short: "move files or directories and fix every reference", run: runMove})
}

const moveHelp = `Move Python and TypeScript/JavaScript modules, packages and directories and
fix every import that refers to them. Each OLD NEW pair is one move; all
moves happen at once (so a.py b.py b.py a.py swaps). Like mv, a NEW that
is an existing directory (or ends with "/") receives OLD inside it. Paths
are relative to the current directory. The change is applied all-or-nothing.

The workspace root is the nearest directory at or above the current one
holding relayout.toml or .git, or --root.`

func runMove(e *env, args []string) int {
	fs := newFlags(e, "move", "OLD NEW [OLD NEW ...]", moveHelp)
	dry := fs.Bool("dry-run", false, "compute and print the summary; write nothing")
	diff := fs.Bool("diff", false, "print a unified diff of the change (implies nothing about writing: combine with --dry-run to only preview)")
	shim := fs.Bool("shim", false, "leave a compatibility module at each old Python path that re-exports the new one with a DeprecationWarning")
	updateStrings := addStringsFlag(fs)
	force := fs.Bool("force", false, "overwrite existing targets")
	root := fs.String("root", "", "workspace root (default: nearest relayout.toml or .git above the current directory)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() == 0 || fs.NArg()%2 != 0 {
		fmt.Fprintln(e.stderr, "relayout move: want pairs of OLD NEW paths")
		fs.Usage()
		return ExitUsage
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout move: %v\n", err)
		return ExitUsage
	}
	ws, code := openWorkspace(e, "move", cwd, *root)
	if ws == nil {
		return code
	}
	var moves []refactor.Move
	for i := 0; i < fs.NArg(); i += 2 {
		from, err1 := relTo(ws.Root, fs.Arg(i))
		to, err2 := relTo(ws.Root, fs.Arg(i+1))
		if err := errors.Join(err1, err2); err != nil {
			fmt.Fprintf(e.stderr, "relayout move: %v\n", err)
			return ExitUsage
		}
		// Like mv: a target that is an existing directory (or ends with a
		// slash) receives the source inside it.
		if st, err := os.Stat(fs.Arg(i + 1)); (err == nil && st.IsDir()) || strings.HasSuffix(fs.Arg(i+1), "/") {
			to = path.Join(to, path.Base(from))
		}
		moves = append(moves, refactor.Move{From: from, To: to})
	}
	return applyMoves(e, "move", ws, moves, refactor.MoveOptions{Force: *force, Shim: *shim, Strings: updateStrings.scope(defaultStrings(ws))}, *dry, *diff)
}

// applyMoves computes, prints and (unless dry) applies a set of moves.
func applyMoves(e *env, verb string, ws *refactor.Workspace, moves []refactor.Move, opts refactor.MoveOptions, dry, diff bool) int {
	opts.Cache, _ = refactor.OpenCache("")
	opts.Progress = progressPrinter(e, "parsing")
	cs, err := ws.Move(e.ctx, moves, opts)
	clearProgress(e)
	if err != nil {
		var me *refactor.MoveError
		if errors.As(err, &me) {
			fmt.Fprintf(e.stderr, "relayout %s: nothing changed: %v\n", verb, err)
			return ExitFindings
		}
		fmt.Fprintf(e.stderr, "relayout %s: %v\n", verb, err)
		return ExitFindings
	}
	if diff {
		d, err := edit.Diff(ws.FileSet(), cs)
		if err != nil {
			fmt.Fprintf(e.stderr, "relayout %s: %v\n", verb, err)
			return ExitFindings
		}
		fmt.Fprint(e.stdout, d)
	}
	printWarnings(e, "", cs, dry)
	if dry {
		printPlanned(e, cs, true)
		return ExitOK
	}
	sum, err := edit.Apply(e.ctx, ws.Root, ws.FileSet(), cs, edit.ApplyOptions{})
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout %s: nothing changed: %v\n", verb, err)
		return ExitFindings
	}
	printPlanned(e, cs, false)
	if len(sum.DirsCreated) > 0 {
		fmt.Fprintf(e.stdout, "directories created: %s\n", strings.Join(sum.DirsCreated, ", "))
	}
	if len(sum.DirsRemoved) > 0 {
		fmt.Fprintf(e.stdout, "directories removed: %s\n", strings.Join(sum.DirsRemoved, ", "))
	}
	return ExitOK
}

func printPlanned(e *env, cs *edit.ChangeSet, dry bool) {
	prefix := ""
	if dry {
		prefix = "would have "
	}
	warnings, notes := 0, 0
	for _, w := range cs.Warnings {
		if isNote(w) {
			notes++
		} else {
			warnings++
		}
	}
	tail := ""
	if notes > 0 {
		tail = fmt.Sprintf(" (and %s)", plural(notes, "note"))
	}
	fmt.Fprintf(e.stdout, "%s%s; %s%s\n", prefix, changeSummary(cs), plural(warnings, "warning"), tail)
}

// printWarnings prints a change set's warnings and notes to stderr, each
// after prefix ("phase 2: " or ""). Strings the change updates say
// "would update" in a dry run.
func printWarnings(e *env, prefix string, cs *edit.ChangeSet, dry bool) {
	for _, w := range cs.Warnings {
		label := w.Code
		if w.Code == "updated-string" {
			label = "updated"
			if dry {
				label = "would update"
			}
		}
		fmt.Fprintf(e.stderr, "relayout: %s%s: %s\n", prefix, label, w)
	}
}

// isNote reports whether a change-set warning is informational (what was
// done, not something to look at): it is printed but not counted as a
// warning.
func isNote(w edit.Warning) bool {
	return w.Code == "info" || w.Code == "updated-string"
}

// changeSummary says what a change set does: "moved 1 file, rewrote 2
// references in 1 file, created 0 files, deleted 0 files".
func changeSummary(cs *edit.ChangeSet) string {
	refs := 0
	for _, p := range cs.EditedFiles() {
		refs += len(cs.Edits[p])
	}
	return fmt.Sprintf("moved %s, rewrote %s in %s, created %s, deleted %s",
		plural(len(cs.Renames), "file"), plural(refs, "reference"), plural(len(cs.EditedFiles()), "file"),
		plural(len(cs.Creates), "file"), plural(len(cs.Deletes), "file"))
}

// plural formats a count with its noun: "1 file", "2 files", "0
// directories".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// relTo converts a path given relative to the current directory into a
// slash-separated path relative to root.
func relTo(root, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	// Resolve symlinks in the existing part of the path so it compares with
	// the resolved root — above the last element only: like mv, a move of
	// a symlink moves the link, not what it points to.
	dir, rest := filepath.Dir(abs), filepath.Base(abs)
	for {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			abs = filepath.Join(real, rest)
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the workspace root %s", p, root)
	}
	return filepath.ToSlash(rel), nil
}
