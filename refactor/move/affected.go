package move

import (
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
)

// affected returns, sorted, the indexed files whose references a move can
// change, so that rewrite opens only those (each open unpacks the file's
// compact imports): the moved files, the importers of every moved file or
// directory (the reverse index), and for TS/JS the importers of every file
// whose resolution probes a moved file's old or new place (a file moved
// next to foo.ts as foo.tsx, or to foo/index.ts, can shadow it). It
// returns nil — every file — when that is not enough to know: a moved
// configuration or other non-source file (source roots, tsconfig, package
// manifests), merges, a moved __init__ file without its directory, or
// configs whose resolution probes several places (rootDirs, `paths` with
// several targets) or that the moves edit.
func (e *engine) affected(ts bool) []string {
	return e.affectedBy(ts, func() bool { return e.tsContext().ConfigsChange() })
}

// Touched returns, sorted, the indexed files that Compute of moves and
// merges on ix may edit (the files it opens: see affected), or nil when
// that may be any file. A caller verifies them against the disk before
// computing (index.Index.Verify). Invalid moves are Compute's to report:
// they yield nil and no error here only when expansion fails.
func Touched(ix *index.Index, moves []Move, merges []Merge) ([]string, error) {
	e := &engine{ix: ix, fs: ix.FS, fileMap: map[string]string{}, dirMap: map[string]string{}, cfg: config.Default(),
		cs: edit.NewChangeSet(), opts: Options{Force: true, Merges: merges}}
	if err := e.expand(moves); err != nil {
		return nil, err
	}
	// Configs the moves edit are not known before the new tree is built:
	// rewriting follows them everywhere, the caller's check stays on the
	// importers and probed places.
	return e.affectedBy(true, func() bool { return false }), nil
}

// affectedBy is affected, with configsChange saying whether the moves
// edit a TS/JS configuration.
func (e *engine) affectedBy(ts bool, configsChange func() bool) []string {
	if len(e.opts.Merges) > 0 {
		return nil
	}
	set := map[string]bool{}
	keys := map[string]bool{} // dir/stem of the places TS resolution may probe
	var under []string        // directories below which any file may be probed
	for old, nw := range e.fileMap {
		if _, ok := parsers.LangOf(old); !ok {
			return nil
		}
		if stem := firstStem(path.Base(old)); (stem == "__init__") && !e.inMovedDir(old) {
			return nil
		}
		set[old] = true
		for _, m := range []string{old, nw} {
			keys[stemKey(m)] = true
			under = append(under, stemKey(m)+"/")
			if firstStem(path.Base(m)) == "index" {
				if d := path.Dir(m); d != "." {
					keys[stemKey(d)] = true
				}
			}
			// A package.json above m may name it as its entry point,
			// shadowing the package's index file.
			for d := path.Dir(m); d != "."; d = path.Dir(d) {
				if e.fs.HasFile(d + "/package.json") {
					keys[stemKey(d)], keys[d+"/index"] = true, true
				}
			}
			if e.fs.HasFile("package.json") {
				keys["./index"] = true
			}
		}
	}
	if ts {
		if configsChange() {
			return nil
		}
		for _, c := range e.ix.TS.Configs() {
			if len(c.RootDirs) > 0 {
				return nil
			}
			for _, pm := range c.Paths {
				if len(pm.Targets) != 1 {
					return nil
				}
			}
		}
	}
	add := func(t string) {
		for _, p := range e.ix.Importers(t) {
			set[p] = true
		}
	}
	for old := range e.fileMap {
		add(old)
	}
	for d := range e.dirMap {
		add(d)
	}
	// A Python module is also reached through its packages: attribute
	// chains (`import pkg` … pkg.mod.f()) and import_module(".mod", "pkg").
	for old := range e.fileMap {
		if l, _ := parsers.LangOf(old); l != parsers.Python {
			continue
		}
		for d := path.Dir(old); d != "."; d = path.Dir(d) {
			add(d)
			add(d + "/__init__.py")
			add(d + "/__init__.pyi")
		}
	}
	if ts {
		for _, t := range e.fs.Files() {
			if keys[stemKey(t)] || underAny(under, t) {
				add(t)
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// inMovedDir reports whether old moves with a directory move.
func (e *engine) inMovedDir(old string) bool {
	_, ok := e.dirMap[path.Dir(old)]
	return ok
}

// firstStem returns a file name up to its first dot (after a leading one).
func firstStem(base string) string {
	if i := strings.IndexByte(base[min(1, len(base)):], '.'); i >= 0 {
		return base[:i+min(1, len(base))]
	}
	return base
}

// stemKey is p's directory and the name's first stem.
func stemKey(p string) string { return path.Dir(p) + "/" + firstStem(path.Base(p)) }

func underAny(dirs []string, p string) bool {
	for _, d := range dirs {
		if strings.HasPrefix("./"+p, d) || strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}
