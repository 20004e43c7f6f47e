package plan

import (
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// tree is a workspace as it will be after some phases: a FileSet whose
// files are current paths, read from their original paths in base. It
// tracks, for every current file, the original path and the plan lines
// that moved it.
type tree struct {
	*workspace.DiskSet
	base   workspace.FileSet
	origin map[string]string // current → original path
	movers map[string][]int  // current → lines that moved it, oldest first
}

func newTree(base workspace.FileSet) *tree {
	t := &tree{base: base, origin: map[string]string{}, movers: map[string][]int{}}
	for _, f := range base.Files() {
		t.origin[f] = f
	}
	t.rebuild()
	return t
}

func (t *tree) rebuild() {
	files := make([]string, 0, len(t.origin))
	for f := range t.origin {
		files = append(files, f)
	}
	t.DiskSet = workspace.NewMemSetPaths("", files)
}

// ReadFile implements workspace.FileSet.
func (t *tree) ReadFile(rel string) ([]byte, error) {
	o, ok := t.origin[rel]
	if !ok {
		return nil, fmt.Errorf("read %s: %w", rel, os.ErrNotExist)
	}
	return t.base.ReadFile(o)
}

// filesUnder returns the files at or below dir, sorted.
func (t *tree) filesUnder(dir string) []string {
	var out []string
	for _, f := range t.Files() {
		if dir == "" || strings.HasPrefix(f, dir+"/") {
			out = append(out, f)
		}
	}
	return out
}

// apply moves files (current → new, simultaneous) recording line as the
// mover of each.
func (t *tree) apply(moves map[string]string, lines map[string]int) {
	origin := make(map[string]string, len(t.origin))
	movers := make(map[string][]int, len(t.movers))
	for cur, o := range t.origin {
		nw := cur
		ls := t.movers[cur]
		if to, ok := moves[cur]; ok {
			nw = to
			ls = append(append([]int(nil), ls...), lines[cur])
		}
		origin[nw] = o
		if len(ls) > 0 {
			movers[nw] = ls
		}
	}
	t.origin, t.movers = origin, movers
	t.rebuild()
}

// dirsOf returns every ancestor directory of files ("" excluded).
func dirsOf(files []string) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f); d != "." && d != "/" && !out[d]; d = path.Dir(d) {
			out[d] = true
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
