package typescript

import (
	"bytes"
	"context"
	"fmt"

	"github.com/relayout/relayout/parsers"
)

// maxSalvageParses bounds the extra parses salvage may run on one file.
const maxSalvageParses = 4

// salvage recovers import and export statements that tree-sitter's error
// recovery swallowed into an ERROR node (an unclosed parenthesis or brace
// can turn the rest of the file into one ERROR).
//
// For the first line inside an ERROR span that starts, in column 0, with
// the keyword import or export, it parses the source again with every byte
// before that line replaced by a space, so that the line parses as a
// top-level statement while offsets stay those of src. References the
// first parse did not find are added; the re-parse's own errors are
// salvaged the same way, up to maxSalvageParses parses. Result.Errors
// still reports the original ERROR spans.
func (x *extractor) salvage(ctx context.Context, g *grammar, errs []parsers.Span) error {
	from := 0 // only lines at or after from; grows with every re-parse
	for range maxSalvageParses {
		line := -1
		for _, e := range errs {
			if l := statementLineIn(x.src, max(e.Start, from), e.End); l >= 0 {
				line = l
				break
			}
		}
		if line < 0 {
			return nil
		}
		blanked := bytes.Repeat([]byte{' '}, len(x.src))
		copy(blanked[line:], x.src[line:])
		withForAssert(blanked, true)
		tree, err := g.parse(ctx, blanked)
		if err != nil {
			return err
		}
		sub := &extractor{src: blanked, q: x.q, seen: x.seen}
		root := tree.RootNode()
		err = sub.run(ctx, root)
		if err == nil {
			errs = sub.syntaxErrors(root)
		}
		tree.Close()
		if err != nil {
			return fmt.Errorf("salvage: %w", err)
		}
		// The blanked bytes are spaces, so every ref lies at or after line
		// and its Module came from bytes equal to src.
		x.refs = append(x.refs, sub.refs...)
		from = line + 1
	}
	return nil
}

// statementLineIn returns the offset of the first line start in
// [start, end) whose line begins with the keyword import or export, or -1.
func statementLineIn(src []byte, start, end int) int {
	for i := start; i < end; i++ {
		if i > 0 && src[i-1] != '\n' && src[i-1] != '\r' {
			continue
		}
		for _, kw := range [...]string{"import", "export"} {
			rest := src[i:]
			if bytes.HasPrefix(rest, []byte(kw)) && (len(rest) == len(kw) || !isIdentByte(rest[len(kw)])) {
				return i
			}
		}
	}
	return -1
}

// isIdentByte reports whether c is an ASCII identifier character. Word
// boundaries only look at ASCII: a keyword next to a non-ASCII letter is
// kept as a candidate, which costs a little work but never misses one.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
