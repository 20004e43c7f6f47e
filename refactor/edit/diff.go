package edit

import (
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/relayout/relayout/refactor/workspace"
)

// Diff renders the change set as a git-style unified diff: renames as
// "rename from/to" headers, edits as hunks, creations and deletions
// against /dev/null.
func Diff(fs workspace.FileSet, cs *ChangeSet) (string, error) {
	final, contents, origin, err := cs.Result(fs)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, np := range final {
		op, hasOrigin := origin[np]
		data, changed := contents[np]
		switch {
		case !hasOrigin:
			b.WriteString(fmt.Sprintf("diff --git a/%s b/%s\nnew file mode 100644\n", np, np))
			b.WriteString(udiff.Unified("/dev/null", "b/"+np, "", string(data)))
		case op != np || changed:
			b.WriteString(fmt.Sprintf("diff --git a/%s b/%s\n", op, np))
			if op != np {
				b.WriteString(fmt.Sprintf("rename from %s\nrename to %s\n", op, np))
			}
			if changed {
				old, err := fs.ReadFile(op)
				if err != nil {
					return "", err
				}
				b.WriteString(udiff.Unified("a/"+op, "b/"+np, string(old), string(data)))
			}
		}
	}
	for _, d := range cs.Deletes {
		old, err := fs.ReadFile(d)
		if err != nil {
			return "", err
		}
		b.WriteString(fmt.Sprintf("diff --git a/%s b/%s\ndeleted file mode 100644\n", d, d))
		b.WriteString(udiff.Unified("a/"+d, "/dev/null", string(old), ""))
	}
	return b.String(), nil
}
