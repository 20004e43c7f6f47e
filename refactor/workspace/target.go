package workspace

// Status says what a module reference resolves to.
type Status int

// Resolution outcomes.
const (
	// Unresolved: the reference looks workspace-internal (relative, or an
	// alias/root the workspace defines) but names no file.
	Unresolved Status = iota
	// Internal: the reference names a file of the workspace.
	Internal
	// External: third-party or standard library (or a non-relative name no
	// workspace configuration claims).
	External
)

// String returns "unresolved", "internal" or "external".
func (s Status) String() string {
	switch s {
	case Internal:
		return "internal"
	case External:
		return "external"
	}
	return "unresolved"
}

// Target is the result of resolving one module reference.
type Target struct {
	Status Status
	// Path is the workspace-relative file the reference resolves to, when
	// Status is Internal: a module file, a package's __init__.py(i), a TS
	// file or directory index file. For a Python namespace package it is
	// the directory and Dir is true.
	Path string
	// Dir marks a reference to a directory with no index/__init__ file
	// (Python namespace package).
	Dir bool
}
