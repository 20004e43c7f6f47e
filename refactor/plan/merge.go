//go:build relayout_merge

// This file wires refactor/merge into plan validation. It is behind the
// relayout_merge build tag while refactor/merge is being written, so that
// plan builds whatever state that package is in; drop the tag once
// refactor/merge is stable.

package plan

import (
	"context"
	"errors"
	"fmt"

	"github.com/relayout/relayout/refactor/merge"
	"github.com/relayout/relayout/refactor/workspace"
)

func init() { DefaultMergeCheck = MergeCheck(context.Background()) }

// MergeCheck returns a ValidateOptions.CheckMerge that runs merge.Check on
// the current content of a merge's modules: a top-level name defined in
// two of them (or two default exports) is a problem.
func MergeCheck(ctx context.Context) func(m Merge, fs workspace.FileSet) []string {
	return func(m Merge, fs workspace.FileSet) []string {
		to, ok := cleanRel(m.To)
		if !ok || to == "" {
			return nil
		}
		var srcs []merge.Source
		for _, f := range m.From {
			c, ok := cleanRel(f)
			if !ok {
				continue
			}
			data, err := fs.ReadFile(c)
			if err != nil {
				continue // reported as a missing source
			}
			srcs = append(srcs, merge.Source{Path: c, Content: data})
		}
		if len(srcs) < 2 {
			return nil
		}
		err := merge.Check(ctx, to, srcs, nil)
		if err == nil {
			return nil
		}
		var clash *merge.Clash
		if errors.As(err, &clash) {
			var out []string
			for _, cf := range clash.Conflicts {
				out = append(out, fmt.Sprintf("cannot merge into %s: %s", to, cf))
			}
			return out
		}
		return []string{err.Error()}
	}
}
