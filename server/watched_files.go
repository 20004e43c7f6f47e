package server

// watched_files.go: workspace/didChangeWatchedFiles and the dynamic
// registration of the watchers that feed it; for clients that cannot
// register watchers, the server watches the folders itself (diskWatcher).

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
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

// pathChanged records path in the folders containing it (for their next
// advance, live_listing.go) and marks dirty those whose listing the event
// may change. created/deleted/renamed paths (structural) may; a
// content change only matters for configuration and ignore files.
func (s *server) pathChanged(path string, structural bool) {
	for _, f := range s.foldersContaining(path) {
		rel, _ := pathToRel(f.path, path)
		if listingMayChange(rel, true) {
			f.notePath(rel)
		}
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

// maxWatchedDirs bounds the directories the server watches itself per
// folder (each is an inotify watch on Linux, where the default per-user
// limit can be as low as 8192).
const maxWatchedDirs = 4096

// diskWatcher watches a folder's directories for clients that do not offer
// dynamic registration of workspace/didChangeWatchedFiles (Neovim before
// 0.10, whose users also move files in a shell or with git): the events
// feed pathChanged like the client's would, and the folder's debounce
// applies. It watches the root and the directories of the folder's last
// listing (which honours the walker's excludes), at most maxWatchedDirs.
type diskWatcher struct {
	w       *fsnotify.Watcher
	mu      sync.Mutex
	watched map[string]bool // absolute paths, spelled as the folder's path
	capped  bool            // the limit was hit (reported once)
}

// startDiskWatcher starts watching f when the client cannot register
// watchers; it returns nil otherwise or when no watcher can be created.
func (s *server) startDiskWatcher(f *folder) *diskWatcher {
	if s.clientCapabilities().watchDynamic {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		s.log.Warn("cannot watch the folder for changes made outside the editor", zap.String("folder", f.path), zap.Error(err))
		return nil
	}
	dw := &diskWatcher{w: w, watched: map[string]bool{}}
	go func() {
		defer w.Close()
		for {
			select {
			case <-f.ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				structural := ev.Has(fsnotify.Create) || ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)
				if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
					dw.forget(ev.Name)
				}
				s.pathChanged(filepath.Clean(ev.Name), structural)
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Debug("file watcher", zap.String("folder", f.path), zap.Error(err))
			}
		}
	}()
	s.log.Info("watching the folder for changes made outside the editor", zap.String("folder", f.path))
	return dw
}

// syncWatches watches the directories dirs of f's new listing, if the
// server watches f itself, and tells the user once when the limit is hit.
func (s *server) syncWatches(f *folder, dirs []string) {
	if f.watcher == nil {
		return
	}
	if msg := f.watcher.sync(f.path, dirs); msg != "" {
		s.log.Warn("file watch limit reached", zap.String("folder", f.path), zap.Int("limit", maxWatchedDirs))
		s.showMessage(f.ctx, protocol.MessageTypeWarning, msg)
	}
}

// forget drops the watch of a removed or renamed directory (the kernel has
// dropped it already).
func (dw *diskWatcher) forget(p string) {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	delete(dw.watched, filepath.Clean(p))
}

// sync watches the root and every directory of dirs (relative to root)
// not watched yet, up to maxWatchedDirs. It returns a message for the user
// the first time the limit stops it.
func (dw *diskWatcher) sync(root string, dirs []string) string {
	dw.mu.Lock()
	defer dw.mu.Unlock()
	all := append([]string{""}, dirs...)
	for _, d := range all {
		p := filepath.Join(root, filepath.FromSlash(d))
		if dw.watched[p] {
			continue
		}
		if len(dw.watched) >= maxWatchedDirs {
			if dw.capped {
				return ""
			}
			dw.capped = true
			return fmt.Sprintf("relayout: %s has %d folders; only %d are watched for changes made outside the editor "+
				"(the others are noticed when a file is saved)", root, len(all), maxWatchedDirs)
		}
		if err := dw.w.Add(p); err != nil {
			continue // gone meanwhile, or not a directory any more
		}
		dw.watched[p] = true
	}
	return ""
}
