package server

// stale_reference.go: possible references left naming a moved module
// (refactor.StaleReferences: entry points, mock.patch targets, Procfile,
// shell, YAML, JSON and Dockerfile lines), published as warnings with code
// stale-reference once a folder's import index is built, each with a quick
// fix per probable replacement that rewrites the name in place. They are
// what a move leaves behind with [moves] update_strings = false (or a move
// made outside relayout); `relayout check --imports` reports the same.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
)

// codeStaleReference is the diagnostic code of a stale reference.
const codeStaleReference = "stale-reference"

// staleData is the data of a stale-reference diagnostic: what its quick
// fixes write.
type staleData struct {
	Name         string   `json:"name"`
	Replacements []string `json:"replacements"`
}

// staleID is the diagnostics-store id of f's stale references (published
// apart from its depth and plan diagnostics, on their own schedule).
func staleID(f *folder) string { return f.id + "#stale" }

// staleDiagnostics returns the stale-reference diagnostics of the index of
// the folder at root, by URI.
func staleDiagnostics(ctx context.Context, root string, ix *refactor.Index, enc parsers.Encoding) map[uri.URI][]protocol.Diagnostic {
	out := map[uri.URI][]protocol.Diagnostic{}
	lines := map[string]*parsers.Lines{}
	for _, st := range refactor.StaleReferences(ctx, ix) {
		l := lines[st.Path]
		if l == nil {
			src, err := ix.FS.ReadFile(st.Path)
			if err != nil {
				continue
			}
			l = parsers.NewLines(src)
			lines[st.Path] = l
		}
		data, _ := json.Marshal(staleData{Name: st.Name, Replacements: st.Replacements})
		u := relToURI(root, st.Path)
		out[u] = append(out[u], protocol.Diagnostic{
			Range:    offsetsToRange(l, st.Start, st.End, enc),
			Severity: protocol.DiagnosticSeverityWarning,
			Code:     protocol.String(codeStaleReference),
			Source:   protocol.NewOptional(diagSource),
			Message:  protocol.String(fmt.Sprintf("%s names no module: it moved (now %s)", st.Name, strings.Join(st.Replacements, " or "))),
			Data:     data,
		})
	}
	return out
}

// staleFixes offers, for each stale-reference diagnostic the client sent,
// an edit that writes each probable replacement over the name.
func staleFixes(c *actionContext) []offer {
	var out []offer
	for _, d := range c.diags {
		if src, _ := d.Source.Get(); src != diagSource || d.Code != protocol.String(codeStaleReference) || len(d.Data) == 0 {
			continue
		}
		var sd staleData
		if json.Unmarshal(d.Data, &sd) != nil {
			continue
		}
		u := relToURI(c.f.path, c.rel)
		for i, rep := range sd.Replacements {
			out = append(out, offer{
				title:     fmt.Sprintf("Replace %s with %s (the module moved)", sd.Name, rep),
				diags:     []protocol.Diagnostic{d},
				edit:      &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{u: {{Range: d.Range, NewText: rep}}}},
				preferred: i == 0 && len(sd.Replacements) == 1,
			})
		}
	}
	return out
}
