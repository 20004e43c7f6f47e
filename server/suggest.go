package server

// suggest.go: the too-deep quick fix. Its preferred form is the entry of
// the folder's generated plan (refactor/plan's Generate) that moves the
// file; generating a plan takes seconds on a large workspace, so it never
// runs on the request path: listing code actions on a snapshot whose plan
// is not generated yet starts the generation in the background (under
// $/progress, cancelled when a newer snapshot asks for one or the folder
// goes away) and offers meanwhile what one file's own path allows: the
// file alone lifted to the nearest folder within the limit, checked like
// every quick fix (meaningKept: routes, conventions, never a second app
// root). The next listing, once the plan is there, offers the plan's
// entry as before.

import (
	"context"
	"fmt"
	"path"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/plan"
	"github.com/relayout/relayout/refactor/workspace"
)

// suggestTitle is the title of the progress of a plan generation.
func suggestTitle(name string) string { return "relayout: suggesting moves in " + name }

// suggestion is the generated plan entry that moves one file.
type suggestion struct {
	move plan.Move
}

// suggest returns the entry of f's generated plan for the snapshot ws
// that moves rel, if any; ready is false when that plan is not generated
// yet (a generation is then started in the background, and the caller
// goes on without it).
func (s *server) suggest(f *folder, ws *refactor.Workspace, rel string) (sg suggestion, ok, ready bool) {
	f.mu.Lock()
	pr := f.proposal
	if f.proposalOf != ws {
		pr = nil
	}
	inFlight := f.proposalFor == ws
	f.mu.Unlock()
	if pr == nil {
		if !inFlight {
			s.startProposal(f, ws)
		}
		return suggestion{}, false, false
	}
	for _, m := range pr.Plan.Moves {
		if covers(m.From, rel) {
			return suggestion{move: m}, true, true
		}
	}
	return suggestion{}, false, true
}

// startProposal generates the plan of ws in the background, cancelling a
// generation for another snapshot.
func (s *server) startProposal(f *folder, ws *refactor.Workspace) {
	ctx, cancel := context.WithCancel(f.ctx)
	f.mu.Lock()
	if f.proposalCancel != nil {
		f.proposalCancel()
	}
	f.proposalFor, f.proposalCancel = ws, cancel
	f.mu.Unlock()
	started := s.goBackground(func(context.Context) {
		defer cancel()
		p := s.beginProgress(ctx, suggestTitle(f.name))
		if s.proposalHook != nil {
			s.proposalHook(ctx)
		}
		pr, err := generateProposal(ctx, ws)
		f.mu.Lock()
		if err == nil {
			f.proposal, f.proposalOf = pr, ws
		}
		if f.proposalFor == ws {
			f.proposalFor, f.proposalCancel = nil, nil
		}
		f.mu.Unlock()
		if err != nil {
			s.log.Debug("plan generation stopped", zap.String("folder", f.path), zap.Error(err))
			p.End("cancelled")
			return
		}
		p.End(fmt.Sprintf("%s suggested", count(len(pr.Plan.Moves), "move")))
	})
	if !started {
		cancel()
		f.mu.Lock()
		if f.proposalFor == ws {
			f.proposalFor, f.proposalCancel = nil, nil
		}
		f.mu.Unlock()
	}
}

// generateCancelled is the panic a cancelled generation's file set raises
// to stop plan.Generate, which takes no context.
type generateCancelled struct{}

// cancelSet is a FileSet that stops the computation reading it once its
// flag is set (by the generation's context being done).
type cancelSet struct {
	workspace.FileSet
	done *atomic.Bool
}

func (c cancelSet) check() {
	if c.done.Load() {
		panic(generateCancelled{})
	}
}

// HasFile implements workspace.FileSet.
func (c cancelSet) HasFile(rel string) bool { c.check(); return c.FileSet.HasFile(rel) }

// HasDir implements workspace.FileSet.
func (c cancelSet) HasDir(rel string) bool { c.check(); return c.FileSet.HasDir(rel) }

// ReadFile implements workspace.FileSet.
func (c cancelSet) ReadFile(rel string) ([]byte, error) { c.check(); return c.FileSet.ReadFile(rel) }

// Files implements workspace.FileSet.
func (c cancelSet) Files() []string { c.check(); return c.FileSet.Files() }

// generateProposal generates the plan of ws; it stops with ctx's error
// when ctx is done first.
func generateProposal(ctx context.Context, ws *refactor.Workspace) (pr *plan.Proposal, err error) {
	var done atomic.Bool
	stop := context.AfterFunc(ctx, func() { done.Store(true) })
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(generateCancelled); !ok {
				panic(r)
			}
			pr, err = nil, ctx.Err()
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fs := cancelSet{FileSet: ws.FileSet(), done: &done}
	return plan.Generate(fs, plan.GenerateOptions{Rule: ws.DepthRule(), PythonRoots: ws.Config.Python.Roots}), nil
}

// liftFile returns where the too-deep file rel alone can go while the
// folder's plan is not generated: the nearest folder above it within the
// limit where nothing of that name exists and the move keeps every
// framework meaning (meaningKept). Package markers (__init__.py, index
// files) are not lifted alone. At most two places are checked, so the
// listing stays cheap.
func liftFile(ws *refactor.Workspace, rel string) (string, bool) {
	base := path.Base(rel)
	if stem := firstStem(base); stem == "__init__" || stem == "index" {
		return "", false
	}
	rule := ws.DepthRule()
	fs := ws.FileSet()
	tries := 0
	for d := path.Dir(path.Dir(rel)); d != "." && tries < 2; d = path.Dir(d) {
		to := path.Join(d, base)
		if _, deep := rule.CheckFile(to); deep {
			continue
		}
		tries++
		if fs.HasFile(to) || fs.HasDir(to) {
			continue
		}
		if meaningKept(ws, rel, to) {
			return to, true
		}
	}
	return "", false
}

// firstStem is a file name up to its first dot.
func firstStem(base string) string {
	for i := 0; i < len(base); i++ {
		if base[i] == '.' {
			return base[:i]
		}
	}
	return base
}
