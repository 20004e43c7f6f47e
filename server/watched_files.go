package server

// watched_files.go: workspace/didChangeWatchedFiles and the dynamic
// registration of the watchers that feed it.

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor/workspace"
)

// watchRegistrationID identifies the watcher registration.
const watchRegistrationID = "relayout/watched-files"

// watchGlobs are the patterns registered with the client. Every file counts
// for the depth rule, so "**/*" subsumes the inputs relayout reads
// (**/*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs}, **/relayout.toml,
// **/tsconfig*.json, **/jsconfig*.json, **/pyproject.toml, **/.gitignore);
// registering those as well would only duplicate events.
var watchGlobs = []string{"**/*"}

// registerWatchers asks the client to watch the workspace
// (client/registerCapability). It runs in the background: it waits for
// the client's answer.
func (s *server) registerWatchers(ctx context.Context) {
	watchers := make([]protocol.FileSystemWatcher, len(watchGlobs))
	for i, g := range watchGlobs {
		watchers[i] = protocol.FileSystemWatcher{GlobPattern: protocol.Pattern(g)} // kind omitted: create|change|delete
	}
	opts, err := protocol.Marshal(&protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchers})
	if err != nil {
		s.log.Error("marshal watcher registration", zap.Error(err))
		return
	}
	err = s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:              watchRegistrationID,
		Method:          protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: opts,
	}}})
	switch {
	case err != nil && ctx.Err() != nil:
		s.log.Debug("register file watchers: the session ended first", zap.Error(err))
	case err != nil:
		s.log.Warn("register file watchers", zap.Error(err))
	}
}

// DidChangeWatchedFiles schedules a debounced re-read of every folder whose
// listing the events may change.
func (s *server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	for _, ev := range params.Changes {
		path, err := uriToPath(ev.URI)
		if err != nil {
			continue
		}
		s.pathChanged(path, ev.Type != protocol.FileChangeTypeChanged)
	}
	return nil
}

// pathChanged marks dirty the folders containing path whose listing the
// event may change. created/deleted/renamed paths (structural) may; a
// content change only matters for configuration and ignore files.
func (s *server) pathChanged(path string, structural bool) {
	for _, f := range s.foldersContaining(path) {
		rel, _ := pathToRel(f.path, path)
		if listingMayChange(rel, structural) {
			s.log.Debug("folder dirty", zap.String("folder", f.path), zap.String("path", rel))
			f.markDirty()
		}
	}
}

// listingMayChange reports whether an event on rel (relative to a folder
// root) can change the folder's listing or configuration. Paths inside
// directories the walker always skips (node_modules, .git, ...) cannot,
// except .git/info/exclude.
func listingMayChange(rel string, structural bool) bool {
	if rel == "" || isListingInput(rel) {
		return true
	}
	segs := strings.Split(rel, "/")
	for _, dir := range segs[:len(segs)-1] {
		for _, x := range workspace.DefaultExcludes {
			if dir == x {
				return false
			}
		}
	}
	return structural
}
