package server

// progress.go: server-initiated work-done progress ($/progress with a
// token created by window/workDoneProgress/create). Long work takes a
// *workProgress; its Report method has the shape of the progress callback
// refactor's long operations take (progress func(done, total int)), so the
// coming import-index build reports through it unchanged:
//
//	p := s.beginProgress(ctx, "relayout: indexing imports")
//	idx, err := index.Build(ctx, ws, p.Report)
//	p.End(...)

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progressCreateTimeout bounds the wait for the client to accept a
// progress token; a client that does not answer gets no progress.
const progressCreateTimeout = 5 * time.Second

// progressFunc is how long work reports how far it got: done units out of
// total (total <= 0 means unknown).
type progressFunc = func(done, total int)

// workProgress is one work-done progress operation. When the client does
// not support work-done progress (or refused the token) every method is a
// no-op, so callers never check. Methods are safe for concurrent use.
type workProgress struct {
	s     *server
	ctx   context.Context
	token protocol.ProgressToken // nil: reporting disabled

	mu      sync.Mutex
	lastPct int // last percentage sent, -1 before the first report
	ended   bool
}

// beginProgress creates a progress token and sends begin with title, if
// the client declared window.workDoneProgress. It blocks until the client
// answers the create request (at most progressCreateTimeout), so it must
// not run on the read loop.
func (s *server) beginProgress(ctx context.Context, title string) *workProgress {
	p := &workProgress{s: s, ctx: ctx, lastPct: -1}
	s.mu.Lock()
	enabled := s.caps.workDoneProgress
	s.mu.Unlock()
	if !enabled {
		return p
	}
	token := protocol.String(fmt.Sprintf("relayout/%d", s.progressSeq.Add(1)))
	cctx, cancel := context.WithTimeout(ctx, progressCreateTimeout)
	defer cancel()
	if err := s.client.WorkDoneProgressCreate(cctx, &protocol.WorkDoneProgressCreateParams{Token: token}); err != nil {
		s.log.Debug("workDoneProgress/create refused", zap.Error(err))
		return p
	}
	p.token = token
	p.send(&protocol.WorkDoneProgressBegin{Kind: "begin", Title: title})
	return p
}

// Report sends a report when the percentage done/total moved on; it
// matches progressFunc. Reports after End are dropped.
func (p *workProgress) Report(done, total int) {
	if p.token == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	msg := fmt.Sprintf("%d", done)
	v := &protocol.WorkDoneProgressReport{Kind: "report", Message: &msg}
	if total > 0 {
		pct := min(max(done*100/total, 0), 100)
		if pct <= p.lastPct {
			return
		}
		p.lastPct = pct
		msg = fmt.Sprintf("%d/%d", done, total)
		u := uint32(pct)
		v.Percentage = &u
	}
	p.send(v)
}

// End sends end with an optional outcome message; later calls do nothing.
func (p *workProgress) End(message string) {
	if p.token == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended = true
	v := &protocol.WorkDoneProgressEnd{Kind: "end"}
	if message != "" {
		v.Message = &message
	}
	p.send(v)
}

// send marshals value and sends it as $/progress on the token.
func (p *workProgress) send(value any) {
	raw, err := protocol.Marshal(value)
	if err != nil {
		p.s.log.Error("marshal progress", zap.Error(err))
		return
	}
	// End must reach the client even when the work was cancelled.
	ctx := context.WithoutCancel(p.ctx)
	if err := p.s.client.Progress(ctx, &protocol.ProgressParams{Token: p.token, Value: raw}); err != nil {
		p.s.log.Debug("$/progress", zap.Error(err))
	}
}

// Report must stay usable wherever a progressFunc is expected.
var _ progressFunc = (*workProgress)(nil).Report
