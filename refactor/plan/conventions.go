package plan

import (
	"strings"

	"github.com/relayout/relayout/refactor/conventions"
)

// conventions reports, on the line of the entry that causes it, every
// meaning that frameworks and test runners give to paths and that the
// phase's moves change (refactor/conventions.Diff): a route table entry
// that changes, appears or vanishes, a test no longer collected or losing
// its conftest.py, a Django or test-data folder separated from its owner,
// an entry point separated from its config, a new shadowing clash. The
// generator never proposes such a move; a hand-written or imported plan is
// told which line does it.
func (v *validator) conventions() {
	if len(v.fileMap) == 0 {
		return
	}
	for _, c := range conventions.Diff(v.t, v.fileMap) {
		line, ok := v.lineOf[c.Path]
		if !ok {
			// A folder (shadowing): the entry moving a file below it.
			for _, f := range sortedKeys(v.lineOf) {
				if strings.HasPrefix(f, c.Path+"/") {
					line = v.lineOf[f]
					break
				}
			}
		}
		v.add(line, "%s", c.String())
	}
}
