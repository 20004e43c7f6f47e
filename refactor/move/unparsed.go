package move

import (
	"bytes"
	"path"
	"sort"
	"strings"
	"unicode/utf16"
)

// Tokens returns the names whose presence in a file's bytes makes it a
// possible importer of a move (the prefilter of refactor.Candidates): each
// moved file's stem (a moved __init__/index file counts by its directory's
// name) and each moved source's base name. targets maps old → new paths
// of the moved files.
func Tokens(moves []Move, targets map[string]string) []string {
	set := map[string]bool{}
	for old := range targets {
		if InDirMove(moves, old) {
			continue // the directory's name is a token
		}
		stem := path.Base(old)
		if i := strings.IndexByte(stem, '.'); i > 0 {
			stem = stem[:i]
		}
		if dir := path.Dir(old); (stem == "__init__" || stem == "index") && dir != "." {
			stem = path.Base(dir)
		}
		set[stem] = true
	}
	for _, m := range moves {
		set[path.Base(path.Clean(m.From))] = true
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// InDirMove reports whether the file old moves because a directory above
// it does.
func InDirMove(moves []Move, old string) bool {
	for _, m := range moves {
		if strings.HasPrefix(old, path.Clean(m.From)+"/") {
			return true
		}
	}
	return false
}

// Mentions reports whether data contains one of tokens, as UTF-8 or, in a
// file holding NUL bytes (which is not parsed), as UTF-16 in either byte
// order.
func Mentions(data []byte, tokens []string) bool {
	wide := bytes.IndexByte(data, 0) >= 0
	for _, t := range tokens {
		if bytes.Contains(data, []byte(t)) {
			return true
		}
		if wide {
			le, be := utf16Bytes(t)
			if bytes.Contains(data, le) || bytes.Contains(data, be) {
				return true
			}
		}
	}
	return false
}

func utf16Bytes(s string) (le, be []byte) {
	for _, u := range utf16.Encode([]rune(s)) {
		le = append(le, byte(u), byte(u>>8))
		be = append(be, byte(u>>8), byte(u))
	}
	return le, be
}

// warnUnparsed warns about every indexed file that could not be parsed
// (binary or UTF-16 bytes, over max_file_size, unreadable, a parse that
// gave up) and may reference a moved file: its references are not
// updated, so the user must check it.
func (e *engine) warnUnparsed(moves []Move) {
	tokens := Tokens(moves, e.fileMap)
	for _, m := range e.merges {
		for _, f := range m.From {
			tokens = append(tokens, strings.TrimSuffix(path.Base(f), path.Ext(f)))
		}
	}
	for _, p := range e.ix.Skipped() {
		f := e.ix.File(p)
		_, moved := e.fileMap[p]
		if !moved {
			data, err := e.fs.ReadFile(p)
			if err == nil && !Mentions(data, tokens) {
				continue
			}
		}
		reason := strings.TrimPrefix(string(f.Skip), "not parsed: ")
		e.warn(p, 0, "not-parsed", "not parsed (%s) but may reference a moved file: its references were not updated; check it by hand", reason)
	}
}
