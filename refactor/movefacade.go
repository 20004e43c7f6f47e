package refactor

import (
	"context"
	"path"
	"strings"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// MoveOptions configures Move.
type MoveOptions struct {
	Force, Shim, UpdateStrings bool
	// Strings is how far possible references are rewritten (see
	// move.Strings; UpdateStrings means at least move.StringsCode).
	Strings move.Strings
	// Cache is the parse cache (nil = none).
	Cache *index.Cache
	// Progress reports parsing progress (may be nil).
	Progress func(done, total int)
	// Merges consolidate modules together with the moves.
	Merges []move.Merge
	// FileSet, when set, is the tree to compute against instead of the
	// workspace's (a dry run of a later plan phase computes against the
	// tree the earlier phases would leave).
	FileSet workspace.FileSet
	// Overlay holds contents that override the files on disk, by
	// workspace-relative path (an editor's unsaved documents). Text edits
	// in the change set address these contents.
	Overlay map[string][]byte
}

// Move computes the change set for moves without writing anything. Only
// candidate files — the moved files and files whose bytes mention a moved
// file's stem or a moved directory's name — are parsed, so a move does not
// wait for a full index.
func (w *Workspace) Move(ctx context.Context, moves []move.Move, opts MoveOptions) (*edit.ChangeSet, error) {
	fs := w.FileSet()
	if opts.FileSet != nil {
		fs = opts.FileSet
	}
	if len(opts.Overlay) > 0 {
		fs = workspace.WithOverlay(fs, opts.Overlay)
	}
	targets, err := move.Targets(fs, moves)
	if err != nil {
		return nil, err
	}
	AddMergeTargets(targets, opts.Merges)
	cands, err := Candidates(fs, moves, targets)
	if err != nil {
		return nil, err
	}
	ix, err := index.Build(ctx, fs, w.Config, index.Options{Only: cands, Cache: opts.Cache, Progress: opts.Progress, MaxFileSize: w.Config.Workspace.MaxFileSize, KeepSources: true})
	if err != nil {
		return nil, err
	}
	return move.Compute(ctx, ix, moves, move.Options{Root: w.Root, Force: opts.Force, Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Config: w.Config, Merges: opts.Merges})
}

// Candidates returns the source files that may reference a moved file: the
// moved files, files whose content mentions a moved file's stem or a moved
// directory's name, and files near moved index/__init__ files (which can
// be imported as "." or "..").
func Candidates(fs workspace.FileSet, moves []move.Move, targets map[string]string) ([]string, error) {
	near := map[string]bool{}
	for old := range targets {
		// A moved __init__/index file can be imported as "." or ".." (files
		// moved with their directory keep their neighbours).
		if move.InDirMove(moves, old) {
			continue
		}
		if stem, _, _ := strings.Cut(path.Base(old), "."); stem == "__init__" || stem == "index" {
			if dir := path.Dir(old); dir != "." {
				near[dir] = true
				if pd := path.Dir(dir); pd != "." {
					near[pd] = true
				} else {
					near[""] = true
				}
			}
		}
	}
	tokens := move.Tokens(moves, targets)
	// A tsconfig `paths` alias can name a moved file without its directory
	// or stem ("@recon/x" for src/features/legacy/reconciliation/x.ts):
	// files mentioning such an alias's prefix are candidates too.
	tokens = append(tokens, aliasPrefixes(fs, moves, targets)...)
	var out []string
	for _, f := range fs.Files() {
		if _, ok := parsers.LangOf(f); !ok {
			continue
		}
		if _, moved := targets[f]; moved || nearAny(near, f) {
			out = append(out, f)
			continue
		}
		// An unreadable file is kept: the index records why it was not
		// parsed and the move warns about it.
		if data, err := fs.ReadFile(f); err != nil || move.Mentions(data, tokens) {
			out = append(out, f)
		}
	}
	return out, nil
}

func nearAny(near map[string]bool, f string) bool {
	if near[""] {
		return true
	}
	for d := path.Dir(f); d != "."; d = path.Dir(d) {
		if near[d] {
			return true
		}
	}
	return false
}

// AddMergeTargets adds every merge source → target to targets (the old →
// new map Candidates prefilters with).
func AddMergeTargets(targets map[string]string, merges []move.Merge) {
	for _, m := range merges {
		for _, f := range m.From {
			targets[path.Clean(f)] = path.Clean(m.To)
		}
	}
}

// aliasPrefixes returns the literal prefixes of tsconfig/jsconfig `paths`
// patterns whose targets lie inside a moved file or directory.
func aliasPrefixes(fs workspace.FileSet, moves []move.Move, targets map[string]string) []string {
	hasConfig := false
	for _, f := range fs.Files() {
		if b := path.Base(f); strings.HasPrefix(b, "tsconfig") || b == "jsconfig.json" {
			hasConfig = true
			break
		}
	}
	if !hasConfig {
		return nil
	}
	var moved []string
	for _, m := range moves {
		moved = append(moved, path.Clean(m.From))
	}
	for old := range targets {
		moved = append(moved, old)
	}
	// Only aliases whose target lies inside a moved location can hide it:
	// an alias of an ancestor ("@/*" → "src/*") is followed by the path
	// below it, which holds the moved file's or directory's name.
	related := func(target, moved string) bool {
		return moved != "" && (target == moved || strings.HasPrefix(target, moved+"/"))
	}
	r, _ := tsresolve.New(fs)
	var out []string
	for _, c := range r.Configs() {
		for _, pm := range c.Paths {
			prefix, _, _ := strings.Cut(pm.Pattern, "*")
			if prefix == "" {
				continue
			}
			for _, t := range pm.Targets {
				lit, _, _ := strings.Cut(t, "*")
				lit = strings.TrimSuffix(lit, "/")
				for _, m := range moved {
					if related(lit, m) {
						out = append(out, prefix)
					}
				}
			}
		}
	}
	return out
}

// MoveOnResult is what MoveOn computed.
type MoveOnResult struct {
	// Changes is the change set; its offsets address FS.
	Changes *edit.ChangeSet
	// FS is the tree computed on, with the overlay.
	FS workspace.FileSet
	// Index is the refreshed snapshot of the tree on disk (without the
	// overlay): the next MoveOn can start from it.
	Index *index.Index
}

// MoveOn computes the change set for moves like Move, but on ix, an index
// of w's workspace built earlier (a server's live index), instead of
// parsing candidates afresh: ix is refreshed against w's listing (only
// files added, or whose size or mtime changed, are parsed again; every
// file is stat'ed), then MoveOnCurrent. Parsing goes through opts.Cache;
// opts.Progress is not used.
func (w *Workspace) MoveOn(ctx context.Context, ix *index.Index, moves []move.Move, opts MoveOptions) (*MoveOnResult, error) {
	fs := w.FileSet()
	if opts.FileSet != nil {
		fs = opts.FileSet
	}
	disk, err := ix.Refresh(ctx, fs, w.Config, index.Options{Cache: opts.Cache, MaxFileSize: w.Config.Workspace.MaxFileSize})
	if err != nil {
		return nil, err
	}
	return w.MoveOnCurrent(ctx, disk, moves, opts)
}

// MoveOnCurrent computes the change set for moves on ix, an index that is
// current for w's tree (a server's live index, kept current from file
// events) except perhaps for the content of the files the moves touch: ix
// is updated with opts.Overlay (the overlaid documents are parsed again),
// and the files the moves may edit (move.Touched) are verified against
// their current content and read once (index.Index.Verify), so the edits
// address the bytes on disk or in the overlay — the change set equals
// Move's — and the result's FS serves those bytes without reading again.
// Nothing else of the workspace is stat'ed or read. Result.Index is ix.
func (w *Workspace) MoveOnCurrent(ctx context.Context, ix *index.Index, moves []move.Move, opts MoveOptions) (*MoveOnResult, error) {
	iopts := index.Options{Cache: opts.Cache, MaxFileSize: w.Config.Workspace.MaxFileSize}
	cur := ix
	if len(opts.Overlay) > 0 {
		changed := make([]string, 0, len(opts.Overlay))
		for p := range opts.Overlay {
			changed = append(changed, p)
		}
		var err error
		if cur, err = ix.Update(ctx, index.Change{FS: workspace.WithOverlay(ix.FS, opts.Overlay), Changed: changed}, iopts); err != nil {
			return nil, err
		}
	}
	// Invalid moves are left to Compute, which reports every problem.
	if touched, err := move.Touched(cur, moves, opts.Merges); err == nil {
		if touched == nil {
			touched = cur.Files()
		}
		if cur, err = cur.Verify(ctx, touched, iopts); err != nil {
			return nil, err
		}
	}
	cs, err := move.Compute(ctx, cur, moves, move.Options{Root: w.Root, Force: opts.Force, Shim: opts.Shim, UpdateStrings: opts.UpdateStrings, Strings: opts.Strings, Config: w.Config, Merges: opts.Merges})
	if err != nil {
		return nil, err
	}
	return &MoveOnResult{Changes: cs, FS: cur.FS, Index: ix}, nil
}
