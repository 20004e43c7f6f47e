package typescript

import (
	"bytes"
	"regexp"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// referenceTag matches the start of a triple-slash reference directive.
var referenceTag = regexp.MustCompile(`^///[ \t]*<reference[ \t]`)

// xmlAttribute matches one name="value" or name='value' attribute.
var xmlAttribute = regexp.MustCompile(`([A-Za-z_][-\w]*)[ \t]*=[ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)')`)

// referencePaths adds a TSReferencePath ref for each `/// <reference
// path="..." />` among the comments that open the file. TypeScript treats
// triple-slash directives after the first statement as plain comments, so
// the scan stops at the first node that is not a comment (a leading #!
// line is skipped).
func (x *extractor) referencePaths(root *sitter.Node) {
	for i := range int(root.NamedChildCount()) {
		c := root.NamedChild(i)
		switch c.Type() {
		case "hash_bang_line":
			continue
		case "comment":
			x.referencePath(spanOf(c))
			continue
		}
		return
	}
}

func (x *extractor) referencePath(comment parsers.Span) {
	text := x.src[comment.Start:comment.End]
	tag := referenceTag.FindIndex(text)
	if tag == nil {
		return
	}
	// Attributes run to the closing "/>" of the tag (or the end of the
	// comment when it is missing; TypeScript is lenient there too).
	attrs := text[tag[1]:]
	if end := bytes.Index(attrs, []byte("/>")); end >= 0 {
		attrs = attrs[:end]
	}
	for _, m := range xmlAttribute.FindAllSubmatchIndex(attrs, -1) {
		if string(attrs[m[2]:m[3]]) != "path" {
			continue
		}
		vs, ve := m[4], m[5] // "..."
		if vs < 0 {
			vs, ve = m[6], m[7] // '...'
		}
		base := comment.Start + tag[1]
		span := parsers.Span{Start: base + vs, End: base + ve}
		x.add(parsers.Ref{
			Kind:   parsers.TSReferencePath,
			Module: span.Text(x.src),
			Span:   span,
			Stmt:   comment,
			Quote:  x.src[span.Start-1],
		})
		return
	}
}
