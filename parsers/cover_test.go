package parsers

import "testing"

// TestCover: nested and disjoint spans (At returns the innermost), a span
// listed twice, offsets at both edges (End is exclusive), gaps.
func TestCover(t *testing.T) {
	c := NewCover([]Span{{20, 30}, {0, 10}, {2, 4}, {6, 10}, {7, 8}, {40, 41}, {40, 41}})
	for _, tc := range []struct {
		off  int
		want Span
		ok   bool
	}{
		{0, Span{0, 10}, true},
		{3, Span{2, 4}, true},
		{4, Span{0, 10}, true},
		{7, Span{7, 8}, true},
		{8, Span{6, 10}, true},
		{9, Span{6, 10}, true},
		{10, Span{}, false},
		{19, Span{}, false},
		{20, Span{20, 30}, true},
		{30, Span{}, false},
		{40, Span{40, 41}, true},
		{41, Span{}, false},
	} {
		got, ok := c.At(tc.off)
		if got != tc.want || ok != tc.ok {
			t.Errorf("At(%d) = %v %v, want %v %v", tc.off, got, ok, tc.want, tc.ok)
		}
	}
	if NewCover(nil).Has(0) {
		t.Error("an empty cover covers 0")
	}
}
