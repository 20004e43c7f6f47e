package move

import (
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/tsmove"
)

func (e *engine) tsContext() *tsmove.Context {
	if e.tsCtx == nil {
		e.tsCtx = &tsmove.Context{Old: e.ix.TS, New: e.tsNew, OldFS: e.fs, NewFS: e.after,
			NewPath: e.newPath, NewDir: e.newDir, Specifiers: e.cfg.TypeScript.Specifiers}
	}
	return e.tsCtx
}

// rewriteTS updates the TS/JS references of one file.
func (e *engine) rewriteTS(f *index.File) {
	src, _ := e.ix.Source(f.Path) // nil unless the index kept it: Rewrite then reads only what it edits
	edits, warns := tsmove.Rewrite(e.tsContext(), f, src)
	e.edited[f.Path] = append(e.edited[f.Path], edits...)
	e.cs.Warnings = append(e.cs.Warnings, warns...)
}

// rewriteTSConfigs updates tsconfig/jsconfig files and reports route and
// include warnings.
func (e *engine) rewriteTSConfigs() {
	edits, warns := tsmove.RewriteConfigs(e.tsContext(), e.fileMap)
	for p, es := range edits {
		e.edited[p] = append(e.edited[p], es...)
	}
	e.cs.Warnings = append(e.cs.Warnings, warns...)
}
