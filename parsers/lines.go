package parsers

import (
	"sort"
	"unicode/utf8"
)

// Encoding is how a column counts characters within a line.
type Encoding string

// Column encodings, as LSP names them.
const (
	UTF8  Encoding = "utf-8"
	UTF16 Encoding = "utf-16"
	UTF32 Encoding = "utf-32"
)

// Position is a zero-based line and a zero-based column counted in some
// Encoding.
type Position struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Lines maps byte offsets of one text to line/column positions and back.
// Line breaks are "\n", "\r\n" and a lone "\r", as LSP counts them. The
// zero value is not usable; call NewLines.
type Lines struct {
	src    []byte
	starts []int // byte offset of each line start
}

// NewLines indexes the line starts of src. It keeps a reference to src.
func NewLines(src []byte) *Lines {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &Lines{src: src, starts: starts}
}

// Count returns the number of lines (at least 1).
func (l *Lines) Count() int { return len(l.starts) }

// LineStart returns the byte offset where zero-based line n begins,
// clamped to the text.
func (l *Lines) LineStart(n int) int {
	if n < 0 {
		return 0
	}
	if n >= len(l.starts) {
		return len(l.src)
	}
	return l.starts[n]
}

// lineEnd returns the offset of the end of line n, before its line break.
func (l *Lines) lineEnd(n int) int {
	if n+1 >= len(l.starts) {
		return len(l.src)
	}
	end := l.starts[n+1]
	if end > 0 && l.src[end-1] == '\n' {
		end--
	}
	if end > l.starts[n] && l.src[end-1] == '\r' {
		end--
	}
	return end
}

// Position converts a byte offset to a position whose column is counted in
// enc. Offsets inside a multi-byte character round down to its start.
func (l *Lines) Position(offset int, enc Encoding) Position {
	if offset < 0 {
		offset = 0
	}
	if offset > len(l.src) {
		offset = len(l.src)
	}
	line := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	start := l.starts[line]
	return Position{Line: line, Col: colOf(l.src[start:offset], enc)}
}

// Offset converts a position whose column is counted in enc to a byte
// offset. Columns past the end of the line clamp to the line end (before
// the break); lines past the end clamp to the end of the text.
func (l *Lines) Offset(p Position, enc Encoding) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(l.starts) {
		return len(l.src)
	}
	start, end := l.starts[p.Line], l.lineEnd(p.Line)
	off, col := start, 0
	for off < end && col < p.Col {
		r, size := utf8.DecodeRune(l.src[off:end])
		col += width(r, size, enc)
		if col > p.Col { // inside a surrogate pair: stay before it
			break
		}
		off += size
	}
	return off
}

func colOf(b []byte, enc Encoding) int {
	if enc == UTF8 {
		return len(b)
	}
	col := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		col += width(r, size, enc)
		b = b[size:]
	}
	return col
}

func width(r rune, size int, enc Encoding) int {
	switch enc {
	case UTF8:
		return size
	case UTF32:
		return 1
	default:
		if r >= 0x10000 && r != utf8.RuneError {
			return 2
		}
		return 1
	}
}
