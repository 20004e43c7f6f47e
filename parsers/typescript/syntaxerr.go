package typescript

import (
	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// syntaxErrors returns the spans of the outermost ERROR nodes and of the
// MISSING nodes (zero-width) of the tree, in source order, leaving out the
// ones forgiven while extracting refs. Only subtrees that hold an error are
// visited.
func (x *extractor) syntaxErrors(root *sitter.Node) []parsers.Span {
	if !root.HasError() {
		return nil
	}
	var errs []parsers.Span
	add := func(s parsers.Span) {
		if !x.forgiven[s] {
			errs = append(errs, s)
		}
	}
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	for {
		n := c.CurrentNode()
		descend := false
		switch {
		case n.IsError():
			add(spanOf(n))
		case n.IsMissing():
			add(spanOf(n))
		case n.HasError():
			descend = true
		}
		if descend && c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return errs
			}
		}
	}
}

func (x *extractor) forgive(s parsers.Span) {
	if x.forgiven == nil {
		x.forgiven = make(map[parsers.Span]bool)
	}
	x.forgiven[s] = true
}
