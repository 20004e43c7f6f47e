package server

// echoes.go: telling VS Code's echo of the server's own renames from a
// rename the user makes. VS Code sends workspace/willRenameFiles for the
// renames of every workspace edit it applies, the server's included;
// answering those with import fixes would rewrite the imports a second
// time. A rename counts as an echo only when the client is applying an
// edit of the server's:
//   - during a workspace/applyEdit request the server sent (its renames are
//     "in flight" until the client answers, applied or not);
//   - for a resolved code action, when the files that edit changes already
//     hold the text it gives them (the client applies a code action's text
//     edits, addressed to the old URIs, before its renames). A resolved
//     action the user never applies leaves no trace: a later rename of the
//     same file by hand is answered with import fixes.

import (
	"crypto/sha256"
	"os"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// echoTTL bounds how long a resolved code action's edit is watched for.
const echoTTL = 2 * time.Minute

// renameKey is a rename as {old path, new path}, absolute.
type renameKey [2]string

// offeredEdit is the edit of a resolved code action: its renames, and the
// content (by absolute path, old and new spelling) the edit leaves in the
// files it writes.
type offeredEdit struct {
	renames map[renameKey]bool
	expect  map[string][sha256.Size]byte
	alt     map[string]string // old path ⇄ new path of each expected file
	expiry  time.Time
	// seen is set once a rename of the edit was recognised: the client is
	// applying it, and its later renames (a swap's parked file, a file
	// whose text is already at its new place) are echoes too.
	seen bool
}

// echoes holds the server's edits whose renames the client may echo.
type echoes struct {
	mu       sync.Mutex
	inflight map[renameKey]int // renames of applyEdit requests awaiting the answer
	offered  []*offeredEdit
}

// renameKeys returns the renames among changes.
func renameKeys(changes []protocol.DocumentChange) []renameKey {
	var out []renameKey
	for _, c := range changes {
		r, ok := c.(*protocol.RenameFile)
		if !ok {
			continue
		}
		from, err1 := uriToPath(r.OldURI)
		to, err2 := uriToPath(r.NewURI)
		if err1 == nil && err2 == nil {
			out = append(out, renameKey{from, to})
		}
	}
	return out
}

// sending marks the renames among changes as in flight while the client
// applies them (workspace/applyEdit); the returned function, called once
// the client answered, forgets them.
func (e *echoes) sending(changes []protocol.DocumentChange) (done func()) {
	keys := renameKeys(changes)
	e.mu.Lock()
	if e.inflight == nil {
		e.inflight = map[renameKey]int{}
	}
	for _, k := range keys {
		e.inflight[k]++
	}
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, k := range keys {
			if e.inflight[k]--; e.inflight[k] <= 0 {
				delete(e.inflight, k)
			}
		}
	}
}

// offer records the edit of a resolved code action: changes, and
// contents, the text each file holds once it is applied, by absolute path
// before the edit, with its path after (alt).
func (e *echoes) offer(changes []protocol.DocumentChange, contents map[string][]byte, alt map[string]string, expiry time.Time) {
	o := &offeredEdit{renames: map[renameKey]bool{}, expect: map[string][sha256.Size]byte{}, alt: alt, expiry: expiry}
	for _, k := range renameKeys(changes) {
		o.renames[k] = true
	}
	if len(o.renames) == 0 {
		return
	}
	for p, c := range contents {
		o.expect[p] = sha256.Sum256(c)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	kept := e.offered[:0]
	for _, x := range e.offered {
		if now.Before(x.expiry) && len(x.renames) > 0 {
			kept = append(kept, x)
		}
	}
	e.offered = append(kept, o)
}

// take reports whether the rename from → to (absolute paths) is an echo
// of an edit the client is applying; read returns a file's current text
// (the editor's buffer when open, else the disk). An offered edit's rename
// is an echo once seen, and forgotten.
func (e *echoes) take(from, to string, read func(p string) ([]byte, bool)) bool {
	k := renameKey{from, to}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inflight[k] > 0 {
		return true
	}
	now := time.Now()
	for i := len(e.offered) - 1; i >= 0; i-- {
		o := e.offered[i]
		if !o.renames[k] || now.After(o.expiry) || !o.seen && !o.applied(read) {
			continue
		}
		o.seen = true
		delete(o.renames, k)
		return true
	}
	return false
}

// applied reports whether every file the edit writes holds the text it
// gives it, at its old or its new path.
func (o *offeredEdit) applied(read func(p string) ([]byte, bool)) bool {
	for p, want := range o.expect {
		ok := false
		for _, q := range []string{p, o.alt[p]} {
			if q == "" {
				continue
			}
			if c, found := read(q); found && sha256.Sum256(c) == want {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// currentText returns the text of the file at the absolute path p: the
// open document's when the editor has it open, else the file on disk.
func (s *server) currentText(p string) ([]byte, bool) {
	u := uri.File(p)
	s.mu.Lock()
	for du, d := range s.docs {
		if du == u {
			t := d.text
			s.mu.Unlock()
			return t, true
		}
		if dp, err := uriToPath(du); err == nil && dp == p {
			t := d.text
			s.mu.Unlock()
			return t, true
		}
	}
	s.mu.Unlock()
	data, err := os.ReadFile(p)
	return data, err == nil
}
