package parsers

import "sort"

// Cover answers, for offsets taken in increasing order, which of a set of
// spans covers an offset: one sweep over spans and offsets, so a tree's
// regions captured by a query (function bodies, annotations, export
// statements) classify its identifiers without walking the tree. The
// spans are those of one tree's nodes: any two are nested or disjoint.
type Cover struct {
	spans []Span
	next  int
	open  []Span // spans begun and not ended, outermost first
}

// NewCover returns a Cover of spans (the slice is sorted in place).
func NewCover(spans []Span) *Cover {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	return &Cover{spans: spans}
}

// At returns the innermost span covering off (Start <= off < End), if
// any. Successive calls must pass non-decreasing offsets.
func (c *Cover) At(off int) (Span, bool) {
	for c.next < len(c.spans) && c.spans[c.next].Start <= off {
		s := c.spans[c.next]
		c.pop(s.Start)
		c.open = append(c.open, s)
		c.next++
	}
	c.pop(off)
	if len(c.open) == 0 {
		return Span{}, false
	}
	return c.open[len(c.open)-1], true
}

// pop closes the open spans that end at or before off.
func (c *Cover) pop(off int) {
	for len(c.open) > 0 && c.open[len(c.open)-1].End <= off {
		c.open = c.open[:len(c.open)-1]
	}
}

// Has reports whether a span covers off (see At).
func (c *Cover) Has(off int) bool {
	_, ok := c.At(off)
	return ok
}
