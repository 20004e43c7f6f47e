package refactor

import (
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/tsmove"
	"github.com/relayout/relayout/refactor/workspace"
)

// The engine's own packages (refactor/move, refactor/index, …) are
// internals of the façade: server and cmd/cli reach what they need of
// them through the names below (refactor/layering_test.go
// TestEngineBehindFacade). They are aliases, so values pass to and from
// the engine unchanged.

// Move is one requested move of a file or directory (slash-separated,
// workspace-relative From and To).
type Move = move.Move

// Merge consolidates modules into one, together with the moves.
type Merge = move.Merge

// MoveError lists every problem that makes a set of moves impossible;
// nothing was changed.
type MoveError = move.Error

// Strings is how far possible references (dotted module paths in strings,
// configuration and prose) are rewritten by a move.
type Strings = move.Strings

// The string scopes of a move (see move.Strings).
const (
	// StringsOff reports possible references and rewrites none.
	StringsOff = move.StringsOff
	// StringsCode rewrites those in code strings and configuration.
	StringsCode = move.StringsCode
	// StringsAll also rewrites those in prose.
	StringsAll = move.StringsAll
)

// ParseStrings parses a string scope as the CLI flag and relayout.toml
// write it: "false"/"off"/"none", "true"/"code", "all".
func ParseStrings(s string) (Strings, error) { return move.ParseStrings(s) }

// Index is an immutable snapshot of a workspace's import graph
// (Workspace.Index builds one; Index.Refresh derives the next).
type Index = index.Index

// IndexOptions configures Workspace.Index and Index.Refresh.
type IndexOptions = index.Options

// IndexChange says which files changed since an index snapshot
// (Index.Update applies it).
type IndexChange = index.Change

// Cache is the on-disk parse cache.
type Cache = index.Cache

// OpenCache returns the parse cache in dir, or — when dir is "" — in
// $RELAYOUT_CACHE_DIR or else the user cache directory.
func OpenCache(dir string) (*Cache, error) { return index.OpenCache(dir) }

// LeavingPrograms lists the TS/JS files that moves (current path → new
// path) would take out of their tsconfig/jsconfig program, with the
// engine's config rewrites counted (see tsmove.LeavingPrograms).
func LeavingPrograms(fs workspace.FileSet, moves map[string]string) []tsmove.ProgramChange {
	return tsmove.LeavingPrograms(fs, moves)
}
