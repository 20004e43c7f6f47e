package tsmove

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/workspace"
)

// Next.js routing: in a Next.js app (a directory holding next.config.* or
// a package.json depending on "next"), files under app/ or pages/ (or
// src/app, src/pages) serve routes by their path, so moving them changes
// URLs that no import names.

var nextConfigNames = []string{"next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts", "next.config.mts"}

// appRoles are the app-router file names that serve a route segment.
var appRoles = map[string]string{
	"page": "page", "layout": "layout", "route": "route handler", "loading": "loading UI",
	"error": "error UI", "global-error": "global error UI", "not-found": "not-found UI",
	"template": "template", "default": "parallel-route default",
}

var routeExts = []string{".tsx", ".ts", ".jsx", ".js", ".mdx"}

// route is what a file serves in a Next.js app.
type route struct {
	path string // "/experiments/new"; "" for pages/_app and the like
	role string // "page", "layout", ...
}

// nextDetector finds Next.js apps in one tree.
type nextDetector struct {
	fs    workspace.FileSet
	roots map[string]bool
}

func (d *nextDetector) isRoot(dir string) bool {
	if v, ok := d.roots[dir]; ok {
		return v
	}
	v := false
	for _, n := range nextConfigNames {
		if d.fs.HasFile(join(dir, n)) {
			v = true
		}
	}
	if pj := join(dir, "package.json"); !v && d.fs.HasFile(pj) {
		if data, err := d.fs.ReadFile(pj); err == nil {
			var m struct {
				Deps    map[string]any `json:"dependencies"`
				DevDeps map[string]any `json:"devDependencies"`
				Peer    map[string]any `json:"peerDependencies"`
			}
			if json.Unmarshal(data, &m) == nil {
				_, a := m.Deps["next"]
				_, b := m.DevDeps["next"]
				_, c := m.Peer["next"]
				v = a || b || c
			}
		}
	}
	d.roots[dir] = v
	return v
}

// routeOf returns the route file serves, and false when it serves none.
func (d *nextDetector) routeOf(file string) (route, bool) {
	segs := strings.Split(file, "/")
	// The outermost app/ or pages/ directory beside a Next.js root (or
	// beside its src/) is the router; inner ones are route segments.
	for i := 0; i < len(segs)-1; i++ {
		if segs[i] != "app" && segs[i] != "pages" {
			continue
		}
		parent := strings.Join(segs[:i], "/")
		ok := d.isRoot(parent)
		if !ok && i > 0 && segs[i-1] == "src" {
			// src/app and src/pages count only when the root has no app/
			// or pages/ of its own.
			root := strings.Join(segs[:i-1], "/")
			ok = d.isRoot(root) && !d.fs.HasDir(join(root, "app")) && !d.fs.HasDir(join(root, "pages"))
		}
		if !ok {
			continue
		}
		if segs[i] == "app" {
			return appRoute(segs[i+1:])
		}
		return pagesRoute(segs[i+1:])
	}
	return route{}, false
}

func routeStem(name string) (string, bool) {
	for _, e := range routeExts {
		if s, ok := strings.CutSuffix(name, e); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// appRoute maps the path below app/ to its route: route groups "(x)" and
// parallel slots "@x" are dropped; private folders "_x" serve nothing.
func appRoute(segs []string) (route, bool) {
	stem, ok := routeStem(segs[len(segs)-1])
	role := appRoles[stem]
	if !ok || role == "" {
		return route{}, false
	}
	var parts []string
	for _, s := range segs[:len(segs)-1] {
		switch {
		case strings.HasPrefix(s, "_"):
			return route{}, false
		case strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"), strings.HasPrefix(s, "@"):
			continue
		}
		parts = append(parts, s)
	}
	return route{path: "/" + strings.Join(parts, "/"), role: role}, true
}

// pagesRoute maps the path below pages/ to its route ("index" names its
// directory; _app, _document and _error are special files).
func pagesRoute(segs []string) (route, bool) {
	stem, ok := routeStem(segs[len(segs)-1])
	if !ok {
		return route{}, false
	}
	if len(segs) == 1 && strings.HasPrefix(stem, "_") {
		return route{role: "pages/" + stem}, true
	}
	parts := append(append([]string(nil), segs[:len(segs)-1]...), stem)
	if stem == "index" {
		parts = parts[:len(parts)-1]
	}
	role := "page"
	if len(segs) > 1 && segs[0] == "api" {
		role = "API route"
	}
	return route{path: "/" + strings.Join(parts, "/"), role: role}, true
}

func (r route) String() string {
	if r.path == "" {
		return r.role
	}
	return r.role + " " + r.path
}

// routeWarnings reports moved files whose Next.js route changes, appears
// or disappears.
func (c *Context) routeWarnings(moved map[string]string) []edit.Warning {
	before := &nextDetector{fs: c.OldFS, roots: map[string]bool{}}
	after := &nextDetector{fs: c.NewFS, roots: map[string]bool{}}
	olds := make([]string, 0, len(moved))
	for old := range moved {
		olds = append(olds, old)
	}
	sort.Strings(olds)
	var out []edit.Warning
	for _, old := range olds {
		nw := moved[old]
		r1, ok1 := before.routeOf(old)
		r2, ok2 := after.routeOf(nw)
		var msg string
		switch {
		case ok1 && ok2 && r1 == r2:
			continue
		case ok1 && ok2 && r1.path != r2.path && r1.role == r2.role:
			msg = fmt.Sprintf("Next.js route changes from %s to %s: this %s moves to %s; update the links, redirects, rewrites and middleware matchers that name %s",
				r1.path, r2.path, r1.role, nw, r1.path)
		case ok1 && ok2:
			msg = fmt.Sprintf("Next.js route changes: the %s becomes the %s (moved to %s)", r1, r2, nw)
		case ok1:
			msg = fmt.Sprintf("Next.js route disappears: this %s is no longer served once it moves to %s, outside the app/ and pages/ route trees; update the links that name %s", r1, nw, r1.path)
		case ok2:
			msg = fmt.Sprintf("Next.js route appears: moved to %s, this file becomes the %s", nw, r2)
		default:
			continue
		}
		out = append(out, edit.Warning{Path: old, Code: "route-change", Msg: msg})
	}
	return out
}
