package server

// live_listing.go: the folder's listing and live import index kept current
// without walking the folder per request. File events (watched files, the
// did* file operations, saves, the server's own disk watcher) record the
// paths they name; advance then walks again only the directories those
// paths and Listing.Stale (one stat per directory: entries created,
// removed or renamed without any event, an ignore file edited) point at,
// and updates the live index with the files that changed (index.Update),
// so a warm request costs in proportion to what changed. A change to
// relayout.toml, .git/info/exclude or the root's entries re-opens the
// folder. Contents changed in place without an event are caught where
// they matter: the files a move edits are verified before it is computed
// (refactor.Workspace.MoveOnCurrent).

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
)

// notePath records that the file or directory rel (relative to f) may
// have changed, for the next advance.
func (f *folder) notePath(rel string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rel == "" || rel == config.FileName || rel == ".git/info/exclude" || rel == ".git/info" || rel == ".git" {
		f.pendingAll = true
		return
	}
	if f.pending == nil {
		f.pending = map[string]bool{}
	}
	f.pending[rel] = true
}

// advanced is what advance found.
type advanced struct {
	openResult
	// moved says the snapshot changed (its diagnostics are not published
	// yet unless the worker advanced it).
	moved bool
}

// advance brings f's snapshot up to date with the disk and returns it:
// the directories named by the recorded paths or found stale are walked
// again (the whole folder when there is no snapshot yet, or relayout.toml,
// .git/info/exclude or the root changed), and the live index follows
// (advanceIndex). Concurrent calls are serialised.
func (s *server) advance(ctx context.Context, f *folder) advanced {
	f.advanceMu.Lock()
	defer f.advanceMu.Unlock()
	f.mu.Lock()
	base, pend, all, fallback, cfgErr := f.snapshot, f.pending, f.pendingAll, f.goodConfig, f.cfgErr
	f.pending, f.pendingAll = nil, false
	f.mu.Unlock()
	requeue := func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.pendingAll = f.pendingAll || all
		for p := range pend {
			if f.pending == nil {
				f.pending = map[string]bool{}
			}
			f.pending[p] = true
		}
	}

	full := base == nil || all || configMoved(base)
	var dirs, changed []string
	if !full {
		dirs = base.Listing.Stale()
		for p := range pend {
			if d, ok := rescanFor(base, p); ok {
				dirs = append(dirs, d)
			} else {
				changed = append(changed, p)
			}
		}
		full = slices.Contains(dirs, "")
	}
	var ws *refactor.Workspace
	if full {
		res := openFolder(ctx, f.path, fallback)
		if res.ws == nil || ctx.Err() != nil {
			requeue()
			return advanced{openResult: res}
		}
		ws, cfgErr = res.ws, res.cfgErr
		for p := range pend {
			changed = append(changed, p)
		}
	} else {
		var err error
		if ws, err = base.Rescan(ctx, dirs); err != nil {
			requeue()
			return advanced{openResult: openResult{err: err}}
		}
		if ws != base {
			changed = append(changed, restamped(base, ws)...)
		}
	}
	if base != nil && ws != base && sameTree(base, ws) {
		ws = base // nothing changed: the snapshot (and what hangs on it) stays
	}
	s.advanceIndex(ctx, f, base, ws, changed, full)
	f.mu.Lock()
	f.snapshot, f.cfgErr = ws, cfgErr
	if cfgErr == nil {
		f.goodConfig = ws.Config
	}
	f.mu.Unlock()
	if ws != base && base != nil {
		s.log.Debug("folder advanced", zap.String("folder", f.path), zap.Strings("rescanned", dirs), zap.Bool("reopened", full))
	}
	return advanced{openResult: openResult{ws: ws, cfgErr: cfgErr}, moved: ws != base}
}

// advanceIndex moves f's live index from the snapshot base to ws:
// index.Update with the changed files when the index was current for base
// and the folder was not re-opened; index.Refresh (a stat of every indexed
// file) when it lagged behind; nothing when there is no index yet or its
// file-size limit changed (the worker builds one).
func (s *server) advanceIndex(ctx context.Context, f *folder, base, ws *refactor.Workspace, changed []string, full bool) {
	f.mu.Lock()
	ix, of := f.index, f.indexOf
	f.mu.Unlock()
	if ix == nil || of == nil || of == ws || of.Config.Workspace.MaxFileSize != ws.Config.Workspace.MaxFileSize {
		return
	}
	opts := refactor.IndexOptions{Cache: s.parseCache(), MaxFileSize: ws.Config.Workspace.MaxFileSize}
	var next *refactor.Index
	var err error
	switch {
	case of == base && !full:
		var ch []string
		for _, p := range changed {
			if _, src := parsers.LangOf(p); ws.Listing.Has(p) && (src || resolutionInput(p)) {
				ch = append(ch, p)
			}
		}
		if ws == base && len(ch) == 0 {
			return
		}
		next, err = ix.Update(ctx, refactor.IndexChange{FS: ws.FileSet(), Config: ws.Config, Changed: ch}, opts)
	default:
		next, err = ix.Refresh(ctx, ws.FileSet(), ws.Config, opts)
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("update the import index", zap.String("folder", f.path), zap.Error(err))
		}
		return
	}
	f.mu.Lock()
	if f.index == ix {
		f.index, f.indexOf = next, ws
	}
	f.mu.Unlock()
}

// configMoved reports whether relayout.toml differs on disk from the
// snapshot's listing (size or modification time).
func configMoved(ws *refactor.Workspace) bool {
	st, err := os.Stat(filepath.Join(ws.Root, config.FileName))
	fs := ws.Listing.Files
	i := sort.Search(len(fs), func(i int) bool { return fs[i].Path >= config.FileName })
	listed := i < len(fs) && fs[i].Path == config.FileName
	if err != nil || !listed {
		return listed != (err == nil)
	}
	return fs[i].Size != st.Size() || fs[i].ModTime != st.ModTime().UnixNano()
}

// rescanFor returns the directory to walk again for a recorded path p: its
// nearest ancestor the listing holds, unless p is a listed file still on
// disk (a content change: false). A .gitignore rescans its directory.
func rescanFor(ws *refactor.Workspace, p string) (string, bool) {
	full := filepath.Join(ws.Root, filepath.FromSlash(p))
	if path.Base(p) != ".gitignore" && ws.Listing.Has(p) {
		if st, err := os.Stat(full); err == nil && st.Mode().IsRegular() {
			return "", false
		}
	}
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if _, ok := ws.Listing.DirTimes[d]; ok {
			return d, true
		}
	}
	return "", true
}

// restamped returns the files both listings hold whose size or
// modification time differ (changed in place, found by a walk).
func restamped(a, b *refactor.Workspace) []string {
	var out []string
	x, y := a.Listing.Files, b.Listing.Files
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch {
		case x[i].Path < y[j].Path:
			i++
		case x[i].Path > y[j].Path:
			j++
		default:
			if x[i].Size != y[j].Size || x[i].ModTime != y[j].ModTime {
				out = append(out, y[j].Path)
			}
			i++
			j++
		}
	}
	return out
}

// resolutionInput reports whether the non-source file rel changes how
// imports resolve (a tsconfig/jsconfig, a package.json, Python's project
// configuration).
func resolutionInput(rel string) bool {
	b := path.Base(rel)
	return b == "package.json" || b == "pyproject.toml" || b == "setup.cfg" ||
		(strings.HasPrefix(b, "tsconfig") || strings.HasPrefix(b, "jsconfig")) && strings.HasSuffix(b, ".json")
}

// sameTree reports whether b is a with nothing changed: the same listing
// (workspace.Listing.Equal: files, directories, the times Stale trusts,
// ignore files) and configuration. A re-walk of a folder whose
// directories were too recent to trust finds the same tree until they
// settle; only then is the new snapshot worth taking.
func sameTree(a, b *refactor.Workspace) bool {
	return a.Listing.Equal(b.Listing) && reflect.DeepEqual(a.Config, b.Config)
}
