package parsers

import "testing"

func TestLines(t *testing.T) {
	src := []byte("a😀b\r\nxé\ry\nlast")
	l := NewLines(src)
	if l.Count() != 4 {
		t.Fatalf("Count = %d, want 4", l.Count())
	}
	off := len("a😀") // the "b" on line 0
	for _, tc := range []struct {
		enc  Encoding
		want Position
	}{
		{UTF8, Position{0, 5}},
		{UTF16, Position{0, 3}},
		{UTF32, Position{0, 2}},
	} {
		if got := l.Position(off, tc.enc); got != tc.want {
			t.Errorf("Position(%d, %s) = %+v, want %+v", off, tc.enc, got, tc.want)
		}
		if got := l.Offset(tc.want, tc.enc); got != off {
			t.Errorf("Offset(%+v, %s) = %d, want %d", tc.want, tc.enc, got, off)
		}
	}
	// "y" follows a lone CR: it starts line 2.
	y := len("a😀b\r\nxé\r")
	if got := l.Position(y, UTF16); got != (Position{2, 0}) {
		t.Errorf("after a lone CR: %+v", got)
	}
	// A column inside a surrogate pair stays before the character; a column
	// past the end clamps before the line break; a line past the end clamps
	// to the end of the text.
	if got := l.Offset(Position{0, 2}, UTF16); got != 1 {
		t.Errorf("inside a surrogate pair: %d", got)
	}
	if got := l.Offset(Position{0, 99}, UTF16); got != len("a😀b") {
		t.Errorf("past the line end: %d", got)
	}
	if got := l.Offset(Position{9, 0}, UTF8); got != len(src) {
		t.Errorf("past the last line: %d", got)
	}
}

func TestLangOf(t *testing.T) {
	for name, want := range map[string]Lang{
		"a.py": Python, "a.pyi": Python, "a.ts": TypeScript, "a.d.ts": TypeScript, "a.mts": TypeScript,
		"a.tsx": TSX, "a.jsx": TSX, "a.js": JavaScript, "a.cjs": JavaScript, `dir\A.PY`: Python,
	} {
		if got, ok := LangOf(name); !ok || got != want {
			t.Errorf("LangOf(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := LangOf("styles.css"); ok {
		t.Errorf("LangOf(styles.css) reported a language")
	}
}
