package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// ping is a custom request tests install to probe the connection.
func installPing(s *server) {
	s.custom["relayout/test.ping"] = func(context.Context, protocol.LSPAny) (any, error) { return "pong", nil }
}

func ping(e *editor) error {
	var res string
	_, err := e.conn.Call(e.ctx(), "relayout/test.ping", struct{}{}, &res)
	if err == nil && res != "pong" {
		e.t.Fatalf("ping answered %q", res)
	}
	return err
}

func TestCapabilitiesAdvertiseOnlyWhatIsImplemented(t *testing.T) {
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	res := e.initialize(cfg, t.TempDir())
	if res.ServerInfo.Name != "relayout" {
		t.Errorf("serverInfo.name = %q", res.ServerInfo.Name)
	}
	raw, err := protocol.Marshal(&res.Capabilities)
	if err != nil {
		t.Fatal(err)
	}
	var caps map[string]any
	if err := json.Unmarshal(raw, &caps); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(caps), []string{"codeActionProvider", "executeCommandProvider", "positionEncoding", "textDocumentSync", "workspace"}; !equalStrings(got, want) {
		t.Errorf("capabilities = %v, want exactly %v\n%s", got, want, raw)
	}
	sync := caps["textDocumentSync"].(map[string]any)
	if sync["change"] != float64(protocol.TextDocumentSyncKindIncremental) || sync["openClose"] != true {
		t.Errorf("textDocumentSync = %v, want incremental with openClose", sync)
	}
	ws := caps["workspace"].(map[string]any)
	folders := ws["workspaceFolders"].(map[string]any)
	if folders["supported"] != true || folders["changeNotifications"] != true {
		t.Errorf("workspaceFolders = %v", folders)
	}
	ops := ws["fileOperations"].(map[string]any)
	if got, want := keys(ops), []string{"didCreate", "didDelete", "didRename", "willRename"}; !equalStrings(got, want) {
		t.Errorf("fileOperations = %v, want %v", got, want)
	}
	for _, op := range keys(ops) {
		if got := fmt.Sprint(ops[op]); got != "map[filters:[map[pattern:map[glob:**/*] scheme:file]]]" {
			t.Errorf("fileOperations.%s = %s, want files and folders **/*", op, got)
		}
	}
	ca := caps["codeActionProvider"].(map[string]any)
	if fmt.Sprint(ca["codeActionKinds"]) != "[refactor.move quickfix]" || ca["resolveProvider"] != true {
		t.Errorf("codeActionProvider = %v, want refactor.move and quickfix with resolve", ca)
	}
	if got := fmt.Sprint(caps["executeCommandProvider"]); got != "map[commands:[relayout.move relayout.applyPlan]]" {
		t.Errorf("executeCommandProvider = %s", got)
	}
	if err := e.shutdownExit(); err != nil {
		t.Errorf("Run after shutdown+exit = %v, want nil", err)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestPositionEncodingNegotiation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		offered []protocol.PositionEncodingKind
		want    protocol.PositionEncodingKind
	}{
		{"none offered", nil, protocol.PositionEncodingKindUTF16},
		{"utf-8 offered", []protocol.PositionEncodingKind{"utf-16", "utf-8"}, protocol.PositionEncodingKindUTF8},
		{"utf-8 only", []protocol.PositionEncodingKind{"utf-8"}, protocol.PositionEncodingKindUTF8},
		{"utf-32 and utf-16", []protocol.PositionEncodingKind{"utf-32", "utf-16"}, protocol.PositionEncodingKindUTF16},
		{"empty list", []protocol.PositionEncodingKind{}, protocol.PositionEncodingKindUTF16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := editorConfig{encodings: tc.offered}
			e := newEditor(t, cfg)
			res := e.initialize(cfg, t.TempDir())
			if res.Capabilities.PositionEncoding != tc.want {
				t.Errorf("positionEncoding = %q, want %q", res.Capabilities.PositionEncoding, tc.want)
			}
			if got := e.srv.encoding(); got != kindToEncoding(tc.want) {
				t.Errorf("server uses %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLifecycle(t *testing.T) {
	t.Run("requests before initialize", func(t *testing.T) {
		e := newEditor(t, editorConfig{}, installPing)
		if err := ping(e); rpcCode(err) != jsonrpc2.ServerNotInitialized {
			t.Errorf("ping before initialize: %v, want ServerNotInitialized", err)
		}
	})
	t.Run("initialize twice", func(t *testing.T) {
		cfg := editorConfig{}
		e := newEditor(t, cfg)
		e.initialize(cfg, t.TempDir())
		_, err := e.server.Initialize(e.ctx(), &protocol.InitializeParams{})
		if rpcCode(err) != jsonrpc2.InvalidRequest {
			t.Errorf("second initialize: %v, want InvalidRequest", err)
		}
	})
	t.Run("shutdown then exit", func(t *testing.T) {
		cfg := editorConfig{}
		e := newEditor(t, cfg, installPing)
		e.initialize(cfg, t.TempDir())
		if err := ping(e); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if err := e.server.Shutdown(e.ctx()); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		if err := ping(e); rpcCode(err) != jsonrpc2.InvalidRequest {
			t.Errorf("ping after shutdown: %v, want InvalidRequest", err)
		}
		if err := e.server.Exit(e.ctx()); err != nil {
			t.Fatal(err)
		}
		if err := <-e.served; err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
		e.served <- nil
	})
	t.Run("exit without shutdown", func(t *testing.T) {
		cfg := editorConfig{}
		e := newEditor(t, cfg)
		e.initialize(cfg, t.TempDir())
		if err := e.server.Exit(e.ctx()); err != nil {
			t.Fatal(err)
		}
		err := <-e.served
		e.served <- err
		if err == nil {
			t.Errorf("Run after exit without shutdown = nil, want an error")
		}
	})
	t.Run("stream closed without exit", func(t *testing.T) {
		cfg := editorConfig{}
		e := newEditor(t, cfg)
		e.initialize(cfg, t.TempDir())
		_ = e.conn.Close()
		select {
		case err := <-e.served:
			e.served <- err
			if err == nil {
				t.Errorf("Run after the client hung up = nil, want an error")
			}
		case <-time.After(awaitTimeout):
			t.Fatal("server did not notice the closed stream")
		}
	})
}

func TestPanicInHandlerIsRecovered(t *testing.T) {
	core, logs := observer.New(zapcore.ErrorLevel)
	cfg := editorConfig{logger: zap.New(core)}
	e := newEditor(t, cfg, installPing, func(s *server) {
		s.custom["relayout/test.panic"] = func(context.Context, protocol.LSPAny) (any, error) { panic("boom") }
	})
	e.initialize(cfg, t.TempDir())
	_, err := e.conn.Call(e.ctx(), "relayout/test.panic", struct{}{}, nil)
	if rpcCode(err) != jsonrpc2.InternalError {
		t.Fatalf("panicking request answered %v, want InternalError", err)
	}
	if !strings.Contains(err.Error(), "boom") {
		t.Errorf("error %q does not name the panic", err)
	}
	if err := ping(e); err != nil {
		t.Fatalf("connection unusable after a panic: %v", err)
	}
	entries := logs.FilterMessage("panic in handler").All()
	if len(entries) != 1 || entries[0].Level != zapcore.ErrorLevel {
		t.Errorf("want one Error log for the panic, got %v", logs.All())
	}
}

func TestCancelRequest(t *testing.T) {
	started, cancelled := make(chan struct{}), make(chan struct{})
	cfg := editorConfig{}
	e := newEditor(t, cfg, installPing, func(s *server) {
		s.custom["relayout/test.block"] = func(ctx context.Context, _ protocol.LSPAny) (any, error) {
			detach(ctx)
			close(started)
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		}
	})
	e.initialize(cfg, t.TempDir())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- protocol.Call(ctx, e.conn, "relayout/test.block", struct{}{}, nil) }()
	select {
	case <-started:
	case <-time.After(awaitTimeout):
		t.Fatal("blocking request never started")
	}
	// A long request does not hold the read loop.
	if err := ping(e); err != nil {
		t.Fatalf("ping while a long request runs: %v", err)
	}
	cancel() // protocol.Call sends $/cancelRequest
	select {
	case <-cancelled:
	case <-time.After(awaitTimeout):
		t.Fatal("$/cancelRequest did not cancel the request's context")
	}
	<-done
}

func TestUnknownMethods(t *testing.T) {
	cfg := editorConfig{}
	e := newEditor(t, cfg, installPing)
	e.initialize(cfg, t.TempDir())
	if _, err := e.conn.Call(e.ctx(), "textDocument/hover", map[string]any{}, nil); rpcCode(err) != jsonrpc2.MethodNotFound {
		t.Errorf("hover: %v, want MethodNotFound", err)
	}
	// Unknown and failing notifications must not break the connection.
	if err := e.conn.Notify(e.ctx(), "$/unknownNotification", map[string]any{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if err := e.conn.Notify(e.ctx(), "textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": "file:///not/open.py", "version": 2}, "contentChanges": []any{},
	}); err != nil {
		t.Fatal(err)
	}
	if err := ping(e); err != nil {
		t.Fatalf("connection broken by a notification: %v", err)
	}
}
