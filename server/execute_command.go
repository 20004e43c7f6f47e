package server

// execute_command.go: workspace/executeCommand relayout.move (and
// relayout.applyPlan, apply_plan.go). The move command
// computes the change set of a move and sends it to the client with
// workspace/applyEdit, then reports the outcome with window/showMessage:
// for editors without a code action UI, Neovim's :RelayoutMove, and the
// commands listed to clients without code action literals.
//
// Arguments, either positional: folder, from, to — or one object:
// {"folder", "from", "to"} or {"folder", "moves": [{"from", "to"}, ...]},
// plus optional "force", "shim" and "updateStrings" booleans (updateStrings
// omitted: relayout.toml's [moves] update_strings). folder is a
// workspace folder's URI or path ("" or omitted: the innermost folder
// holding from); from and to are paths relative to it, absolute paths, or
// file URIs.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
)

// commandMove moves files or directories and fixes their imports.
const commandMove = "relayout.move"

// moveArgs is the object form of relayout.move's arguments.
type moveArgs struct {
	Folder        string          `json:"folder"`
	From          string          `json:"from,omitempty"`
	To            string          `json:"to,omitempty"`
	Moves         []refactor.Move `json:"moves,omitempty"`
	Force         bool            `json:"force,omitempty"`
	Shim          bool            `json:"shim,omitempty"`
	UpdateStrings *bool           `json:"updateStrings,omitempty"`
}

// commandResult is what relayout.move answers once the client applied (or
// refused) the edit; the same outcome is shown with window/showMessage.
type commandResult struct {
	Applied bool   `json:"applied"`
	Message string `json:"message"`
}

// moveArguments encodes moves in folder as relayout.move arguments:
// positional for one move, the object form for several.
func moveArguments(folder uri.URI, moves []refactor.Move) []protocol.LSPAny {
	if len(moves) == 1 {
		out := make([]protocol.LSPAny, 0, 3)
		for _, s := range []string{string(folder), moves[0].From, moves[0].To} {
			b, _ := json.Marshal(s)
			out = append(out, b)
		}
		return out
	}
	b, _ := json.Marshal(moveArgs{Folder: string(folder), Moves: moves})
	return []protocol.LSPAny{b}
}

// parseMoveArgs decodes relayout.move's arguments.
func parseMoveArgs(raw []protocol.LSPAny) (moveArgs, error) {
	var a moveArgs
	switch {
	case len(raw) == 1:
		if err := json.Unmarshal(raw[0], &a); err != nil {
			return a, fmt.Errorf("want an object {folder, from, to}: %w", err)
		}
	case len(raw) == 3:
		for i, dst := range []*string{&a.Folder, &a.From, &a.To} {
			if err := json.Unmarshal(raw[i], dst); err != nil {
				return a, fmt.Errorf("argument %d: want a string: %w", i+1, err)
			}
		}
	default:
		return a, fmt.Errorf("want the arguments folder, from, to (got %d arguments)", len(raw))
	}
	if a.From != "" || a.To != "" {
		a.Moves = append([]refactor.Move{{From: a.From, To: a.To}}, a.Moves...)
	}
	if len(a.Moves) == 0 {
		return a, errors.New("no move given: want from and to")
	}
	for _, m := range a.Moves {
		if m.From == "" || m.To == "" {
			return a, errors.New("every move needs both from and to")
		}
	}
	return a, nil
}

// argToPath turns a command path argument into an absolute path when it
// is a file URI or an absolute path ("" and false for a relative path).
func argToPath(s string) (string, bool) {
	if strings.HasPrefix(s, "file:") {
		u, err := stringToURI(s)
		if err != nil {
			return "", false
		}
		p, err := uriToPath(u)
		return p, err == nil
	}
	if filepath.IsAbs(s) {
		return filepath.Clean(s), true
	}
	return "", false
}

// resolveMoveArgs finds the folder and makes the moves folder-relative.
func (s *server) resolveMoveArgs(a moveArgs) (*folder, []refactor.Move, error) {
	var f *folder
	if a.Folder != "" {
		p, ok := argToPath(a.Folder)
		if !ok {
			return nil, nil, fmt.Errorf("folder %q: want a file URI or an absolute path", a.Folder)
		}
		f, ok = s.folderByURI(pathToURI(p))
		if !ok {
			return nil, nil, fmt.Errorf("%s is not a workspace folder", a.Folder)
		}
	} else if p, ok := argToPath(a.Moves[0].From); ok {
		if f, _, ok = s.folderOf(p); !ok {
			return nil, nil, fmt.Errorf("%s is in no workspace folder", a.Moves[0].From)
		}
	} else {
		return nil, nil, errors.New("no folder given and from is a relative path")
	}
	rel := func(arg string) (string, error) {
		if p, ok := argToPath(arg); ok {
			r, in := pathToRel(f.path, p)
			if !in || r == "" {
				return "", fmt.Errorf("%s is outside the workspace folder %s", arg, f.path)
			}
			return r, nil
		}
		return path.Clean(strings.ReplaceAll(arg, "\\", "/")), nil
	}
	moves := make([]refactor.Move, 0, len(a.Moves))
	for _, m := range a.Moves {
		from, err1 := rel(m.From)
		to, err2 := rel(m.To)
		if err := errors.Join(err1, err2); err != nil {
			return nil, nil, err
		}
		moves = append(moves, refactor.Move{From: from, To: to})
	}
	return f, moves, nil
}

// ExecuteCommand runs relayout.move: it computes the change set, asks the
// client to apply it with workspace/applyEdit and reports the outcome with
// window/showMessage. Malformed arguments are an InvalidParams error;
// everything else is answered with a commandResult.
func (s *server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	switch params.Command {
	case commandApplyPlan:
		return s.executeApplyPlan(ctx, params.Arguments)
	case commandMove:
	default:
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: unknown command %q (relayout knows %s, %s)", params.Command, commandMove, commandApplyPlan)
	}
	a, err := parseMoveArgs(params.Arguments)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: %s: %v", commandMove, err)
	}
	f, moves, err := s.resolveMoveArgs(a)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "relayout: %s: %v", commandMove, err)
	}
	detach(ctx) // computing takes a while and applyEdit calls back into the client
	return s.commandDone(ctx, s.runMove(ctx, f, moves, refactor.MoveOptions{Force: a.Force, Shim: a.Shim}, a.UpdateStrings))
}

// commandDone shows a command's outcome with window/showMessage and
// returns it as the command's result.
func (s *server) commandDone(ctx context.Context, res commandResult) (protocol.LSPAny, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	typ := protocol.MessageTypeInfo
	if !res.Applied {
		typ = protocol.MessageTypeError
	}
	s.showMessage(ctx, typ, res.Message)
	b, err := json.Marshal(res)
	return protocol.LSPAny(b), err
}

// runMove computes moves in f and has the client apply them.
func (s *server) runMove(ctx context.Context, f *folder, moves []refactor.Move, opts refactor.MoveOptions, updateStrings *bool) commandResult {
	what := describeMoves(moves)
	if !s.clientCapabilities().applyEdit {
		return commandResult{Message: "relayout: cannot move " + what + ": this editor does not accept workspace/applyEdit"}
	}
	we, m, err := s.moveEdit(ctx, f, moves, opts, updateStrings, false)
	if err != nil {
		return commandResult{Message: fmt.Sprintf("relayout: nothing moved: %v", err)}
	}
	label := "relayout: move " + what
	done := s.echoes.sending(we.DocumentChanges)
	ar, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: *we})
	done()
	switch {
	case err != nil:
		s.log.Warn("workspace/applyEdit", zap.Error(err))
		return commandResult{Message: fmt.Sprintf("relayout: the editor did not apply the move of %s: %v", what, err)}
	case !ar.Applied:
		reason := "no reason given"
		if ar.FailureReason != nil && *ar.FailureReason != "" {
			reason = *ar.FailureReason
		}
		return commandResult{Message: fmt.Sprintf("relayout: the editor did not apply the move of %s: %s", what, reason)}
	}
	msg := fmt.Sprintf("relayout: moved %s (%s)", what, m.summary())
	if n := len(m.cs.Warnings); n > 0 {
		msg += fmt.Sprintf("; %s: %s", count(n, "warning"), m.cs.Warnings[0].String())
		if n > 1 {
			msg += ", …"
		}
	}
	return commandResult{Applied: true, Message: msg}
}

// describeMoves names moves for messages.
func describeMoves(moves []refactor.Move) string {
	parts := make([]string, len(moves))
	for i, m := range moves {
		parts[i] = m.From + " → " + m.To
	}
	return strings.Join(parts, ", ")
}
