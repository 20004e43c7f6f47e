package tsmove

import (
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/tsresolve"
)

// Path helpers. Workspace-relative paths are slash-separated and use ""
// for the root.

func clean(p string) string {
	p = path.Clean(p)
	if p == "." || p == "/" {
		return ""
	}
	return strings.TrimPrefix(p, "./")
}

func join(elem ...string) string { return clean(path.Join(elem...)) }

func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// under reports whether p is dir or below it, and p relative to dir.
func under(p, dir string) (string, bool) {
	switch {
	case dir == "":
		return p, true
	case p == dir:
		return "", true
	case strings.HasPrefix(p, dir+"/"):
		return p[len(dir)+1:], true
	}
	return "", false
}

func isRelative(spec string) bool {
	return spec == "." || spec == ".." || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../")
}

// relFileSpec is relSpec for a file: a file whose path is fromDir or one
// of its ancestors is named through its parent ("../b"), since "." and
// ".." name directories.
func relFileSpec(fromDir, p string) string {
	s := tsresolve.RelSpec(fromDir, p)
	if p != "" && (s == "." || s == ".." || strings.HasSuffix(s, "/..")) {
		return tsresolve.RelSpec(fromDir, dirOf(p)) + "/" + path.Base(p)
	}
	return s
}

// matchesPaths reports whether spec matches a `paths` pattern (exactly,
// or a `*` pattern by prefix and suffix).
func matchesPaths(ps []tsresolve.PathMapping, spec string) bool {
	for _, pm := range ps {
		prefix, suffix, wild := strings.Cut(pm.Pattern, "*")
		if !wild {
			if pm.Pattern == spec {
				return true
			}
			continue
		}
		if len(spec) >= len(prefix)+len(suffix) && strings.HasPrefix(spec, prefix) && strings.HasSuffix(spec, suffix) {
			return true
		}
	}
	return false
}

// filesUnder returns the files of a sorted list below dir.
func filesUnder(files []string, dir string) []string {
	if dir == "" {
		return files
	}
	lo := sort.SearchStrings(files, dir+"/")
	hi := sort.SearchStrings(files, dir+"0") // '0' follows '/'
	return files[lo:hi]
}
