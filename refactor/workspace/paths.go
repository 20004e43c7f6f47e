package workspace

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// CleanRel cleans a user-given workspace-relative path to slash form; it
// returns false for absolute paths (also Windows drive paths) and paths
// that climb out of the root. The root itself is "".
func CleanRel(p string) (string, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	if path.IsAbs(p) || (len(p) >= 2 && p[1] == ':') {
		return "", false
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	if c == "." {
		c = ""
	}
	return c, true
}

// CheckInsideRoot fails when the nearest existing ancestor directory of
// the workspace-relative path rel resolves, through symlinks, outside the
// workspace root.
func CheckInsideRoot(root, rel string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolve workspace root: %w", err)
	}
	for d := path.Dir(rel); d != "." && d != "/"; d = path.Dir(d) {
		full := filepath.Join(root, filepath.FromSlash(d))
		if _, err := os.Lstat(full); err == nil {
			real, err := filepath.EvalSymlinks(full)
			if err != nil {
				return fmt.Errorf("target %s: %w", rel, err)
			}
			if real != realRoot && !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
				return fmt.Errorf("target %s leaves the workspace root through the symlink %s", rel, d)
			}
			return nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("target %s: %w", rel, err)
		}
	}
	return nil
}

// RelPath returns the slash-separated workspace-relative path p relative
// to directory dir: "" when equal, "a/b" below it, "../x" elsewhere.
func RelPath(dir, p string) string {
	var a, b []string
	if dir != "" {
		a = strings.Split(dir, "/")
	}
	if p != "" {
		b = strings.Split(p, "/")
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	parts := make([]string, 0, len(a)-n+len(b)-n)
	for range a[n:] {
		parts = append(parts, "..")
	}
	return strings.Join(append(parts, b[n:]...), "/")
}
