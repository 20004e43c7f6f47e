package conventions

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Paths that tools find or serve by where a file sits, beyond Next.js
// routes, Django and tests. Each forms a group anchored where the tool's
// configuration lives, so the folder may only move with its owner:
//
//   - static folders served at the site root: public/ (Next.js, Vite,
//     Create React App, Nuxt, Astro, Remix, Gatsby's static/), static/
//     (SvelteKit, Docusaurus): a file's URL is its path below the folder,
//     and pages, Markdown and CSS name it by that URL;
//   - file-system routes of other frameworks: SvelteKit src/routes, Remix
//     app/routes, Nuxt pages/, Astro and Gatsby src/pages, TanStack
//     Router/Start src/routes, Expo Router app/ (or src/app);
//   - content collections whose paths become page URLs: contentlayer's
//     contentDirPath, Astro src/content, Docusaurus docs/ and blog/;
//   - folders a tool's configuration names as its output or input
//     (openapi-ts `output: "./src/client"`, TanStack Router's
//     routesDirectory): the tool writes or reads them there;
//   - migrations found by place: Prisma's migrations/ beside
//     schema.prisma (and prisma/schema.prisma by its default path),
//     Alembic's script_location named in alembic.ini.
//
// Evidence is a package.json dependency, a tool's configuration file, or
// the tool's own marker files; nothing is pinned on a folder name alone.

// webFramework is a package.json dependency that serves folders by path.
type webFramework struct {
	dep, name string
	static    string   // folder served at the site root ("" none)
	routes    []string // file-system route folders
	content   []string // content folders whose paths become URLs
}

var webFrameworks = []webFramework{
	{dep: "next", name: "Next.js", static: "public"},
	{dep: "vite", name: "Vite", static: "public"},
	{dep: "react-scripts", name: "Create React App", static: "public"},
	{dep: "@sveltejs/kit", name: "SvelteKit", static: "static", routes: []string{"src/routes"}},
	{dep: "nuxt", name: "Nuxt", static: "public", routes: []string{"pages"}},
	{dep: "astro", name: "Astro", static: "public", routes: []string{"src/pages"}, content: []string{"src/content"}},
	{dep: "@remix-run/dev", name: "Remix", static: "public", routes: []string{"app/routes"}},
	{dep: "@react-router/dev", name: "React Router", static: "public", routes: []string{"app/routes"}},
	{dep: "gatsby", name: "Gatsby", static: "static", routes: []string{"src/pages"}},
	{dep: "@docusaurus/core", name: "Docusaurus", static: "static", content: []string{"docs", "blog"}},
	{dep: "@tanstack/router-plugin", name: "TanStack Router", routes: []string{"src/routes"}},
	{dep: "@tanstack/router-vite-plugin", name: "TanStack Router", routes: []string{"src/routes"}},
	{dep: "@tanstack/router-cli", name: "TanStack Router", routes: []string{"src/routes"}},
	{dep: "@tanstack/react-start", name: "TanStack Start", static: "public", routes: []string{"src/routes", "app/routes"}},
	{dep: "@tanstack/solid-start", name: "TanStack Start", static: "public", routes: []string{"src/routes", "app/routes"}},
	{dep: "@tanstack/start", name: "TanStack Start", static: "public", routes: []string{"src/routes", "app/routes"}},
	{dep: "expo-router", name: "Expo Router", routes: []string{"app", "src/app"}},
}

func (m *Model) detectServed() {
	for _, f := range m.fs.Files() {
		switch b := path.Base(f); {
		case b == "package.json":
			m.detectWebFrameworks(dirOf(f))
		case strings.HasPrefix(b, "contentlayer.config.") || strings.HasPrefix(b, "contentlayer2.config."):
			m.detectContentlayer(f)
		case isToolConfig(b):
			m.detectConfigFolders(f)
		case b == "schema.prisma":
			m.detectPrisma(f)
		case b == "alembic.ini":
			m.detectAlembic(f)
		}
	}
}

// servedGroup adds the group of every file below dir, anchored at anchor
// with the marker files that tie it there.
func (m *Model) servedGroup(anchor, dir, why string, markers ...string) {
	files := m.dirs.under(dir)
	if len(files) == 0 {
		return
	}
	g := Group{Kind: KindServed, Anchor: anchor, Why: why, Folder: dir}
	g.Members = append(g.Members, files...)
	for _, mk := range markers {
		if m.fs.HasFile(mk) {
			g.Members = append(g.Members, mk)
		}
	}
	m.addGroup(g)
}

func (m *Model) detectWebFrameworks(root string) {
	pj := join(root, "package.json")
	deps := packageDeps(m.fs.ReadFile, pj) // read once for every framework
	for _, w := range webFrameworks {
		if !deps[w.dep] {
			continue
		}
		if w.static != "" {
			dir := join(root, w.static)
			m.servedGroup(root, dir, fmt.Sprintf("%s serves %s/ at the site root: each file's URL is its path below %s/", w.name, dir, w.static), pj)
		}
		for _, r := range w.routes {
			dir := join(root, r)
			m.servedGroup(root, dir, fmt.Sprintf("%s serves the routes of %s/ by their paths", w.name, dir), pj)
		}
		for _, c := range w.content {
			dir := join(root, c)
			m.servedGroup(root, dir, fmt.Sprintf("%s turns the paths below %s/ into page URLs", w.name, dir), pj)
		}
	}
}

// contentDirPath finds contentlayer's contentDirPath: "…" setting.
var contentDirPath = regexp.MustCompile("contentDirPath\\s*:\\s*[\"'`]([^\"'`]+)[\"'`]")

func (m *Model) detectContentlayer(config string) {
	data, err := m.fs.ReadFile(config)
	if err != nil {
		return
	}
	mt := contentDirPath.FindSubmatch(data)
	if mt == nil {
		return
	}
	root := dirOf(config)
	dir := path.Clean(join(root, strings.TrimPrefix(string(mt[1]), "./")))
	if dir == "." || !isUnder(dir, root) || dir == root {
		return
	}
	m.servedGroup(root, dir, fmt.Sprintf("contentlayer reads %s/ (contentDirPath in %s) and derives each document's slug from its path", dir, path.Base(config)), config)
}

func (m *Model) detectPrisma(schema string) {
	dir := dirOf(schema)
	anchor := dir
	why := fmt.Sprintf("Prisma reads its migrations from %s/ beside %s", join(dir, "migrations"), schema)
	if path.Base(dir) == "prisma" {
		// prisma/schema.prisma is found by its default path from the
		// package root: the prisma/ folder stays there too.
		anchor = dirOf(dir)
		why += fmt.Sprintf(", and finds %s by its default path", schema)
	}
	if !m.dirs.isDir(join(dir, "migrations")) {
		if anchor != dir {
			m.servedGroup(anchor, dir, why, join(anchor, "package.json"))
		}
		return
	}
	m.servedGroup(anchor, join(dir, "migrations"), why, schema, join(anchor, "package.json"))
}

func (m *Model) detectAlembic(ini string) {
	data, err := m.fs.ReadFile(ini)
	if err != nil {
		return
	}
	sec, _ := iniSection(data, "alembic")
	if len(sec["script_location"]) != 1 {
		return
	}
	loc := sec["script_location"][0]
	loc = strings.TrimPrefix(strings.TrimPrefix(loc, "%(here)s"), "/")
	root := dirOf(ini)
	dir := path.Clean(join(root, loc))
	if strings.Contains(loc, ":") || dir == root || !isUnder(dir, root) {
		return // a package resource ("pkg:alembic") or outside the tree
	}
	m.servedGroup(root, dir, fmt.Sprintf("%s names script_location %s; Alembic finds env.py and versions/ there", ini, loc), ini)
}

// configFolder finds `key: "path"` settings that name a tool's output or
// input folder.
var configFolder = regexp.MustCompile(`\b(output|outputPath|outDir|outputDir|routesDirectory)["']?\s*[:=]\s*["']([^"'\n*?]+)["']`)

// isToolConfig reports whether base is a tool's configuration file
// (x.config.ts, tsr.config.json), bundlers aside: their entries are read
// by detectEntries and their folders (aliases, outDir) pin nothing inside.
func isToolConfig(base string) bool {
	if !strings.Contains(base, ".config.") || isBundlerConfig(base) || strings.HasPrefix(base, "next.config.") {
		return false
	}
	switch path.Ext(base) {
	case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".json":
		return true
	}
	return false
}

func (m *Model) detectConfigFolders(config string) {
	data, err := m.fs.ReadFile(config)
	if err != nil {
		return
	}
	root := dirOf(config)
	for _, mt := range configFolder.FindAllSubmatch(data, -1) {
		rel := strings.TrimPrefix(string(mt[2]), "./")
		dir := path.Clean(join(root, rel))
		if strings.HasPrefix(rel, "../") || strings.HasPrefix(rel, "/") || dir == root || !m.dirs.isDir(dir) {
			continue
		}
		m.servedGroup(root, dir, fmt.Sprintf("%s names %s/ by path (%s): the tool writes or reads it there", config, dir, mt[1]), config)
	}
}
