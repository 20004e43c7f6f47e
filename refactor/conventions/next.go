package conventions

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Next.js. Evidence of an app root: a next.config.* file, a package.json
// depending on "next", or an app/ (or src/app/) folder holding a root
// layout beside a package.json or tsconfig.json. Its router is app/ and
// pages/ beside the root, or src/app and src/pages when the root has
// neither. Below app/, a folder is a URL segment unless it is a route group
// "(x)", a parallel-route slot "@x" (both leave the URL unchanged but
// choose layouts) or private "_x" (serves nothing); "(.)x", "(..)x" and
// "(...)x" intercept a route; "[x]", "[...x]" and "[[...x]]" are dynamic.
// A file serves a route by its name: page, layout, route, loading, error,
// global-error, not-found, template, default, and the metadata files. Below
// pages/, every script serves the URL of its path ("index" names its
// folder; pages/api holds API routes; _app, _document, _error are special).
// middleware.* and instrumentation.* at the root (or src/) are entry
// points found by name.

var nextConfigNames = []string{"next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts", "next.config.mts"}

// appRoles are the app-router file stems that serve a route segment.
var appRoles = map[string]string{
	"page": "page", "layout": "layout", "route": "route handler", "loading": "loading UI",
	"error": "error UI", "global-error": "global error UI", "not-found": "not-found UI",
	"template": "template", "default": "parallel-route default",
	"opengraph-image": "metadata image", "twitter-image": "metadata image", "icon": "metadata icon",
	"apple-icon": "metadata icon", "sitemap": "sitemap", "robots": "robots.txt", "manifest": "web manifest",
}

var routeExts = []string{".tsx", ".ts", ".jsx", ".js", ".mdx", ".mjs"}

// Route is one entry of a Next.js route table.
type Route struct {
	// App is the app's root directory (where next.config.* lives).
	App string
	// URL is the path served ("/experiments/[id]"; "" for pages/_app and
	// the like); route groups and slots are dropped, interception markers
	// kept.
	URL string
	// Role says what the file serves: "page", "layout", "route handler", …
	Role string
	// File is the file serving it.
	File string
	// Key is the file's path below the router folder: the route's identity
	// (two files with one URL but different groups or slots differ).
	Key string
	// marker is the file whose presence makes App a Next.js root.
	marker string
}

func (r Route) String() string {
	if r.URL == "" {
		return r.Role
	}
	return r.Role + " " + r.URL
}

// router is one app/ or pages/ folder of a Next.js app.
type router struct {
	dir    string
	root   string
	marker string
	pages  bool
}

// routeOf returns the route a file at p (below r.dir) would serve.
func (r router) routeOf(p string) (Route, bool) {
	if !isUnder(p, r.dir) {
		return Route{}, false
	}
	rel := p[len(r.dir)+1:]
	segs := strings.Split(rel, "/")
	var rt Route
	var ok bool
	if r.pages {
		rt, ok = pagesRoute(segs)
	} else {
		rt, ok = appRoute(segs)
	}
	if !ok {
		return Route{}, false
	}
	rt.App, rt.File, rt.Key, rt.marker = r.root, p, strings.TrimSuffix(rel, path.Ext(rel)), r.marker
	if r.pages {
		rt.Key = "pages:" + rt.Key
	}
	return rt, true
}

func routeStem(name string) (string, bool) {
	for _, e := range routeExts {
		if s, ok := strings.CutSuffix(name, e); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// appRoute maps the path below app/ to its route.
func appRoute(segs []string) (Route, bool) {
	name := segs[len(segs)-1]
	stem, ok := routeStem(name)
	if !ok {
		// Metadata files may be images or text: icon.png, robots.txt.
		stem = strings.TrimSuffix(name, path.Ext(name))
		if stem == name || !isMetadataStem(stem) {
			return Route{}, false
		}
	}
	role := appRoles[stem]
	if role == "" {
		return Route{}, false
	}
	var parts []string
	for _, s := range segs[:len(segs)-1] {
		switch {
		case strings.HasPrefix(s, "_"):
			return Route{}, false
		case strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")"), strings.HasPrefix(s, "@"):
			continue
		}
		parts = append(parts, s)
	}
	return Route{URL: "/" + strings.Join(parts, "/"), Role: role}, true
}

func isMetadataStem(s string) bool {
	switch s {
	case "icon", "apple-icon", "opengraph-image", "twitter-image", "robots", "sitemap", "manifest":
		return true
	}
	return false
}

// pagesRoute maps the path below pages/ to its route.
func pagesRoute(segs []string) (Route, bool) {
	stem, ok := routeStem(segs[len(segs)-1])
	if !ok {
		return Route{}, false
	}
	if len(segs) == 1 && strings.HasPrefix(stem, "_") {
		return Route{Role: "pages/" + stem}, true
	}
	parts := append(append([]string(nil), segs[:len(segs)-1]...), stem)
	if stem == "index" {
		parts = parts[:len(parts)-1]
	}
	role := "page"
	if len(segs) > 1 && segs[0] == "api" {
		role = "API route"
	}
	return Route{URL: "/" + strings.Join(parts, "/"), Role: role}, true
}

// nextMarker returns the file that makes dir a Next.js root ("" if none).
func (m *Model) nextMarker(dir string) string {
	for _, n := range nextConfigNames {
		if f := join(dir, n); m.fs.HasFile(f) {
			return f
		}
	}
	pj := join(dir, "package.json")
	if m.fs.HasFile(pj) && dependsOn(m.fs.ReadFile, pj, "next") {
		return pj
	}
	// An app router with a root layout beside a JS/TS project file.
	for _, app := range []string{join(dir, "app"), join(dir, "src/app")} {
		for _, e := range routeExts {
			if l := app + "/layout" + e; m.fs.HasFile(l) && (m.fs.HasFile(join(dir, "package.json")) || m.fs.HasFile(join(dir, "tsconfig.json")) || m.fs.HasFile(join(dir, "jsconfig.json"))) {
				return l
			}
		}
	}
	return ""
}

// dependsOn reports whether the package.json pj lists dep in any of its
// dependency tables.
func dependsOn(read func(string) ([]byte, error), pj, dep string) bool {
	return packageDeps(read, pj)[dep]
}

// packageDeps returns the names in the dependency tables of the
// package.json pj (nil when it cannot be read or parsed).
func packageDeps(read func(string) ([]byte, error), pj string) map[string]bool {
	data, err := read(pj)
	if err != nil {
		return nil
	}
	var p struct {
		Deps    map[string]any `json:"dependencies"`
		DevDeps map[string]any `json:"devDependencies"`
		Peer    map[string]any `json:"peerDependencies"`
	}
	if json.Unmarshal(data, &p) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, table := range []map[string]any{p.Deps, p.DevDeps, p.Peer} {
		for name := range table {
			out[name] = true
		}
	}
	return out
}

// detectNext finds Next.js roots, their route tables, and one group per
// root: its marker files, route files and middleware must move together.
func (m *Model) detectNext() {
	cands := map[string]bool{}
	for _, f := range m.fs.Files() {
		base := path.Base(f)
		d := dirOf(f)
		switch {
		case strings.HasPrefix(base, "next.config."), base == "package.json", base == "tsconfig.json", base == "jsconfig.json":
			cands[d] = true
		}
	}
	roots := sortedKeys(cands)
	for _, root := range roots {
		marker := m.nextMarker(root)
		if marker == "" {
			continue
		}
		g := Group{Kind: KindRoute, Anchor: root, Why: fmt.Sprintf("Next.js serves the routes of %s by their paths below its router folder", orDot(root)+"/")}
		for _, n := range append(nextConfigNames, "package.json", "tsconfig.json", "jsconfig.json") {
			if f := join(root, n); m.fs.HasFile(f) {
				g.Members = append(g.Members, f)
			}
		}
		var rs []router
		for _, d := range []string{"app", "pages"} {
			if m.dirs.isDir(join(root, d)) {
				rs = append(rs, router{dir: join(root, d), root: root, marker: marker, pages: d == "pages"})
			}
		}
		if len(rs) == 0 {
			for _, d := range []string{"src/app", "src/pages"} {
				if m.dirs.isDir(join(root, d)) {
					rs = append(rs, router{dir: join(root, d), root: root, marker: marker, pages: strings.HasSuffix(d, "pages")})
				}
			}
		}
		// A pages/ folder counts only with strong evidence (it is a common
		// name).
		if !strings.HasPrefix(path.Base(marker), "next.config.") && path.Base(marker) != "package.json" {
			var keep []router
			for _, r := range rs {
				if !r.pages {
					keep = append(keep, r)
				}
			}
			rs = keep
		}
		for _, r := range rs {
			m.routers = append(m.routers, r)
			for _, f := range m.dirs.under(r.dir) {
				if rt, ok := r.routeOf(f); ok {
					m.routes = append(m.routes, rt)
					g.Members = append(g.Members, f)
				}
			}
		}
		for _, d := range []string{root, join(root, "src")} {
			for _, f := range m.dirs.direct[d] {
				if s, ok := routeStem(path.Base(f)); ok && (s == "middleware" || s == "instrumentation") {
					g.Members = append(g.Members, f)
				}
			}
		}
		if len(rs) > 0 {
			m.addGroup(g)
		}
	}
	sort.SliceStable(m.routes, func(i, j int) bool {
		a, b := m.routes[i], m.routes[j]
		if a.App != b.App {
			return a.App < b.App
		}
		if a.URL != b.URL {
			return a.URL < b.URL
		}
		return a.Key < b.Key
	})
}

// diffRoutes compares the route tables before and after: every route must
// be served by the same file (at its new path) with the same key, in the
// same app; no file may start serving a route; no URL may get both a page
// and a route handler.
func diffRoutes(mb, ma *Model, newOf, origOf func(string) string) []Change {
	type id struct{ marker, key, file string }
	before := map[id]Route{}
	for _, r := range mb.routes {
		before[id{r.marker, r.Key, r.File}] = r
	}
	after := map[id]Route{}
	for _, r := range ma.routes {
		after[id{origOf(r.marker), r.Key, origOf(r.File)}] = r
	}
	var out []Change
	byFile := map[string]Route{}
	for _, r := range ma.routes {
		byFile[origOf(r.File)] = r
	}
	for k, r := range before {
		if _, ok := after[k]; ok {
			continue
		}
		to := newOf(r.File)
		if r2, ok := byFile[r.File]; ok {
			out = append(out, Change{Kind: KindRoute, Path: r.File, To: to,
				Msg: fmt.Sprintf("Next.js route changes: the %s becomes the %s", r, r2)})
		} else {
			out = append(out, Change{Kind: KindRoute, Path: r.File, To: to,
				Msg: fmt.Sprintf("Next.js route disappears: the %s is no longer served", r)})
		}
	}
	wasRoute := map[string]bool{}
	for _, r := range mb.routes {
		wasRoute[r.File] = true
	}
	for k, r := range after {
		if _, ok := before[k]; ok {
			continue
		}
		o := origOf(r.File)
		if !wasRoute[o] {
			out = append(out, Change{Kind: KindRoute, Path: o, To: r.File, Msg: fmt.Sprintf("Next.js route appears: the file becomes the %s", r)})
		}
	}
	// A URL served by both a page and a route handler is rejected by
	// next build.
	conflict := func(rs []Route) map[string]Route {
		page, handler := map[string]bool{}, map[string]Route{}
		for _, r := range rs {
			k := r.App + "|" + r.URL
			switch r.Role {
			case "page":
				page[k] = true
			case "route handler", "API route":
				handler[k] = r
			}
		}
		out := map[string]Route{}
		for k, r := range handler {
			if page[k] {
				out[r.URL] = r
			}
		}
		return out
	}
	had := conflict(mb.routes)
	for u, r := range conflict(ma.routes) {
		if _, ok := had[u]; !ok {
			out = append(out, Change{Kind: KindRoute, Path: origOf(r.File), To: r.File, Error: true,
				Msg: fmt.Sprintf("Next.js URL %s would be served by both a page and a route handler (next build rejects this)", u)})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
