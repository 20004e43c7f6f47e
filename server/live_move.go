package server

// live_move.go: moves computed on the folder's live import index
// (import_index.go, kept current by advance in live_listing.go) instead of
// a candidate parse: the index is updated with the open documents' text,
// and the files the moves may edit are verified against their current
// content and read once (refactor.Workspace.MoveOnCurrent), so a warm
// move costs in proportion to the files it touches.

import (
	"context"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/workspace"
)

// moveOnIndex computes moves on ws (f's snapshot, just advanced;
// opts.Overlay holding the open documents' text) from f's live index:
// directly when the index is current for ws (MoveOnCurrent), after a
// refresh against ws's listing when it lags behind (MoveOn; the refreshed
// snapshot becomes the folder's index), or with ws.Move when no index of
// the same file-size limit is ready yet. It returns the change set and
// the tree its offsets address.
func (s *server) moveOnIndex(ctx context.Context, f *folder, ws *refactor.Workspace, moves []refactor.Move, opts refactor.MoveOptions) (*edit.ChangeSet, workspace.FileSet, error) {
	f.mu.Lock()
	ix, of := f.index, f.indexOf
	f.mu.Unlock()
	if ix == nil || of == nil || of.Config.Workspace.MaxFileSize != ws.Config.Workspace.MaxFileSize {
		cs, err := ws.Move(ctx, moves, opts)
		return cs, workspace.WithOverlay(ws.FileSet(), opts.Overlay), err
	}
	if of == ws {
		res, err := ws.MoveOnCurrent(ctx, ix, moves, opts)
		if err != nil {
			return nil, nil, err
		}
		return res.Changes, res.FS, nil
	}
	res, err := ws.MoveOn(ctx, ix, moves, opts)
	if err != nil {
		return nil, nil, err
	}
	f.mu.Lock()
	if f.index == ix { // no build replaced it meanwhile
		f.index, f.indexOf = res.Index, ws
	}
	f.mu.Unlock()
	return res.Changes, res.FS, nil
}
