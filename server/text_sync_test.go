package server

import (
	"testing"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/parsers"
)

// partial is a partial change from line:char to line:char.
func partial(l1, c1, l2, c2 uint32, text string) protocol.TextDocumentContentChangeEvent {
	return &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{Start: protocol.Position{Line: l1, Character: c1}, End: protocol.Position{Line: l2, Character: c2}},
		Text:  text,
	}
}

func TestIncrementalSyncWithNonBMPText(t *testing.T) {
	const initial = "a😀b\nc😀d\r\nlast 𝄞"
	for _, tc := range []struct {
		name    string
		offered []protocol.PositionEncodingKind
		changes [][]protocol.TextDocumentContentChangeEvent // one didChange each
		want    string
	}{
		{
			name: "utf-16",
			changes: [][]protocol.TextDocumentContentChangeEvent{
				{partial(0, 3, 0, 3, "X")},                          // after the emoji (2 code units)
				{partial(1, 1, 1, 3, ""), partial(2, 5, 2, 7, "G")}, // delete the emoji; replace 𝄞 (2 units)
				{partial(0, 0, 1, 1, "Z")},                          // across the line break
			},
			want: "Zd\r\nlast G",
		},
		{
			name:    "utf-8",
			offered: []protocol.PositionEncodingKind{"utf-8", "utf-16"},
			changes: [][]protocol.TextDocumentContentChangeEvent{
				{partial(0, 5, 0, 5, "X")},                          // after the emoji (4 bytes)
				{partial(1, 1, 1, 5, ""), partial(2, 5, 2, 9, "G")}, // delete the emoji; replace 𝄞 (4 bytes)
				{partial(0, 0, 1, 1, "Z")},
			},
			want: "Zd\r\nlast G",
		},
		{
			name: "column past the line end clamps to it",
			changes: [][]protocol.TextDocumentContentChangeEvent{
				{partial(0, 99, 0, 99, "!")},
			},
			want: "a😀b!\nc😀d\r\nlast 𝄞",
		},
		{
			name: "whole document",
			changes: [][]protocol.TextDocumentContentChangeEvent{
				{partial(0, 0, 0, 1, "q"), &protocol.TextDocumentContentChangeWholeDocument{Text: "new 😀"}},
				{partial(0, 4, 0, 6, "ok")},
			},
			want: "new ok",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := editorConfig{encodings: tc.offered}
			e := newEditor(t, cfg, installPing)
			e.initialize(cfg, t.TempDir())
			u := fileURI(t.TempDir(), "m.py")
			ctx := e.ctx()
			if err := e.server.DidOpen(ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "python", Version: 1, Text: initial}}); err != nil {
				t.Fatal(err)
			}
			for i, chs := range tc.changes {
				p := &protocol.DidChangeTextDocumentParams{ContentChanges: chs}
				p.TextDocument.URI, p.TextDocument.Version = u, int32(i+2)
				if err := e.server.DidChange(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			if err := ping(e); err != nil { // notifications before it are handled in order
				t.Fatal(err)
			}
			text, version, ok := e.srv.documentText(u)
			if !ok || text != tc.want || version != int32(len(tc.changes)+1) {
				t.Errorf("document = %q v%d (open %v), want %q v%d", text, version, ok, tc.want, len(tc.changes)+1)
			}

			if err := e.server.DidClose(ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
				t.Fatal(err)
			}
			if err := ping(e); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := e.srv.documentText(u); ok {
				t.Error("document still open after didClose")
			}
		})
	}
}

func TestApplyChangesReversedRange(t *testing.T) {
	got, err := applyChanges([]byte("abcdef"), []protocol.TextDocumentContentChangeEvent{partial(0, 4, 0, 1, "-")}, parsers.UTF16)
	if err != nil || string(got) != "a-ef" {
		t.Errorf("applyChanges = %q, %v; want a-ef", got, err)
	}
}

func TestDidSaveOfUnlistedFileRereads(t *testing.T) {
	root := t.TempDir()
	cfg := editorConfig{noDynamicWatch: true}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	testtool.WriteTree(t, root, map[string]string{"a/b/c/d/e/saved.py": ""})
	u := fileURI(root, "a/b/c/d/e/saved.py")
	if err := e.server.DidSave(e.ctx(), &protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
		t.Fatal(err)
	}
	e.await("saved file flagged", func(st *editorState) bool { return len(st.diags[u]) == 1 })
}
