package testtool

import (
	"os"
	"path/filepath"
	"testing"
)

// WriteTree writes files (slash-separated paths relative to dir → content)
// below dir, creating the directories on the way; any error fails the test.
// Content is a string or a []byte, so fixtures of either kind need no
// conversion.
func WriteTree[C string | []byte](t testing.TB, dir string, files map[string]C) {
	t.Helper()
	for rel, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TempTree writes files into a fresh temporary directory (removed when the
// test ends) and returns it.
func TempTree[C string | []byte](t testing.TB, files map[string]C) string {
	t.Helper()
	dir := t.TempDir()
	WriteTree(t, dir, files)
	return dir
}
