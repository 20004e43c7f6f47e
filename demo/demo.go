// Package demo owns relayout's demo workspace: the Fine-Tuning Studio of the
// seed restructuring plan in its "Current Structure", before flattening.
//
// The workspace is one txtar archive, workspace.txtar, embedded in the binary
// (kept as an archive so that this repository stays within 4 directory levels
// while the workspace reaches 7). It holds a Python backend under the source
// root src/ (declared in pyproject.toml), a Next.js-style TypeScript frontend
// with a tsconfig.json "@/*" alias, deployment configs and scripts that name
// modules by dotted path, and a unittest suite. Its modules import each other in
// every form relayout must rewrite; the archive's comment lists the commands
// that prove the workspace is sound, and demo_test.go runs them.
//
// Paths are slash-separated and relative to the workspace root. A file's level
// is the number of directories between the root and the file, so
// "src/use_cases/fine_tuning_studio/backend/api/main.py" is at level 5.
//
// Package demo imports only the standard library and txtar; it must not import
// parsers, refactor, server or cmd.
package demo

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/rogpeppe/go-internal/txtar"
)

//go:embed workspace.txtar
var workspace []byte

// parsed is the archive, parsed on first use and never modified afterwards.
var parsed = sync.OnceValue(func() *txtar.Archive { return txtar.Parse(workspace) })

// ErrNotEmpty is wrapped by the error Write returns when its target directory
// already holds files.
var ErrNotEmpty = errors.New("directory is not empty")

// Archive returns the demo workspace as a txtar archive. The embedded archive is
// parsed once; each call returns a fresh copy, so callers may modify it freely.
func Archive() *txtar.Archive {
	a := parsed()
	c := &txtar.Archive{
		Comment: append([]byte(nil), a.Comment...),
		Files:   make([]txtar.File, len(a.Files)),
	}
	for i, f := range a.Files {
		c.Files[i] = txtar.File{Name: f.Name, Data: append([]byte(nil), f.Data...)}
	}
	return c
}

// Files returns the slash-separated, workspace-relative path of every file in
// the workspace, in archive order (sorted). The slice is the caller's.
func Files() []string {
	a := parsed()
	names := make([]string, len(a.Files))
	for i, f := range a.Files {
		names[i] = f.Name
	}
	return names
}

// Write writes every file of the workspace under dir, creating dir and any
// intermediate directories. dir must not exist or be an empty directory;
// otherwise Write changes nothing and returns an error wrapping ErrNotEmpty.
// Shell scripts (*.sh) are written executable (0755), other files 0644. If
// writing fails part way, the files already written are left in place.
func Write(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Created below.
	case err != nil:
		return fmt.Errorf("write demo workspace to %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("write demo workspace to %s: %w (it has %d entries); choose a new or empty directory",
			dir, ErrNotEmpty, len(entries))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write demo workspace to %s: %w", dir, err)
	}
	for _, f := range parsed().Files {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("write demo workspace to %s: archive path %q escapes the workspace", dir, f.Name)
		}
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("write demo workspace to %s: %w", dir, err)
		}
		perm := fs.FileMode(0o644)
		if path.Ext(f.Name) == ".sh" {
			perm = 0o755
		}
		if err := os.WriteFile(target, f.Data, perm); err != nil {
			return fmt.Errorf("write demo workspace to %s: %w", dir, err)
		}
	}
	return nil
}
