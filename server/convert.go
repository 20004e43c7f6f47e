package server

// convert.go is the server's only place that converts between relayout's
// plain data (byte offsets, filesystem paths, slash-separated
// workspace-relative paths, configuration strings, change sets) and
// protocol types (positions counted in the negotiated encoding, URIs,
// severities, workspace edits). Every position conversion goes through
// parsers.Lines, the one position mapper.

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
)

// kindToEncoding maps a negotiated LSP position encoding to the mapper's
// encoding. Anything unknown is UTF-16, the protocol's mandatory default.
func kindToEncoding(k protocol.PositionEncodingKind) parsers.Encoding {
	switch k {
	case protocol.PositionEncodingKindUTF8:
		return parsers.UTF8
	case protocol.PositionEncodingKindUTF32:
		return parsers.UTF32
	default:
		return parsers.UTF16
	}
}

// encodingToKind maps the mapper's encoding to its LSP name.
func encodingToKind(e parsers.Encoding) protocol.PositionEncodingKind {
	switch e {
	case parsers.UTF8:
		return protocol.PositionEncodingKindUTF8
	case parsers.UTF32:
		return protocol.PositionEncodingKindUTF32
	default:
		return protocol.PositionEncodingKindUTF16
	}
}

// positionToOffset converts a protocol position (column counted in enc) to
// a byte offset into the text lines indexes. Out-of-range positions clamp
// as parsers.Lines documents (LSP says a column past the line end means the
// line end).
func positionToOffset(lines *parsers.Lines, p protocol.Position, enc parsers.Encoding) int {
	return lines.Offset(parsers.Position{Line: int(p.Line), Col: int(p.Character)}, enc)
}

// offsetToPosition converts a byte offset to a protocol position whose
// column is counted in enc.
func offsetToPosition(lines *parsers.Lines, offset int, enc parsers.Encoding) protocol.Position {
	p := lines.Position(offset, enc)
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Col)}
}

// offsetsToRange converts the half-open byte range [start, end) to a
// protocol range.
func offsetsToRange(lines *parsers.Lines, start, end int, enc parsers.Encoding) protocol.Range {
	return protocol.Range{Start: offsetToPosition(lines, start, enc), End: offsetToPosition(lines, end, enc)}
}

// rangeToOffsets converts a protocol range to half-open byte offsets,
// swapping a reversed range.
func rangeToOffsets(lines *parsers.Lines, r protocol.Range, enc parsers.Encoding) (start, end int) {
	start, end = positionToOffset(lines, r.Start, enc), positionToOffset(lines, r.End, enc)
	if end < start {
		start, end = end, start
	}
	return start, end
}

// lineToRange returns the range covering zero-based line n of src, from its
// first character to its end (before the line break).
func lineToRange(src []byte, n int, enc parsers.Encoding) protocol.Range {
	lines := parsers.NewLines(src)
	if n >= lines.Count() {
		n = lines.Count() - 1
	}
	if n < 0 {
		n = 0
	}
	start := lines.LineStart(n)
	end := lines.Offset(parsers.Position{Line: n, Col: math.MaxInt32}, enc) // clamps to the line end
	return offsetsToRange(lines, start, end, enc)
}

// pathToURI returns the file URI of an absolute filesystem path.
func pathToURI(path string) uri.URI {
	return uri.File(filepath.Clean(path))
}

// relToURI returns the file URI of rel (slash-separated, relative to root)
// below the absolute directory root.
func relToURI(root, rel string) uri.URI {
	return pathToURI(filepath.Join(root, filepath.FromSlash(rel)))
}

// uriToPath returns the absolute filesystem path of a file URI. A relative
// one (file:relative) and one naming a remote host (file://host/path) are
// refused.
func uriToPath(u uri.URI) (string, error) {
	if !u.IsFile() {
		return "", fmt.Errorf("uri %s: not a file URI", u)
	}
	if err := checkFileURI(string(u)); err != nil {
		return "", err
	}
	p := u.FsPath()
	if p == "" || !filepath.IsAbs(p) || strings.HasPrefix(p, "//") {
		return "", fmt.Errorf("uri %s: not an absolute local path", u)
	}
	return filepath.Clean(p), nil
}

// stringToURI parses a URI sent as a plain string (file operation params
// carry strings, not URI values). A relative file URI is refused: the
// parser would read file:relative as file:///relative.
func stringToURI(s string) (uri.URI, error) {
	if err := checkFileURI(s); err != nil {
		return "", err
	}
	u, err := uri.Parse(s)
	if err != nil {
		return "", fmt.Errorf("parse uri %q: %w", s, err)
	}
	return u, nil
}

// checkFileURI refuses a file URI whose path is not absolute (file:x, a
// relative reference) or that names a host other than localhost.
func checkFileURI(s string) error {
	if len(s) < 5 || !strings.EqualFold(s[:5], "file:") {
		return nil
	}
	rest := s[5:]
	switch {
	case !strings.HasPrefix(rest, "/"):
		return fmt.Errorf("uri %q: a file URI needs an absolute path (file:///...)", s)
	case strings.HasPrefix(rest, "//"):
		host, _, _ := strings.Cut(rest[2:], "/")
		if host != "" && !strings.EqualFold(host, "localhost") {
			return fmt.Errorf("uri %q: files on another host (%s) are not supported", s, host)
		}
	}
	return nil
}

// pathToRel returns path relative to root, slash-separated, and whether
// path is root itself or below it. Both must be absolute and clean.
func pathToRel(root, path string) (string, bool) {
	if path == root {
		return "", true
	}
	prefix := root
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	if !strings.HasPrefix(path, prefix) {
		return "", false
	}
	return filepath.ToSlash(path[len(prefix):]), true
}

// severityToProtocol maps a [depth] severity from relayout.toml to the
// protocol's; anything unknown is a warning (config validation rejects
// unknown values before they get here).
func severityToProtocol(s string) protocol.DiagnosticSeverity {
	switch s {
	case "error":
		return protocol.DiagnosticSeverityError
	case "information":
		return protocol.DiagnosticSeverityInformation
	case "hint":
		return protocol.DiagnosticSeverityHint
	default:
		return protocol.DiagnosticSeverityWarning
	}
}

// resourceOps are the resource operations a client can apply in a
// workspace edit (workspace.workspaceEdit.resourceOperations).
type resourceOps struct{ create, rename, delete bool }

// editBasis is what a change set's byte offsets address: the files as
// they were when the change set was computed, open documents included.
type editBasis interface {
	// uri returns the URI of the workspace-relative path rel: an open
	// document's own URI (as the client spelled it), else one built from
	// the folder path.
	uri(rel string) uri.URI
	// content returns the bytes the change set's edits of rel address: the
	// open document's text, else the file on disk.
	content(rel string) ([]byte, error)
	// version returns the version of the open document rel, nil when it
	// is not open (LSP: the content on disk is the truth).
	version(rel string) *int32
}

// textEditsToProtocol converts byte-range edits of src to protocol text
// edits (columns counted in enc), sorted by position. Identical duplicates
// are sent once; overlapping edits are a bug in the change set.
func textEditsToProtocol(src []byte, edits []edit.TextEdit, enc parsers.Encoding) ([]protocol.TextEdit, error) {
	es := append([]edit.TextEdit(nil), edits...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Start != es[j].Start {
			return es[i].Start < es[j].Start
		}
		return es[i].End < es[j].End
	})
	lines := parsers.NewLines(src)
	out := make([]protocol.TextEdit, 0, len(es))
	last := 0
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("overlapping or out-of-range edit [%d,%d) (previous ends at %d, size %d)", e.Start, e.End, last, len(src))
		}
		out = append(out, protocol.TextEdit{Range: offsetsToRange(lines, e.Start, e.End, enc), NewText: e.New})
		last = e.End
	}
	return out, nil
}

// textDocumentEdit converts the edits of the current file rel into a
// TextDocumentEdit addressed to its current URI, with the open document's
// version (null when it is not open).
func textDocumentEdit(rel string, edits []edit.TextEdit, b editBasis, enc parsers.Encoding) (*protocol.TextDocumentEdit, error) {
	src, err := b.content(rel)
	if err != nil {
		return nil, fmt.Errorf("edit %s: %w", rel, err)
	}
	tes, err := textEditsToProtocol(src, edits, enc)
	if err != nil {
		return nil, fmt.Errorf("edit %s: %w", rel, err)
	}
	elems := make([]protocol.TextDocumentEditElement, len(tes))
	for i := range tes {
		elems[i] = &tes[i]
	}
	return &protocol.TextDocumentEdit{
		TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
			TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: b.uri(rel)},
			Version:                b.version(rel),
		},
		Edits: elems,
	}, nil
}

// changeSetToChanges converts the text edits of cs into the plain
// `changes` map of a WorkspaceEdit (for clients without documentChanges),
// addressed to the current URIs.
func changeSetToChanges(cs *edit.ChangeSet, b editBasis, enc parsers.Encoding) (map[uri.URI][]protocol.TextEdit, error) {
	out := map[uri.URI][]protocol.TextEdit{}
	for _, rel := range cs.EditedFiles() {
		src, err := b.content(rel)
		if err != nil {
			return nil, fmt.Errorf("edit %s: %w", rel, err)
		}
		tes, err := textEditsToProtocol(src, cs.Edits[rel], enc)
		if err != nil {
			return nil, fmt.Errorf("edit %s: %w", rel, err)
		}
		out[b.uri(rel)] = tes
	}
	return out, nil
}

// changeSetToDocumentChanges converts a change set into documentChanges,
// in the order a client must apply them:
//
//  1. a TextDocumentEdit per edited file, addressed to its current (old)
//     URI, versioned with the open document's version (null when not
//     open); renamed files are edited before they move;
//  2. DeleteFile for deleted files whose path is reused below (a target
//     overwritten with Force);
//  3. CreateFile for new files at free paths, each followed by a
//     TextDocumentEdit inserting its content when it has any (creating a
//     package's __init__.py first also creates its directory);
//  4. RenameFile for each of steps (cs.Renames ordered so that no rename
//     lands on a file still to be moved, cycles going through a temporary
//     name: see renameSteps), with overwrite false and no ignoreIfExists
//     (Neovim 0.7 skips every rename that has it);
//  5. CreateFile (and content) for new files at paths the renames vacated
//     (shims);
//  6. DeleteFile for the other deleted files, except those inside a
//     directory of step 7;
//  7. DeleteFile (ignoreIfNotExists) for the topmost of emptyDirs, the
//     directories that are empty on disk once the change set is applied,
//     each once; recursive when what it still holds after the renames
//     (emptied subdirectories, files of step 6 it covers) is part of the
//     edit. VS Code validates a run of deletes before performing any, so
//     a non-recursive delete of a directory whose children are deleted in
//     the same run fails and VS Code ignores the whole edit.
//
// Operations the client cannot apply (ops) are left out and described in
// the returned notes; renames are the caller's to require.
func changeSetToDocumentChanges(cs *edit.ChangeSet, steps []edit.Rename, emptyDirs []string, b editBasis, enc parsers.Encoding, ops resourceOps) ([]protocol.DocumentChange, []string, error) {
	var out []protocol.DocumentChange
	var notes []string
	for _, rel := range cs.EditedFiles() {
		tde, err := textDocumentEdit(rel, cs.Edits[rel], b, enc)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, tde)
	}

	renamedFrom, reused := map[string]bool{}, map[string]bool{}
	for _, r := range cs.Renames {
		renamedFrom[r.From] = true
		reused[r.To] = true
	}
	for _, c := range cs.Creates {
		reused[c.Path] = true
	}
	yes := true
	var freeing, otherDeletes []string
	for _, d := range cs.Deletes {
		if reused[d] {
			freeing = append(freeing, d)
		} else {
			otherDeletes = append(otherDeletes, d)
		}
	}
	overwrite := map[string]bool{} // reused paths not freed by a DeleteFile
	for _, d := range freeing {
		if ops.delete {
			out = append(out, &protocol.DeleteFile{Kind: "delete", URI: b.uri(d)})
		} else {
			overwrite[d] = true
		}
	}

	create := func(c edit.Create) {
		if !ops.create {
			notes = append(notes, fmt.Sprintf("%s not created: the editor cannot create files", c.Path))
			return
		}
		u := b.uri(c.Path)
		op := &protocol.CreateFile{Kind: "create", URI: u}
		if overwrite[c.Path] {
			op.Options = &protocol.CreateFileOptions{Overwrite: &yes}
		}
		out = append(out, op)
		if len(c.Content) > 0 {
			out = append(out, &protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}},
				Edits:        []protocol.TextDocumentEditElement{&protocol.TextEdit{NewText: string(c.Content)}},
			})
		}
	}
	var late []edit.Create
	for _, c := range cs.Creates {
		if renamedFrom[c.Path] {
			late = append(late, c)
			continue
		}
		create(c)
	}

	for _, r := range steps {
		if !ops.rename {
			notes = append(notes, fmt.Sprintf("%s not moved to %s: the editor cannot rename files", r.From, r.To))
			continue
		}
		op := &protocol.RenameFile{Kind: "rename", OldURI: b.uri(r.From), NewURI: b.uri(r.To)}
		if overwrite[r.To] {
			op.Options = &protocol.RenameFileOptions{Overwrite: &yes}
		}
		out = append(out, op)
	}
	for _, c := range late {
		create(c)
	}

	tops, covers := topDirs(emptyDirs, otherDeletes)
	for _, d := range otherDeletes {
		if !ops.delete {
			notes = append(notes, fmt.Sprintf("%s not deleted: the editor cannot delete files", d))
			continue
		}
		if covered(tops, d) {
			continue
		}
		out = append(out, &protocol.DeleteFile{Kind: "delete", URI: b.uri(d)})
	}
	for _, d := range tops {
		if !ops.delete {
			notes = append(notes, fmt.Sprintf("empty directory %s not removed: the editor cannot delete files", d))
			continue
		}
		opts := &protocol.DeleteFileOptions{IgnoreIfNotExists: &yes}
		if covers[d] {
			opts.Recursive = &yes
		}
		out = append(out, &protocol.DeleteFile{Kind: "delete", URI: b.uri(d), Options: opts})
	}
	return out, notes, nil
}

// topDirs returns the directories of emptyDirs that are not below another
// one (in emptyDirs' order), and for each whether it still holds something
// once the renames are done: another of emptyDirs or a file of deletes.
// Everything below a top directory is then removed by its one recursive
// delete.
func topDirs(emptyDirs, deletes []string) (tops []string, holds map[string]bool) {
	holds = map[string]bool{}
	for _, d := range emptyDirs {
		if covered(emptyDirs, d) {
			continue
		}
		tops = append(tops, d)
		for _, x := range append(append([]string(nil), emptyDirs...), deletes...) {
			if strings.HasPrefix(x, d+"/") {
				holds[d] = true
				break
			}
		}
	}
	return tops, holds
}

// covered reports whether p lies strictly below one of dirs.
func covered(dirs []string, p string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}
