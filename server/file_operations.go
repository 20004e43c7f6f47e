package server

// file_operations.go: workspace/didCreateFiles, didRenameFiles and
// didDeleteFiles (file operations the user made in the editor). Each
// schedules a debounced re-read of the affected folders. willRenameFiles
// (import fixing) lives in will_rename_files.go.

import (
	"context"

	"go.lsp.dev/protocol"
)

// fileOperationOptions advertises the did* file operations and
// willRename for every file and folder on disk.
func fileOperationOptions() *protocol.FileOperationOptions {
	scheme := "file"
	all := protocol.FileOperationRegistrationOptions{Filters: []protocol.FileOperationFilter{{
		Scheme:  &scheme,
		Pattern: protocol.FileOperationPattern{Glob: "**/*"}, // files and folders
	}}}
	return &protocol.FileOperationOptions{DidCreate: all, DidRename: all, DidDelete: all, WillRename: all}
}

// DidCreateFiles re-reads the folders holding the new files.
func (s *server) DidCreateFiles(ctx context.Context, params *protocol.CreateFilesParams) error {
	for _, f := range params.Files {
		s.uriChanged(f.URI)
	}
	return nil
}

// DidRenameFiles re-reads the folders holding the old and the new paths.
func (s *server) DidRenameFiles(ctx context.Context, params *protocol.RenameFilesParams) error {
	for _, f := range params.Files {
		s.uriChanged(f.OldURI)
		s.uriChanged(f.NewURI)
	}
	return nil
}

// DidDeleteFiles re-reads the folders that held the deleted files.
func (s *server) DidDeleteFiles(ctx context.Context, params *protocol.DeleteFilesParams) error {
	for _, f := range params.Files {
		s.uriChanged(f.URI)
	}
	return nil
}

// uriChanged is pathChanged for a structural change named by a URI string.
func (s *server) uriChanged(raw string) {
	u, err := stringToURI(raw)
	if err != nil {
		return
	}
	path, err := uriToPath(u)
	if err != nil {
		return
	}
	s.pathChanged(path, true)
}
