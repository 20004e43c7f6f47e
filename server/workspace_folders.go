package server

// workspace_folders.go: workspace/didChangeWorkspaceFolders and the state
// kept per workspace folder. Each folder has one background worker that
// (re)opens it with refactor.Open, debounced after file events, and
// publishes the resulting diagnostics; a folder is never opened by two
// goroutines at once.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

// folder is the state of one workspace folder.
type folder struct {
	// id is unique for the session: a folder removed and added again is a
	// new folder, whose diagnostics the old one's cleanup must not touch.
	id   string
	uri  uri.URI
	name string
	// path is the absolute folder path as the client names it (not
	// symlink-resolved), so URIs built from it match the client's.
	path string
	// canon is path with symlinks resolved: the same folder spelled
	// differently (trailing slash, "..", a symlink, percent-encoding) is
	// opened once. refs counts the spellings the client added (s.mu).
	canon string
	refs  int

	ctx     context.Context // cancelled when the folder is removed or the server stops
	cancel  context.CancelFunc
	dirty   chan struct{} // capacity 1: a re-read is wanted
	removed atomic.Bool

	mu sync.Mutex
	// snapshot is the last workspace opened successfully (nil before the
	// first). Code actions list their moves from it; edits are computed on
	// a fresh walk (moves.go).
	snapshot *refactor.Workspace
	// goodConfig is the last configuration that parsed; while
	// relayout.toml is malformed the folder is walked with it.
	goodConfig *config.Config
	// cfgErr is the error of relayout.toml at the last open (nil when it
	// parsed).
	cfgErr *config.Error
	// pending are the paths file events named since the last advance
	// (live_listing.go); pendingAll asks for the folder to be re-opened.
	pending    map[string]bool
	pendingAll bool
	// advanceMu serialises advance.
	advanceMu sync.Mutex
	// shownConfigErr is the config error last shown with
	// window/showMessage, so an unchanged error is not shown again.
	shownConfigErr string
	// index is the import index of the snapshot indexOf (nil until a
	// background build finished); indexCancel stops the build in flight
	// (nil when none runs), started as generation indexGen. See
	// import_index.go.
	index   *refactor.Index
	indexOf *refactor.Workspace
	// staleOf is the index whose stale references were published last.
	staleOf     *refactor.Index
	indexCancel context.CancelFunc
	indexGen    int

	// watcher watches the folder's directories when the client cannot
	// (nil otherwise); set by the worker before the first open.
	watcher *diskWatcher

	// proposal is the generated plan of the snapshot proposalOf;
	// proposalFor is the snapshot a generation in flight is for, stopped
	// by proposalCancel (suggest.go).
	proposal       *plan.Proposal
	proposalOf     *refactor.Workspace
	proposalFor    *refactor.Workspace
	proposalCancel context.CancelFunc
}

// markDirty asks the folder's worker to re-read the folder.
func (f *folder) markDirty() {
	select {
	case f.dirty <- struct{}{}:
	default:
	}
}

// current returns the folder's snapshot (nil before the first open).
func (f *folder) current() *refactor.Workspace {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snapshot
}

// DidChangeWorkspaceFolders stops the workers of removed folders (clearing
// their diagnostics) and opens added ones.
func (s *server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, wf := range params.Event.Removed {
		key, f := s.folderByCanonLocked(wf.URI)
		if f == nil {
			continue
		}
		if f.refs--; f.refs > 0 {
			continue // still added under another spelling
		}
		delete(s.folders, key)
		f.removed.Store(true)
		f.cancel()
		s.log.Info("folder removed", zap.String("folder", f.path))
	}
	for _, wf := range params.Event.Added {
		s.addFolderLocked(wf)
	}
	return nil
}

// canonPath resolves symlinks in the clean absolute path p (p itself
// when that fails, e.g. for a folder that does not exist yet).
func canonPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// folderByCanonLocked returns the folder u names, whatever its spelling,
// and its key in s.folders (s.mu held).
func (s *server) folderByCanonLocked(u uri.URI) (uri.URI, *folder) {
	if f, ok := s.folders[u]; ok {
		return u, f
	}
	p, err := uriToPath(u)
	if err != nil {
		return "", nil
	}
	c := canonPath(p)
	for k, f := range s.folders {
		if f.canon == c {
			return k, f
		}
	}
	return "", nil
}

// refuseFolder reports why the folder at canon must not be walked: the
// file system root or the user's home directory would walk every file the
// user has (hundreds of thousands, gigabytes of memory).
func refuseFolder(canon string) string {
	if canon == filepath.Dir(canon) {
		return "it is the root of the file system"
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" && canon == canonPath(filepath.Clean(home)) {
		return "it is your home directory"
	}
	return ""
}

// addFolderLocked starts tracking wf (s.mu held) and schedules its first
// open. A folder already open under another spelling is counted, not
// opened again. Non-file folders, relative file URIs, the file system
// root and the home directory are refused with a message to the user.
func (s *server) addFolderLocked(wf protocol.WorkspaceFolder) {
	if _, f := s.folderByCanonLocked(wf.URI); f != nil {
		f.refs++
		s.log.Info("workspace folder already open", zap.String("uri", string(wf.URI)), zap.String("folder", f.path))
		return
	}
	path, err := uriToPath(wf.URI)
	if err != nil {
		s.refuseFolderLocked(wf.URI, err.Error())
		return
	}
	canon := canonPath(path)
	if why := refuseFolder(canon); why != "" {
		s.refuseFolderLocked(wf.URI, fmt.Sprintf("%s; open a project folder instead", why))
		return
	}
	name := wf.Name
	if name == "" {
		name = filepath.Base(path)
	}
	f := &folder{
		id:  fmt.Sprintf("%s#%d", wf.URI, s.folderSeq.Add(1)),
		uri: wf.URI, name: name, path: path, canon: canon, refs: 1, dirty: make(chan struct{}, 1),
	}
	f.ctx, f.cancel = context.WithCancel(s.bgCtx)
	if !s.goBackgroundLocked(func(context.Context) { s.runFolder(f) }) {
		f.cancel()
		return
	}
	s.folders[wf.URI] = f
	f.markDirty()
	s.log.Info("folder added", zap.String("folder", path))
}

// refuseFolderLocked logs and shows (in the background: s.mu is held) why
// the workspace folder u is not opened.
func (s *server) refuseFolderLocked(u uri.URI, why string) {
	s.log.Warn("workspace folder refused", zap.String("uri", string(u)), zap.String("reason", why))
	msg := fmt.Sprintf("relayout: workspace folder %s ignored: %s", u, why)
	s.goBackgroundLocked(func(ctx context.Context) { s.showMessage(ctx, protocol.MessageTypeError, msg) })
}

// foldersContaining returns the folders at or above the absolute path
// (nested folders each get it).
func (s *server) foldersContaining(path string) []*folder {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*folder
	for _, f := range s.folders {
		if _, ok := pathToRel(f.path, path); ok {
			out = append(out, f)
		}
	}
	return out
}

// folderName is the display name of a folder given only its URI.
func folderName(u uri.URI) string {
	if p, err := uriToPath(u); err == nil {
		return filepath.Base(p)
	}
	return string(u)
}

// runFolder is the folder's worker: it opens the folder right away, then
// again after every burst of file events once they have been quiet for
// the debounce delay; when the client cannot register file watchers, it
// watches the folder's directories itself (watched_files.go). When the
// folder is removed it clears the diagnostics it published.
func (s *server) runFolder(f *folder) {
	first := true
	f.watcher = s.startDiskWatcher(f)
	for {
		select {
		case <-f.ctx.Done():
			if f.removed.Load() {
				s.replaceDiagnostics(f.id, nil)
				s.replaceDiagnostics(staleID(f), nil)
			}
			return
		case <-f.dirty:
		}
		if !first && !s.settle(f) {
			continue // cancelled: the next loop turn cleans up
		}
		first = false
		s.refresh(f)
	}
}

// settle waits until no file event arrived for the debounce delay; false
// means the folder was cancelled meanwhile.
func (s *server) settle(f *folder) bool {
	t := time.NewTimer(s.debounce)
	defer t.Stop()
	for {
		select {
		case <-f.dirty:
			t.Reset(s.debounce)
		case <-t.C:
			return true
		case <-f.ctx.Done():
			return false
		}
	}
}

// openResult is the outcome of opening a folder.
type openResult struct {
	ws     *refactor.Workspace // nil when the folder could not be walked
	cfgErr *config.Error       // relayout.toml is malformed
	err    error               // anything else (unreadable root, ...)
}

// openFolder opens root with its relayout.toml; when that is malformed it
// walks with fallback (the last good configuration) if there is one.
func openFolder(ctx context.Context, root string, fallback *config.Config) openResult {
	ws, err := refactor.Open(ctx, root)
	var cerr *config.Error
	if !errors.As(err, &cerr) {
		return openResult{ws: ws, err: err}
	}
	r := openResult{cfgErr: cerr}
	if fallback != nil {
		r.ws, r.err = refactor.OpenWith(ctx, root, fallback)
	}
	return r
}

// refresh brings the folder's snapshot up to date (advance: the first time
// a walk, then only what file events and stale directories point at) and
// publishes its diagnostics: new violations, cleared ones, and the
// relayout.toml diagnostics (malformed file, plan problems); then it
// makes sure the background import index exists (ensureIndex).
func (s *server) refresh(f *folder) {
	ctx := f.ctx
	p := s.beginProgress(ctx, "relayout: opening "+f.name)
	f.mu.Lock()
	fallback := f.goodConfig
	f.mu.Unlock()

	res := s.advance(ctx, f).openResult
	if ctx.Err() != nil {
		p.End("cancelled")
		return
	}
	enc := s.encoding()
	next := map[uri.URI][]protocol.Diagnostic{}
	deep := 0
	if res.ws != nil {
		for _, v := range res.ws.Violations() {
			deep++
			u := relToURI(f.path, v.Path)
			next[u] = append(next[u], depthDiagnostic(v, res.ws.Config.Depth.Severity))
		}
	}
	cfgPath := filepath.Join(f.path, config.FileName)
	cfgURI := pathToURI(cfgPath)
	if res.cfgErr != nil {
		src, _ := workspace.ReadRegular(cfgPath, workspace.MaxConfigSize) // a missing or special file puts the diagnostic at 0:0
		next[cfgURI] = append(next[cfgURI], configDiagnostic(res.cfgErr, src, enc))
	} else if res.ws != nil && (len(res.ws.Config.Moves) > 0 || len(res.ws.Config.Merges) > 0) {
		src, _ := workspace.ReadRegular(cfgPath, workspace.MaxConfigSize)
		next[cfgURI] = append(next[cfgURI], planDiagnostics(res.ws, src, enc)...)
	}
	if ctx.Err() != nil {
		p.End("cancelled")
		return
	}
	// The snapshot is stored before the diagnostics go out: a client that
	// asks for code actions on a diagnostic must find the snapshot that
	// produced it.
	f.mu.Lock()
	var show string
	switch {
	case res.cfgErr != nil && res.cfgErr.Error() != f.shownConfigErr:
		f.shownConfigErr = res.cfgErr.Error()
		then := "depth diagnostics use the last valid configuration until it is fixed"
		if fallback == nil {
			then = "depth diagnostics are paused until it is fixed"
		}
		show = fmt.Sprintf("relayout: %s (%s)", res.cfgErr.Error(), then)
	case res.cfgErr == nil:
		f.shownConfigErr = ""
	}
	f.mu.Unlock()
	if res.ws != nil {
		// Watch the listing's directories before the client sees the
		// diagnostics: a change it makes after them is noticed.
		s.syncWatches(f, res.ws.Listing.Dirs)
	}
	s.replaceDiagnostics(f.id, next)

	if show != "" {
		s.showMessage(ctx, protocol.MessageTypeError, show)
	}
	if res.err != nil {
		s.log.Error("open workspace folder", zap.String("folder", f.path), zap.Error(res.err))
		s.showMessage(ctx, protocol.MessageTypeError, fmt.Sprintf("relayout: cannot open %s: %v", f.path, res.err))
	}
	if res.ws != nil {
		p.End(fmt.Sprintf("%s, %d too deep", count(len(res.ws.Listing.Files), "file"), deep))
		s.publishStale(f)
		s.ensureIndex(f, res.ws)
	} else {
		p.End("failed")
	}
}

// showMessage sends window/showMessage, logging a failure.
func (s *server) showMessage(ctx context.Context, typ protocol.MessageType, msg string) {
	if err := s.client.ShowMessage(ctx, &protocol.ShowMessageParams{Type: typ, Message: msg}); err != nil {
		s.log.Debug("showMessage", zap.Error(err))
	}
}
