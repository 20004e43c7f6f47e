package server

// diagnostics.go: textDocument/publishDiagnostics. Diagnostics are
// computed per workspace folder and kept here per URI and folder (nested
// folders may both report a file); a folder replaces its whole set and only
// URIs whose combined diagnostics changed are published, an empty list
// clearing a file that stopped violating.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/depth"
)

// Diagnostic identity, shown by clients and used by code actions.
const (
	diagSource      = "relayout"
	codeTooDeep     = "too-deep"
	codeConfigError = "config-error"
)

// depthDiagnostic reports a file deeper than the limit, at the file start.
func depthDiagnostic(v depth.Violation, severity string) protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:    protocol.Range{},
		Severity: severityToProtocol(severity),
		Code:     protocol.String(codeTooDeep),
		Source:   protocol.NewOptional(diagSource),
		Message:  protocol.String(fmt.Sprintf("file is at level %d, deeper than the limit of %d", v.Level, v.Max)),
	}
}

// configDiagnostic reports a malformed relayout.toml on the error's line
// (the whole line; line 1 when the line is unknown). src is the file's
// content, used to measure the line in the negotiated encoding.
func configDiagnostic(e *config.Error, src []byte, enc parsers.Encoding) protocol.Diagnostic {
	line := e.Line - 1
	if line < 0 {
		line = 0
	}
	return protocol.Diagnostic{
		Range:    lineToRange(src, line, enc),
		Severity: protocol.DiagnosticSeverityError,
		Code:     protocol.String(codeConfigError),
		Source:   protocol.NewOptional(diagSource),
		Message:  protocol.String(e.Msg),
	}
}

// diagStore holds the diagnostics published so far.
type diagStore struct {
	mu sync.Mutex
	// byURI maps a file URI to each folder's diagnostics for it, by
	// folder id.
	byURI map[uri.URI]map[string][]protocol.Diagnostic
	// byFolder maps a folder id to the file URIs it has diagnostics for.
	byFolder map[string]map[uri.URI]bool
}

// replaceDiagnostics makes next the complete set of diagnostics of the
// folder with the given id (nil clears them) and publishes every URI whose combined
// diagnostics changed. Publishing happens under the store lock so two
// folders never publish the same URI out of order.
func (s *server) replaceDiagnostics(folderID string, next map[uri.URI][]protocol.Diagnostic) {
	st := &s.diags
	st.mu.Lock()
	defer st.mu.Unlock()

	touched := make([]uri.URI, 0, len(next)+len(st.byFolder[folderID]))
	for u := range st.byFolder[folderID] {
		touched = append(touched, u)
	}
	for u, ds := range next {
		if len(ds) > 0 && !st.byFolder[folderID][u] {
			touched = append(touched, u)
		}
	}
	slices.Sort(touched)

	for _, u := range touched {
		old, nu := st.byURI[u][folderID], next[u]
		if reflect.DeepEqual(old, nu) || (len(old) == 0 && len(nu) == 0) {
			continue
		}
		if len(nu) == 0 {
			delete(st.byURI[u], folderID)
			if len(st.byURI[u]) == 0 {
				delete(st.byURI, u)
			}
			delete(st.byFolder[folderID], u)
		} else {
			if st.byURI[u] == nil {
				st.byURI[u] = map[string][]protocol.Diagnostic{}
			}
			st.byURI[u][folderID] = nu
			if st.byFolder[folderID] == nil {
				st.byFolder[folderID] = map[uri.URI]bool{}
			}
			st.byFolder[folderID][u] = true
		}
		s.publish(u, st.combined(u))
	}
	if len(st.byFolder[folderID]) == 0 {
		delete(st.byFolder, folderID)
	}
}

// combined returns every folder's diagnostics for u, in folder order
// (st.mu held). It is never nil: an empty list clears the file.
func (st *diagStore) combined(u uri.URI) []protocol.Diagnostic {
	folders := make([]string, 0, len(st.byURI[u]))
	for f := range st.byURI[u] {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	out := []protocol.Diagnostic{}
	for _, f := range folders {
		out = append(out, st.byURI[u][f]...)
	}
	return out
}

// publish sends textDocument/publishDiagnostics.
func (s *server) publish(u uri.URI, ds []protocol.Diagnostic) {
	err := s.client.PublishDiagnostics(context.WithoutCancel(s.bgCtx), &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: ds})
	if err != nil {
		s.log.Debug("publishDiagnostics", zap.String("uri", string(u)), zap.Error(err))
	}
}
