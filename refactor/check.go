package refactor

import (
	"context"
	"strings"

	"github.com/relayout/relayout/refactor/index"
)

// CheckOptions configures Check.
type CheckOptions struct {
	// Imports also builds the import index and reports unresolved imports.
	Imports bool
	// Scope restricts findings to files under this workspace-relative
	// directory or file ("" or "." = everything).
	Scope string
	// Progress reports indexing progress (may be nil).
	Progress func(done, total int)
	// Cache is the parse cache (nil = none).
	Cache *index.Cache
}

// CheckReport is the result of Check; its JSON form is relayout's stable
// `check --format json` schema (see docs/check-json.md).
type CheckReport struct {
	// SchemaVersion is 1.
	SchemaVersion int    `json:"schemaVersion"`
	Root          string `json:"root"`
	Max           int    `json:"maxDepth"`
	// Severity is the configured severity of depth violations.
	Severity   string             `json:"severity"`
	Violations []ViolationReport  `json:"violations"`
	Unresolved []UnresolvedReport `json:"unresolved"`
	// Stale are possible references left naming a moved module.
	Stale []StaleReport `json:"staleReferences"`
	Notes []NoteReport  `json:"notes"`
}

// StaleReport is a possible reference (a dotted module path in a string
// or a non-code file) naming a Python module that moved.
type StaleReport struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`   // 1-based
	Column int    `json:"column"` // 1-based, in bytes
	Name   string `json:"name"`
	// Replacements are the names it probably means now, best first.
	Replacements []string `json:"replacements"`
}

// ViolationReport is a file deeper than the limit.
type ViolationReport struct {
	Path  string `json:"path"`
	Level int    `json:"level"`
	Max   int    `json:"max"`
}

// UnresolvedReport is an import that names no workspace file.
type UnresolvedReport struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`   // 1-based
	Column int    `json:"column"` // 1-based, in bytes
	Module string `json:"module"`
	Kind   string `json:"kind"`
}

// NoteReport is a file or directory that was skipped, and why.
type NoteReport struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Check runs the depth rule (and, with opts.Imports, import resolution).
func Check(ctx context.Context, ws *Workspace, opts CheckOptions) (CheckReport, error) {
	rep := CheckReport{SchemaVersion: 1, Root: ws.Root, Max: ws.Config.Depth.Max, Severity: ws.Config.Depth.Severity,
		Violations: []ViolationReport{}, Unresolved: []UnresolvedReport{}, Stale: []StaleReport{}, Notes: []NoteReport{}}
	in := func(p string) bool {
		s := strings.TrimSuffix(opts.Scope, "/")
		return s == "" || s == "." || p == s || strings.HasPrefix(p, s+"/")
	}
	for _, v := range ws.Violations() {
		if in(v.Path) {
			rep.Violations = append(rep.Violations, ViolationReport{Path: v.Path, Level: v.Level, Max: v.Max})
		}
	}
	for _, n := range ws.Listing.Notes {
		if in(n.Path) {
			rep.Notes = append(rep.Notes, NoteReport{Path: n.Path, Message: n.Message})
		}
	}
	if !opts.Imports {
		return rep, nil
	}
	ix, err := ws.Index(ctx, index.Options{Progress: opts.Progress, Cache: opts.Cache})
	if err != nil {
		return rep, err
	}
	for _, u := range ix.Unresolved() {
		if in(u.Path) {
			rep.Unresolved = append(rep.Unresolved, UnresolvedReport{Path: u.Path, Line: u.Pos.Line + 1, Column: u.Pos.Col + 1, Module: u.Module, Kind: string(u.Kind)})
		}
	}
	for _, st := range StaleReferences(ctx, ix) {
		if in(st.Path) {
			rep.Stale = append(rep.Stale, StaleReport{Path: st.Path, Line: st.Line, Column: st.Column, Name: st.Name, Replacements: st.Replacements})
		}
	}
	for _, p := range ix.Files() {
		if f := ix.File(p); f.Skip != "" && in(p) {
			rep.Notes = append(rep.Notes, NoteReport{Path: p, Message: "not parsed: " + string(f.Skip)})
		}
	}
	for _, pr := range ix.Problems {
		rep.Notes = append(rep.Notes, NoteReport{Path: pr.Path, Message: pr.String()})
	}
	return rep, nil
}

// Index builds the import index of the workspace.
func (w *Workspace) Index(ctx context.Context, opts index.Options) (*index.Index, error) {
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = w.Config.Workspace.MaxFileSize
	}
	return index.Build(ctx, w.FileSet(), w.Config, opts)
}
