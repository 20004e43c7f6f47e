package plan

import "github.com/relayout/relayout/refactor/workspace"

// MergesApplicable reports whether Apply can carry out [[merge]] entries.
// It is false until the move engine takes merges (move.Options.Merges);
// until then validation reports every merge as not supported yet (after
// checking it with DefaultMergeCheck, when set).
const MergesApplicable = true

// DefaultMergeCheck is the merge validation the CLI and the server use:
// refactor/merge's Check (see merge.go).
var DefaultMergeCheck func(m Merge, fs workspace.FileSet) []string
