package parsers

import "testing"

// TestCover: nested, overlapping and disjoint spans, offsets at both
// edges (End is exclusive), gaps between spans.
func TestCover(t *testing.T) {
	c := NewCover([]Span{{20, 30}, {0, 10}, {2, 4}, {8, 15}, {40, 41}})
	for _, tc := range []struct {
		off  int
		want Span
		ok   bool
	}{
		{0, Span{0, 10}, true},
		{3, Span{0, 10}, true},
		{9, Span{8, 15}, true},
		{14, Span{8, 15}, true},
		{15, Span{}, false},
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
