// Package refactor is relayout's engine façade: it opens a workspace
// (configuration + file listing), checks the depth rule, builds the import
// index, and computes and applies moves and plans.
//
// refactor knows nothing of LSP: it must not import server, cmd or
// go.lsp.dev. Types crossing its API are plain data: byte offsets and
// slash-separated workspace-relative paths.
package refactor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/workspace"
)

// Workspace is a snapshot of one workspace root: its configuration and the
// files found by walking it. It is immutable once opened.
type Workspace struct {
	// Root is the absolute, symlink-resolved workspace root.
	Root    string
	Config  *config.Config
	Listing *workspace.Listing

	fsOnce sync.Once
	fs     *workspace.DiskSet
}

// Open loads the configuration of the workspace at root and walks it.
// A malformed relayout.toml is a *config.Error.
func Open(ctx context.Context, root string) (*Workspace, error) {
	cfg, err := config.Load(root)
	if err != nil {
		return nil, err
	}
	return OpenWith(ctx, root, cfg)
}

// OpenWith walks root with the given configuration.
func OpenWith(ctx context.Context, root string, cfg *config.Config) (*Workspace, error) {
	l, err := workspace.Walk(ctx, root, workspace.Options{Exclude: cfg.Workspace.Exclude})
	if err != nil {
		return nil, err
	}
	return &Workspace{Root: l.Root, Config: cfg, Listing: l}, nil
}

// DepthRule returns the configured depth rule.
func (w *Workspace) DepthRule() depth.Rule {
	return DepthRule(w.Config)
}

// DepthRule returns the depth rule configured by cfg.
func DepthRule(cfg *config.Config) depth.Rule {
	return depth.Rule{Max: cfg.Depth.Max, Root: cfg.Depth.Root, Exclude: cfg.Depth.Exclude}
}

// Violations returns every file deeper than the limit, sorted by path.
func (w *Workspace) Violations() []depth.Violation {
	files := make([]string, len(w.Listing.Files))
	for i, f := range w.Listing.Files {
		files[i] = f.Path
	}
	v := w.DepthRule().Check(files)
	sort.Slice(v, func(i, j int) bool { return v[i].Path < v[j].Path })
	return v
}

// ErrNoRoot is returned by FindRoot when no marker is found.
var ErrNoRoot = errors.New("no workspace root found")

// FindRoot returns the nearest directory at or above dir that holds
// relayout.toml or .git; if there is none it returns dir itself.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find workspace root: %w", err)
	}
	for d := abs; ; {
		for _, marker := range []string{config.FileName, ".git"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, nil
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs, nil
		}
		d = parent
	}
}

// FileSet returns the workspace's files as a workspace.FileSet, the same
// one on every call (derived data cached on it lives as long as w).
func (w *Workspace) FileSet() workspace.FileSet {
	w.fsOnce.Do(func() { w.fs = workspace.NewDiskSet(w.Listing) })
	return w.fs
}

// Rescan returns the workspace after walking the directories dirs again
// (workspace.Rescan), with the same configuration; w itself when dirs is
// empty.
func (w *Workspace) Rescan(ctx context.Context, dirs []string) (*Workspace, error) {
	if len(dirs) == 0 {
		return w, nil
	}
	l, err := workspace.Rescan(ctx, w.Listing, dirs)
	if err != nil {
		return nil, err
	}
	return &Workspace{Root: w.Root, Config: w.Config, Listing: l}, nil
}
