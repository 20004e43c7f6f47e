package move

import (
	"fmt"
	"sort"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/merge"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// Merge consolidates several modules into one: every importer of a source
// is rewritten to the target, and the target's content is the sources'
// contents (their own imports rewritten for the target's place) merged by
// package merge.
type Merge struct {
	From []string `json:"from"`
	To   string   `json:"to"`
}

// expandMerges validates merges and maps every source to its target.
func (e *engine) expandMerges(merges []Merge, claimed map[string]string) []string {
	var problems []string
	for _, m := range merges {
		to, ok := workspace.CleanRel(m.To)
		if !ok || to == "" {
			problems = append(problems, fmt.Sprintf("merge target %q is outside the workspace root", m.To))
			continue
		}
		if len(m.From) < 2 {
			problems = append(problems, fmt.Sprintf("merge into %s needs at least two sources", to))
			continue
		}
		lang, ok := parsers.LangOf(to)
		if !ok {
			problems = append(problems, fmt.Sprintf("merge target %s is not a Python or TypeScript/JavaScript module", to))
			continue
		}
		inPlace := false
		var srcs []string
		for _, f := range m.From {
			from, ok := workspace.CleanRel(f)
			switch {
			case !ok || from == "":
				problems = append(problems, fmt.Sprintf("merge source %q is outside the workspace root", f))
				continue
			case !e.fs.HasFile(from):
				problems = append(problems, fmt.Sprintf("merge source %s does not exist (or is not a file)", f))
				continue
			}
			if l, _ := parsers.LangOf(from); (l == parsers.Python) != (lang == parsers.Python) {
				problems = append(problems, fmt.Sprintf("cannot merge %s into %s: different languages", from, to))
				continue
			}
			if prev, dup := claimed[from]; dup {
				problems = append(problems, fmt.Sprintf("%s is both moved/merged to %s and merged into %s", from, prev, to))
				continue
			}
			if from == to {
				inPlace = true
			}
			srcs = append(srcs, from)
		}
		if e.fs.HasFile(to) && !inPlace {
			if _, vacated := e.fileMap[to]; !vacated {
				problems = append(problems, fmt.Sprintf("merge target %s already exists", to))
				continue
			}
		}
		for _, s := range srcs {
			claimed[s] = to
			e.fileMap[s] = to
		}
		e.merges = append(e.merges, Merge{From: srcs, To: to})
	}
	return problems
}

// applyMerges replaces the renames and edits of merged sources by the
// creation of the merged target and the deletion of the sources.
func (e *engine) applyMerges() error {
	if len(e.merges) == 0 {
		return nil
	}
	var problems []string
	for _, m := range e.merges {
		var srcs []merge.Source
		for _, s := range m.From {
			data, err := e.read(s)
			if err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			out, err := edit.ApplyEdits(data, dedupe(e.edited[s]))
			if err != nil {
				return fmt.Errorf("merge: edit %s: %w", s, err)
			}
			srcs = append(srcs, merge.Source{Path: s, Content: out})
			delete(e.edited, s)
		}
		opts := &merge.Options{IsSelf: e.isSelf(m.To)}
		var content []byte
		var err error
		if l, _ := parsers.LangOf(m.To); l == parsers.Python {
			content, err = merge.Python(e.ctx, m.To, srcs, opts)
		} else {
			content, err = merge.TypeScript(e.ctx, m.To, srcs, opts)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("merge into %s: %v", m.To, err))
			continue
		}
		from := map[string]bool{}
		for _, s := range m.From {
			from[s] = true
			e.cs.Deletes = append(e.cs.Deletes, s)
		}
		kept := e.cs.Renames[:0]
		for _, r := range e.cs.Renames {
			if !from[r.From] {
				kept = append(kept, r)
			}
		}
		e.cs.Renames = kept
		e.cs.Creates = append(e.cs.Creates, edit.Create{Path: m.To, Content: content})
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return &Error{Problems: problems}
	}
	return nil
}

// isSelf answers merge's question "does this non-relative import name the
// target module?" from the after-tree resolvers.
func (e *engine) isSelf(target string) func(string) bool {
	return func(module string) bool {
		if pyresolve.IsPython(target) {
			t := e.pyNew.Resolve("", module, 0)
			return t.Status == workspace.Internal && t.Path == target
		}
		t := e.tsNew.Resolve(target, module)
		return t.Status == workspace.Internal && t.Path == target
	}
}
