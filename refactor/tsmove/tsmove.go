// Package tsmove computes the TypeScript/JavaScript side of a move: new
// specifiers for every reference whose target or importer moves (keeping
// the user's specifier style), tsconfig/jsconfig path updates, and
// warnings for files that leave every tsconfig and for framework routes
// that change. It is a pure function of its inputs and writes nothing.
//
// The invariant it keeps: every TS/JS reference that resolved (Internal)
// before the moves resolves after them to the same file at its new path,
// and no byte outside the edited ranges changes. Edits replace only the
// text between a specifier's quotes (or a JSON string's quotes), so quote
// styles, comments and formatting stay as they were.
//
// Specifiers are chosen as follows (see Context.Specifiers):
//
//   - a reference whose specifier still resolves to its target's new path
//     from its importer's new path is left alone, in every mode;
//   - otherwise the new specifier keeps the old one's style
//     (tsresolve.DetectStyle: extension spelling, directory-index imports)
//     and, under "preserve", its kind: relative stays relative, a `paths`
//     alias stays an alias when a pattern of the importer's new tsconfig
//     reaches the new place (else it becomes relative), a baseUrl
//     specifier likewise;
//   - every new specifier is verified by resolving it forward in the tree
//     after the moves; when none verifies the reference is left unchanged
//     and an "unexpressible" warning is returned.
//
// Specifiers through workspace package names ("@acme/ui/x") and
// package.json "#imports" are kept when they still resolve and otherwise
// reported, since the fix belongs in a package.json.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package tsmove

import (
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// Specifier modes of Context.Specifiers.
const (
	// Preserve keeps each rewritten specifier's kind: relative, `paths`
	// alias or baseUrl (falling back to relative when the alias cannot
	// reach the new place). The default.
	Preserve = "preserve"
	// Shortest picks, for each rewritten specifier, the relative or alias
	// form with fewer path segments, as tsserver's "shortest" preference
	// does (a tie goes to the alias).
	Shortest = "shortest"
	// Alias prefers an alias (`paths`, then baseUrl) whenever one reaches
	// the new place.
	Alias = "alias"
	// Relative always writes relative specifiers.
	Relative = "relative"
)

// Context describes one set of moves to the TS rewriter. Build it once
// per set of moves and share it between Rewrite and RewriteConfigs: it
// caches the tree after the moves with its tsconfig files rewritten.
type Context struct {
	// Old resolves specifiers in the tree before the moves; New in the tree
	// after them (the file set with moved paths). When the moves change a
	// tsconfig/jsconfig file, New (which reads the configs as they were)
	// is replaced internally by a resolver over NewFS with the rewritten
	// configs; New may be nil.
	Old, New *tsresolve.Resolver
	// OldFS and NewFS are the file sets before and after the moves. NewFS
	// lists the new paths and reads each moved file's current content.
	OldFS, NewFS workspace.FileSet
	// NewPath maps an old file path to its new path (identity when the
	// file does not move).
	NewPath func(old string) string
	// NewDir maps an old directory to its new path (identity when no
	// directory move covers it).
	NewDir func(old string) string
	// Specifiers is the [typescript] specifiers setting: Preserve,
	// Shortest, Alias or Relative ("" means Preserve).
	Specifiers string

	once sync.Once
	st   *state
}

// state is what a Context derives once: the rewritten configs and the
// resolver of the tree after the moves that sees them.
type state struct {
	newR     *tsresolve.Resolver
	cfgEdits map[string][]edit.TextEdit // by current path
	cfgFiles []string                   // config files considered, sorted
	// moved holds the old and new paths of every moved file, sorted; a
	// relative specifier whose probed paths none of them starts can only
	// resolve as before (see unaffected).
	moved []string
	// cfgTouched says a config file moves or changes, so any resolution
	// may change.
	cfgTouched bool
}

// state returns the Context's derived state, computing it on first use.
func (c *Context) state() *state {
	c.once.Do(func() { c.st = c.prepare() })
	return c.st
}

func (c *Context) prepare() *state {
	st := &state{cfgEdits: map[string][]edit.TextEdit{}}
	st.cfgFiles = c.configFiles()
	edited := map[string][]byte{} // new path → rewritten content
	for _, p := range st.cfgFiles {
		data, err := c.OldFS.ReadFile(p)
		if err != nil {
			continue
		}
		es := c.rewriteConfig(p, data)
		if len(es) == 0 {
			continue
		}
		st.cfgEdits[p] = es
		if out, err := edit.ApplyEdits(data, es); err == nil {
			edited[c.NewPath(p)] = out
		}
	}
	for _, f := range c.OldFS.Files() {
		if n := c.NewPath(f); n != f {
			st.moved = append(st.moved, f, n)
			if _, ok := isConfigFile(f); ok {
				st.cfgTouched = true
			}
		}
	}
	sort.Strings(st.moved)
	st.cfgTouched = st.cfgTouched || len(edited) > 0
	switch {
	case len(edited) > 0:
		st.newR, _ = tsresolve.New(workspace.WithOverlay(c.NewFS, edited))
	case c.New != nil:
		st.newR = c.New
	default:
		st.newR, _ = tsresolve.New(c.NewFS)
	}
	// Configs follow the files moved into their folder; then the tree
	// after the moves is read again with their new include entries.
	if follow := c.followFiles(st.newR); len(follow) > 0 {
		for p, es := range follow {
			all := append(st.cfgEdits[p], es...)
			sort.Slice(all, func(i, j int) bool { return all[i].Start < all[j].Start })
			data, err := c.OldFS.ReadFile(p)
			if err != nil {
				continue
			}
			out, err := edit.ApplyEdits(data, all)
			if err != nil {
				continue
			}
			st.cfgEdits[p] = all
			edited[c.NewPath(p)] = out
		}
		st.cfgTouched = true
		st.newR, _ = tsresolve.New(workspace.WithOverlay(c.NewFS, edited))
	}
	return st
}

// configFiles returns every tsconfig/jsconfig of the tree before the moves
// and every file their extends chains merge.
func (c *Context) configFiles() []string {
	seen := map[string]bool{}
	var out []string
	for _, cfg := range c.Old.Configs() {
		for _, p := range append([]string{cfg.Path}, cfg.Extends...) {
			if !seen[p] && c.OldFS.HasFile(p) {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// isConfigFile reports whether p is named like a tsconfig/jsconfig file
// or a package.json (which steers resolution too).
func isConfigFile(p string) (string, bool) {
	b := path.Base(p)
	return b, b == "package.json" || strings.HasSuffix(b, ".json") && (strings.HasPrefix(b, "tsconfig") || strings.HasPrefix(b, "jsconfig"))
}

// Rewrite returns the edits (byte ranges in src, the current content of
// file.Path) that keep every TS/JS reference of file resolving to the same
// file after the moves, plus warnings (addressed to file.Path, 1-based
// lines). src may be nil: it is then read from OldFS, and only when the
// file needs an edit. Rewrite is safe for concurrent use.
func Rewrite(c *Context, file *index.File, src []byte) ([]edit.TextEdit, []edit.Warning) {
	if file == nil || !file.Lang.IsTSFamily() || len(file.Imports) == 0 {
		return nil, nil
	}
	st := c.state()
	rw := &rewriter{c: c, st: st, file: file, src: src, newImp: c.NewPath(file.Path)}
	for i := range file.Imports {
		rw.ref(&file.Imports[i])
	}
	return rw.edits, rw.warns
}

// RewriteConfigs returns edits to tsconfig/jsconfig files (files, include,
// exclude, extends, references and the path options of compilerOptions,
// paths targets included, that name moved paths, or that must be
// recomputed because the config itself moves), keyed by their current
// path, plus warnings: "tsconfig" for a TS/JS file that no config covers
// any more (Next.js route changes are refactor/conventions' to report).
// moved maps old to new paths of the moved files.
func RewriteConfigs(c *Context, moved map[string]string) (map[string][]edit.TextEdit, []edit.Warning) {
	st := c.state()
	out := make(map[string][]edit.TextEdit, len(st.cfgEdits))
	for p, es := range st.cfgEdits {
		out[p] = append([]edit.TextEdit(nil), es...)
	}
	var warns []edit.Warning
	warns = append(warns, c.coverageWarnings(st, moved)...)
	return out, warns
}

// isTSRef reports whether k is a TS/JS reference kind.
func isTSRef(k parsers.Kind) bool {
	switch k {
	case parsers.TSImport, parsers.TSExport, parsers.TSImportEquals, parsers.TSRequire,
		parsers.TSDynamicImport, parsers.TSMock, parsers.TSReferencePath:
		return true
	}
	return false
}

// ConfigsChange reports whether the moves move or edit a tsconfig,
// jsconfig or package.json, so that any TS/JS resolution may change.
func (c *Context) ConfigsChange() bool { return c.state().cfgTouched }
