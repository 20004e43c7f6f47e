// Package move computes the change set for moving files and directories
// of a workspace: every reference that resolved before the moves resolves
// after them to the same file at its new path. It is a pure function of
// (index, moves): it reads files but writes nothing.
//
// Moves are simultaneous: every source names a file or directory of the
// current tree (so a→b, b→a swaps). A file move inside a directory move
// overrides it for that file.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package move

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/tsmove"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// Move is one requested move of a file or directory; paths are
// slash-separated and workspace-relative. The target may rename.
type Move struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Options configures Compute.
type Options struct {
	// Root is the absolute workspace root on disk, used to check that
	// targets do not leave it through symlinks ("" skips that check).
	Root string
	// Force allows overwriting existing targets.
	Force bool
	// Shim leaves a module at each old Python path that re-exports the new
	// one and emits a DeprecationWarning.
	Shim bool
	// UpdateStrings also rewrites "possible references" in code and
	// configuration: the same as Strings = StringsCode (kept for callers
	// that only have a bool).
	UpdateStrings bool
	// Strings is how far possible references (dotted module paths outside
	// the references the parsers extract) are rewritten: StringsOff
	// reports them, StringsCode rewrites those in code strings and
	// configuration, StringsAll also those in prose (docs, changelogs,
	// comments, docstrings). See strings.go.
	Strings Strings
	// Config supplies [python] roots, [typescript] specifiers and the depth
	// rule (nil = defaults).
	Config *config.Config
	// Merges consolidate modules (see Merge); they happen together with
	// the moves.
	Merges []Merge
}

// Error lists every problem that makes a set of moves impossible. Nothing
// was changed.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// engine holds the state of one Compute call.
type engine struct {
	ctx  context.Context
	ix   *index.Index
	opts Options
	cfg  *config.Config
	fs   workspace.FileSet
	cs   *edit.ChangeSet

	fileMap map[string]string // old file → new file (moved files only)
	dirMap  map[string]string // old dir → new dir (directory moves, with subdirs)

	after   *overlay
	pyOld   *pyresolve.Resolver
	pyNew   *pyresolve.Resolver
	tsNew   *tsresolve.Resolver
	created map[string]bool // files created (new paths)

	edited   map[string][]edit.TextEdit
	srcCache map[string][]byte
	tsCtx    *tsmove.Context
	tsAff    int
	merges   []Merge
	guardian *workspace.Guard

	unimportable []unimportable // Python imports no name can express (python.go)
}

// Compute returns the change set that performs moves on the indexed
// workspace. The index must cover every file that may reference a moved
// file (or be built over candidates found by Candidates) and its FileSet
// must list the whole workspace. Validation problems are an *Error.
func Compute(ctx context.Context, ix *index.Index, moves []Move, opts Options) (*edit.ChangeSet, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	e := &engine{ctx: ctx, ix: ix, opts: opts, cfg: cfg, fs: ix.FS, cs: edit.NewChangeSet(),
		fileMap: map[string]string{}, dirMap: map[string]string{}, created: map[string]bool{}, edited: map[string][]edit.TextEdit{}}
	if err := e.expand(moves); err != nil {
		return nil, err
	}
	e.warnUnparsed(moves)
	e.pyOld = ix.Python
	e.planPackages()
	e.buildAfter()
	if err := e.rewrite(); err != nil {
		return nil, err
	}
	e.rewriteTSConfigs()
	e.possibleReferences()
	// The parallel phases stop early on cancellation: never return what
	// they computed so far.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := e.applyMerges(); err != nil {
		return nil, err
	}
	e.shims()
	if err := e.guardCreates(); err != nil {
		return nil, err
	}
	e.removeEmptyDirs()
	e.depthWarnings()
	if err := e.conventionChecks(); err != nil {
		return nil, err
	}
	for p, es := range e.edited {
		e.cs.Edits[p] = dedupe(es)
	}
	sort.Slice(e.cs.Renames, func(i, j int) bool { return e.cs.Renames[i].From < e.cs.Renames[j].From })
	sort.Slice(e.cs.Creates, func(i, j int) bool { return e.cs.Creates[i].Path < e.cs.Creates[j].Path })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.cs, nil
}

// Targets returns the new paths of moved files, old → new, after
// expanding directories (exposed for callers that prefilter candidates).
func Targets(fs workspace.FileSet, moves []Move) (map[string]string, error) {
	// Existing targets are Compute's to refuse (it knows Options.Force).
	e := &engine{fs: fs, fileMap: map[string]string{}, dirMap: map[string]string{}, cfg: config.Default(), cs: edit.NewChangeSet(), opts: Options{Force: true}}
	if err := e.expand(moves); err != nil {
		return nil, err
	}
	return e.fileMap, nil
}

// expand validates the moves and fills fileMap and dirMap: each move is
// checked on its own, then claimed onto its new paths, then the merges are
// expanded, and finally the claimed targets are checked together. Every
// problem is collected; the renames are added only when there is none.
func (e *engine) expand(moves []Move) error {
	x := &expansion{claimed: map[string]string{}, explicit: e.explicitSources(moves)}
	for _, m := range moves {
		from, to, problem := e.checkMove(m)
		if problem != "" {
			x.problems = append(x.problems, problem)
			continue
		}
		e.claimMove(x, m, from, to)
	}
	mergeTarget := e.claimMerges(x)
	targets := x.targets()
	if e.opts.Root != "" {
		for _, to := range targets {
			x.add(e.guardFile(x.claimed[to], to))
		}
		x.problems = append(x.problems, e.symlinks(moves)...)
	}
	e.checkExisting(x, targets)
	e.checkNesting(x)
	if len(x.problems) > 0 {
		sort.Strings(x.problems)
		return &Error{Problems: x.problems}
	}
	for from, to := range e.fileMap {
		if !mergeTarget[to] {
			e.cs.Renames = append(e.cs.Renames, edit.Rename{From: from, To: to})
		}
	}
	return nil
}

// expansion is the state of one expand: the problems found so far and
// the new paths claimed (new path → source).
type expansion struct {
	problems []string
	claimed  map[string]string
	explicit map[string]bool // files named as a move's source themselves
}

// add records problem unless it is "".
func (x *expansion) add(problem string) {
	if problem != "" {
		x.problems = append(x.problems, problem)
	}
}

// claim records that from moves to to, or a problem when another file
// already moves there. It reports whether the claim was made.
func (x *expansion) claim(from, to string) bool {
	if c, dup := x.claimed[to]; dup {
		x.problems = append(x.problems, fmt.Sprintf("%s and %s are both moved onto %s", c, from, to))
		return false
	}
	x.claimed[to] = from
	return true
}

// targets returns the claimed new paths, sorted.
func (x *expansion) targets() []string {
	out := make([]string, 0, len(x.claimed))
	for to := range x.claimed {
		out = append(out, to)
	}
	sort.Strings(out)
	return out
}

// explicitSources returns the files that moves name as their source (a
// directory move leaves them to their own move).
func (e *engine) explicitSources(moves []Move) map[string]bool {
	explicit := map[string]bool{}
	for _, m := range moves {
		if from, ok := workspace.CleanRel(m.From); ok && e.fs.HasFile(from) {
			explicit[from] = true
		}
	}
	return explicit
}

// checkMove checks one move on its own: both paths inside the workspace,
// distinct, the target not inside the source, and (with Options.Root) the
// target allowed on disk. It returns the cleaned paths, or a problem.
func (e *engine) checkMove(m Move) (from, to, problem string) {
	from, ok1 := workspace.CleanRel(m.From)
	to, ok2 := workspace.CleanRel(m.To)
	switch {
	case !ok1 || from == "":
		return "", "", fmt.Sprintf("source %q is outside the workspace root", m.From)
	case !ok2 || to == "":
		return "", "", fmt.Sprintf("target %q is outside the workspace root", m.To)
	case from == to:
		return "", "", fmt.Sprintf("%s: source and target are the same", m.From)
	case strings.HasPrefix(to+"/", from+"/"):
		return "", "", fmt.Sprintf("cannot move %s into itself (%s)", from, to)
	}
	if e.opts.Root != "" {
		if err := workspace.CheckInsideRoot(e.opts.Root, to); err != nil {
			return "", "", err.Error()
		}
		if p := e.guardMove(from, to); p != "" {
			return "", "", p
		}
	}
	return from, to, ""
}

// claimMove claims the new paths of a checked move: the file itself, or
// every file below the directory that is not moved by name.
func (e *engine) claimMove(x *expansion, m Move, from, to string) {
	switch {
	case e.fs.HasFile(from):
		if e.fs.HasDir(to) {
			x.add(fmt.Sprintf("target %s is a directory: give the full new file path", to))
			return
		}
		if x.claim(from, to) {
			e.fileMap[from] = to
		}
	case e.fs.HasDir(from):
		if e.fs.HasFile(to) {
			x.add(fmt.Sprintf("target %s is a file: cannot move directory %s onto it", to, from))
			return
		}
		e.dirMap[from] = to
		for _, f := range e.fs.Files() {
			if !strings.HasPrefix(f, from+"/") || x.explicit[f] {
				continue
			}
			nt := to + f[len(from):]
			if x.claim(f, nt) {
				e.fileMap[f] = nt
			}
		}
	default:
		x.add(fmt.Sprintf("source %s does not exist (or is ignored)", m.From))
	}
}

// claimMerges expands Options.Merges against the moved files and refuses
// a move onto a merge target. It returns the merge targets.
func (e *engine) claimMerges(x *expansion) map[string]bool {
	mergeClaims := map[string]string{}
	for from, to := range e.fileMap {
		mergeClaims[from] = to
	}
	x.problems = append(x.problems, e.expandMerges(e.opts.Merges, mergeClaims)...)
	mergeTarget := map[string]bool{}
	for _, m := range e.merges {
		mergeTarget[m.To] = true
		if c, dup := x.claimed[m.To]; dup {
			x.add(fmt.Sprintf("%s is moved onto %s, which is also a merge target", c, m.To))
		}
	}
	return mergeTarget
}

// checkExisting refuses targets (sorted) that exist and are not vacated,
// except case-only renames; with Options.Force they are deleted instead,
// with a warning.
func (e *engine) checkExisting(x *expansion, targets []string) {
	for _, to := range targets {
		if !e.fs.HasFile(to) {
			continue
		}
		if _, vacated := e.fileMap[to]; vacated {
			continue
		}
		if strings.EqualFold(to, x.claimed[to]) {
			continue // case-only rename
		}
		if path.Base(to) == "__init__.py" && e.emptyFile(to) {
			// An empty __init__.py (one the server created for an earlier
			// move): the moved one replaces it, as the editor's "replace?"
			// prompt does.
			e.cs.Deletes = append(e.cs.Deletes, to)
			e.cs.Warnings = append(e.cs.Warnings, edit.Warning{Path: to, Code: "info", Msg: "empty __init__.py replaced by the moved one"})
			continue
		}
		if e.opts.Force {
			e.cs.Deletes = append(e.cs.Deletes, to)
			e.cs.Warnings = append(e.cs.Warnings, edit.Warning{Path: to, Code: "info", Msg: "existing file overwritten (--force)"})
			continue
		}
		x.add(fmt.Sprintf("target %s already exists (use --force to overwrite)", to))
	}
}

// emptyFile reports whether the workspace file p holds only blank lines
// and comments.
func (e *engine) emptyFile(p string) bool {
	data, err := e.fs.ReadFile(p)
	return err == nil && isEmptyInit(data)
}

// checkNesting refuses a new path below another file's new path, or below
// a file that stays.
func (e *engine) checkNesting(x *expansion) {
	for to := range x.claimed {
		for d := path.Dir(to); d != "."; d = path.Dir(d) {
			if _, isFile := x.claimed[d]; isFile {
				x.add(fmt.Sprintf("%s would need %s to be a directory, but a file is moved there", to, d))
			} else if e.fs.HasFile(d) {
				if _, vacated := e.fileMap[d]; !vacated {
					x.add(fmt.Sprintf("%s would need %s to be a directory, but it is a file", to, d))
				}
			}
		}
	}
}

// guardMove checks a move's target against the disk (Options.Root) with
// GuardTarget. It returns the problem, or "".
func (e *engine) guardMove(from, to string) string {
	return GuardTarget(e.guard(), from, to, e.fs.HasDir(from) && !e.fs.HasFile(from))
}

// GuardTarget checks the target of moving from to to (isDir: a directory)
// against the disk: never into .git or the journal, never into a
// directory the walker skips, where relayout could neither see nor back up
// what it overwrites. It returns the problem, or "". (A file target that
// is itself excluded is left to the per-file check, which names it.)
func GuardTarget(g *workspace.Guard, from, to string, isDir bool) string {
	if r := g.Reserved(to); r != "" {
		return fmt.Sprintf("cannot move %s to %s: %s is reserved (version control or relayout's journal)", from, to, r)
	}
	if x := g.Excluded(to, isDir); x != "" && (x != to || isDir) {
		return fmt.Sprintf("cannot move %s to %s: %s is excluded from the workspace (gitignored, a default exclude or [workspace] exclude)", from, to, x)
	}
	return ""
}

// guardFile checks one file's target against the disk: something there
// that the listing does not show (an ignored file, a pipe, a dangling
// symlink) is never overwritten, even with --force, because relayout
// could not back it up. A target path that is itself ignored is refused
// too: the moved file would drop out of the workspace.
func (e *engine) guardFile(from, to string) string {
	g := e.guard()
	if x := g.Excluded(to, false); x != "" {
		return fmt.Sprintf("cannot move %s to %s: %s is excluded from the workspace (gitignored, a default exclude or [workspace] exclude)", from, to, x)
	}
	if d := g.NotADir(to); d != "" {
		return fmt.Sprintf("cannot move %s to %s: %s exists on disk and is not a directory", from, to, d)
	}
	if e.fs.HasFile(to) {
		return "" // listed: the usual existing-target rules apply
	}
	if st := g.OnDisk(to); st != nil && !g.SameFile(from, to) {
		if st.IsDir() {
			return fmt.Sprintf("cannot move %s to %s: a directory exists there", from, to)
		}
		return fmt.Sprintf("cannot move %s to %s: %s exists on disk but is not part of the workspace (ignored, excluded or not a regular file); relayout never overwrites it", from, to, workspace.Describe(st))
	}
	return ""
}

// guardCreates refuses to create a file (a new __init__.py, a shim, a
// merge target) where the disk holds something the listing does not.
func (e *engine) guardCreates() error {
	if e.opts.Root == "" {
		return nil
	}
	var problems []string
	for _, c := range e.cs.Creates {
		if st := e.guard().OnDisk(c.Path); st != nil && !e.fs.HasFile(c.Path) {
			problems = append(problems, fmt.Sprintf("cannot create %s: %s exists on disk but is not part of the workspace (ignored, excluded or not a regular file); relayout never overwrites it", c.Path, workspace.Describe(st)))
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

func (e *engine) guard() *workspace.Guard {
	if e.guardian == nil {
		e.guardian = workspace.NewGuard(e.opts.Root, workspace.Options{Exclude: e.cfg.Workspace.Exclude})
	}
	return e.guardian
}

// newPath maps an old file path to its new path.
func (e *engine) newPath(p string) string {
	if n, ok := e.fileMap[p]; ok {
		return n
	}
	return p
}

// newDir maps an old directory to its new place (directory moves), or
// returns it unchanged.
func (e *engine) newDir(d string) string {
	best := ""
	for from := range e.dirMap {
		if (d == from || strings.HasPrefix(d, from+"/")) && len(from) > len(best) {
			best = from
		}
	}
	if best == "" {
		return d
	}
	return e.dirMap[best] + d[len(best):]
}

// newTarget maps a resolution target to its new place.
func (e *engine) newTarget(t workspace.Target) workspace.Target {
	if t.Dir {
		t.Path = e.newDir(t.Path)
	} else {
		t.Path = e.newPath(t.Path)
	}
	return t
}

func (e *engine) addEdit(file string, start, end int, text string) {
	e.edited[file] = append(e.edited[file], edit.TextEdit{Start: start, End: end, New: text})
}

func (e *engine) warn(file string, line int, code, format string, args ...any) {
	e.cs.Warnings = append(e.cs.Warnings, edit.Warning{Path: file, Line: line, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func dedupe(es []edit.TextEdit) []edit.TextEdit {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	out := es[:0]
	for i, x := range es {
		if i > 0 && x == es[i-1] {
			continue
		}
		out = append(out, x)
	}
	return out
}

func (e *engine) depthWarnings() {
	rule := depth.Rule{Max: e.cfg.Depth.Max, Root: e.cfg.Depth.Root, Exclude: e.cfg.Depth.Exclude}
	var olds []string
	for old := range e.fileMap {
		olds = append(olds, old)
	}
	sort.Strings(olds)
	for _, old := range olds {
		if v, ok := rule.CheckFile(e.fileMap[old]); ok {
			e.warn(v.Path, 0, "too-deep", "target is still at level %d, deeper than the limit of %d", v.Level, v.Max)
		}
	}
}
