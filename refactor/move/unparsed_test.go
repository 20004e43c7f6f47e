package move

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/workspace"
)

// Files the index cannot parse are not skipped silently: each one whose
// bytes mention a moved name (also as UTF-16) is a "not-parsed" warning
// of the move, the others are not.
func TestUnparsedWarnings(t *testing.T) {
	dir := t.TempDir()
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range "from app import util\n" {
		utf16 = append(utf16, byte(c), 0)
	}
	testtool.WriteTree(t, dir, map[string][]byte{
		"relayout.toml":       []byte("[workspace]\nmax_file_size = 400\n"),
		"src/app/__init__.py": nil,
		"src/app/util.py":     []byte("X = 1\n"),
		"src/nul.py":          []byte("from app import util\x00\n"),
		"src/wide.py":         utf16,
		"src/big.py":          []byte("from app import util\n" + strings.Repeat("# filler\n", workspace.DefaultMaxFileSize/9)),
		"src/hang.tsx":        []byte("import '../app/util';\n(" + strings.Repeat("\n", 27) + "]"),
		"src/other.py":        []byte("import os\x00\n"),
		"src/ok.py":           []byte("from app import util\n"),
	})
	cs, err := runMoves(t.Context(), dir, []Move{{From: "src/app/util.py", To: "src/app/helpers.py"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, w := range cs.Warnings {
		if w.Code == "not-parsed" {
			got[w.Path] = w.Msg
		}
	}
	want := map[string]string{
		"src/nul.py":   "binary file",
		"src/wide.py":  "UTF-16",
		"src/big.py":   "file too large",
		"src/hang.tsx": "gave up",
	}
	for p, reason := range want {
		if !strings.Contains(got[p], reason) || !strings.Contains(got[p], "references were not updated") {
			t.Errorf("%s: warning %q, want one mentioning %q", p, got[p], reason)
		}
	}
	if len(got) != len(want) {
		t.Errorf("warnings %v, want exactly %d", got, len(want))
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "src/ok.py")); string(data) != "from app import helpers as util\n" {
		t.Errorf("ok.py = %q", data)
	}
}
