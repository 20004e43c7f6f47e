package server

// will_rename_files.go: workspace/willRenameFiles. The editor is about to
// rename files or folders (folders arrive without their children: the move
// engine expands directory moves itself); the answer is a WorkspaceEdit
// with text edits only, addressed to the OLD URIs, since the client renames
// afterwards — the renamed files' own edits included. New files the move
// needs (a package's __init__.py) are included as CreateFile when the
// client supports it and the path does not lie in a renamed folder's new
// place (creating it first would make the folder rename fail); deletions
// are left out. Each omission is logged.
//
// Renames the server's own edits perform are echoed by VS Code as
// willRenameFiles; those are answered with an empty edit (echoes.go) so
// imports are not rewritten twice.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/edit"
)

// WillRenameFiles returns the text edits that keep every import right
// once the client performed the renames.
func (s *server) WillRenameFiles(ctx context.Context, params *protocol.RenameFilesParams) (*protocol.WorkspaceEdit, error) {
	detach(ctx)
	type group struct {
		f     *folder
		moves []refactor.Move
	}
	var groups []*group
	byFolder := map[*folder]*group{}
	for _, fr := range params.Files {
		from, to, err := renamePaths(fr)
		if err != nil {
			s.log.Debug("willRenameFiles: rename ignored", zap.Error(err))
			continue
		}
		if s.echoes.take(from, to, s.currentText) {
			s.log.Debug("willRenameFiles: echo of the server's own rename", zap.String("from", from), zap.String("to", to))
			continue
		}
		f, relFrom, ok := s.folderOf(from)
		if !ok || relFrom == "" {
			continue
		}
		relTo, in := pathToRel(f.path, to)
		if !in || relTo == "" {
			s.log.Info("willRenameFiles: rename out of its workspace folder; imports not updated", zap.String("from", from), zap.String("to", to))
			continue
		}
		g := byFolder[f]
		if g == nil {
			g = &group{f: f}
			byFolder[f] = g
			groups = append(groups, g)
		}
		g.moves = append(g.moves, refactor.Move{From: relFrom, To: relTo})
	}

	caps := s.clientCapabilities()
	we := &protocol.WorkspaceEdit{}
	for _, g := range groups {
		m, err := s.computeMove(ctx, g.f, g.moves, refactor.MoveOptions{}, nil)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var me *refactor.MoveError
		switch {
		case errors.As(err, &me) && !sourcesExist(g.f.path, g.moves):
			// Nothing relayout knows how to move (a path not on disk, ...).
			s.log.Info("willRenameFiles: no import updates", zap.String("moves", describeMoves(g.moves)), zap.Error(err))
			continue
		case errors.As(err, &me):
			// The editor renames anyway: say what will break (a module
			// renamed to a name no import can spell, names its importers).
			s.log.Warn("willRenameFiles: no import updates", zap.String("moves", describeMoves(g.moves)), zap.Error(err))
			s.showMessage(ctx, protocol.MessageTypeWarning, fmt.Sprintf("relayout: imports not updated for %s: %v", describeMoves(g.moves), err))
			continue
		case err != nil:
			s.log.Warn("willRenameFiles", zap.String("moves", describeMoves(g.moves)), zap.Error(err))
			s.showMessage(ctx, protocol.MessageTypeWarning, fmt.Sprintf("relayout: imports not updated for %s: %v", describeMoves(g.moves), err))
			continue
		}
		if err := s.addRenameEdits(we, m, caps); err != nil {
			return nil, moveError(err)
		}
		s.warnMeaningChanges(ctx, g.moves, m.cs.Warnings)
	}
	return we, nil
}

// meaningCodes are the warning codes of a move that changes what a
// framework or test runner finds by path (refactor/move's convention
// checks, tsmove's route and tsconfig-program warnings).
var meaningCodes = map[string]bool{"route-change": true, "test-discovery": true, "convention": true, "tsconfig": true}

// warnMeaningChanges tells the user, once per rename, when it changes what
// a framework sees (a route, a collected test, a convention folder, a
// tsconfig program): the editor performs the rename whatever the answer,
// so a log line alone would go unseen.
func (s *server) warnMeaningChanges(ctx context.Context, moves []refactor.Move, warnings []edit.Warning) {
	var hits []edit.Warning
	for _, w := range warnings {
		if meaningCodes[w.Code] {
			hits = append(hits, w)
		}
	}
	if len(hits) == 0 {
		return
	}
	msg := fmt.Sprintf("relayout: %s changes what a framework sees: %s", describeMoves(moves), hits[0].String())
	if len(hits) > 1 {
		msg += fmt.Sprintf(" (and %s; see the output log)", count(len(hits)-1, "more warning"))
	}
	s.showMessage(ctx, protocol.MessageTypeWarning, msg)
}

// sourcesExist reports whether every move's source exists on disk below
// the folder root.
func sourcesExist(root string, moves []refactor.Move) bool {
	for _, m := range moves {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(m.From))); err != nil {
			return false
		}
	}
	return true
}

// addRenameEdits adds the text edits (and permitted creations) of m to we.
func (s *server) addRenameEdits(we *protocol.WorkspaceEdit, m *computedMove, caps clientCaps) error {
	textOnly := &edit.ChangeSet{Edits: m.cs.Edits}
	for _, c := range m.cs.Creates {
		switch {
		case !caps.ops.create:
			s.log.Info("willRenameFiles: file not created: the editor cannot create files", zap.String("path", c.Path))
		case underTarget(c.Path, m.moves):
			s.log.Info("willRenameFiles: file not created: it lies where a folder is being renamed to", zap.String("path", c.Path))
		case m.fs.HasFile(c.Path):
			s.log.Info("willRenameFiles: file not created: the path exists until the rename", zap.String("path", c.Path))
		default:
			textOnly.Creates = append(textOnly.Creates, c)
		}
	}
	for _, d := range m.cs.Deletes {
		s.log.Info("willRenameFiles: file left in place (deletions are not part of a rename)", zap.String("path", d))
	}
	if !caps.documentChanges && caps.ops == (resourceOps{}) {
		changes, err := changeSetToChanges(textOnly, m, s.encoding())
		if err != nil {
			return err
		}
		if we.Changes == nil {
			we.Changes = changes
		} else {
			for u, es := range changes {
				we.Changes[u] = es
			}
		}
		return nil
	}
	dcs, _, err := changeSetToDocumentChanges(textOnly, nil, nil, m, s.encoding(), caps.ops)
	if err != nil {
		return err
	}
	we.DocumentChanges = append(we.DocumentChanges, dcs...)
	return nil
}

// underTarget reports whether p is a move's target or lies below one.
func underTarget(p string, moves []refactor.Move) bool {
	for _, m := range moves {
		if p == m.To || strings.HasPrefix(p, m.To+"/") {
			return true
		}
	}
	return false
}

// renamePaths returns the absolute paths of a file rename.
func renamePaths(fr protocol.FileRename) (from, to string, err error) {
	ou, err := stringToURI(fr.OldURI)
	if err != nil {
		return "", "", err
	}
	nu, err := stringToURI(fr.NewURI)
	if err != nil {
		return "", "", err
	}
	if from, err = uriToPath(ou); err != nil {
		return "", "", err
	}
	if to, err = uriToPath(nu); err != nil {
		return "", "", err
	}
	return from, to, nil
}
