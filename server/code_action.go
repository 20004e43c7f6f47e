package server

// code_action.go: textDocument/codeAction and codeAction/resolve.
//
// Listing is cheap and never waits for a plan: a table of producers keyed
// by kind looks at the folder's snapshot (relayout.toml's [[move]] entries
// covering the file, the generated flattening for a too-deep file, or
// while that is generated in the background the file alone lifted;
// suggest.go) and returns titles and moves; no edit is computed. The action's data holds the folder, the file,
// the document's version and the moves; codeAction/resolve computes the
// edit from it (moves.go) and rejects it with ContentModified when the
// document's version moved on. A client that cannot resolve edits
// (textDocument.codeAction.resolveSupport.properties lacks "edit", e.g.
// Neovim 0.7) gets them computed when listing; one without code action
// literals gets relayout.move commands.

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/plan"
)

// moveTitle is the title of every move action: the old and new paths
// follow.
const moveTitle = "Move module and fix imports: "

// movePackageTitle is the title of a suggested move of a whole directory.
const movePackageTitle = "Move package (directory) and fix imports: "

// actionData is the data of a listed code action: everything resolve
// needs to compute its edit.
type actionData struct {
	// Folder is the URI of the workspace folder the moves are relative to.
	Folder uri.URI `json:"folder"`
	// File is the document the action was listed for.
	File uri.URI `json:"file"`
	// Version is the document's version when the action was listed; null
	// when it was not open.
	Version *int32 `json:"version"`
	// Moves are the moves to perform, workspace-relative.
	Moves []refactor.Move `json:"moves"`
}

// actionContext is what producers look at: one file of one folder.
type actionContext struct {
	s     *server
	f     *folder
	ws    *refactor.Workspace // the folder's snapshot
	rel   string              // the file, relative to the folder
	diags []protocol.Diagnostic
}

// offer is one action a producer proposes: moves (an edit resolved
// lazily) or a command.
type offer struct {
	title     string
	moves     []refactor.Move
	command   *protocol.Command
	edit      *protocol.WorkspaceEdit // an edit known when listing (a quick fix in place)
	diags     []protocol.Diagnostic
	preferred bool
}

// producer lists the actions of one kind for a file. Producers only read
// the snapshot; they never compute edits.
type producer struct {
	kind protocol.CodeActionKind
	list func(c *actionContext) []offer
}

// producers is the table of code action producers, in listing order.
var producers = []producer{
	{protocol.CodeActionKindQuickFix, suggestedMoves},
	{protocol.CodeActionKindQuickFix, staleFixes},
	{protocol.CodeActionKindRefactorMove, planPhaseActions},
	{protocol.CodeActionKindRefactorMove, planMoves},
}

// planPhaseActions offers to apply each pending phase of the plan
// (relayout.applyPlan): on relayout.toml every pending phase, on another
// file the pending phases that move it.
func planPhaseActions(c *actionContext) []offer {
	p, pending := pendingPhases(c.ws)
	if p.Empty() {
		return nil
	}
	var out []offer
	for _, ph := range pending {
		if c.rel != config.FileName && !phaseMoves(ph, c.rel) {
			continue
		}
		cmd := applyPlanCommand(c.f, ph)
		out = append(out, offer{title: cmd.Title, command: cmd})
	}
	return out
}

// phaseMoves reports whether a phase moves or merges the file rel.
func phaseMoves(ph plan.Phase, rel string) bool {
	for _, m := range ph.Moves {
		if covers(m.From, rel) {
			return true
		}
	}
	for _, m := range ph.Merges {
		for _, from := range m.From {
			if covers(from, rel) {
				return true
			}
		}
	}
	return false
}

// suggestedMoves offers, for a file deeper than the limit, the entry of
// the generated plan (refactor/plan's Generate) that moves it, attached to
// its too-deep diagnostic.
func suggestedMoves(c *actionContext) []offer {
	v, bad := c.ws.DepthRule().CheckFile(c.rel)
	if !bad {
		return nil
	}
	sg, ok, ready := c.s.suggest(c.f, c.ws, c.rel)
	if !ready {
		// The plan is being generated in the background: offer the file
		// alone, lifted, meanwhile (suggest.go).
		to, ok := liftFile(c.ws, c.rel)
		if !ok {
			return nil
		}
		return []offer{{
			title: moveTitle + c.rel + " → " + to + " (suggested)",
			moves: []refactor.Move{{From: c.rel, To: to}},
			diags: tooDeepDiags(c, v),
		}}
	}
	if !ok {
		return nil
	}
	for _, m := range planEntries(c.ws, c.rel) {
		if m.From == sg.move.From && m.To == sg.move.To {
			return nil // already offered as the plan's entry
		}
	}
	diags := tooDeepDiags(c, v)
	// The generated plan's phase names an area ("Web (`frontend/`)"), which
	// says nothing about this move: the title only says where it comes from.
	const suffix = " (suggested)"
	var out []offer
	if !c.ws.Listing.Has(sg.move.From) {
		// A directory move: say so, since it moves more than this file,
		// and offer to move the file alone to where it would go.
		if meaningKept(c.ws, sg.move.From, sg.move.To) {
			out = append(out, offer{
				title:     movePackageTitle + sg.move.From + " → " + sg.move.To + suffix,
				moves:     []refactor.Move{{From: sg.move.From, To: sg.move.To}},
				diags:     diags,
				preferred: true,
			})
		}
		to := path.Join(sg.move.To, strings.TrimPrefix(c.rel, sg.move.From+"/"))
		if !c.ws.Listing.Has(to) && meaningKept(c.ws, c.rel, to) {
			out = append(out, offer{
				title: moveTitle + c.rel + " → " + to + suffix,
				moves: []refactor.Move{{From: c.rel, To: to}},
				diags: diags,
			})
		}
		return out
	}
	if !meaningKept(c.ws, sg.move.From, sg.move.To) {
		return nil
	}
	return []offer{{
		title:     moveTitle + sg.move.From + " → " + sg.move.To + suffix,
		moves:     []refactor.Move{{From: sg.move.From, To: sg.move.To}},
		diags:     diags,
		preferred: true,
	}}
}

// tooDeepDiags returns the too-deep diagnostics of the context (the
// diagnostic for v when the client sent none).
func tooDeepDiags(c *actionContext, v depth.Violation) []protocol.Diagnostic {
	var diags []protocol.Diagnostic
	for _, d := range c.diags {
		if src, _ := d.Source.Get(); src == diagSource && d.Code == protocol.String(codeTooDeep) {
			diags = append(diags, d)
		}
	}
	if len(diags) == 0 {
		diags = []protocol.Diagnostic{depthDiagnostic(v, c.ws.Config.Depth.Severity)}
	}
	return diags
}

// planMoves offers every [[move]] entry of relayout.toml that covers the
// file, naming its phase and line.
func planMoves(c *actionContext) []offer {
	var out []offer
	for _, m := range planEntries(c.ws, c.rel) {
		out = append(out, offer{
			title: fmt.Sprintf("%s%s → %s (plan phase %d, relayout.toml:%d)", moveTitle, m.From, m.To, m.Phase, m.Line),
			moves: []refactor.Move{{From: m.From, To: m.To}},
		})
	}
	return out
}

// kindAllowed reports whether kind passes the context's only filter.
func kindAllowed(kind protocol.CodeActionKind, only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

// CodeAction lists the move actions for the document. Edits are left to
// codeAction/resolve unless the client cannot resolve them.
func (s *server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	out := []protocol.CommandOrCodeAction{}
	u := params.TextDocument.URI
	p, err := uriToPath(u)
	if err != nil {
		return out, nil
	}
	f, rel, ok := s.folderOf(p)
	if !ok || rel == "" {
		return out, nil
	}
	ws := f.current()
	if ws == nil || !ws.Listing.Has(rel) {
		return out, nil
	}
	var version *int32
	if v, open := s.docVersion(u); open {
		version = &v
	}
	caps := s.clientCapabilities()
	detach(ctx) // eager edits may take a while

	c := &actionContext{s: s, f: f, ws: ws, rel: rel, diags: params.Context.Diagnostics}
	for _, pr := range producers {
		if !kindAllowed(pr.kind, params.Context.Only) {
			continue
		}
		for _, o := range s.produce(pr, c) {
			if a := s.listAction(ctx, f, u, version, pr.kind, o, caps); a != nil {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// produce runs one producer; a panicking producer is logged and yields
// nothing, so it never blocks the others.
func (s *server) produce(pr producer, c *actionContext) (offers []offer) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in code action producer", zap.String("kind", string(pr.kind)), zap.Any("panic", r), zap.Stack("stack"))
			offers = nil
		}
	}()
	return pr.list(c)
}

// listAction turns an offer into what the client can take: a code action
// with data (and its edit when the client cannot resolve edits), or a
// relayout.move command for clients without code action literals.
func (s *server) listAction(ctx context.Context, f *folder, u uri.URI, version *int32, kind protocol.CodeActionKind, o offer, caps clientCaps) protocol.CommandOrCodeAction {
	if o.edit != nil {
		if !caps.actionLiterals {
			return nil // a command could not carry the edit
		}
		a := &protocol.CodeAction{Title: o.title, Kind: &kind, Diagnostics: o.diags, Edit: o.edit}
		if o.preferred {
			a.IsPreferred = &o.preferred
		}
		return a
	}
	if o.command != nil {
		if !caps.applyEdit || !caps.ops.rename {
			return nil // relayout.applyPlan would fail: the user runs `relayout apply`
		}
		if !caps.actionLiterals {
			return o.command
		}
		return &protocol.CodeAction{Title: o.title, Kind: &kind, Command: *o.command}
	}
	if !caps.actionLiterals {
		return &protocol.Command{Title: o.title, Command: commandMove, Arguments: moveArguments(f.uri, o.moves)}
	}
	data, err := json.Marshal(actionData{Folder: f.uri, File: u, Version: version, Moves: o.moves})
	if err != nil {
		s.log.Error("marshal code action data", zap.Error(err))
		return nil
	}
	a := &protocol.CodeAction{Title: o.title, Kind: &kind, Diagnostics: o.diags, Data: data}
	if o.preferred {
		a.IsPreferred = &o.preferred
	}
	if caps.resolveEdit {
		return a
	}
	// No resolve support: compute the edit now. Its renames are not
	// remembered as echoes: most listed actions are never applied.
	we, _, err := s.moveEdit(ctx, f, o.moves, refactor.MoveOptions{}, nil, false)
	if err != nil {
		s.log.Info("code action not offered", zap.String("title", o.title), zap.Error(err))
		if !caps.disabled {
			return nil
		}
		a.Disabled = protocol.CodeActionDisabled{Reason: err.Error()}
		return a
	}
	a.Edit = we
	return a
}

// CodeActionResolve computes the edit of a listed move action from its
// data. It fails with ContentModified when the document changed since the
// action was listed, and with RequestFailed when the moves cannot be made.
func (s *server) CodeActionResolve(ctx context.Context, params *protocol.CodeAction) (*protocol.CodeAction, error) {
	detach(ctx)
	var d actionData
	if len(params.Data) == 0 || json.Unmarshal(params.Data, &d) != nil || len(d.Moves) == 0 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: code action %q carries no relayout data", params.Title)
	}
	f, ok := s.folderByURI(d.Folder)
	if !ok {
		return nil, jsonrpc2.Errorf(codeRequestFailed, "relayout: workspace folder %s is not open any more", d.Folder)
	}
	if d.Version != nil {
		if cur, open := s.docVersion(d.File); open && cur != *d.Version {
			return nil, jsonrpc2.Errorf(protocol.CodeContentModified,
				"relayout: %s changed since the action was offered (version %d, now %d): ask for code actions again",
				d.File, *d.Version, cur)
		}
	}
	we, m, err := s.moveEdit(ctx, f, d.Moves, refactor.MoveOptions{}, nil, true)
	if err != nil {
		return nil, moveError(err)
	}
	s.log.Info("code action resolved", zap.String("title", params.Title), zap.String("summary", m.summary()))
	res := *params
	res.Edit = we
	return &res, nil
}
