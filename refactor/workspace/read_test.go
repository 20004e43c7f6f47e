//go:build unix

package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadRegular refuses pipes, devices and directories without blocking or
// reading them, and files over the cap.
func TestReadRegularRefuses(t *testing.T) {
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, "fifo"))
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("fifo", filepath.Join(dir, "tofifo")); err != nil {
		t.Fatal(err)
	}
	testtool.WriteTree(t, dir, map[string]string{"big": strings.Repeat("x", 100), "ok": "hello", "sub/x": ""})
	cases := []struct {
		name string
		want error
		msg  string
	}{
		{"fifo", ErrNotRegular, "a named pipe"},
		{"tofifo", ErrNotRegular, "a named pipe"},
		{"zero", ErrNotRegular, "a device"},
		{"sub", ErrNotRegular, "a directory"},
		{"big", ErrTooLarge, "100 bytes, over 10"},
		{"missing", os.ErrNotExist, "missing"},
	}
	for _, c := range cases {
		_, err := ReadRegular(filepath.Join(dir, c.name), 10)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: got %v, want %v mentioning %q", c.name, err, c.want, c.msg)
		}
	}
	if data, err := ReadRegular(filepath.Join(dir, "ok"), 10); err != nil || string(data) != "hello" {
		t.Errorf("ok: %q, %v", data, err)
	}
}

// A listed file swapped for a pipe after the walk is refused by DiskSet,
// naming the workspace-relative path.
func TestDiskSetRefusesPipe(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{"a.py": "A = 1\n"})
	l, err := Walk(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "a.py")); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, filepath.Join(dir, "a.py"))
	_, err = NewDiskSet(l).ReadFile("a.py")
	if !errors.Is(err, ErrNotRegular) || !strings.HasPrefix(err.Error(), "read a.py: ") {
		t.Fatalf("got %v", err)
	}
}

// A .gitignore or .git/info/exclude that is a pipe fails the walk with an
// error naming it instead of hanging; a symlink to a pipe is skipped with a
// note; a pipe itself is not listed.
func TestWalkSpecialFiles(t *testing.T) {
	for _, ignore := range []string{".gitignore", "sub/.gitignore", ".git/info/exclude"} {
		dir := t.TempDir()
		testtool.WriteTree(t, dir, map[string]string{"a.py": "", "sub/b.py": ""})
		mkfifo(t, filepath.Join(dir, filepath.FromSlash(ignore)))
		_, err := Walk(t.Context(), dir, Options{})
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), filepath.FromSlash(ignore)) {
			t.Errorf("%s: got %v", ignore, err)
		}
	}
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{"a.py": ""})
	mkfifo(t, filepath.Join(dir, "pipe.py"))
	if err := os.Symlink("pipe.py", filepath.Join(dir, "link.py")); err != nil {
		t.Fatal(err)
	}
	l, err := Walk(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(paths(l), " "); got != "a.py" {
		t.Errorf("files = %s", got)
	}
	if len(l.Notes) != 1 || l.Notes[0].Path != "link.py" || !strings.Contains(l.Notes[0].Message, "special file") {
		t.Errorf("notes = %v", l.Notes)
	}
}
