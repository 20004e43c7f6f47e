package workspace

import (
	"fmt"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// FileSet is a read-only view of a workspace's files, by slash-separated
// workspace-relative path. Resolvers work against it so they can answer
// both for the tree on disk and for a tree as it would be after a move.
type FileSet interface {
	// HasFile reports whether the file exists (and is not ignored).
	HasFile(rel string) bool
	// HasDir reports whether the directory exists and holds at least one
	// listed file (at any depth). "" is the root.
	HasDir(rel string) bool
	// ReadFile returns the file's content.
	ReadFile(rel string) ([]byte, error)
	// Files returns every file path, sorted.
	Files() []string
}

// DiskFiles is implemented by file sets whose files live on disk, so that
// a cache can recognise unchanged files by size and modification time.
type DiskFiles interface {
	// Root is the absolute workspace root ("" when the set is not on disk).
	Root() string
	// Stat returns the file's metadata on disk; an error when the set does
	// not read the file from disk (an overlaid or in-memory file).
	Stat(rel string) (iofs.FileInfo, error)
}

// DiskSet is a FileSet over a Listing, reading contents from disk.
type DiskSet struct {
	root  string
	files []string
	isF   map[string]bool
	isD   map[string]bool
}

// NewDiskSet returns a FileSet over the listing's files.
func NewDiskSet(l *Listing) *DiskSet {
	files := make([]string, len(l.Files))
	for i, f := range l.Files {
		files[i] = f.Path
	}
	return NewMemSetPaths(l.Root, files)
}

// NewMemSetPaths returns a DiskSet over an explicit list of paths below
// root (contents read from disk).
func NewMemSetPaths(root string, files []string) *DiskSet {
	s := &DiskSet{root: root, isF: make(map[string]bool, len(files)), isD: map[string]bool{"": true}}
	s.files = append([]string(nil), files...)
	sort.Strings(s.files)
	for _, f := range s.files {
		s.isF[f] = true
		for d := path.Dir(f); d != "." && !s.isD[d]; d = path.Dir(d) {
			s.isD[d] = true
		}
	}
	return s
}

// HasFile implements FileSet.
func (s *DiskSet) HasFile(rel string) bool { return s.isF[rel] }

// HasDir implements FileSet.
func (s *DiskSet) HasDir(rel string) bool {
	if rel == "." {
		rel = ""
	}
	return s.isD[rel]
}

// Files implements FileSet.
func (s *DiskSet) Files() []string { return s.files }

// ReadFile implements FileSet. Only regular files of at most MaxReadSize
// bytes are read (see ReadRegular).
func (s *DiskSet) ReadFile(rel string) ([]byte, error) {
	if !s.isF[rel] {
		return nil, fmt.Errorf("read %s: %w", rel, os.ErrNotExist)
	}
	return readRegular(filepath.Join(s.root, filepath.FromSlash(rel)), rel, MaxReadSize)
}

// Root implements DiskFiles.
func (s *DiskSet) Root() string { return s.root }

// Stat implements DiskFiles.
func (s *DiskSet) Stat(rel string) (iofs.FileInfo, error) {
	if !s.isF[rel] || s.root == "" {
		return nil, fmt.Errorf("stat %s: %w", rel, os.ErrNotExist)
	}
	return os.Stat(filepath.Join(s.root, filepath.FromSlash(rel)))
}

// MemSet is an in-memory FileSet (tests, and trees as they would be after
// a change set).
type MemSet struct {
	*DiskSet
	data map[string][]byte
}

// NewMemSet returns a FileSet holding exactly the given files.
func NewMemSet(files map[string][]byte) *MemSet {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	return &MemSet{DiskSet: NewMemSetPaths("", paths), data: files}
}

// ReadFile implements FileSet.
func (m *MemSet) ReadFile(rel string) ([]byte, error) {
	d, ok := m.data[rel]
	if !ok {
		return nil, fmt.Errorf("read %s: %w", rel, os.ErrNotExist)
	}
	return d, nil
}

// Root implements DiskFiles: an in-memory set is not on disk.
func (m *MemSet) Root() string { return "" }

// Stat implements DiskFiles: an in-memory set has no file on disk.
func (m *MemSet) Stat(rel string) (iofs.FileInfo, error) {
	return nil, fmt.Errorf("stat %s: in memory", rel)
}

// overlaySet is a FileSet whose listed files' contents may be replaced.
type overlaySet struct {
	FileSet
	over map[string][]byte
}

// WithOverlay returns fs with the contents of the given files replaced
// (files not in fs are ignored: an overlay never adds files).
func WithOverlay(fs FileSet, over map[string][]byte) FileSet {
	return &overlaySet{FileSet: fs, over: over}
}

// ReadFile implements FileSet.
func (o *overlaySet) ReadFile(rel string) ([]byte, error) {
	if c, ok := o.over[rel]; ok && o.HasFile(rel) {
		return c, nil
	}
	return o.FileSet.ReadFile(rel)
}

// Root implements DiskFiles.
func (o *overlaySet) Root() string {
	if d, ok := o.FileSet.(DiskFiles); ok {
		return d.Root()
	}
	return ""
}

// Stat implements DiskFiles: an overlaid file is not read from disk.
func (o *overlaySet) Stat(rel string) (iofs.FileInfo, error) {
	d, ok := o.FileSet.(DiskFiles)
	if _, over := o.over[rel]; over || !ok {
		return nil, fmt.Errorf("stat %s: not on disk", rel)
	}
	return d.Stat(rel)
}
