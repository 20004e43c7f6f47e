package server

// cancel_request.go: $/cancelRequest. Each request runs under a context
// the server can cancel by request id.
//
// jsonrpc2.CancelHandler (and protocol.CancelHandler, which wraps it) is
// not used: it derives the cancellable context from jsonrpc2's pooled
// per-request context, and the goroutine context.WithCancel starts for such
// a foreign parent may call its Done after the request was recycled, which
// panics ("cannot create context from nil parent"). Here the cancellable
// context derives from the connection-lifetime context instead, and only
// values (the Async release token) come from the per-request context.

import (
	"context"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// inflight tracks the cancel functions of running requests by id.
type inflight struct {
	mu      sync.Mutex
	cancels map[jsonrpc2.ID]context.CancelFunc
}

// cancellable answers $/cancelRequest and runs every request under a
// context that a $/cancelRequest naming its id cancels.
func (s *server) cancellable(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == protocol.MethodCancelRequest {
			var p protocol.CancelParams
			if err := protocol.Unmarshal(req.Params(), &p); err != nil {
				s.log.Debug("malformed $/cancelRequest", zap.Error(err))
				return nil, nil
			}
			s.cancelRequest(p.ID)
			return nil, nil
		}
		if !req.IsCall() {
			return next(ctx, req)
		}
		id := req.ID()
		cctx, cancel := context.WithCancel(jsonrpc2.DetachContext(ctx))
		s.inflight.mu.Lock()
		if s.inflight.cancels == nil {
			s.inflight.cancels = map[jsonrpc2.ID]context.CancelFunc{}
		}
		s.inflight.cancels[id] = cancel
		s.inflight.mu.Unlock()
		defer func() {
			s.inflight.mu.Lock()
			delete(s.inflight.cancels, id)
			s.inflight.mu.Unlock()
			cancel()
		}()
		return next(requestContext{Context: cctx, req: ctx}, req)
	}
}

// cancelRequest cancels the running request with the given id, if any.
func (s *server) cancelRequest(token protocol.ProgressToken) {
	var id jsonrpc2.ID
	switch v := token.(type) {
	case protocol.Integer:
		id = jsonrpc2.NewNumberID(int64(v))
	case protocol.String:
		id = jsonrpc2.NewStringID(string(v))
	default:
		return
	}
	s.inflight.mu.Lock()
	cancel := s.inflight.cancels[id]
	s.inflight.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// requestContext is a request's context: cancellation and deadline from
// Context (derived from the connection's context), and values looked up
// there first, then in the jsonrpc2 per-request context req, which alone
// carries the token jsonrpc2.Async releases the read loop with. req must
// not be retained past the handler.
type requestContext struct {
	context.Context
	req context.Context
}

// Value implements context.Context.
func (c requestContext) Value(key any) any {
	if v := c.Context.Value(key); v != nil {
		return v
	}
	return c.req.Value(key)
}
