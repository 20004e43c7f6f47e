// Package tsmove computes the TypeScript/JavaScript side of a move: new
// specifiers for every reference whose target or importer moves (keeping
// the user's specifier style), tsconfig/jsconfig path updates, and
// warnings for framework routes that change. It is a pure function of its
// inputs and writes nothing.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package tsmove

import (
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// Context describes one set of moves to the TS rewriter.
type Context struct {
	// Old resolves specifiers in the tree before the moves; New in the tree
	// after them (the file set with moved paths).
	Old, New *tsresolve.Resolver
	// OldFS and NewFS are the file sets before and after the moves.
	OldFS, NewFS workspace.FileSet
	// NewPath maps an old file path to its new path (identity when the
	// file does not move).
	NewPath func(old string) string
	// NewDir maps an old directory to its new path.
	NewDir func(old string) string
	// Specifiers is the [typescript] specifiers setting: preserve,
	// shortest, alias or relative.
	Specifiers string
}

// Rewrite returns the edits (byte ranges in src, the current content of
// file.Path) that keep every TS/JS reference of file resolving to the same
// file after the moves, plus warnings.
func Rewrite(c *Context, file *index.File, src []byte) ([]edit.TextEdit, []edit.Warning) {
	return nil, nil
}

// RewriteConfigs returns edits to tsconfig/jsconfig files (files,
// include, exclude and paths values naming moved paths), keyed by their
// current path, plus warnings (a moved file no longer included by any
// config, Next.js routes that change).
func RewriteConfigs(c *Context, moved map[string]string) (map[string][]edit.TextEdit, []edit.Warning) {
	return nil, nil
}
