package tsmove

import (
	"fmt"
	"sort"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// ProgramChange is a TS/JS file that a set of moves takes out of the
// tsconfig/jsconfig program it belonged to.
type ProgramChange struct {
	// Path is the file's current path; To its path after the moves.
	Path, To string
	// Before is the config whose program holds the file now; After the
	// one holding it after the moves (its path after them), "" for none.
	Before, After string
}

func (c ProgramChange) String() string {
	if c.After == "" {
		return fmt.Sprintf("%s would belong to no tsconfig/jsconfig program at %s (it is in %s's)", c.Path, c.To, c.Before)
	}
	return fmt.Sprintf("%s would move from %s's program to %s's at %s", c.Path, c.Before, c.After, c.To)
}

// LeavingPrograms returns the TS/JS files of fs that moves (current path →
// new path of every moved file; the others stay) take out of their
// program: a file some tsconfig/jsconfig covers now that afterwards no
// config covers, or one other than the same config at its new place.
// The configs are read as the move engine leaves them: rewritten for the
// moves, and following the files moved into their folder (include and
// paths entries). The files examined are the moved ones and those of
// configs that move or change. Sorted by path; nil when no config is
// involved. It reads configs only, and returns at once when no TS/JS or
// config file moves.
func LeavingPrograms(fs workspace.FileSet, moves map[string]string) []ProgramChange {
	involved := false
	for from, to := range moves {
		_, cfg := isConfigFile(from)
		l, ok := parsers.LangOf(to)
		if cfg || ok && l.IsTSFamily() {
			involved = true
			break
		}
	}
	if !involved {
		return nil
	}
	oldR, _ := tsresolve.New(fs)
	if len(oldR.Configs()) == 0 {
		return nil
	}
	after := movedSet(fs, moves)
	c := &Context{Old: oldR, OldFS: fs, NewFS: after,
		NewPath: func(p string) string {
			if n, ok := moves[p]; ok {
				return n
			}
			return p
		},
		NewDir: func(d string) string { return d }, // dirNew derives folder moves from their files
	}
	st := c.state()
	var out []ProgramChange
	for _, f := range c.checkedFiles(st, moves) {
		before := coveringConfig(c.Old, f)
		if before == nil {
			continue
		}
		nf := c.NewPath(f)
		after := coveringConfig(st.newR, nf)
		switch {
		case after == nil:
			out = append(out, ProgramChange{Path: f, To: nf, Before: before.Path})
		case after.Path != c.NewPath(before.Path):
			out = append(out, ProgramChange{Path: f, To: nf, Before: before.Path, After: after.Path})
		}
	}
	return out
}

// checkedFiles returns the TS/JS files whose program the moves may
// change, sorted: the moved files, and the files a config that moves or
// changes (itself or through its extends chain) covered.
func (c *Context) checkedFiles(st *state, moved map[string]string) []string {
	check := map[string]bool{}
	for old := range moved {
		check[old] = true
	}
	changed := map[string]bool{}
	for _, p := range st.cfgFiles {
		if _, ok := st.cfgEdits[p]; ok || c.NewPath(p) != p {
			changed[p] = true
		}
	}
	if len(changed) > 0 {
		for _, cfg := range c.Old.Configs() {
			touched := changed[cfg.Path]
			for _, e := range cfg.Extends {
				touched = touched || changed[e]
			}
			if !touched {
				continue
			}
			for _, f := range c.OldFS.Files() {
				if !check[f] && cfg.Covers(f) {
					check[f] = true
				}
			}
		}
	}
	var files []string
	for f := range check {
		if l, ok := parsers.LangOf(f); ok && l.IsTSFamily() {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files
}

// movedTree is the tree after moves; a file's content is read from its
// current place.
type movedTree struct {
	*workspace.DiskSet
	base   workspace.FileSet
	origin map[string]string // new path → current path
}

// movedSet returns fs as it is after moves.
func movedSet(fs workspace.FileSet, moves map[string]string) workspace.FileSet {
	origin := map[string]string{}
	files := make([]string, 0, len(fs.Files()))
	for _, f := range fs.Files() {
		if n, ok := moves[f]; ok {
			origin[n] = f
			f = n
		}
		files = append(files, f)
	}
	return &movedTree{DiskSet: workspace.NewMemSetPaths("", files), base: fs, origin: origin}
}

// ReadFile implements workspace.FileSet.
func (t *movedTree) ReadFile(rel string) ([]byte, error) {
	if o, ok := t.origin[rel]; ok {
		return t.base.ReadFile(o)
	}
	if !t.HasFile(rel) {
		return nil, fmt.Errorf("read %s: not in the tree after the moves", rel)
	}
	return t.base.ReadFile(rel)
}
