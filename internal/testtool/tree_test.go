package testtool

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteTree(t *testing.T) {
	dir := TempTree(t, map[string]string{"a/b/c.txt": "abc", "top": ""})
	WriteTree(t, dir, map[string][]byte{"a/d.bin": {0, 1}})
	for rel, want := range map[string]string{"a/b/c.txt": "abc", "top": "", "a/d.bin": "\x00\x01"} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s = %q, want %q", rel, got, want)
		}
	}
}
