package server

// editor_test.go: a fake editor speaking real JSON-RPC (go.lsp.dev/jsonrpc2
// over an in-memory pipe, LSP header framing) to a server running in the
// same process. It records what the server sends and lets tests await
// conditions on that record; nothing sleeps.
//
// The pipe is buffered like an OS pipe: over net.Pipe both read loops can
// block writing a response to a peer that is itself blocked writing one.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/parsers"
)

// awaitTimeout bounds every wait for the server.
const awaitTimeout = 10 * time.Second

// editorConfig describes the fake editor's client capabilities.
type editorConfig struct {
	encodings      []protocol.PositionEncodingKind // general.positionEncodings; nil: omitted
	noProgress     bool                            // do not declare window.workDoneProgress
	noDynamicWatch bool                            // do not declare dynamic watched-files registration
	debounce       time.Duration                   // server debounce; 0: 10ms
	logger         *zap.Logger

	// Workspace edits and code actions (editor_apply_test.go).
	noApplyEdit       bool // do not declare workspace.applyEdit
	noDocumentChanges bool // do not declare workspaceEdit.documentChanges (Neovim 0.7)
	// resourceOps are workspaceEdit.resourceOperations; nil: create,
	// rename and delete; empty: none.
	resourceOps []protocol.ResourceOperationKind
	noResolve   bool // no codeAction.resolveSupport for "edit" (Neovim 0.7)
	noLiterals  bool // no codeAction.codeActionLiteralSupport
	noDisabled  bool // no codeAction.disabledSupport
	// echoRenames makes the editor behave like VS Code: before each
	// RenameFile of a workspace edit it applies, it sends
	// workspace/willRenameFiles and applies the answer first.
	echoRenames bool
	// refuseApplyEdit answers every workspace/applyEdit with applied:
	// false (a user declining, or an editor failing to apply it).
	refuseApplyEdit bool
	cacheDir        string // server parse cache; "": a per-test directory
}

// progressEvent is one $/progress notification.
type progressEvent struct {
	token   string
	kind    string // begin, report, end
	title   string
	message string
	pct     int // -1 when absent
}

// editorState is what the editor has received.
type editorState struct {
	diags         map[uri.URI][]protocol.Diagnostic // latest publish per URI
	publishes     []protocol.PublishDiagnosticsParams
	messages      []protocol.ShowMessageParams
	registrations []protocol.Registration
	created       []string // progress tokens created, in order
	progress      []progressEvent
	applyEdits    []protocol.ApplyWorkspaceEditParams // workspace/applyEdit requests
	// echoAnswers are the server's answers to the willRenameFiles the
	// editor sent for the renames of edits it applied (echoRenames).
	echoAnswers []*protocol.WorkspaceEdit
}

// ends counts the progress end notifications of folder opens (whose
// begin title starts with "relayout: opening"); the background import
// index reports a progress of its own, counted by endsOf.
func (st editorState) ends() int { return st.endsOf("relayout: opening") }

// endsOf counts the progress end notifications of operations whose begin
// title starts with prefix.
func (st editorState) endsOf(prefix string) int {
	titles := map[string]string{}
	n := 0
	for _, p := range st.progress {
		switch p.kind {
		case "begin":
			titles[p.token] = p.title
		case "end":
			if strings.HasPrefix(titles[p.token], prefix) {
				n++
			}
		}
	}
	return n
}

// flagged returns the URIs whose latest publish is non-empty, sorted.
func (st editorState) flagged() []string {
	var out []string
	for u, ds := range st.diags {
		if len(ds) > 0 {
			out = append(out, string(u))
		}
	}
	sort.Strings(out)
	return out
}

// editor is the fake editor.
type editor struct {
	t      testing.TB
	srv    *server // in-process server (nil end to end)
	conn   jsonrpc2.Conn
	server protocol.Server // dispatcher to the server under test
	served chan error      // Run's result (in-process only)

	mu      sync.Mutex
	st      editorState
	changed chan struct{} // closed and replaced on every record

	cfg  editorConfig     // set by initialize
	enc  parsers.Encoding // negotiated by initialize
	docs map[uri.URI]*editorDoc
}

// newEditor starts a server in-process and connects a fake editor to it.
// install runs on the server before it serves (tests add custom methods).
func newEditor(t testing.TB, cfg editorConfig, install ...func(*server)) *editor {
	t.Helper()
	if cfg.debounce == 0 {
		cfg.debounce = 10 * time.Millisecond
	}
	if cfg.cacheDir == "" {
		cfg.cacheDir = t.TempDir()
	}
	srv := newServer(Options{Logger: cfg.logger, Debounce: cfg.debounce, CacheDir: cfg.cacheDir})
	for _, fn := range install {
		fn(srv)
	}
	serverSide, clientSide := bufferedPipe()
	served := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { served <- srv.serve(ctx, serverSide) }()
	e := connectEditor(t, clientSide)
	e.srv, e.served = srv, served
	t.Cleanup(func() {
		cancel()
		_ = serverSide.Close()
		select {
		case <-served:
		case <-time.After(awaitTimeout):
			t.Errorf("server did not stop")
		}
	})
	return e
}

// connectEditor connects a fake editor to a server over rwc.
func connectEditor(t testing.TB, rwc io.ReadWriteCloser) *editor {
	e := &editor{t: t, changed: make(chan struct{}), enc: parsers.UTF16, docs: map[uri.URI]*editorDoc{}}
	e.st.diags = map[uri.URI][]protocol.Diagnostic{}
	e.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(rwc), jsonrpc2.WithCodec(lspCodec{}))
	// Inline (not async) dispatch: notifications are recorded in wire order.
	e.conn.Go(context.Background(), protocol.ClientHandler(fakeClient{e: e}, jsonrpc2.MethodNotFoundHandler))
	e.server = protocol.ServerDispatcher(e.conn)
	t.Cleanup(func() {
		_ = rwc.Close()
		<-e.conn.Done()
	})
	return e
}

// capabilities returns the client capabilities cfg describes.
func (cfg editorConfig) capabilities() protocol.ClientCapabilities {
	yes := true
	c := protocol.ClientCapabilities{
		Window:    &protocol.WindowClientCapabilities{WorkDoneProgress: &yes},
		Workspace: &protocol.WorkspaceClientCapabilities{DidChangeWatchedFiles: &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: &yes}},
	}
	if cfg.noProgress {
		c.Window = nil
	}
	if cfg.noDynamicWatch {
		c.Workspace.DidChangeWatchedFiles = nil
	}
	c.Workspace.ApplyEdit = &yes
	if cfg.noApplyEdit {
		c.Workspace.ApplyEdit = nil
	}
	we := &protocol.WorkspaceEditClientCapabilities{DocumentChanges: &yes, ResourceOperations: cfg.resourceOps}
	if cfg.resourceOps == nil {
		we.ResourceOperations = []protocol.ResourceOperationKind{"create", "rename", "delete"}
	}
	if cfg.noDocumentChanges {
		we.DocumentChanges = nil
	}
	c.Workspace.WorkspaceEdit = we
	ca := &protocol.CodeActionClientCapabilities{DisabledSupport: &yes, DataSupport: &yes}
	ca.CodeActionLiteralSupport.CodeActionKind.ValueSet = []protocol.CodeActionKind{"quickfix", "refactor", "refactor.move"}
	ca.ResolveSupport.Properties = []string{"edit"}
	if cfg.noResolve {
		ca.ResolveSupport.Properties = nil
	}
	if cfg.noLiterals {
		ca.CodeActionLiteralSupport = protocol.ClientCodeActionLiteralOptions{}
	}
	if cfg.noDisabled {
		ca.DisabledSupport = nil
	}
	c.TextDocument = &protocol.TextDocumentClientCapabilities{CodeAction: ca}
	if cfg.encodings != nil {
		c.General = &protocol.GeneralClientCapabilities{PositionEncodings: cfg.encodings}
	}
	return c
}

// ctx returns a context bounded by awaitTimeout.
func (e *editor) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), awaitTimeout)
	e.t.Cleanup(cancel)
	return ctx
}

// initialize sends initialize with the given folders (as workspaceFolders)
// and initialized.
func (e *editor) initialize(cfg editorConfig, folders ...string) *protocol.InitializeResult {
	e.t.Helper()
	p := &protocol.InitializeParams{Capabilities: cfg.capabilities()}
	if folders != nil {
		wfs := make([]protocol.WorkspaceFolder, len(folders))
		for i, f := range folders {
			wfs[i] = protocol.WorkspaceFolder{URI: uri.File(f), Name: filepath.Base(f)}
		}
		p.WorkspaceFolders = protocol.NewNullable(wfs)
	}
	e.cfg = cfg
	return e.initializeWith(p)
}

// initializeWith sends initialize with p, then initialized.
func (e *editor) initializeWith(p *protocol.InitializeParams) *protocol.InitializeResult {
	e.t.Helper()
	res, err := e.server.Initialize(e.ctx(), p)
	if err != nil {
		e.t.Fatalf("initialize: %v", err)
	}
	e.mu.Lock()
	e.enc = kindToEncoding(res.Capabilities.PositionEncoding)
	e.mu.Unlock()
	if err := e.server.Initialized(e.ctx(), &protocol.InitializedParams{}); err != nil {
		e.t.Fatalf("initialized: %v", err)
	}
	return res
}

// shutdownExit ends the session cleanly and returns Run's result.
func (e *editor) shutdownExit() error {
	e.t.Helper()
	if err := e.server.Shutdown(e.ctx()); err != nil {
		e.t.Fatalf("shutdown: %v", err)
	}
	if err := e.server.Exit(e.ctx()); err != nil {
		e.t.Fatalf("exit: %v", err)
	}
	if e.served == nil {
		return nil
	}
	select {
	case err := <-e.served:
		e.served <- err // for Cleanup
		return err
	case <-time.After(awaitTimeout):
		e.t.Fatalf("server did not return after exit")
		return nil
	}
}

// await waits until cond holds on the recorded state.
func (e *editor) await(desc string, cond func(st *editorState) bool) {
	e.t.Helper()
	deadline := time.NewTimer(awaitTimeout)
	defer deadline.Stop()
	for {
		e.mu.Lock()
		ok := cond(&e.st)
		ch := e.changed
		e.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			e.mu.Lock()
			defer e.mu.Unlock()
			e.t.Fatalf("timed out waiting for %s; flagged=%v progress=%d ends messages=%v", desc, e.st.flagged(), e.st.ends(), e.st.messages)
		}
	}
}

// awaitEnds waits until n progress operations ended: each folder open
// ends with one, after its diagnostics were published.
func (e *editor) awaitEnds(n int) {
	e.t.Helper()
	e.await("progress end", func(st *editorState) bool { return st.ends() >= n })
}

// ends returns how many progress operations ended so far.
func (e *editor) ends() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.ends()
}

// snapshot returns a copy of the recorded state.
func (e *editor) snapshot() editorState {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	st.diags = map[uri.URI][]protocol.Diagnostic{}
	for u, ds := range e.st.diags {
		st.diags[u] = ds
	}
	st.publishes = append([]protocol.PublishDiagnosticsParams(nil), e.st.publishes...)
	st.messages = append([]protocol.ShowMessageParams(nil), e.st.messages...)
	st.progress = append([]progressEvent(nil), e.st.progress...)
	st.applyEdits = append([]protocol.ApplyWorkspaceEditParams(nil), e.st.applyEdits...)
	st.echoAnswers = append([]*protocol.WorkspaceEdit(nil), e.st.echoAnswers...)
	return st
}

// record mutates the state and wakes waiters.
func (e *editor) record(fn func(st *editorState)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(&e.st)
	close(e.changed)
	e.changed = make(chan struct{})
}

// fakeClient is the editor's protocol.Client.
type fakeClient struct {
	protocol.UnimplementedClient
	e *editor
}

func (c fakeClient) PublishDiagnostics(_ context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.e.record(func(st *editorState) {
		st.diags[p.URI] = p.Diagnostics
		st.publishes = append(st.publishes, *p)
	})
	return nil
}

func (c fakeClient) ShowMessage(_ context.Context, p *protocol.ShowMessageParams) error {
	c.e.record(func(st *editorState) { st.messages = append(st.messages, *p) })
	return nil
}

func (c fakeClient) LogMessage(context.Context, *protocol.LogMessageParams) error { return nil }

func (c fakeClient) RegisterCapability(_ context.Context, p *protocol.RegistrationParams) error {
	c.e.record(func(st *editorState) { st.registrations = append(st.registrations, p.Registrations...) })
	return nil
}

func (c fakeClient) WorkDoneProgressCreate(_ context.Context, p *protocol.WorkDoneProgressCreateParams) error {
	c.e.record(func(st *editorState) { st.created = append(st.created, tokenString(p.Token)) })
	return nil
}

func (c fakeClient) Progress(_ context.Context, p *protocol.ProgressParams) error {
	var v struct {
		Kind       string  `json:"kind"`
		Title      string  `json:"title"`
		Message    string  `json:"message"`
		Percentage *uint32 `json:"percentage"`
	}
	if err := protocol.Unmarshal(p.Value, &v); err != nil {
		return err
	}
	ev := progressEvent{token: tokenString(p.Token), kind: v.Kind, title: v.Title, message: v.Message, pct: -1}
	if v.Percentage != nil {
		ev.pct = int(*v.Percentage)
	}
	c.e.record(func(st *editorState) { st.progress = append(st.progress, ev) })
	return nil
}

func tokenString(t protocol.ProgressToken) string {
	switch v := t.(type) {
	case protocol.String:
		return string(v)
	case protocol.Integer:
		return fmt.Sprint(int32(v))
	}
	return ""
}

// fileURI returns the URI of rel below root.
func fileURI(root, rel string) uri.URI { return uri.File(filepath.Join(root, filepath.FromSlash(rel))) }

// uris returns the sorted URIs of rels below root.
func uris(root string, rels ...string) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = string(fileURI(root, r))
	}
	sort.Strings(out)
	return out
}

// equalStrings compares sorted string slices.
func equalStrings(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// rpcCode returns the JSON-RPC error code of err, or 0.
func rpcCode(err error) jsonrpc2.Code {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// bufferedPipe returns the two ends of an in-memory duplex stream whose
// writes never block.
func bufferedPipe() (a, b io.ReadWriteCloser) {
	ab, ba := newBuffer(), newBuffer()
	return &pipeEnd{r: ba, w: ab}, &pipeEnd{r: ab, w: ba}
}

// buffer is one direction of a bufferedPipe.
type buffer struct {
	mu     sync.Mutex
	cond   *sync.Cond
	data   []byte
	closed bool
}

func newBuffer() *buffer {
	b := &buffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *buffer) read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.data) == 0 && !b.closed {
		b.cond.Wait()
	}
	if len(b.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *buffer) write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.ErrClosedPipe
	}
	b.data = append(b.data, p...)
	b.cond.Broadcast()
	return len(p), nil
}

func (b *buffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.cond.Broadcast()
}

// pipeEnd is one end of a bufferedPipe; closing it ends both directions.
type pipeEnd struct{ r, w *buffer }

func (e *pipeEnd) Read(p []byte) (int, error)  { return e.r.read(p) }
func (e *pipeEnd) Write(p []byte) (int, error) { return e.w.write(p) }
func (e *pipeEnd) Close() error {
	e.r.close()
	e.w.close()
	return nil
}
