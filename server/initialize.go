package server

//lint:file-ignore SA1019 clients that predate workspace folders send only rootUri or rootPath, which the server must still honour

// initialize.go: the LSP lifecycle (initialize, initialized, shutdown,
// exit), the capabilities the server advertises and position-encoding
// negotiation.

import (
	"context"
	"path/filepath"
	"slices"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/relayout/relayout/parsers"
)

// serverName is reported in InitializeResult.serverInfo.
const serverName = "relayout"

// Initialize negotiates the position encoding, records the client
// capabilities and workspace folders, and advertises what is implemented.
// Folders are opened once the client sends initialized, so nothing is sent
// to the client before this response.
func (s *server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateNew {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "relayout: initialize sent twice")
	}
	s.enc = negotiateEncoding(params.Capabilities.General)
	s.caps = clientCapsOf(params.Capabilities)
	s.pending = initialFolders(params)
	s.state = stateInitializing
	s.log.Info("initialize",
		zap.String("client", params.ClientInfo.Name),
		zap.String("positionEncoding", string(s.enc)),
		zap.Int("folders", len(s.pending)))
	return &protocol.InitializeResult{
		Capabilities: s.capabilities(),
		ServerInfo:   protocol.ServerInfo{Name: serverName},
	}, nil
}

// Initialized opens the workspace folders named by initialize (each in its
// own background worker) and registers file watchers when the client
// supports dynamic registration.
func (s *server) Initialized(ctx context.Context, _ *protocol.InitializedParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateInitializing {
		return nil
	}
	s.state = stateRunning
	for _, wf := range s.pending {
		s.addFolderLocked(wf)
	}
	s.pending = nil
	if s.caps.watchDynamic {
		s.goBackgroundLocked(s.registerWatchers)
	}
	return nil
}

// Shutdown stops all background work (folder workers, pending
// registrations) and waits for it; afterwards only exit is accepted.
func (s *server) Shutdown(ctx context.Context) error {
	detach(ctx) // waiting for workers must not hold the read loop
	s.mu.Lock()
	s.state = stateShutdown
	s.shutdownReq = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.stopBackground()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Exit ends the session; Run returns.
func (s *server) Exit(ctx context.Context) error {
	s.exitOnce.Do(func() { close(s.exited) })
	return nil
}

// capabilities lists exactly what the server implements.
func (s *server) capabilities() protocol.ServerCapabilities {
	openClose := true
	change := protocol.TextDocumentSyncKindIncremental
	supported := true
	resolve := true
	return protocol.ServerCapabilities{
		PositionEncoding: encodingToKind(s.enc),
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &openClose,
			Change:    &change,
			Save:      protocol.Boolean(true), // didSave, without text
		},
		CodeActionProvider: &protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindRefactorMove, protocol.CodeActionKindQuickFix},
			ResolveProvider: &resolve,
		},
		ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: []string{commandMove, commandApplyPlan}},
		Workspace: &protocol.WorkspaceOptions{
			WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
				Supported:           &supported,
				ChangeNotifications: protocol.Boolean(true),
			},
			FileOperations: fileOperationOptions(),
		},
	}
}

// negotiateEncoding picks utf-8 when the client offers it (relayout's
// offsets are bytes, so no conversion is cheaper), else the mandatory
// utf-16.
func negotiateEncoding(g *protocol.GeneralClientCapabilities) parsers.Encoding {
	if g != nil && slices.Contains(g.PositionEncodings, protocol.PositionEncodingKindUTF8) {
		return parsers.UTF8
	}
	return parsers.UTF16
}

func clientCapsOf(c protocol.ClientCapabilities) clientCaps {
	var cc clientCaps
	if c.Window != nil && c.Window.WorkDoneProgress != nil {
		cc.workDoneProgress = *c.Window.WorkDoneProgress
	}
	if w := c.Workspace; w != nil {
		if w.DidChangeWatchedFiles != nil && w.DidChangeWatchedFiles.DynamicRegistration != nil {
			cc.watchDynamic = *w.DidChangeWatchedFiles.DynamicRegistration
		}
		cc.applyEdit = w.ApplyEdit != nil && *w.ApplyEdit
		if we := w.WorkspaceEdit; we != nil {
			cc.documentChanges = we.DocumentChanges != nil && *we.DocumentChanges
			for _, k := range we.ResourceOperations {
				switch k {
				case protocol.ResourceOperationKindCreate:
					cc.ops.create = true
				case protocol.ResourceOperationKindRename:
					cc.ops.rename = true
				case protocol.ResourceOperationKindDelete:
					cc.ops.delete = true
				}
			}
		}
	}
	if td := c.TextDocument; td != nil && td.CodeAction != nil {
		ca := td.CodeAction
		cc.actionLiterals = len(ca.CodeActionLiteralSupport.CodeActionKind.ValueSet) > 0
		cc.resolveEdit = slices.Contains(ca.ResolveSupport.Properties, "edit")
		cc.disabled = ca.DisabledSupport != nil && *ca.DisabledSupport
	}
	return cc
}

// initialFolders returns the workspace folders of initialize: the
// workspaceFolders list, else rootUri, else the deprecated rootPath.
func initialFolders(p *protocol.InitializeParams) []protocol.WorkspaceFolder {
	if wfs, ok := p.WorkspaceFolders.Get(); ok && len(wfs) > 0 {
		return wfs
	}
	if p.RootURI != nil && !p.RootURI.IsZero() {
		return []protocol.WorkspaceFolder{{URI: *p.RootURI, Name: folderName(*p.RootURI)}}
	}
	if root, ok := p.RootPath.Get(); ok && root != "" && filepath.IsAbs(root) {
		u := pathToURI(root)
		return []protocol.WorkspaceFolder{{URI: u, Name: filepath.Base(root)}}
	}
	return nil
}
