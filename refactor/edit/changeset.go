// Package edit holds the change set — file moves, creations, deletions and
// byte-range text edits — and applies it to disk all-or-nothing through a
// journal that a crashed run can roll back (Recover). It also renders
// change sets as unified diffs.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package edit

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// TextEdit replaces the bytes [Start, End) of a file's current content
// with New.
type TextEdit struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	New   string `json:"new"`
}

// Rename moves one file.
type Rename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Create makes a new file (e.g. an __init__.py or a shim).
type Create struct {
	Path    string `json:"path"`
	Content []byte `json:"content"`
}

// Warning is something the user should know about a change set: a
// possible reference left alone, a target still too deep, a changed route.
type Warning struct {
	Path string `json:"path,omitempty"`
	Line int    `json:"line,omitempty"` // 1-based; 0 when not about a line
	Msg  string `json:"message"`
	// Code classifies the warning: "possible-reference", "too-deep",
	// "route-change", "unexpressible", "shim", "info".
	Code string `json:"code"`
}

// String formats the warning as path:line: message.
func (w Warning) String() string {
	switch {
	case w.Path != "" && w.Line > 0:
		return fmt.Sprintf("%s:%d: %s", w.Path, w.Line, w.Msg)
	case w.Path != "":
		return fmt.Sprintf("%s: %s", w.Path, w.Msg)
	}
	return w.Msg
}

// ChangeSet is a computed, not yet applied, change to a workspace. All
// paths are slash-separated and workspace-relative; text edits address the
// CURRENT content of a file at its CURRENT (pre-move) path.
type ChangeSet struct {
	Renames []Rename `json:"renames"`
	// Edits maps a current path to its edits (non-overlapping, any order).
	Edits   map[string][]TextEdit `json:"edits"`
	Creates []Create              `json:"creates"`
	// Deletes lists current files to remove (e.g. an empty __init__.py of
	// a package left empty).
	Deletes []string `json:"deletes"`
	// RemoveDirs lists directories left empty, deepest first.
	RemoveDirs []string  `json:"removeDirs"`
	Warnings   []Warning `json:"warnings"`
}

// NewChangeSet returns an empty change set.
func NewChangeSet() *ChangeSet { return &ChangeSet{Edits: map[string][]TextEdit{}} }

// AddEdit records an edit of the current file p, ignoring no-ops.
func (cs *ChangeSet) AddEdit(p string, e TextEdit) {
	cs.Edits[p] = append(cs.Edits[p], e)
}

// Empty reports whether the change set changes nothing.
func (cs *ChangeSet) Empty() bool {
	return len(cs.Renames) == 0 && len(cs.Edits) == 0 && len(cs.Creates) == 0 && len(cs.Deletes) == 0
}

// NewPath maps a current path to its path after the change set.
func (cs *ChangeSet) NewPath(p string) string {
	for _, r := range cs.Renames {
		if r.From == p {
			return r.To
		}
	}
	return p
}

// EditedFiles returns the current paths that have text edits, sorted.
func (cs *ChangeSet) EditedFiles() []string {
	out := make([]string, 0, len(cs.Edits))
	for p, es := range cs.Edits {
		if len(es) > 0 {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// ApplyEdits returns src with edits applied. Edits must not overlap;
// identical duplicate edits are applied once.
func ApplyEdits(src []byte, edits []TextEdit) ([]byte, error) {
	es := append([]TextEdit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Start != es[j].Start {
			return es[i].Start < es[j].Start
		}
		return es[i].End < es[j].End
	})
	var b strings.Builder
	last := 0
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("overlapping or out-of-range edit [%d,%d) (previous ends at %d, size %d)", e.Start, e.End, last, len(src))
		}
		b.Write(src[last:e.Start])
		b.WriteString(e.New)
		last = e.End
	}
	b.Write(src[last:])
	return []byte(b.String()), nil
}

// Result computes the workspace after the change set: the set of final
// file paths, and for every path whose content differs from (or is
// created beyond) the current one, the new content. unchanged files keep
// their content at the (possibly new) path and are not in contents.
// origin maps each final path that came from an existing file to its
// current path.
func (cs *ChangeSet) Result(fs workspace.FileSet) (final []string, contents map[string][]byte, origin map[string]string, err error) {
	contents = map[string][]byte{}
	origin = map[string]string{}
	moved := map[string]string{}
	for _, r := range cs.Renames {
		moved[r.From] = r.To
	}
	deleted := map[string]bool{}
	for _, d := range cs.Deletes {
		deleted[d] = true
	}
	for _, p := range fs.Files() {
		if deleted[p] {
			continue
		}
		np := p
		if to, ok := moved[p]; ok {
			np = to
		}
		if _, dup := origin[np]; dup {
			return nil, nil, nil, fmt.Errorf("two files end up at %s", np)
		}
		origin[np] = p
		final = append(final, np)
		if es := cs.Edits[p]; len(es) > 0 {
			src, err := fs.ReadFile(p)
			if err != nil {
				return nil, nil, nil, err
			}
			out, err := ApplyEdits(src, es)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("edit %s: %w", p, err)
			}
			contents[np] = out
		}
	}
	for _, c := range cs.Creates {
		if _, dup := origin[c.Path]; dup {
			if !deleted[origin[c.Path]] {
				return nil, nil, nil, fmt.Errorf("create %s: file exists", c.Path)
			}
		}
		if _, dup := contents[c.Path]; dup {
			return nil, nil, nil, fmt.Errorf("create %s: created twice", c.Path)
		}
		final = append(final, c.Path)
		contents[c.Path] = c.Content
	}
	sort.Strings(final)
	return final, contents, origin, nil
}

// dirsOf returns every ancestor directory of the given files ("" excluded).
func dirsOf(files []string) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f); d != "." && d != "/" && !out[d]; d = path.Dir(d) {
			out[d] = true
		}
	}
	return out
}
