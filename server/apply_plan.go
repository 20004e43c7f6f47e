package server

// apply_plan.go: workspace/executeCommand relayout.applyPlan, the
// restructuring plan of relayout.toml applied from the editor, phase by
// phase, as `relayout apply` applies it: the pending phases are validated
// up front (each against the tree the earlier ones leave); each phase is
// then computed on the tree as it is (the same change set `relayout apply
// --phase N` computes: moves, merges, new __init__.py files, emptied
// directories, tsconfig rewrites, strings per [moves] update_strings),
// sent with workspace/applyEdit, and the next phase waits for the client's
// answer and for the disk to show the renames. Phases already applied are
// skipped. A refused edit or an invalid plan stops with a message naming
// the phase, the problem and its plan line.
//
// Arguments: one object {"folder": <workspace folder URI>, "phase": <n>};
// without phase every pending phase runs in order.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/plan"
)

// commandApplyPlan applies relayout.toml's restructuring plan.
const commandApplyPlan = "relayout.applyPlan"

// applySettle bounds the wait for the tree to show an applied phase.
const applySettle = 30 * time.Second

// applyPlanArgs are relayout.applyPlan's arguments.
type applyPlanArgs struct {
	Folder string `json:"folder"`
	Phase  int    `json:"phase,omitempty"`
}

// applyPlanTitle is the title of the code action that applies phase n.
func applyPlanTitle(ph plan.Phase) string {
	k := len(ph.Moves) + len(ph.Merges)
	noun := "moves"
	if k == 1 {
		noun = "move"
	}
	return fmt.Sprintf("Apply restructuring plan phase %d (%d %s)", ph.N, k, noun)
}

// applyPlanCommand is the command that applies phase n of f's plan.
func applyPlanCommand(f *folder, ph plan.Phase) *protocol.Command {
	b, _ := json.Marshal(applyPlanArgs{Folder: string(f.uri), Phase: ph.N})
	return &protocol.Command{Title: applyPlanTitle(ph), Command: commandApplyPlan, Arguments: []protocol.LSPAny{b}}
}

// executeApplyPlan runs relayout.applyPlan.
func (s *server) executeApplyPlan(ctx context.Context, raw []protocol.LSPAny) (protocol.LSPAny, error) {
	var a applyPlanArgs
	if len(raw) != 1 || json.Unmarshal(raw[0], &a) != nil || a.Folder == "" || a.Phase < 0 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: %s: want one object {\"folder\": <workspace folder URI>, \"phase\": <number, optional>}", commandApplyPlan)
	}
	p, ok := argToPath(a.Folder)
	if !ok {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: %s: folder %q: want a file URI or an absolute path", commandApplyPlan, a.Folder)
	}
	f, ok := s.folderByURI(pathToURI(p))
	if !ok {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: %s: %s is not a workspace folder", commandApplyPlan, a.Folder)
	}
	caps := s.clientCapabilities()
	if !caps.applyEdit || !caps.ops.rename {
		return nil, jsonrpc2.Errorf(codeRequestFailed,
			"relayout: this editor cannot apply the plan (it lacks workspace/applyEdit with file renames): run `relayout apply` in a terminal in %s", f.path)
	}
	detach(ctx)
	return s.commandDone(ctx, s.applyPlan(ctx, f, a.Phase))
}

// applyPlan applies the pending phases of f's plan (only phase n when n >
// 0) through the client and describes the outcome.
func (s *server) applyPlan(ctx context.Context, f *folder, n int) commandResult {
	f.mu.Lock()
	fallback := f.goodConfig
	f.mu.Unlock()
	res := openFolder(ctx, f.path, fallback)
	switch {
	case res.cfgErr != nil:
		return commandResult{Message: fmt.Sprintf("relayout: nothing applied: fix %v first", res.cfgErr)}
	case res.ws == nil:
		return commandResult{Message: fmt.Sprintf("relayout: nothing applied: open %s: %v", f.path, res.err)}
	}
	p, pending := pendingPhases(res.ws)
	if p.Empty() {
		return commandResult{Message: "relayout: relayout.toml holds no [[move]] or [[merge]] entries: nothing to apply"}
	}
	phases := p.Phases()
	if n > 0 {
		var sel []plan.Phase
		for _, ph := range phases {
			if ph.N == n {
				sel = append(sel, ph)
			}
		}
		if len(sel) == 0 {
			return commandResult{Message: fmt.Sprintf("relayout: the plan has no phase %d", n)}
		}
		phases = sel
	}
	isPending := map[int]bool{}
	var todo []plan.Phase
	for _, ph := range pending {
		isPending[ph.N] = true
		if n > 0 && ph.N < n {
			return commandResult{Message: fmt.Sprintf("relayout: phase %d cannot be applied before phase %d (phases apply in order)", n, ph.N)}
		}
	}
	for _, ph := range phases {
		if isPending[ph.N] {
			todo = append(todo, ph)
		}
	}
	if probs := validatePending(res.ws, p, todo); len(probs) > 0 {
		lines := make([]string, len(probs))
		for i, pr := range probs {
			lines[i] = pr.String()
		}
		return commandResult{Message: fmt.Sprintf("relayout: nothing applied: %d problems in the plan:\n%s", len(probs), strings.Join(lines, "\n"))}
	}

	prog := s.beginProgress(ctx, "relayout: applying the restructuring plan")
	var done []string
	for i, ph := range phases {
		if !isPending[ph.N] {
			done = append(done, fmt.Sprintf("phase %d already applied", ph.N))
			continue
		}
		prog.message(fmt.Sprintf("phase %d: %d moves", ph.N, len(ph.Moves)+len(ph.Merges)), i, len(phases))
		summary, err := s.applyPhase(ctx, f, ph)
		if err != nil {
			msg := fmt.Sprintf("relayout: phase %d not applied: %v", ph.N, err)
			if len(done) > 0 {
				msg += " (" + strings.Join(done, ", ") + ")"
			}
			if rest := len(phases) - i - 1; rest > 0 {
				msg += fmt.Sprintf("; %d later phases not run", rest)
			}
			prog.End(msg)
			return commandResult{Message: msg}
		}
		done = append(done, fmt.Sprintf("phase %d applied (%s)", ph.N, summary))
	}
	msg := "relayout: plan applied: " + strings.Join(done, ", ")
	prog.End(msg)
	return commandResult{Applied: true, Message: msg}
}

// applyPhase computes one phase on the tree as it is, has the client
// apply it and waits for the disk to show it.
func (s *server) applyPhase(ctx context.Context, f *folder, ph plan.Phase) (string, error) {
	moves, merges := ph.Requests()
	we, m, err := s.moveEdit(ctx, f, moves, refactor.MoveOptions{Merges: merges}, nil, false)
	if err != nil {
		return "", fmt.Errorf("%v (%s)", err, phaseLines(ph))
	}
	label := fmt.Sprintf("relayout: restructuring plan phase %d", ph.N)
	sent := s.echoes.sending(we.DocumentChanges)
	ar, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: *we})
	sent()
	switch {
	case err != nil:
		s.log.Warn("workspace/applyEdit", zap.Error(err))
		return "", fmt.Errorf("the editor did not apply it: %v", err)
	case !ar.Applied:
		reason := "no reason given"
		if ar.FailureReason != nil && *ar.FailureReason != "" {
			reason = *ar.FailureReason
		}
		return "", fmt.Errorf("the editor refused the edit: %s", reason)
	}
	if err := awaitTree(ctx, we.DocumentChanges); err != nil {
		return "", err
	}
	f.markDirty() // the snapshot lags behind until the watcher's events
	return m.summary(), nil
}

// phaseLines names the plan lines of a phase's entries.
func phaseLines(ph plan.Phase) string {
	var ls []string
	for _, m := range ph.Moves {
		ls = append(ls, fmt.Sprint(m.Line))
	}
	for _, m := range ph.Merges {
		ls = append(ls, fmt.Sprint(m.Line))
	}
	return "relayout.toml lines " + strings.Join(ls, ", ")
}

// awaitTree waits until the disk shows the file operations of changes:
// renamed files at their new paths, created files present, deleted paths
// gone. An editor answers applyEdit once it applied the edit, but may
// write the files a moment later.
func awaitTree(ctx context.Context, changes []protocol.DocumentChange) error {
	exists := func(u uri.URI) bool {
		p, err := uriToPath(u)
		if err != nil {
			return true
		}
		_, err = os.Lstat(p)
		return err == nil
	}
	reflected := func() (string, bool) {
		for _, c := range changes {
			switch c := c.(type) {
			case *protocol.RenameFile:
				if !exists(c.NewURI) {
					return string(c.NewURI), false
				}
			case *protocol.CreateFile:
				if !exists(c.URI) {
					return string(c.URI), false
				}
			}
		}
		return "", true
	}
	deadline := time.Now().Add(applySettle)
	for {
		missing, ok := reflected()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the editor answered that it applied the edit, but %s is still missing after %s", missing, applySettle)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// message reports a step of work: msg, done steps out of total.
func (p *workProgress) message(msg string, done, total int) {
	if p.token == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	v := &protocol.WorkDoneProgressReport{Kind: "report", Message: &msg}
	if total > 0 {
		pct := uint32(min(max(done*100/total, 0), 100))
		v.Percentage = &pct
	}
	p.send(v)
}
