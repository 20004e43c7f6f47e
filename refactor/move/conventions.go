package move

import (
	"sort"

	"github.com/relayout/relayout/refactor/conventions"
)

// Convention warning codes (edit.Warning.Code).
const (
	// codeTests: a test stops (or starts) being collected, or the
	// conftest.py fixtures that apply to it change.
	codeTests = "test-discovery"
	// codeConvention: a folder found by name (Django templates/, locale/,
	// migrations/…, test cassettes and snapshots, bundler entry points) is
	// separated from its owner.
	codeConvention = "convention"
	// codeRoute: a Next.js route changes, appears or disappears.
	codeRoute = "route-change"
)

// conventionChecks compares what frameworks and test runners find by path
// before and after the moves (refactor/conventions): route table changes,
// tests no longer collected, convention folders moved out of place become
// warnings; a new shadowing clash (x.py beside a package x/) is an error,
// since imports of one of the two break.
func (e *engine) conventionChecks() error {
	if len(e.fileMap) == 0 {
		return nil
	}
	changes := conventions.Diff(e.fs, e.fileMap)
	var problems []string
	for _, c := range changes {
		switch {
		case c.Error:
			problems = append(problems, c.String())
		case c.Kind == conventions.KindShadow:
			// TS/JS: the rewritten specifiers already name the index file.
		case c.Kind == conventions.KindRoute:
			e.warn(c.Path, 0, codeRoute, "%s (moved to %s)", c.Msg, c.To)
		case c.Kind == conventions.KindTest:
			e.warn(c.Path, 0, codeTests, "%s", c.Msg)
		default:
			e.warn(c.Path, 0, codeConvention, "%s", c.Msg)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return &Error{Problems: problems}
	}
	return nil
}
