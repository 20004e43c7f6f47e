// This file wires refactor/merge into plan validation.

package plan

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/relayout/relayout/parsers"

	"github.com/relayout/relayout/refactor/merge"
	"github.com/relayout/relayout/refactor/workspace"
)

// MergeCheck returns a ValidateOptions.CheckMerge that reports names
// defined (not merely imported) in more than one of a merge's modules, and
// TS/JS modules with two default exports. Clashes that involve imports
// depend on how the engine rewrites them for the target's place, so the
// engine reports those when the phase is computed.
func MergeCheck(ctx context.Context) func(m Merge, fs workspace.FileSet) []string {
	return func(m Merge, fs workspace.FileSet) []string {
		to, ok := workspace.CleanRel(m.To)
		if !ok || to == "" {
			return nil
		}
		type site struct {
			path, what string
			line       int
		}
		seen := map[string][]site{}
		var order []string
		var out []string
		for _, f := range m.From {
			c, ok := workspace.CleanRel(f)
			if !ok {
				continue
			}
			data, err := fs.ReadFile(c)
			if err != nil {
				continue // reported as a missing source
			}
			lang, ok := parsers.LangOf(c)
			if !ok {
				continue
			}
			names, err := merge.TopLevelNames(ctx, lang, c, data)
			if err != nil {
				var se *merge.SyntaxError
				if errors.As(err, &se) {
					out = append(out, fmt.Sprintf("cannot merge into %s: %v", to, err))
				}
				continue
			}
			defined := map[string]bool{}
			for _, n := range names {
				if n.Kind == merge.Import || (n.Kind == merge.Export && n.Name != "default") || defined[n.Name] {
					continue
				}
				defined[n.Name] = true
				if len(seen[n.Name]) == 0 {
					order = append(order, n.Name)
				}
				seen[n.Name] = append(seen[n.Name], site{c, n.What, n.Line})
			}
		}
		for _, name := range order {
			if sites := seen[name]; len(sites) > 1 {
				var where []string
				for _, s := range sites {
					where = append(where, fmt.Sprintf("%s:%d (%s)", s.path, s.line, s.what))
				}
				out = append(out, fmt.Sprintf("cannot merge into %s: %q is defined in more than one module: %s", to, name, strings.Join(where, ", ")))
			}
		}
		return out
	}
}
