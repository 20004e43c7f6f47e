package server

// status.go: relayout/status, a debug request (not part of LSP) that
// reports what the server holds per workspace folder. It is cheap: counts
// only, no work is started.

import (
	"context"
	"sort"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// methodStatus is the relayout-specific status request.
const methodStatus = "relayout/status"

// statusResult is the answer of relayout/status.
type statusResult struct {
	Folders []folderStatus `json:"folders"`
}

// folderStatus describes one workspace folder.
type folderStatus struct {
	URI  uri.URI `json:"uri"`
	Name string  `json:"name"`
	// Opened reports whether the folder has a snapshot yet.
	Opened bool `json:"opened"`
	// Files is the number of files listed; TooDeep of those deeper than
	// the limit.
	Files   int `json:"files"`
	TooDeep int `json:"tooDeep"`
	// Indexed reports whether the import index of the current snapshot is
	// built; IndexedFiles counts its source files (of the latest index
	// built, possibly of an older snapshot); Indexing whether a build runs.
	Indexed      bool `json:"indexed"`
	Indexing     bool `json:"indexing"`
	IndexedFiles int  `json:"indexedFiles"`
	// Suggested reports whether the plan of the current snapshot is
	// generated (too-deep quick fixes come from it); Suggesting whether a
	// generation runs (suggest.go).
	Suggested  bool `json:"suggested"`
	Suggesting bool `json:"suggesting"`
}

// status answers relayout/status.
func (s *server) status(context.Context, protocol.LSPAny) (any, error) {
	s.mu.Lock()
	folders := make([]*folder, 0, len(s.folders))
	for _, f := range s.folders {
		folders = append(folders, f)
	}
	s.mu.Unlock()
	sort.Slice(folders, func(i, j int) bool { return folders[i].path < folders[j].path })
	res := statusResult{Folders: []folderStatus{}}
	for _, f := range folders {
		f.mu.Lock()
		st := folderStatus{URI: f.uri, Name: f.name, Opened: f.snapshot != nil, Indexing: f.indexCancel != nil}
		if f.snapshot != nil {
			st.Files = len(f.snapshot.Listing.Files)
			st.TooDeep = len(f.snapshot.Violations())
			st.Indexed = f.index != nil && f.indexOf == f.snapshot
			st.Suggested = f.proposal != nil && f.proposalOf == f.snapshot
		}
		st.Suggesting = f.proposalFor != nil
		if f.index != nil {
			st.IndexedFiles = len(f.index.Files())
		}
		f.mu.Unlock()
		res.Folders = append(res.Folders, st)
	}
	return res, nil
}
