package server

// convert.go is the server's only place that converts between relayout's
// plain data (byte offsets, filesystem paths, slash-separated
// workspace-relative paths, configuration strings) and protocol types
// (positions counted in the negotiated encoding, URIs, severities). Every
// position conversion goes through parsers.Lines, the one position mapper.

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
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

// uriToPath returns the absolute filesystem path of a file URI.
func uriToPath(u uri.URI) (string, error) {
	if !u.IsFile() {
		return "", fmt.Errorf("uri %s: not a file URI", u)
	}
	p := u.FsPath()
	if p == "" || !filepath.IsAbs(p) {
		return "", fmt.Errorf("uri %s: not an absolute path", u)
	}
	return filepath.Clean(p), nil
}

// stringToURI parses a URI sent as a plain string (file operation params
// carry strings, not URI values).
func stringToURI(s string) (uri.URI, error) {
	u, err := uri.Parse(s)
	if err != nil {
		return "", fmt.Errorf("parse uri %q: %w", s, err)
	}
	return u, nil
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
