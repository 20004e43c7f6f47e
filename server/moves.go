package server

// moves.go: the move feature shared by code actions (code_action.go),
// willRenameFiles (will_rename_files.go) and the relayout.move command
// (execute_command.go): computing a change set with refactor's move engine
// against a fresh walk of the folder and the open documents' unsaved text,
// ordering its renames so a client can apply them one by one, finding the
// directories it leaves empty on disk, and remembering the renames the
// server's own edits perform.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/workspace"
)

// codeRequestFailed is LSP's RequestFailed (3.17): the request was valid
// but could not be carried out; the message says why.
const codeRequestFailed jsonrpc2.Code = -32803

// openDoc is an open document as one folder sees it.
type openDoc struct {
	uri     uri.URI // as the client spelled it
	version int32
	text    []byte
}

// openDocs returns the open documents below f by folder-relative path.
func (s *server) openDocs(f *folder) map[string]openDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]openDoc{}
	for u, d := range s.docs {
		p, err := uriToPath(u)
		if err != nil {
			continue
		}
		if rel, ok := pathToRel(f.path, p); ok && rel != "" {
			out[rel] = openDoc{uri: d.uri, version: d.version, text: d.text}
		}
	}
	return out
}

// docVersion returns the version of the open document u.
func (s *server) docVersion(u uri.URI) (int32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.docs[docKey(u)]; ok {
		return d.version, true
	}
	return 0, false
}

// folderOf returns the innermost workspace folder holding the absolute
// path, and the path relative to it.
func (s *server) folderOf(p string) (*folder, string, bool) {
	var best *folder
	for _, f := range s.foldersContaining(p) {
		if best == nil || len(f.path) > len(best.path) {
			best = f
		}
	}
	if best == nil {
		return nil, "", false
	}
	rel, _ := pathToRel(best.path, p)
	return best, rel, true
}

// folderByURI returns the workspace folder with the given URI (compared
// as paths, so spelling differences do not matter).
func (s *server) folderByURI(u uri.URI) (*folder, bool) {
	p, err := uriToPath(u)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.folders {
		if f.path == p {
			return f, true
		}
	}
	return nil, false
}

// computedMove is a change set together with what converting it needs. It
// implements editBasis.
type computedMove struct {
	root  string // the folder path as the client names it
	moves []refactor.Move
	cs    *edit.ChangeSet
	// fs is the tree the change set was computed on, with the open
	// documents' text: what cs's byte offsets address.
	fs   workspace.FileSet
	docs map[string]openDoc
	// emptyDirs are the directories of cs.RemoveDirs that hold nothing on
	// disk once cs is applied, deepest first.
	emptyDirs []string
}

// uri implements editBasis.
func (m *computedMove) uri(rel string) uri.URI {
	if d, ok := m.docs[rel]; ok {
		return d.uri
	}
	return relToURI(m.root, rel)
}

// content implements editBasis.
func (m *computedMove) content(rel string) ([]byte, error) { return m.fs.ReadFile(rel) }

// version implements editBasis. Only documents the engine read from the
// overlay (listed files) carry a version.
func (m *computedMove) version(rel string) *int32 {
	if d, ok := m.docs[rel]; ok && m.fs.HasFile(rel) {
		v := d.version
		return &v
	}
	return nil
}

// taken reports whether p is in use before or after the change set (a
// temporary name must avoid it).
func (m *computedMove) taken(p string) bool {
	if m.fs.HasFile(p) || m.fs.HasDir(p) {
		return true
	}
	for _, r := range m.cs.Renames {
		if r.To == p {
			return true
		}
	}
	for _, c := range m.cs.Creates {
		if c.Path == p {
			return true
		}
	}
	return false
}

// afterContents returns the text every file the change set writes holds
// once it is applied, by absolute path before the change, with the path
// after it (alt, both ways).
func (m *computedMove) afterContents() (contents map[string][]byte, alt map[string]string) {
	_, after, origin, err := m.cs.Result(m.fs)
	if err != nil {
		return nil, nil
	}
	contents, alt = map[string][]byte{}, map[string]string{}
	for p, c := range after {
		old := p
		if o, ok := origin[p]; ok {
			old = o
		}
		op, np := filepath.Join(m.root, filepath.FromSlash(old)), filepath.Join(m.root, filepath.FromSlash(p))
		contents[op] = c
		alt[op] = np
	}
	return contents, alt
}

// summary describes the change set in one line.
func (m *computedMove) summary() string {
	refs := 0
	for _, p := range m.cs.EditedFiles() {
		refs += len(m.cs.Edits[p])
	}
	return fmt.Sprintf("%s moved, %s rewritten in %s, %d created, %d deleted",
		count(len(m.cs.Renames), "file"), count(refs, "reference"), count(len(m.cs.EditedFiles()), "file"), len(m.cs.Creates), len(m.cs.Deletes))
}

// computeMove computes the change set of moves in folder f. The folder's
// snapshot is brought up to date first (advance: what file events and
// stale directories point at is walked again, with the last valid
// configuration), and the open documents' text overrides the files on
// disk, so edits address what the editor holds; files are parsed only
// where the folder's live index is missing or out of date (live_move.go). Possible references
// are rewritten per updateStrings, or per relayout.toml's [moves]
// update_strings when it is nil (as the CLI does without the flag).
func (s *server) computeMove(ctx context.Context, f *folder, moves []refactor.Move, opts refactor.MoveOptions, updateStrings *bool) (*computedMove, error) {
	docs := s.openDocs(f)
	adv := s.advance(ctx, f)
	if adv.moved {
		f.markDirty() // the worker publishes the new snapshot's diagnostics
	}
	res := adv.openResult
	switch {
	case res.ws == nil && res.cfgErr != nil:
		return nil, res.cfgErr
	case res.ws == nil:
		return nil, fmt.Errorf("open %s: %w", f.path, res.err)
	}
	overlay := map[string][]byte{}
	for rel, d := range docs {
		if res.ws.Listing.Has(rel) {
			overlay[rel] = d.text
		}
	}
	opts.Overlay = overlay
	opts.Cache = s.parseCache()
	opts.UpdateStrings = res.ws.Config.UpdateStrings()
	if updateStrings != nil {
		opts.UpdateStrings = *updateStrings
	}
	cs, fs, err := s.moveOnIndex(ctx, f, res.ws, moves, opts)
	if err != nil {
		return nil, err
	}
	return &computedMove{
		root: f.path, moves: moves, cs: cs, docs: docs, fs: fs,
		emptyDirs: emptyDirsAfter(f.path, cs),
	}, nil
}

// moveEdit computes moves in f and converts the change set into the
// WorkspaceEdit a code action or workspace/applyEdit carries. The client
// must be able to rename files. When offered is set (a resolved code
// action the client may apply itself), the edit is watched for VS Code's
// echo of its renames (echoes.go).
func (s *server) moveEdit(ctx context.Context, f *folder, moves []refactor.Move, opts refactor.MoveOptions, updateStrings *bool, offered bool) (*protocol.WorkspaceEdit, *computedMove, error) {
	caps := s.clientCapabilities()
	if !caps.ops.rename {
		return nil, nil, errNoRename
	}
	m, err := s.computeMove(ctx, f, moves, opts, updateStrings)
	if err != nil {
		return nil, nil, err
	}
	steps := renameSteps(m.cs.Renames, m.taken)
	dcs, notes, err := changeSetToDocumentChanges(m.cs, steps, m.emptyDirs, m, s.encoding(), caps.ops)
	if err != nil {
		return nil, nil, fmt.Errorf("convert the change set: %w", err)
	}
	for _, n := range notes {
		s.log.Info("move edit incomplete", zap.String("folder", f.path), zap.String("note", n))
	}
	for _, w := range m.cs.Warnings {
		s.log.Info("move warning", zap.String("folder", f.path), zap.String("code", w.Code), zap.String("warning", w.String()))
	}
	if offered {
		contents, alt := m.afterContents()
		s.echoes.offer(dcs, contents, alt, time.Now().Add(echoTTL))
	}
	return &protocol.WorkspaceEdit{DocumentChanges: dcs}, m, nil
}

// errNoRename is returned when the client cannot apply file renames.
var errNoRename = errors.New("this editor cannot move files: its workspace edits do not support renames " +
	"(workspace.workspaceEdit.resourceOperations lacks \"rename\"); use `relayout move` in a terminal")

// moveError turns a failure to compute a move into a response error that
// says what to do next.
func moveError(err error) error {
	var me *refactor.MoveError
	var ce *config.Error
	switch {
	case errors.Is(err, context.Canceled):
		return protocol.ErrRequestCancelled
	case errors.As(err, &me):
		return jsonrpc2.Errorf(codeRequestFailed, "relayout: nothing can be moved: %v", err)
	case errors.As(err, &ce):
		return jsonrpc2.Errorf(codeRequestFailed, "relayout: fix %v first", err)
	case errors.Is(err, errNoRename):
		return jsonrpc2.Errorf(codeRequestFailed, "relayout: %v", err)
	}
	return jsonrpc2.Errorf(codeRequestFailed, "relayout: move failed: %v", err)
}

// renameSteps orders renames so that no rename lands on a path another
// rename still has to vacate (a chain a→b, b→c moves b first). A cycle (a
// swap) is broken by moving one file to a temporary name next to it first;
// taken reports the paths a temporary name must avoid.
func renameSteps(renames []edit.Rename, taken func(string) bool) []edit.Rename {
	pending := make([]edit.Rename, 0, len(renames))
	for _, r := range renames {
		if r.From != r.To {
			pending = append(pending, r)
		}
	}
	sort.SliceStable(pending, func(i, j int) bool { return pending[i].From < pending[j].From })
	used := map[string]bool{}
	var out []edit.Rename
	for len(pending) > 0 {
		sources := map[string]bool{}
		for _, r := range pending {
			sources[r.From] = true
		}
		var later []edit.Rename
		for _, r := range pending {
			if blocked(r, sources) {
				later = append(later, r)
				continue
			}
			out = append(out, r)
			delete(sources, r.From)
		}
		if len(later) == len(pending) {
			// Every rename waits for another: a cycle. Park the first.
			r := later[0]
			tmp := tempName(r.From, func(p string) bool { return used[p] || sources[p] || taken(p) })
			used[tmp] = true
			out = append(out, edit.Rename{From: r.From, To: tmp})
			later[0] = edit.Rename{From: tmp, To: r.To}
		}
		pending = later
	}
	return out
}

// blocked reports whether rename r would land on, or below, a path still
// to be vacated by a pending rename (sources), or on a directory holding
// one.
func blocked(r edit.Rename, sources map[string]bool) bool {
	if r.To == r.From {
		return false
	}
	for d := r.To; d != "." && d != ""; d = path.Dir(d) {
		if sources[d] && d != r.From {
			return true
		}
	}
	prefix := r.To + "/"
	for src := range sources {
		if strings.HasPrefix(src, prefix) {
			return true
		}
	}
	return false
}

// tempName returns a free temporary name next to p.
func tempName(p string, taken func(string) bool) string {
	for i := 1; ; i++ {
		c := fmt.Sprintf("%s.relayout-tmp%d", p, i)
		if !taken(c) {
			return c
		}
	}
}

// emptyDirsAfter returns the directories of cs.RemoveDirs (deepest first)
// that are empty on disk below root once cs is applied: every file in them
// is moved away or deleted and every subdirectory is removed too. A
// directory still holding files the walker ignores (__pycache__, editor
// backups, ...) is kept, like edit.Apply keeps it: clients are never asked
// to delete a directory that is not empty.
func emptyDirsAfter(root string, cs *edit.ChangeSet) []string {
	leaving := map[string]bool{}
	for _, r := range cs.Renames {
		leaving[r.From] = true
	}
	for _, d := range cs.Deletes {
		leaving[d] = true
	}
	var arriving []string
	for _, r := range cs.Renames {
		arriving = append(arriving, r.To)
	}
	for _, c := range cs.Creates {
		arriving = append(arriving, c.Path)
	}
	removable := map[string]bool{}
	var out []string
	for _, d := range cs.RemoveDirs {
		if anyAtOrBelow(arriving, d) || !emptiesOut(root, d, leaving, removable) {
			continue
		}
		removable[d] = true
		out = append(out, d)
	}
	return out
}

// anyAtOrBelow reports whether a path of ps is dir or below it.
func anyAtOrBelow(ps []string, dir string) bool {
	for _, p := range ps {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// emptiesOut reports whether the directory rel below root holds only
// files that are leaving and subdirectories already found removable.
func emptiesOut(root, rel string, leaving, removable map[string]bool) bool {
	full := filepath.Join(root, filepath.FromSlash(rel))
	ok := true
	err := filepath.WalkDir(full, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			ok = false
			return filepath.SkipAll
		}
		if p == full {
			if !de.IsDir() {
				ok = false
				return filepath.SkipAll
			}
			return nil
		}
		r, _ := pathToRel(root, p)
		switch {
		case de.IsDir() && removable[r]:
			return filepath.SkipDir
		case de.IsDir():
			ok = false
			return filepath.SkipAll
		case !leaving[r]:
			ok = false
			return filepath.SkipAll
		}
		return nil
	})
	return ok && err == nil
}
