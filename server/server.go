// Package server adapts the Language Server Protocol to relayout's engine
// (package refactor): it owns the LSP session (lifecycle, capabilities,
// position-encoding negotiation), the open documents' text, one state
// struct per workspace folder, and the translation of refactor's plain
// results (byte offsets, workspace-relative paths) into protocol types.
//
// Layout: input.go validates every incoming frame before jsonrpc2 sees it
// (a malformed message is answered, not fatal); one file per LSP method
// family (initialize.go, text_sync.go,
// workspace_folders.go, watched_files.go, file_operations.go,
// diagnostics.go, progress.go, cancel_request.go, code_action.go,
// will_rename_files.go, execute_command.go, import_index.go, status.go);
// the move feature they share (computing a change set against the open
// documents, ordering renames, finding directories left empty) is in
// moves.go, plan entries and suggestions in plan.go; every offset/position
// and path/URI conversion, change sets to WorkspaceEdits included, lives in
// convert.go and goes through parsers.Lines. Handlers are thin: they find
// the folder or document, call a feature function and convert the result.
//
// Concurrency: jsonrpc2 starts handlers in wire order on its read loop.
// Notifications that mutate state (text sync, file events) run inline so
// their order is kept; anything long or calling back into the client runs
// either in a folder's background worker or releases the read loop with
// detach first, so $/cancelRequest can reach it. Panics in handlers are
// recovered into an InternalError response plus an Error log.
//
// Moves: textDocument/codeAction lists "Move module and fix imports"
// actions cheaply (a table of producers keyed by kind, no edits);
// codeAction/resolve computes the edit from the action's data (folder,
// file, document version, moves) and rejects it as stale when the version
// moved on; clients that cannot resolve edits get them eagerly.
// workspace/willRenameFiles answers renames made in the editor with text
// edits to the old URIs; workspace/executeCommand relayout.move sends
// workspace/applyEdit itself. All three call refactor's move engine on a
// fresh walk of the folder with the open documents as overlay. Renames the
// server's own edits perform are remembered for a short while so the
// willRenameFiles echo some clients send for them is answered empty.
//
// Per folder, after its depth diagnostics (and relayout.toml's: a
// malformed file, or plan problems found by refactor/plan) are published,
// the whole import index is built in the background under $/progress
// (import_index.go); a re-read, the folder's removal or shutdown cancel it.
// relayout/status (status.go) reports what each folder holds.
//
// Adding a method: override the matching protocol.Server method on *server
// and add its capability in (*server).capabilities; nothing is advertised
// before it is implemented.
//
// server may import refactor, parsers, go.lsp.dev and zap; it must not
// import cmd. It writes only JSON-RPC to its stream; logs go to the
// injected zap logger.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor"
)

// Options configures a server.
type Options struct {
	// Logger receives structured logs; nil means no logging. It must never
	// write to the LSP stream (stdout).
	Logger *zap.Logger
	// Debounce is how long a workspace folder waits after the last file
	// event before it is re-read. Zero means DefaultDebounce.
	Debounce time.Duration
	// CacheDir is the directory of the on-disk parse cache shared by the
	// background import index and moves ("" means the user cache
	// directory, as index.OpenCache documents).
	CacheDir string
}

// DefaultDebounce is the delay between the last file event in a workspace
// folder and its re-read when Options.Debounce is zero.
const DefaultDebounce = 100 * time.Millisecond

// exitGrace bounds how long Run waits, after exit, for the connection to
// drain. A stdio stream cannot be closed from our side, so the reader may
// stay blocked until the client closes stdin; Run does not wait for that.
const exitGrace = 200 * time.Millisecond

// Run serves LSP over rwc until the client sends exit or the stream ends.
// It returns nil after a shutdown request followed by exit (or the end of
// the stream after shutdown), and an error otherwise: exit without
// shutdown, a broken stream, or ctx being cancelled.
func Run(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	return newServer(opts).serve(ctx, rwc)
}

// lifecycle is the session state of the LSP lifecycle.
type lifecycle int

const (
	stateNew          lifecycle = iota // before initialize
	stateInitializing                  // initialize answered, initialized not yet received
	stateRunning                       // initialized received
	stateShutdown                      // shutdown received; only exit is accepted
)

// customHandler answers a relayout-specific (non-LSP) request.
type customHandler func(ctx context.Context, params protocol.LSPAny) (any, error)

// server is one LSP session. It implements protocol.Server; methods it
// does not override answer "method not found" (requests) or are ignored
// (notifications) through the embedded UnimplementedServer.
type server struct {
	protocol.UnimplementedServer

	log      *zap.Logger
	debounce time.Duration
	cacheDir string

	// cacheOnce opens cache, the parse cache (nil when it cannot be
	// opened: parsing then just is not cached).
	cacheOnce sync.Once
	cache     *refactor.Cache

	// echoes remembers the renames of edits the server produced, so
	// willRenameFiles can tell their echo (moves.go).
	echoes echoes

	conn   jsonrpc2.Conn
	client protocol.Client

	// bgCtx bounds background work (folder workers, registrations); it is
	// cancelled by shutdown, exit or the end of the connection.
	bgCtx    context.Context
	bgCancel context.CancelFunc
	bg       sync.WaitGroup

	exited   chan struct{}
	exitOnce sync.Once

	diags       diagStore
	inflight    inflight
	progressSeq atomic.Int64
	folderSeq   atomic.Int64

	mu          sync.Mutex
	state       lifecycle
	bgStopped   bool             // no new background work may start
	enc         parsers.Encoding // negotiated position encoding
	caps        clientCaps
	pending     []protocol.WorkspaceFolder // from initialize; opened by initialized
	folders     map[uri.URI]*folder
	docs        map[uri.URI]*document
	shutdownReq bool

	// proposalHook, when set (tests), runs in each background plan
	// generation before it starts (suggest.go).
	proposalHook func(ctx context.Context)

	// custom holds relayout-specific requests by method name
	// (relayout/status in production, see status.go; tests install
	// probes).
	custom map[string]customHandler
}

// clientCaps is the part of the client's capabilities the server uses.
type clientCaps struct {
	workDoneProgress bool // window.workDoneProgress
	watchDynamic     bool // workspace.didChangeWatchedFiles.dynamicRegistration
	applyEdit        bool // workspace.applyEdit
	documentChanges  bool // workspace.workspaceEdit.documentChanges
	// ops are workspace.workspaceEdit.resourceOperations.
	ops resourceOps
	// actionLiterals: textDocument.codeAction.codeActionLiteralSupport
	// (else code actions are sent as commands).
	actionLiterals bool
	// resolveEdit: textDocument.codeAction.resolveSupport.properties holds
	// "edit" (else edits are computed when actions are listed).
	resolveEdit bool
	// disabled: textDocument.codeAction.disabledSupport.
	disabled bool
}

func newServer(opts Options) *server {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	d := opts.Debounce
	if d <= 0 {
		d = DefaultDebounce
	}
	srv := &server{
		log:      log.Named("server"),
		debounce: d,
		cacheDir: opts.CacheDir,
		exited:   make(chan struct{}),
		enc:      parsers.UTF16,
		folders:  map[uri.URI]*folder{},
		docs:     map[uri.URI]*document{},
		custom:   map[string]customHandler{},
		diags:    diagStore{byURI: map[uri.URI]map[string][]protocol.Diagnostic{}, byFolder: map[string]map[uri.URI]bool{}},
	}
	srv.custom[methodStatus] = srv.status
	return srv
}

// serve runs the session over rwc; see Run.
func (s *server) serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	s.bgCtx, s.bgCancel = context.WithCancel(ctx)
	defer s.bgCancel()
	// connCtx parents every request's context; cancelling it at the end
	// cancels requests still running.
	connCtx, cancelConn := context.WithCancel(ctx)
	defer cancelConn()
	s.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(newInputGuard(rwc, s.log)), jsonrpc2.WithCodec(lspCodec{}))
	s.client = protocol.ClientDispatcher(s.conn)
	s.conn.Go(connCtx, s.handler())

	var err error
	select {
	case <-s.exited:
		if !s.shutdownRequested() {
			err = errors.New("exit received without shutdown")
		}
	case <-s.conn.Done():
		if err = s.conn.Err(); err == nil && !s.shutdownRequested() {
			err = errors.New("client closed the connection without shutdown and exit")
		}
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.stopBackground()
	cancelConn()
	s.closeConn()
	if err != nil {
		s.log.Debug("session ended", zap.Error(err))
	}
	return err
}

func (s *server) shutdownRequested() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdownReq
}

// closeConn closes the connection, waiting at most exitGrace for it to
// drain (see exitGrace).
func (s *server) closeConn() {
	done := make(chan struct{})
	go func() {
		_ = s.conn.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(exitGrace):
		s.log.Debug("stream still open after exit; not waiting for the reader")
	}
}

// goBackground runs fn in the background under bgCtx unless the server is
// stopping. It reports whether fn was started.
func (s *server) goBackground(fn func(ctx context.Context)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.goBackgroundLocked(fn)
}

// goBackgroundLocked is goBackground with s.mu held.
func (s *server) goBackgroundLocked(fn func(ctx context.Context)) bool {
	if s.bgStopped {
		return false
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.recoverBackground()
		fn(s.bgCtx)
	}()
	return true
}

// stopBackground cancels background work and waits for it to finish.
func (s *server) stopBackground() {
	s.mu.Lock()
	s.bgStopped = true
	s.mu.Unlock()
	s.bgCancel()
	s.bg.Wait()
}

func (s *server) recoverBackground() {
	if r := recover(); r != nil {
		s.log.Error("panic in background work", zap.Any("panic", r), zap.Stack("stack"))
	}
}

// handler builds the middleware chain: panic recovery outermost, then
// $/cancelRequest handling (cancel_request.go), then lifecycle gating,
// then protocol dispatch to the methods of *server. Requests run inline on
// the read loop (in wire order) unless they call detach.
func (s *server) handler() jsonrpc2.Handler {
	return s.recoverPanics(s.cancellable(s.gate(protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler))))
}

// detach releases the read loop so the calling request runs concurrently
// with later messages; a request that runs long, blocks, or calls back
// into the client must call it first (once). Only then can a
// $/cancelRequest for it be read and cancel its ctx.
func detach(ctx context.Context) { jsonrpc2.Async(ctx) }

// recoverPanics turns a panicking handler into an InternalError response
// (for a request) and an Error log, and keeps errors from notification
// handlers from tearing the connection down (jsonrpc2 treats them as fatal;
// LSP says unhandled notifications are ignored).
func (s *server) recoverPanics(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		method, isCall := strings.Clone(req.Method()), req.IsCall()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", zap.String("method", method), zap.Any("panic", r), zap.Stack("stack"))
				result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "relayout: internal error handling %s: %v", method, r)
			}
			if err != nil && !isCall {
				if !strings.HasPrefix(method, "$/") {
					s.log.Warn("notification failed", zap.String("method", method), zap.Error(err))
				}
				result, err = nil, nil
			}
		}()
		return next(ctx, req)
	}
}

// gate enforces the lifecycle: before initialize only initialize and exit
// are accepted, after shutdown only exit. A request whose context was
// cancelled answers RequestCancelled; params that do not decode answer
// InvalidParams (-32602), not the library's ParseError.
func (s *server) gate(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		if method != protocol.MethodExit && method != protocol.MethodInitialize {
			s.mu.Lock()
			st := s.state
			s.mu.Unlock()
			switch {
			case st == stateNew && req.IsCall():
				return nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "relayout: %s before initialize", method)
			case st == stateShutdown && req.IsCall():
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "relayout: %s after shutdown", method)
			case st == stateNew || st == stateShutdown:
				return nil, nil // notifications are dropped
			}
		}
		res, err := next(ctx, req)
		if err != nil && req.IsCall() && ctx.Err() != nil {
			return nil, protocol.ErrRequestCancelled
		}
		var je *jsonrpc2.Error
		if errors.As(err, &je) && je.Code == jsonrpc2.ParseError {
			// The input guard (input.go) let only valid JSON through: what
			// did not decode is the params.
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: invalid params for %s: %s", method, je.Message)
		}
		return res, err
	}
}

// Request answers relayout-specific requests, and "method not found" for
// anything else (notifications are ignored by recoverPanics).
func (s *server) Request(ctx context.Context, method string, params any) (any, error) {
	s.mu.Lock()
	h, ok := s.custom[method]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%q: %w", method, jsonrpc2.ErrMethodNotFound)
	}
	raw, _ := params.(protocol.LSPAny)
	return h(ctx, raw)
}

// parseCache returns the on-disk parse cache, opening it on first use; nil
// when it cannot be opened (parsing then is not cached).
func (s *server) parseCache() *refactor.Cache {
	s.cacheOnce.Do(func() {
		c, err := refactor.OpenCache(s.cacheDir)
		if err != nil {
			s.log.Warn("parse cache unavailable", zap.Error(err))
			return
		}
		s.cache = c
	})
	return s.cache
}

// clientCapabilities returns the client's capabilities the server uses.
func (s *server) clientCapabilities() clientCaps {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caps
}

// encoding returns the negotiated position encoding.
func (s *server) encoding() parsers.Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enc
}

// lspCodec marshals payloads with protocol's union-aware codec (the same
// as protocol.NewServer installs; it is unexported there).
type lspCodec struct{}

// Marshal implements jsonrpc2.Codec.
func (lspCodec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

// Unmarshal implements jsonrpc2.Codec.
func (lspCodec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	// data is borrowed from jsonrpc2's pooled frame, valid only until the
	// next read; protocol.Unmarshal copies it for most values but decodes
	// union roots (a codeAction result, []CommandOrCodeAction) in place,
	// with strings aliasing the frame, which a later message overwrites.
	// One copy here makes every decoded value own its bytes.
	return protocol.Unmarshal(slices.Clone(data), v)
}

// count is n followed by noun, pluralised with an "s" unless n is 1 ("1
// file", "2 files").
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
