package index

import (
	"context"
	"crypto/sha256"
	"fmt"
	iofs "io/fs"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/workspace"
)

// Change is what happened to a workspace since a snapshot was built.
type Change struct {
	// FS is the workspace as it is now, overlays (unsaved documents)
	// applied; nil keeps the snapshot's.
	FS workspace.FileSet
	// Config is the configuration now; nil keeps the snapshot's.
	Config *config.Config
	// Changed lists files whose content may differ, or that were added;
	// Removed lists files that no longer exist. Workspace-relative,
	// slash-separated. Files FS no longer lists count as removed.
	Changed, Removed []string
}

// Update returns the snapshot after ch, leaving ix untouched: only the
// changed source files are parsed again (through opts.Cache when set).
// When only source contents changed, only those files are resolved again;
// when files were added or removed, a non-source file (a tsconfig, a
// package.json, a pyproject.toml…) or the configuration changed, every
// reference is resolved again, still without parsing. A snapshot built
// with Options.Only updates only the files it holds.
func (ix *Index) Update(ctx context.Context, ch Change, opts Options) (*Index, error) {
	next := &Index{FS: ix.FS, Python: ix.Python, TS: ix.TS, Problems: ix.Problems, cfg: ix.cfg, partial: ix.partial,
		files: maps.Clone(ix.files), importers: ix.importers}
	if ch.FS != nil {
		next.FS = ch.FS
	}
	relink := false
	if ch.Config != nil && !reflect.DeepEqual(ch.Config, ix.cfg) {
		next.cfg, relink = ch.Config, true
	}
	for _, p := range ch.Removed {
		if _, ok := next.files[p]; ok || !isSource(p) {
			relink = true
		}
		delete(next.files, p)
	}
	changed := ch.Changed
	if ch.FS != nil && !slices.Equal(ch.FS.Files(), ix.FS.Files()) {
		relink = true // files added or removed, maybe configuration files
		for p := range next.files {
			if !next.FS.HasFile(p) {
				delete(next.files, p)
			}
		}
		if !next.partial {
			for _, p := range next.FS.Files() {
				if next.files[p] == nil && isSource(p) {
					changed = append(changed, p) // added
				}
			}
		}
	}
	var todo []string
	for _, p := range slices.Compact(slices.Sorted(slices.Values(changed))) {
		switch {
		case !isSource(p):
			relink = true // a configuration file: resolution may change anywhere
		case !next.FS.HasFile(p):
			if _, ok := next.files[p]; ok {
				delete(next.files, p)
				relink = true
			}
		case next.partial && next.files[p] == nil:
			// not part of a candidate-only snapshot
		default:
			if next.files[p] == nil {
				relink = true // a new file can change what other imports resolve to
			}
			todo = append(todo, p)
		}
	}
	opts.Only = todo
	parsed, err := parseAll(ctx, next.FS, todo, opts, false)
	if err != nil {
		return nil, fmt.Errorf("update the index: %w", err)
	}
	if relink {
		next.newResolvers()
		for p, f := range next.files {
			next.files[p] = f.clone()
		}
		for _, f := range parsed {
			next.files[f.Path] = f
		}
		next.link()
		return next, nil
	}
	next.importers = maps.Clone(ix.importers)
	for _, f := range parsed {
		if old := ix.files[f.Path]; old != nil {
			for _, t := range targetsOf(unpackImports(old.packed)) {
				next.importers[t] = slices.DeleteFunc(slices.Clone(next.importers[t]), func(s string) bool { return s == f.Path })
				if len(next.importers[t]) == 0 {
					delete(next.importers, t)
				}
			}
		}
		next.files[f.Path] = f
		for _, t := range next.seal(f) {
			list := slices.Clone(next.importers[t])
			i, _ := slices.BinarySearch(list, f.Path)
			next.importers[t] = slices.Insert(list, i, f.Path)
		}
	}
	return next, nil
}

// Verify returns a snapshot in which the given indexed files hold the
// content they have now: each is read once and hashed, and those that
// changed since they were parsed are parsed again (Update). The returned
// snapshot keeps the bytes read (Source serves them, and its FS reads
// them from memory), so a change set computed on it edits exactly those
// bytes and converting it reads no file again; it is meant for one
// computation, not to be kept. Call it on the files a change set will edit
// before computing it.
func (ix *Index) Verify(ctx context.Context, files []string, opts Options) (*Index, error) {
	var changed, removed []string
	read := make(map[string][]byte, len(files))
	for _, p := range files {
		f := ix.files[p]
		if f == nil {
			continue
		}
		if f.src != nil {
			read[p] = f.src
			continue
		}
		src, err := ix.FS.ReadFile(p)
		switch {
		case err != nil:
			removed = append(removed, p)
			continue
		case sha256.Sum256(src) != f.Hash:
			changed = append(changed, p)
		}
		read[p] = src
	}
	fs := workspace.WithOverlay(ix.FS, read)
	var next *Index
	if len(changed) == 0 && len(removed) == 0 {
		c := *ix
		next = &c
		next.files = maps.Clone(ix.files)
		next.FS = fs
	} else {
		var err error
		if next, err = ix.Update(ctx, Change{FS: fs, Changed: changed, Removed: removed}, opts); err != nil {
			return nil, err
		}
	}
	for p, src := range read {
		if f := next.files[p]; f != nil && f.src == nil {
			c := f.clone()
			c.src = src
			next.files[p] = c
		}
	}
	return next, nil
}

// Refresh returns the snapshot of the workspace fs holds now, with
// configuration cfg, when what changed since ix is not known (a re-read of
// the folder): files added or removed are found from fs's listing; the
// others are changed when their size or mtime on disk differs from when
// they were parsed (or, for a file not on disk or with a recent mtime,
// when their content hash does). Then Update. A file found unchanged by
// its hash whose mtime is now old enough is trusted on size and mtime by
// the next Refresh.
func (ix *Index) Refresh(ctx context.Context, fs workspace.FileSet, cfg *config.Config, opts Options) (*Index, error) {
	disk, _ := fs.(workspace.DiskFiles)
	var changed []string
	type stamp struct{ size, mtime int64 }
	settled := map[string]stamp{} // unchanged files now old enough to trust on their stat
	for p, f := range ix.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !fs.HasFile(p) {
			continue // removed: Update sees it in the listing
		}
		var info iofs.FileInfo
		if disk != nil {
			info, _ = disk.Stat(p)
		}
		if info != nil && f.mtime != 0 && info.Size() == f.size && info.ModTime().UnixNano() == f.mtime {
			continue
		}
		if src, err := fs.ReadFile(p); err == nil && sha256.Sum256(src) == f.Hash {
			// Stat before reading: a later change shows as an mtime mismatch.
			if info != nil && info.Size() == int64(len(src)) && time.Since(info.ModTime()) > racyWindow {
				settled[p] = stamp{info.Size(), info.ModTime().UnixNano()}
			}
			continue
		}
		changed = append(changed, p)
	}
	next, err := ix.Update(ctx, Change{FS: fs, Config: cfg, Changed: changed}, opts)
	if err != nil {
		return nil, err
	}
	for p, st := range settled {
		if f := next.files[p]; f != nil {
			c := f.clone()
			c.size, c.mtime = st.size, st.mtime
			next.files[p] = c
		}
	}
	return next, nil
}

// clone returns a copy of f whose imports can be resolved and packed again
// without touching f (packed bytes are never modified, only replaced).
func (f *File) clone() *File {
	c := *f
	return &c
}

// isSource reports whether relayout parses the file.
func isSource(p string) bool {
	_, ok := parsers.LangOf(p)
	return ok
}
