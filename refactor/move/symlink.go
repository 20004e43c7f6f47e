package move

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// symlinks checks the moved files that are symlinks or lie below one, so
// that a move behaves like mv: a symlinked file moves as the link itself
// (the change set renames the link, not its target). A relative link whose
// text would point elsewhere from its new place is a "symlink" warning
// with the command that fixes it. A directory symlink inside a moved
// directory, or moved itself, is refused: the walker lists the files it
// points to, and moving those would empty the link's target. It returns
// the problems.
func (e *engine) symlinks(moves []Move) []string {
	var problems []string
	refused := map[string]bool{}
	var froms []string
	for f := range e.fileMap {
		froms = append(froms, f)
	}
	sort.Strings(froms)
	for _, from := range froms {
		to := e.fileMap[from]
		if link := e.dirLinkInMove(moves, from); link != "" {
			if !refused[link] {
				refused[link] = true
				problems = append(problems, fmt.Sprintf("cannot move %s: it is a symlink to a directory, and relayout would move the files it points to; move the link itself with mv", link))
			}
			continue
		}
		full := filepath.Join(e.opts.Root, filepath.FromSlash(from))
		st, err := os.Lstat(full)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			continue
		}
		text, err := os.Readlink(full)
		if err != nil || filepath.IsAbs(text) {
			continue // an absolute link points at the same place from anywhere
		}
		target := path.Join(path.Dir(from), filepath.ToSlash(text))
		newTarget := target
		if nt, ok := e.fileMap[target]; ok {
			newTarget = nt
		}
		newText := workspace.RelPath(workspace.ParentDir(to), newTarget)
		if !strings.HasPrefix(newText, "../") {
			newText = "./" + newText
		}
		if path.Clean(newText) == path.Clean(filepath.ToSlash(text)) {
			continue
		}
		e.warn(to, 0, "symlink", "the moved symlink's target %q no longer reaches %s from its new place; run: ln -sfn %s %s", text, newTarget, strings.TrimPrefix(newText, "./"), to)
	}
	return problems
}

// dirLinkInMove returns the directory symlink at or below the source of
// the move that carries the file from ("" when there is none).
func (e *engine) dirLinkInMove(moves []Move, from string) string {
	start := ""
	for _, m := range moves {
		if src := path.Clean(m.From); strings.HasPrefix(from, src+"/") && len(src) > len(start) {
			start = src
		}
	}
	if start == "" {
		return "" // a file moved on its own: a link above it is not moved
	}
	parts := strings.Split(from, "/")
	for i := strings.Count(start, "/") + 1; i < len(parts); i++ {
		d := strings.Join(parts[:i], "/")
		if st, err := os.Lstat(filepath.Join(e.opts.Root, filepath.FromSlash(d))); err == nil && st.Mode()&os.ModeSymlink != 0 {
			return d
		}
	}
	return ""
}
