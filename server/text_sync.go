package server

// text_sync.go: textDocument/didOpen, didChange (incremental), didSave and
// didClose. The server keeps the text of open documents, applying changes
// with the negotiated position encoding; code actions will read it.

import (
	"context"
	"fmt"
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
)

// document is an open text document.
type document struct {
	uri     uri.URI // as the client spelled it in didOpen
	version int32
	text    []byte
}

// docKey is the key of the document u in s.docs: file URIs are compared
// as paths, so a didClose spelling the URI differently from its didOpen
// (percent-encoding, "..") still releases the document.
func docKey(u uri.URI) uri.URI {
	if p, err := uriToPath(u); err == nil {
		return pathToURI(p)
	}
	return u
}

// DidOpen records the document's text.
func (s *server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := params.TextDocument
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[docKey(td.URI)] = &document{uri: td.URI, version: td.Version, text: []byte(td.Text)}
	return nil
}

// DidChange applies the changes, in order, to the document's text.
func (s *server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	u := params.TextDocument.URI
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.docs[docKey(u)]
	if !ok {
		return fmt.Errorf("didChange %s: document is not open", u)
	}
	text, err := applyChanges(doc.text, params.ContentChanges, s.enc)
	if err != nil {
		return fmt.Errorf("didChange %s: %w", u, err)
	}
	doc.text, doc.version = text, params.TextDocument.Version
	return nil
}

// DidClose forgets the document.
func (s *server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.docs, docKey(params.TextDocument.URI))
	return nil
}

// DidSave re-reads the folder when the save may change its listing: a
// configuration or ignore file, or a file the snapshot does not list (a new
// file, for clients that do not watch files).
func (s *server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	path, err := uriToPath(params.TextDocument.URI)
	if err != nil {
		return nil // untitled: and other schemes have nothing on disk
	}
	for _, f := range s.foldersContaining(path) {
		rel, _ := pathToRel(f.path, path)
		f.notePath(rel)
		snap := f.current()
		if isListingInput(rel) || snap == nil || !snap.Listing.Has(rel) {
			f.markDirty()
		}
	}
	return nil
}

// applyChanges applies content changes in order: a partial change replaces
// its range (positions counted in enc), a whole-document change replaces
// the text.
func applyChanges(text []byte, changes []protocol.TextDocumentContentChangeEvent, enc parsers.Encoding) ([]byte, error) {
	for _, ch := range changes {
		switch c := ch.(type) {
		case *protocol.TextDocumentContentChangePartial:
			lines := parsers.NewLines(text)
			start, end := rangeToOffsets(lines, c.Range, enc)
			out := make([]byte, 0, len(text)-(end-start)+len(c.Text))
			out = append(out, text[:start]...)
			out = append(out, c.Text...)
			out = append(out, text[end:]...)
			text = out
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = []byte(c.Text)
		default:
			return nil, fmt.Errorf("unknown content change %T", ch)
		}
	}
	return text, nil
}

// isListingInput reports whether the file rel (relative to a folder root)
// decides what the walker lists or how the depth rule reads it.
func isListingInput(rel string) bool {
	base := filepath.Base(filepath.FromSlash(rel))
	return rel == config.FileName || base == ".gitignore" || rel == ".git/info/exclude"
}
