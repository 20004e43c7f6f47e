package server

// editor_apply_test.go: the fake editor's documents and its application
// of workspace edits, done the way an editor does it: documentChanges in
// order; a TextDocumentEdit applies to the open buffer when the document
// is open (checking its version, then sending didChange) and to the file
// on disk otherwise (what "save all" would leave); CreateFile, RenameFile
// and DeleteFile honour their options like VS Code (parents are created,
// existing targets fail unless overwrite/ignoreIfExists, a folder is
// deleted only when empty unless recursive); positions are converted with
// the negotiated encoding; a run of deletes is validated before any is
// performed, as VS Code does. With echoRenames the editor also sends
// workspace/willRenameFiles before each rename, as VS Code does.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
)

// editorDoc is a document open in the fake editor.
type editorDoc struct {
	version int32
	text    string
}

// open opens the file rel below root with its content on disk (or text,
// when given: an unsaved buffer) and sends didOpen.
func (e *editor) open(root, rel string, text ...string) uri.URI {
	e.t.Helper()
	u := fileURI(root, rel)
	content := ""
	if len(text) > 0 {
		content = text[0]
	} else {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			e.t.Fatal(err)
		}
		content = string(data)
	}
	e.openURI(u, content)
	return u
}

// openURI opens u with text at version 1.
func (e *editor) openURI(u uri.URI, text string) {
	e.t.Helper()
	e.mu.Lock()
	e.docs[u] = &editorDoc{version: 1, text: text}
	e.mu.Unlock()
	lang := "python"
	if strings.HasSuffix(string(u), ".ts") {
		lang = "typescript"
	}
	if err := e.server.DidOpen(e.ctx(), &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: u, LanguageID: protocol.LanguageKind(lang), Version: 1, Text: text,
	}}); err != nil {
		e.t.Fatal(err)
	}
}

// edit replaces the text of the open document u (a keystroke burst) and
// sends didChange; it returns the new version.
func (e *editor) edit(u uri.URI, text string) int32 {
	e.t.Helper()
	v, err := e.setText(u, text)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// setText replaces an open document's text, bumps its version and sends
// didChange with the whole text.
func (e *editor) setText(u uri.URI, text string) (int32, error) {
	e.mu.Lock()
	d, ok := e.docs[u]
	if !ok {
		e.mu.Unlock()
		return 0, fmt.Errorf("%s is not open", u)
	}
	d.version++
	d.text = text
	v := d.version
	e.mu.Unlock()
	return v, e.server.DidChange(context.Background(), &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
	})
}

// buffer returns the editor's text of the open document u.
func (e *editor) buffer(u uri.URI) string {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	d, ok := e.docs[u]
	if !ok {
		e.t.Fatalf("%s is not open", u)
	}
	return d.text
}

// sync returns once the server handled every message sent before: it
// handles notifications in wire order, before a later request.
func (e *editor) sync() {
	e.t.Helper()
	if _, err := e.conn.Call(e.ctx(), methodStatus, struct{}{}, nil); err != nil {
		e.t.Fatalf("sync: %v", err)
	}
}

// saveAll writes every open document to disk.
func (e *editor) saveAll() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for u, d := range e.docs {
		p, err := uriToPath(u)
		if err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(d.text), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

// apply applies a workspace edit like an editor; the test fails if the
// editor could not apply it.
func (e *editor) apply(we *protocol.WorkspaceEdit) {
	e.t.Helper()
	if err := e.applyEdit(context.Background(), we, e.cfg.echoRenames); err != nil {
		e.t.Fatalf("apply workspace edit: %v\n%s", err, dumpEdit(we))
	}
}

// applyEdit applies we. With echo, each rename is announced with
// workspace/willRenameFiles first and the answer applied.
func (e *editor) applyEdit(ctx context.Context, we *protocol.WorkspaceEdit, echo bool) error {
	if we == nil {
		return nil
	}
	if len(we.DocumentChanges) > 0 {
		for i, dc := range we.DocumentChanges {
			if err := e.validateDeletes(we.DocumentChanges, i); err != nil {
				return fmt.Errorf("change %d: %w (VS Code: IGNORING workspace edit)", i, err)
			}
			var err error
			switch c := dc.(type) {
			case *protocol.TextDocumentEdit:
				tes := make([]protocol.TextEdit, 0, len(c.Edits))
				for _, el := range c.Edits {
					te, ok := el.(*protocol.TextEdit)
					if !ok {
						return fmt.Errorf("change %d: unsupported edit %T", i, el)
					}
					tes = append(tes, *te)
				}
				err = e.applyTextEdits(c.TextDocument.URI, c.TextDocument.Version, tes)
			case *protocol.CreateFile:
				err = e.createFile(c)
			case *protocol.RenameFile:
				if echo {
					if err := e.echoRename(ctx, c); err != nil {
						return fmt.Errorf("change %d: willRenameFiles: %w", i, err)
					}
				}
				err = e.renameFile(c)
			case *protocol.DeleteFile:
				err = e.deleteFile(c)
			default:
				err = fmt.Errorf("unknown change %T", dc)
			}
			if err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
		}
		return nil
	}
	us := make([]string, 0, len(we.Changes))
	for u := range we.Changes {
		us = append(us, string(u))
	}
	sort.Strings(us)
	for _, u := range us {
		if err := e.applyTextEdits(uri.URI(u), nil, we.Changes[uri.URI(u)]); err != nil {
			return err
		}
	}
	return nil
}

// echoRename sends willRenameFiles for a rename of an edit being applied
// and applies the answer, like VS Code's file operation participants.
func (e *editor) echoRename(ctx context.Context, r *protocol.RenameFile) error {
	ans, err := e.server.WillRenameFiles(ctx, &protocol.RenameFilesParams{Files: []protocol.FileRename{{OldURI: string(r.OldURI), NewURI: string(r.NewURI)}}})
	if err != nil {
		return err
	}
	e.record(func(st *editorState) { st.echoAnswers = append(st.echoAnswers, ans) })
	return e.applyEdit(ctx, ans, false)
}

// applyTextEdits applies edits to u: to the open buffer (whose version
// must be version, when given) or to the file on disk.
func (e *editor) applyTextEdits(u uri.URI, version *int32, edits []protocol.TextEdit) error {
	e.mu.Lock()
	d, open := e.docs[u]
	enc := e.enc
	var text string
	if open {
		text = d.text
		if version != nil && *version != d.version {
			e.mu.Unlock()
			return fmt.Errorf("%s: edit for version %d, document is at %d", u, *version, d.version)
		}
	}
	e.mu.Unlock()
	p, err := uriToPath(u)
	if err != nil {
		return err
	}
	if !open {
		if version != nil {
			return fmt.Errorf("%s: edit for version %d of a document that is not open", u, *version)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text = string(data)
	}
	out, err := applyProtocolEdits(text, edits, enc)
	if err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	if open {
		_, err := e.setText(u, out)
		return err
	}
	return os.WriteFile(p, []byte(out), 0o644)
}

// applyProtocolEdits applies non-overlapping protocol edits to text.
func applyProtocolEdits(text string, edits []protocol.TextEdit, enc parsers.Encoding) (string, error) {
	lines := parsers.NewLines([]byte(text))
	type span struct {
		start, end int
		text       string
	}
	spans := make([]span, len(edits))
	for i, te := range edits {
		s, en := rangeToOffsets(lines, te.Range, enc)
		spans[i] = span{s, en, te.NewText}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.start < last {
			return "", errors.New("overlapping edits")
		}
		b.WriteString(text[last:s.start])
		b.WriteString(s.text)
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String(), nil
}

func (e *editor) createFile(c *protocol.CreateFile) error {
	p, err := uriToPath(c.URI)
	if err != nil {
		return err
	}
	overwrite, ignore := false, false
	if o := c.Options; o != nil {
		overwrite = o.Overwrite != nil && *o.Overwrite
		ignore = o.IgnoreIfExists != nil && *o.IgnoreIfExists
	}
	if _, err := os.Lstat(p); err == nil {
		switch {
		case overwrite:
		case ignore:
			return nil
		default:
			return fmt.Errorf("create %s: file exists", p)
		}
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, nil, 0o644)
}

func (e *editor) renameFile(r *protocol.RenameFile) error {
	from, err := uriToPath(r.OldURI)
	if err != nil {
		return err
	}
	to, err := uriToPath(r.NewURI)
	if err != nil {
		return err
	}
	overwrite, ignore := false, false
	if o := r.Options; o != nil {
		overwrite = o.Overwrite != nil && *o.Overwrite
		ignore = o.IgnoreIfExists != nil && *o.IgnoreIfExists
	}
	if _, err := os.Lstat(to); err == nil && !strings.EqualFold(from, to) {
		switch {
		case overwrite:
		case ignore:
			return nil
		default:
			return fmt.Errorf("rename %s: target %s exists", from, to)
		}
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	// Open buffers follow the file, like VS Code's: close and reopen.
	e.mu.Lock()
	moved := map[uri.URI]*editorDoc{}
	for u, d := range e.docs {
		p, err := uriToPath(u)
		if err != nil {
			continue
		}
		if _, ok := pathToRel(from, p); ok {
			moved[u] = d
			delete(e.docs, u)
		}
	}
	e.mu.Unlock()
	for u, d := range moved {
		p, _ := uriToPath(u)
		rel, _ := pathToRel(from, p)
		nu := pathToURI(filepath.Join(to, filepath.FromSlash(rel)))
		if err := e.server.DidClose(context.Background(), &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
			return err
		}
		e.openURI(nu, d.text)
	}
	return nil
}

// validateDeletes checks, like VS Code, a run of consecutive DeleteFile
// changes starting at i before any of them is performed: each target must
// exist (unless ignoreIfNotExists) and a folder deleted without recursive
// must be empty now, before the deletes that precede it in the run. VS Code
// refuses the whole edit when one fails ("Unable to delete non-empty
// folder").
func (e *editor) validateDeletes(changes []protocol.DocumentChange, i int) error {
	if _, ok := changes[i].(*protocol.DeleteFile); !ok {
		return nil
	}
	if i > 0 {
		if _, ok := changes[i-1].(*protocol.DeleteFile); ok {
			return nil // validated with the start of its run
		}
	}
	for _, dc := range changes[i:] {
		d, ok := dc.(*protocol.DeleteFile)
		if !ok {
			break
		}
		p, err := uriToPath(d.URI)
		if err != nil {
			return err
		}
		o := d.Options
		st, err := os.Lstat(p)
		switch {
		case err != nil && o != nil && o.IgnoreIfNotExists != nil && *o.IgnoreIfNotExists:
		case err != nil:
			return fmt.Errorf("delete %s: %w", p, err)
		case st.IsDir() && (o == nil || o.Recursive == nil || !*o.Recursive):
			if entries, _ := os.ReadDir(p); len(entries) > 0 {
				return fmt.Errorf("unable to delete non-empty folder %s", p)
			}
		}
	}
	return nil
}

func (e *editor) deleteFile(d *protocol.DeleteFile) error {
	p, err := uriToPath(d.URI)
	if err != nil {
		return err
	}
	recursive, ignore := false, false
	if o := d.Options; o != nil {
		recursive = o.Recursive != nil && *o.Recursive
		ignore = o.IgnoreIfNotExists != nil && *o.IgnoreIfNotExists
	}
	st, err := os.Lstat(p)
	switch {
	case err != nil && ignore:
		return nil
	case err != nil:
		return fmt.Errorf("delete %s: %w", p, err)
	case st.IsDir() && recursive:
		return os.RemoveAll(p)
	case st.IsDir():
		entries, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			return fmt.Errorf("delete %s: unable to delete non-empty folder", p)
		}
	}
	e.mu.Lock()
	_, open := e.docs[d.URI]
	delete(e.docs, d.URI)
	e.mu.Unlock()
	if open {
		if err := e.server.DidClose(context.Background(), &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: d.URI}}); err != nil {
			return err
		}
	}
	return os.Remove(p)
}

// ApplyEdit is workspace/applyEdit: the editor applies the edit and
// answers whether it could.
func (c fakeClient) ApplyEdit(ctx context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	jsonrpc2.Async(ctx) // applying may call back into the server (echoRenames)
	c.e.record(func(st *editorState) { st.applyEdits = append(st.applyEdits, *p) })
	if c.e.cfg.refuseApplyEdit {
		reason := "the user declined"
		return &protocol.ApplyWorkspaceEditResult{Applied: false, FailureReason: &reason}, nil
	}
	if err := c.e.applyEdit(ctx, &p.Edit, c.e.cfg.echoRenames); err != nil {
		reason := err.Error()
		return &protocol.ApplyWorkspaceEditResult{Applied: false, FailureReason: &reason}, nil
	}
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

// dumpEdit renders a workspace edit for failure messages.
func dumpEdit(we *protocol.WorkspaceEdit) string {
	raw, err := protocol.Marshal(we)
	if err != nil {
		return err.Error()
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	out, _ := json.MarshalIndent(v, "", "  ")
	return string(out)
}

// readTree returns every file below root (content by slash path) and
// every directory (value nil, path with a trailing slash).
func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if de.IsDir() {
			out[rel+"/"] = nil
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffTrees describes how tree got differs from want ("" when equal).
func diffTrees(got, want map[string][]byte) string {
	var b strings.Builder
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	for p := range want {
		if _, ok := got[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		g, inGot := got[p]
		w, inWant := want[p]
		switch {
		case !inWant:
			fmt.Fprintf(&b, "unexpected %s\n", p)
		case !inGot:
			fmt.Fprintf(&b, "missing %s\n", p)
		case string(g) != string(w):
			fmt.Fprintf(&b, "%s differs:\n--- got ---\n%s\n--- want ---\n%s\n", p, g, w)
		}
	}
	return b.String()
}
