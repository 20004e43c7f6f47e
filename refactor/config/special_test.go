//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// A relayout.toml that is a pipe, a device or huge is a *Error naming the
// file, not a hang or an unbounded read.
func TestLoadSpecialFile(t *testing.T) {
	cases := map[string]func(string) error{
		"a named pipe": func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"a device":     func(p string) error { return os.Symlink("/dev/zero", p) },
		"file too large": func(p string) error {
			return os.WriteFile(p, []byte(strings.Repeat("#\n", workspace.MaxConfigSize)), 0o644)
		},
	}
	for want, mk := range cases {
		dir := t.TempDir()
		p := filepath.Join(dir, FileName)
		if err := mk(p); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir)
		var ce *Error
		if !errors.As(err, &ce) || ce.Path != p || !strings.Contains(ce.Msg, want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
}
