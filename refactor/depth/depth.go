// Package depth implements the depth rule: a file's level is the number of
// directories between the depth root and the file, and files deeper than
// the limit are violations. It needs no parsing, only paths.
//
// The package must not import server, cmd or go.lsp.dev.
package depth

import (
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Rule is a configured depth rule.
type Rule struct {
	// Max is the deepest allowed level.
	Max int
	// Root is the directory levels count from, slash-separated and relative
	// to the workspace root ("." or "" for the workspace root).
	Root string
	// Exclude holds doublestar globs (relative to the workspace root) of
	// files the rule ignores.
	Exclude []string
}

// Violation is a file deeper than the limit.
type Violation struct {
	// Path is slash-separated, relative to the workspace root.
	Path  string `json:"path"`
	Level int    `json:"level"`
	Max   int    `json:"max"`
}

// Level returns the number of directories between the root and the file
// rel (both slash-separated, relative to the workspace root), and false
// when rel is not under root.
func Level(root, rel string) (int, bool) {
	root = cleanRoot(root)
	if root != "" {
		if !strings.HasPrefix(rel, root+"/") {
			return 0, false
		}
		rel = rel[len(root)+1:]
	}
	return strings.Count(rel, "/"), true
}

func cleanRoot(root string) string {
	root = path.Clean(strings.ReplaceAll(root, "\\", "/"))
	if root == "." || root == "/" {
		return ""
	}
	return strings.TrimPrefix(root, "./")
}

// Applies reports whether the rule covers the file rel (it is under the
// root and not excluded).
func (r Rule) Applies(rel string) bool {
	if _, ok := Level(r.Root, rel); !ok {
		return false
	}
	for _, g := range r.Exclude {
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/"), rel); ok {
			return false
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/")+"/**", rel); ok {
			return false
		}
	}
	return true
}

// Check returns the violations among files, in the order given.
func (r Rule) Check(files []string) []Violation {
	var out []Violation
	for _, f := range files {
		if v, ok := r.CheckFile(f); ok {
			out = append(out, v)
		}
	}
	return out
}

// CheckFile returns the violation for one file, if any.
func (r Rule) CheckFile(rel string) (Violation, bool) {
	if !r.Applies(rel) {
		return Violation{}, false
	}
	lvl, _ := Level(r.Root, rel)
	if lvl > r.Max {
		return Violation{Path: rel, Level: lvl, Max: r.Max}, true
	}
	return Violation{}, false
}
