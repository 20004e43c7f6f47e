package server

// plan.go: the restructuring plan in the editor, through refactor/plan:
// diagnostics for the problems of relayout.toml's [[move]] and [[merge]]
// entries, the entries that cover a file (offered as code actions), and
// the generated flattening suggested for too-deep files.

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/conventions"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

// codePlan is the diagnostic code of a problem in the plan.
const codePlan = "plan"

// planDiagnostics validates the phases of the workspace's plan that are
// not applied yet (plan.Check, what `relayout plan --check` and
// `relayout apply` ask), and returns a diagnostic
// per problem on its line of relayout.toml. src is relayout.toml's content.
func planDiagnostics(ws *refactor.Workspace, src []byte, enc parsers.Encoding) []protocol.Diagnostic {
	p, pending := pendingPhases(ws)
	if p.Empty() {
		return nil
	}
	probs := validatePending(ws, p, pending)
	out := make([]protocol.Diagnostic, 0, len(probs))
	for _, pr := range probs {
		out = append(out, planDiagnostic(pr, src, enc))
	}
	return out
}

// pendingPhases returns the workspace's plan and its phases that are not
// applied yet, in order: those `relayout apply` would apply. Whether a
// phase is applied is read from the disk, not from the snapshot, which
// lags behind the file events of an edit just applied.
func pendingPhases(ws *refactor.Workspace) (*plan.Plan, []plan.Phase) {
	p := plan.FromConfig(ws.Config)
	if p.Empty() {
		return p, nil
	}
	st := plan.Check(onDisk{ws.FileSet(), ws.Root}, p, planOptions(ws))
	return p, st.Pending
}

// planOptions are the validation options of the workspace's plan.
func planOptions(ws *refactor.Workspace) plan.ValidateOptions {
	return plan.ValidateOptions{Rule: ws.DepthRule(), Root: ws.Root}
}

// onDisk is a FileSet whose HasFile and HasDir ask the disk.
type onDisk struct {
	workspace.FileSet
	root string
}

// HasFile implements workspace.FileSet.
func (d onDisk) HasFile(rel string) bool {
	st, err := os.Stat(filepath.Join(d.root, filepath.FromSlash(rel)))
	return err == nil && st.Mode().IsRegular()
}

// HasDir implements workspace.FileSet: a directory holding a file.
func (d onDisk) HasDir(rel string) bool {
	found := false
	_ = filepath.WalkDir(filepath.Join(d.root, filepath.FromSlash(rel)), func(_ string, de fs.DirEntry, err error) error {
		if err == nil && de.Type().IsRegular() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// validatePending validates pending phases of p, each against the tree the
// earlier ones leave, as `relayout apply` and `relayout plan check` do.
func validatePending(ws *refactor.Workspace, p *plan.Plan, pending []plan.Phase) []plan.Problem {
	return plan.ValidatePhases(ws.FileSet(), p.File, pending, planOptions(ws))
}

// planDiagnostic reports one plan problem on its line (line 1 when it is
// not about one entry).
func planDiagnostic(pr plan.Problem, src []byte, enc parsers.Encoding) protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:    lineToRange(src, max(pr.Line-1, 0), enc),
		Severity: protocol.DiagnosticSeverityError,
		Code:     protocol.String(codePlan),
		Source:   protocol.NewOptional(diagSource),
		Message:  protocol.String(pr.Msg),
	}
}

// covers reports whether the plan path from (a file or directory) is rel
// or holds it.
func covers(from, rel string) bool {
	c := path.Clean(strings.ReplaceAll(from, "\\", "/"))
	return c == rel || strings.HasPrefix(rel, c+"/")
}

// planEntries returns the [[move]] entries of the workspace's plan that
// cover rel (a file entry naming it, or a directory entry holding it).
func planEntries(ws *refactor.Workspace, rel string) []plan.Move {
	var out []plan.Move
	for _, m := range plan.FromConfig(ws.Config).Moves {
		if covers(m.From, rel) {
			out = append(out, m)
		}
	}
	return out
}

// nextRoots returns the Next.js app-router and pages-router directories
// of a listing: app/, src/app/, pages/ and src/pages/ beside a
// next.config.* file.
func nextRoots(files []workspace.Entry) map[string]bool {
	roots := map[string]bool{}
	has := map[string]bool{}
	for _, f := range files {
		has[f.Path] = true
	}
	for _, f := range files {
		b := path.Base(f.Path)
		if !strings.HasPrefix(b, "next.config.") {
			continue
		}
		d := path.Dir(f.Path)
		for _, r := range []string{"app", "src/app", "pages", "src/pages"} {
			roots[path.Clean(path.Join(d, r))] = true
		}
	}
	return roots
}

// routeSafe reports whether moving from → to (a file or directory) keeps
// the meaning of every Next.js route: nothing inside an app or pages
// directory is renamed or re-parented unless the whole directory moves,
// nothing moves into one, and no app directory appears beside another
// (app/ beside src/app/).
func routeSafe(files []workspace.Entry, from, to string) bool {
	roots := nextRoots(files)
	if len(roots) == 0 {
		return true
	}
	present := map[string]bool{}
	for r := range roots {
		for _, f := range files {
			if strings.HasPrefix(f.Path, r+"/") {
				present[r] = true
				break
			}
		}
	}
	under := func(p string) string {
		for r := range present {
			if p == r || strings.HasPrefix(p, r+"/") {
				return r
			}
		}
		return ""
	}
	if r := under(from); r != "" && r != from {
		return false // a route segment would be renamed or re-parented
	}
	for r := range present {
		if r != from && (to == r || strings.HasPrefix(to, r+"/")) {
			return false // into a router
		}
	}
	for r := range roots {
		if to == r || strings.HasPrefix(to, r+"/") {
			// A new app or pages directory: only the whole router moving
			// there (src/app → app), never a second one beside it.
			if !(present[from] && to == r && path.Base(from) == path.Base(r)) {
				return false
			}
		}
	}
	return true
}

// meaningKept reports whether moving from → to (a file or a directory of
// ws) keeps every framework meaning refactor/conventions pins (routes,
// collected tests, framework folders, shadowing), every Next.js route
// (routeSafe) and every TS/JS file in its tsconfig/jsconfig program
// (refactor.LeavingPrograms).
func meaningKept(ws *refactor.Workspace, from, to string) bool {
	if !routeSafe(ws.Listing.Files, from, to) {
		return false
	}
	moves := map[string]string{}
	for _, f := range ws.Listing.Files {
		switch {
		case f.Path == from:
			moves[f.Path] = to
		case strings.HasPrefix(f.Path, from+"/"):
			moves[f.Path] = to + f.Path[len(from):]
		}
	}
	return len(conventions.Diff(ws.FileSet(), moves)) == 0 && len(refactor.LeavingPrograms(ws.FileSet(), moves)) == 0
}
