package server

import "go.lsp.dev/uri"

// documentText returns an open document's text and version (tests read
// the server's copy through it).
func (s *server) documentText(u uri.URI) (string, int32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	doc, ok := s.docs[docKey(u)]
	if !ok {
		return "", 0, false
	}
	return string(doc.text), doc.version, true
}
