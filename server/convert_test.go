package server

import (
	"path/filepath"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/relayout/relayout/parsers"
)

func TestPositionOffsetRoundTrip(t *testing.T) {
	src := []byte("a😀b\nc\r\né𝄞x")
	lines := parsers.NewLines(src)
	for _, tc := range []struct {
		offset int
		utf16  protocol.Position
		utf8   protocol.Position
	}{
		{0, protocol.Position{}, protocol.Position{}},
		{1, protocol.Position{Character: 1}, protocol.Position{Character: 1}},
		{5, protocol.Position{Character: 3}, protocol.Position{Character: 5}},                    // after 😀
		{7, protocol.Position{Line: 1}, protocol.Position{Line: 1}},                              // line start
		{10, protocol.Position{Line: 2}, protocol.Position{Line: 2}},                             // after \r\n
		{16, protocol.Position{Line: 2, Character: 3}, protocol.Position{Line: 2, Character: 6}}, // after é𝄞
	} {
		for enc, want := range map[parsers.Encoding]protocol.Position{parsers.UTF16: tc.utf16, parsers.UTF8: tc.utf8} {
			if got := offsetToPosition(lines, tc.offset, enc); got != want {
				t.Errorf("offsetToPosition(%d, %s) = %+v, want %+v", tc.offset, enc, got, want)
			}
			if got := positionToOffset(lines, want, enc); got != tc.offset {
				t.Errorf("positionToOffset(%+v, %s) = %d, want %d", want, enc, got, tc.offset)
			}
		}
	}
}

func TestPathsAndURIs(t *testing.T) {
	root := filepath.FromSlash("/work/my repo")
	u := relToURI(root, "src/ü 😀.py")
	if got, want := string(u), "file:///work/my%20repo/src/%C3%BC%20%F0%9F%98%80.py"; got != want {
		t.Errorf("relToURI = %s, want %s", got, want)
	}
	p, err := uriToPath(u)
	if err != nil || p != filepath.Join(root, "src", "ü 😀.py") {
		t.Errorf("uriToPath = %q, %v", p, err)
	}
	if rel, ok := pathToRel(root, p); !ok || rel != "src/ü 😀.py" {
		t.Errorf("pathToRel = %q, %v", rel, ok)
	}
	if _, ok := pathToRel(root, root+"2/x.py"); ok {
		t.Error("pathToRel accepted a sibling with a common prefix")
	}
	if _, err := uriToPath(uri.URI("untitled:Untitled-1")); err == nil {
		t.Error("uriToPath accepted a non-file URI")
	}
}

func TestSeverityToProtocol(t *testing.T) {
	for s, want := range map[string]protocol.DiagnosticSeverity{
		"error": 1, "warning": 2, "information": 3, "hint": 4, "": 2,
	} {
		if got := severityToProtocol(s); got != want {
			t.Errorf("severityToProtocol(%q) = %d, want %d", s, got, want)
		}
	}
}
