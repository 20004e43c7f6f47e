package parsers

import "sort"

// Cover answers, for offsets taken in increasing order, whether an offset
// lies inside one of a set of spans: one sweep over spans and offsets, so
// a tree's regions captured by a query (function bodies, annotations,
// export statements) classify its identifiers without walking the tree.
type Cover struct {
	spans []Span
	next  int
	// best is the span begun so far with the largest end.
	best Span
	any  bool
}

// NewCover returns a Cover of spans (the slice is sorted in place).
func NewCover(spans []Span) *Cover {
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	return &Cover{spans: spans}
}

// At returns the span covering off (Start <= off < End) that reaches
// furthest, if any. Successive calls must pass non-decreasing offsets.
func (c *Cover) At(off int) (Span, bool) {
	for c.next < len(c.spans) && c.spans[c.next].Start <= off {
		if s := c.spans[c.next]; !c.any || s.End > c.best.End {
			c.best, c.any = s, true
		}
		c.next++
	}
	if c.any && off < c.best.End {
		return c.best, true
	}
	return Span{}, false
}

// Has reports whether a span covers off (see At).
func (c *Cover) Has(off int) bool {
	_, ok := c.At(off)
	return ok
}
