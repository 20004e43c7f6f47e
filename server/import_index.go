package server

// import_index.go: the background import index of each workspace folder.
// Once a folder's depth diagnostics are published, its whole import index
// is built (index.Build, parsing in parallel through the on-disk parse
// cache) under a $/progress of its own, and kept in the folder state; a
// re-read of the folder derives the next snapshot from the last one
// (index.Refresh: only files whose size, mtime or content changed are
// parsed again). A re-read, the folder's removal and shutdown cancel the
// build in flight. Moves compute on it (live_move.go), falling back to a
// candidate-only index of their own until it is ready; relayout/status
// reports it.

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
)

// indexTitle is the title of the indexing progress of a folder.
func indexTitle(name string) string { return "relayout: indexing imports in " + name }

// startIndex builds the import index of the snapshot ws of f in the
// background, cancelling the build in flight if any. A build runs once per
// folder (and again when the file-size limit changes); advance keeps the
// index current afterwards (live_listing.go).
func (s *server) startIndex(f *folder, ws *refactor.Workspace) {
	ctx, cancel := context.WithCancel(f.ctx)
	f.mu.Lock()
	if f.indexCancel != nil {
		f.indexCancel()
	}
	f.indexCancel = cancel
	f.indexGen++
	gen := f.indexGen
	f.mu.Unlock()
	if !s.goBackground(func(context.Context) { s.buildIndex(ctx, f, ws, gen) }) {
		f.mu.Lock()
		f.indexDoneLocked(gen)
		f.mu.Unlock()
	}
}

// ensureIndex starts the background build of the import index of ws
// unless f has an index of the same file-size limit (advance keeps it
// current) or a build is in flight.
func (s *server) ensureIndex(f *folder, ws *refactor.Workspace) {
	f.mu.Lock()
	have := f.index != nil && f.indexOf.Config.Workspace.MaxFileSize == ws.Config.Workspace.MaxFileSize
	building := f.indexCancel != nil
	f.mu.Unlock()
	if !have && !building {
		s.startIndex(f, ws)
	}
}

// indexDoneLocked releases the build started as generation gen, unless a
// newer one replaced it (f.mu held).
func (f *folder) indexDoneLocked(gen int) {
	if f.indexGen == gen && f.indexCancel != nil {
		f.indexCancel()
		f.indexCancel = nil
	}
}

// stopIndex cancels the folder's index build in flight, if any.
func (f *folder) stopIndex() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.indexCancel != nil {
		f.indexCancel()
		f.indexCancel = nil
	}
}

// buildIndex builds and stores the import index of ws (build generation
// gen), reporting progress. The folder state is settled before the
// progress ends, so a client seeing the end sees the index.
func (s *server) buildIndex(ctx context.Context, f *folder, ws *refactor.Workspace, gen int) {
	p := s.beginProgress(ctx, indexTitle(f.name))
	opts := refactor.IndexOptions{
		Progress:    p.Report,
		Cache:       s.parseCache(),
		MaxFileSize: ws.Config.Workspace.MaxFileSize,
	}
	f.mu.Lock()
	prev, prevOf := f.index, f.indexOf
	f.mu.Unlock()
	var ix *refactor.Index
	var err error
	if prev != nil && prevOf.Config.Workspace.MaxFileSize == ws.Config.Workspace.MaxFileSize {
		ix, err = prev.Refresh(ctx, ws.FileSet(), ws.Config, opts)
	} else {
		ix, err = ws.Index(ctx, opts)
	}
	f.mu.Lock()
	snap := f.snapshot
	f.mu.Unlock()
	if err == nil && snap != ws && snap != nil && ctx.Err() == nil && snap.Config.Workspace.MaxFileSize == ws.Config.Workspace.MaxFileSize {
		// The folder moved on while the index was built: catch up.
		if next, rerr := ix.Refresh(ctx, snap.FileSet(), snap.Config, opts); rerr == nil {
			ix, ws = next, snap
		}
	}
	cancelled := ctx.Err() != nil
	f.mu.Lock()
	if err == nil && !cancelled {
		f.index, f.indexOf = ix, ws
	}
	f.indexDoneLocked(gen)
	f.mu.Unlock()
	switch {
	case cancelled:
		p.End("cancelled")
	case err != nil:
		s.log.Warn("import index", zap.String("folder", f.path), zap.Error(err))
		p.End("failed: " + err.Error())
	default:
		s.log.Debug("import index built", zap.String("folder", f.path), zap.Int("files", len(ix.Files())))
		s.publishStale(f)
		p.End(fmt.Sprintf("%d source files indexed", len(ix.Files())))
	}
}

// publishStale publishes the stale references of f's live index unless
// they were published for it already.
func (s *server) publishStale(f *folder) {
	f.mu.Lock()
	ix := f.index
	done := ix == nil || f.staleOf == ix
	f.staleOf = ix
	f.mu.Unlock()
	if !done {
		s.replaceDiagnostics(staleID(f), staleDiagnostics(f.ctx, f.path, ix, s.encoding()))
	}
}
