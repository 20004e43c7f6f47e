package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode"

	"github.com/relayout/relayout/refactor/conventions"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// GenerateOptions configures Generate.
type GenerateOptions struct {
	// Rule is the depth rule to satisfy.
	Rule depth.Rule
	// PythonRoots are the configured [python] roots (nil = detect them).
	PythonRoots []string
}

// Exclude is a proposed [depth] exclude: a subtree that no move can bring
// within the limit without breaking a convention.
type Exclude struct {
	// Pattern is the glob to add to [depth] exclude (paths of the tree
	// after the plan).
	Pattern string
	// Reason says which convention pins the subtree.
	Reason string
	// Files are the files (after the plan) still deeper than the limit
	// that the pattern covers.
	Files []string
}

// Proposal is a generated plan.
type Proposal struct {
	// Plan holds the moves: whole folders only, one phase per area (the
	// first folder below the moves' common root). Every source is a path
	// of the current tree and every file is moved by at most one entry,
	// so the phases are independent.
	Plan *Plan
	// Final maps every moved file (current path) to its new path.
	Final map[string]string
	// Excludes are the subtrees that stay deeper than the limit because a
	// convention pins them, each with its reason.
	Excludes []Exclude
	// Unresolved lists files still too deep that no exclude explains
	// (empty unless the generator has a bug or the tree is odd).
	Unresolved []string
	// Titles names each phase of Plan after its area.
	Titles map[int]string
}

// PhaseTitles names the phases of a generated plan when Titles does not
// (plans read back from a file).
var PhaseTitles = map[int]string{1: "Move whole folders within the limit"}

// wrapperless lists folder names that are never hoisted out of: names that
// frameworks, test runners and packaging give a meaning.
var wrapperless = map[string]bool{
	"tests": true, "test": true, "__tests__": true, "testing": true, "app": true, "pages": true, "src": true, "lib": true,
	"templates": true, "static": true, "locale": true, "migrations": true, "management": true, "commands": true,
	"templatetags": true, "formats": true, "cassettes": true, "snapshots": true, "__snapshots__": true, "fixtures": true,
	"node_modules": true, "public": true,
}

type gen struct {
	rule    depth.Rule
	root    string // the rule's root, cleaned ("" = workspace root)
	t       *tree
	m       *conventions.Model
	pyRoots map[string]bool
	// tsRoots are the folders a tsconfig/jsconfig `include` names below
	// its own folder ("src" of include: ["src"]): like a Python source
	// root, a folder lifted out of one leaves the program.
	tsRoots map[string]bool
	// tsr knows the monorepo's package globs (a project moved out of them
	// is no longer one of its packages).
	tsr *tsresolve.Resolver
	// whyA and whyB note, by original path, the structural move (a whole
	// project or foreign folder: layer A) and the later lifts and hoists
	// (layer B) of a file.
	whyA, whyB map[string]string
	// posA is where layer A puts a file (original → path); layers is
	// false when a layer-B move came first, so the layers cannot be
	// separated.
	posA map[string]string
	// area names, by original path, the folder the last move of a file
	// was about (phase titles).
	area      map[string]string
	unlayered bool
	// Per-round memos (the tree changes between rounds).
	pyDirs   map[string]bool     // folders holding Python at any depth
	subs     map[string][]string // direct subfolders
	projMemo map[string]bool
	candMemo map[string][]action // by the file's folder
	// frozen holds original files that layer-B moves must leave alone.
	frozen map[string]bool
	// djangoApp holds the current Django app and project folders: they are
	// registered by dotted path in settings, so they never move.
	djangoApp map[string]bool
	reason    map[string]string // current path → why no move was possible
}

// Generate proposes whole-folder moves that bring the files the rule
// covers within its limit and keep what frameworks and test runners find
// by path (refactor/conventions). Strategies, for each file still too
// deep, in order: move its outermost project root (package.json,
// tsconfig.json, jsconfig.json, next.config.*) to the top level in one
// entry; move a folder that holds no Python out of the Python package
// holding it to the top level; hoist the children of a true wrapper (a
// folder holding only subfolders and maybe an empty __init__.py, not a
// convention name); move its folder up one level (keeping its name, or
// prefixing its parent's when the name is taken). Names are never merged
// into file names, files that comply move only with their folder, no new
// grouping is invented, and a Python source root or project is never
// left. A move is taken only when conventions.Model.CheckDirMove accepts
// it; what stays too deep is proposed as a [depth] exclude with its
// reason. Each round is linear in the tree; there are at most a few.
func Generate(fs workspace.FileSet, opts GenerateOptions) *Proposal {
	g := newGen(fs, opts, nil)
	pr := g.proposal(fs)
	// A folder lifted part of the way whose files stay too deep anyway is
	// churn: generate again leaving those files where they are.
	frozen := map[string]bool{}
	for _, x := range pr.Excludes {
		for _, f := range x.Files {
			if o := g.t.origin[f]; g.whyB[o] != "" {
				frozen[o] = true
			}
		}
	}
	if len(frozen) > 0 {
		g = newGen(fs, opts, frozen)
		pr = g.proposal(fs)
	}
	return pr
}

func newGen(fs workspace.FileSet, opts GenerateOptions, frozen map[string]bool) *gen {
	g := &gen{rule: opts.Rule, root: cleanRel(opts.Rule.Root), t: newTree(fs), pyRoots: map[string]bool{},
		whyA: map[string]string{}, whyB: map[string]string{}, posA: map[string]string{}, area: map[string]string{}, reason: map[string]string{}, frozen: frozen}
	for _, r := range pyresolve.New(fs, opts.PythonRoots).Roots() {
		g.pyRoots[cleanRel(r)] = true
	}
	g.tsRoots, g.tsr = tsIncludeRoots(fs)
	for round := 0; round < 64; round++ {
		moves := g.round()
		if len(moves) == 0 {
			break
		}
		g.t.apply(moves, nil)
	}
	return g
}

func cleanRel(p string) string {
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	if p == "." || p == "/" {
		return ""
	}
	return strings.TrimPrefix(p, "./")
}

// dirLevel is the number of folders from the rule's root down to and
// including dir (0 for the root itself, -1 outside it).
func (g *gen) dirLevel(dir string) int {
	if dir == g.root {
		return 0
	}
	if !isUnderDir(dir, g.root) {
		return -1
	}
	rel := dir
	if g.root != "" {
		rel = dir[len(g.root)+1:]
	}
	return strings.Count(rel, "/") + 1
}

func isUnderDir(p, dir string) bool { return dir == "" || strings.HasPrefix(p, dir+"/") }

func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

func joinDir(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// violating returns the current files deeper than the limit, deepest
// first.
func (g *gen) violating() []string {
	var out []string
	lvl := map[string]int{}
	for _, f := range g.t.Files() {
		if v, bad := g.rule.CheckFile(f); bad {
			out = append(out, f)
			lvl[f] = v.Level
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return lvl[out[i]] > lvl[out[j]] })
	return out
}

// dirMove is one whole-folder move of a round.
type dirMove struct{ from, to string }

// action is what one strategy proposes for a file: one or more folder
// moves and the note explaining them.
type action struct {
	moves []dirMove
	why   string
	late  bool   // a strategy of the second pass (wrappers, one level up)
	area  string // the folder the action is about, for the phase title
}

// round proposes non-overlapping whole-folder moves for the files still
// too deep, in two passes (whole project roots and foreign folders first,
// then wrappers and one-level moves, which must not take a path the first
// pass is vacating), and returns them file by file.
func (g *gen) round() map[string]string {
	g.m = conventions.Detect(g.t)
	g.djangoApp = map[string]bool{}
	for _, gr := range g.m.Groups() {
		if gr.Kind == conventions.KindDjango {
			g.djangoApp[gr.Anchor] = true
		}
	}
	viol := g.violating()
	if len(viol) == 0 {
		return nil
	}
	g.pyDirs, g.subs, g.projMemo, g.candMemo = map[string]bool{}, map[string][]string{}, map[string]bool{}, map[string][]action{}
	seen := map[string]bool{}
	for _, f := range g.t.Files() {
		py := isPy(f)
		child := f
		for d := parentDir(f); ; d = parentDir(d) {
			if py {
				g.pyDirs[d] = true
			}
			if child != f && !seen[child] {
				seen[child] = true
				g.subs[d] = append(g.subs[d], child)
			}
			child = d
			if d == "" {
				break
			}
		}
	}
	var packages []string // workspace packages: they must stay matched by a glob
	for _, f := range g.t.Files() {
		if path.Base(f) == "package.json" {
			if in, declared := g.tsr.WorkspaceMember(parentDir(f)); declared && in {
				packages = append(packages, parentDir(f))
			}
		}
	}
	claimed := map[string]bool{}   // folders moving this round
	below := map[string]bool{}     // folders with a moving folder at or below them
	targets := map[string]bool{}   // new folders of this round
	targetAnc := map[string]bool{} // ancestors of new folders
	checked := map[dirMove]string{}
	free := func(dm dirMove) (whyNot string, retry bool) {
		for d := dm.from; d != ""; d = parentDir(d) {
			if claimed[d] {
				return "", true
			}
		}
		if below[dm.from] {
			return "", true
		}
		if g.t.HasFile(dm.to) || g.t.HasDir(dm.to) {
			return fmt.Sprintf("%s cannot move to %s: that path is taken", dm.from, dm.to), claimed[dm.to] || below[dm.to]
		}
		if targets[dm.to] || targetAnc[dm.to] {
			return fmt.Sprintf("%s cannot move to %s: that path is taken", dm.from, dm.to), false
		}
		if g.pyRoots[parentDir(dm.to)] && conventions.StdlibModule(path.Base(dm.to)) && g.holdsPython(dm.from) {
			return fmt.Sprintf("%s cannot move to %s: it would shadow the standard library module %s", dm.from, dm.to, path.Base(dm.to)), false
		}
		for _, p := range packages {
			if p == dm.from || isUnderDir(p, dm.from) {
				if in, _ := g.tsr.WorkspaceMember(dm.to + p[len(dm.from):]); !in {
					return fmt.Sprintf("%s cannot move to %s: the workspace package %s would no longer match the monorepo's package globs", dm.from, dm.to, p+"/"), false
				}
			}
		}
		for d := parentDir(dm.to); d != ""; d = parentDir(d) {
			if targets[d] || claimed[d] || g.t.HasFile(d) {
				return fmt.Sprintf("%s cannot move to %s: that path is taken", dm.from, dm.to), false
			}
		}
		return "", false
	}
	moves := map[string]string{}
	for pass := 0; pass < 2; pass++ {
	files:
		for _, f := range viol {
			for d := parentDir(f); d != ""; d = parentDir(d) {
				if claimed[d] {
					continue files
				}
			}
			acts, ok := g.candMemo[parentDir(f)]
			if !ok {
				acts = g.candidates(f)
				g.candMemo[parentDir(f)] = acts
			}
			for _, a := range acts {
				if a.late != (pass == 1) {
					continue
				}
				ok := true
				for _, dm := range a.moves {
					whyNot, retry := free(dm)
					if retry {
						continue files // wait for the next round
					}
					if whyNot != "" {
						ok = false
						if g.reason[f] == "" {
							g.reason[f] = whyNot // the best-ranked candidate's obstacle
						}
						break
					}
					if a.late && g.touchesFrozen(dm.from) {
						ok = false
						break
					}
					why, seen := checked[dm]
					if !seen {
						why, _ = g.m.CheckDirMove(dm.from, dm.to)
						checked[dm] = why
					}
					if why != "" {
						ok = false
						if g.reason[f] == "" {
							g.reason[f] = why
						}
						break
					}
				}
				if !ok {
					continue
				}
				for _, dm := range a.moves {
					claimed[dm.from] = true
					for d := dm.from; ; d = parentDir(d) {
						below[d] = true
						if d == "" {
							break
						}
					}
					targets[dm.to] = true
					for d := parentDir(dm.to); ; d = parentDir(d) {
						targetAnc[d] = true
						if d == "" {
							break
						}
					}
					for _, x := range g.m.Under(dm.from) {
						nx := dm.to + x[len(dm.from):]
						moves[x] = nx
						o := g.t.origin[x]
						g.area[o] = a.area
						if a.late {
							g.whyB[o] = a.why
							continue
						}
						g.whyA[o] = a.why
						if pa, ok := g.posA[o]; (ok && pa != x) || (!ok && o != x) {
							g.unlayered = true
						}
						g.posA[o] = nx
					}
				}
				continue files
			}
		}
	}
	return moves
}

// touchesFrozen reports whether a frozen file lies below the current
// folder d.
func (g *gen) touchesFrozen(d string) bool {
	if len(g.frozen) == 0 {
		return false
	}
	for _, x := range g.m.Under(d) {
		if g.frozen[g.t.origin[x]] {
			return true
		}
	}
	return false
}

// candidates returns the actions that could bring f closer to the limit,
// best first.
func (g *gen) candidates(f string) []action {
	var chain []string // folders from the rule's root down to f's folder
	for d := parentDir(f); d != "" && g.dirLevel(d) > 0; d = parentDir(d) {
		chain = append([]string{d}, chain...)
	}
	var out []action
	// 1. The outermost project root, whole, to the top level.
	for _, u := range chain {
		if g.isProjectRoot(u) && g.dirLevel(u) >= 2 && !g.pyRootWithin(u) {
			if to, ok := g.topTarget(u); ok {
				out = append(out, action{moves: []dirMove{{u, to}},
					area: u, why: fmt.Sprintf("move the project %s/ to the top level whole: its config, routes and imports move with it", path.Base(u))})
			}
		}
	}
	// 2. A folder holding no Python, inside a Python package, to the top
	// level.
	for _, n := range chain {
		if g.dirLevel(n) >= 2 && !g.isProjectRoot(n) && !g.t.HasFile(n+"/__init__.py") && g.t.HasFile(parentDir(n)+"/__init__.py") && !g.holdsPython(n) && !g.pyRootWithin(n) {
			if to, ok := g.topTarget(n); ok {
				out = append(out, action{moves: []dirMove{{n, to}},
					area: n, why: fmt.Sprintf("move %s/, which holds no Python, out of the package %s to the top level", path.Base(n), path.Base(parentDir(n)))})
			}
			break
		}
	}
	// 3. Hoist out of the deepest true wrapper on the way.
	for i := len(chain) - 2; i >= 0; i-- {
		w := chain[i]
		if !g.isWrapper(w) {
			continue
		}
		var ms []dirMove
		for _, c := range g.subdirs(w) {
			ms = append(ms, dirMove{c, joinDir(parentDir(w), path.Base(c))})
		}
		out = append(out, action{moves: ms, late: true, area: w,
			why: fmt.Sprintf("hoist out of %s/, a folder that only groups its subfolders", path.Base(w))})
		break
	}
	// 4. Move a folder up by as many levels as f is too deep, deepest
	// first, staying inside its source root, project or Django app.
	v, _ := g.rule.CheckFile(f)
	k := v.Level - g.rule.Max
	for i := len(chain) - 1; i >= 0 && k > 0; i-- {
		d := chain[i]
		np := d
		for j := 0; j <= k; j++ {
			np = parentDir(np)
		}
		if g.dirLevel(d) < k+1 || g.isProjectRoot(d) || g.pyRootWithin(d) || g.tsRoots[d] || g.djangoApp[d] {
			continue
		}
		if g.routeStructure(d) {
			continue // a dynamic segment, route group or slot means something by its place
		}
		if b, ok := g.boundary(d); ok && np != b && !isUnderDir(np, b) {
			if g.reason[parentDir(f)] == "" {
				g.reason[parentDir(f)] = fmt.Sprintf("lifting %s/ %s would take it out of %s", path.Base(d), plural(k, "level"), b+"/")
			}
			continue
		}
		for _, name := range g.names(d) {
			out = append(out, action{moves: []dirMove{{d, joinDir(np, name)}}, late: true, area: parentDir(d),
				why: fmt.Sprintf("move %s/ up %s (it keeps its name and contents)", path.Base(d), plural(k, "level"))})
		}
	}
	return out
}

// routeStructure reports whether d lies in a Next.js router and is, or
// holds, a folder named as a dynamic segment, route group or slot ("[id]",
// "(shop)", "@modal"): such folders mean something by their place even
// before a route file sits in them.
func (g *gen) routeStructure(d string) bool {
	r, in := g.m.RouterOf(d)
	if !in {
		return false
	}
	for _, seg := range strings.Split(d[len(r):], "/") {
		if seg != "" && strings.ContainsAny(seg[:1], "[(@") {
			return true
		}
	}
	for _, f := range g.m.Under(d) {
		for _, seg := range strings.Split(parentDir(f)[len(d):], "/") {
			if seg != "" && strings.ContainsAny(seg[:1], "[(@") {
				return true
			}
		}
	}
	return false
}

// names returns the names d may take one level up: its own, then its
// parent's joined to it (context kept, never repeated).
func (g *gen) names(d string) []string {
	base, parent := path.Base(d), path.Base(parentDir(d))
	out := []string{base}
	if strings.HasPrefix(base, parent) || strings.HasSuffix(parent, base) {
		return out
	}
	sep := "-"
	if g.holdsPython(d) {
		sep = "_"
		if !isIdent(parent) {
			return out
		}
	}
	return append(out, parent+sep+base)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

// topTarget returns where d goes at the top level: its name, or its
// parent's name joined to it when that is taken.
func (g *gen) topTarget(d string) (string, bool) {
	for _, name := range g.names(d) {
		to := joinDir(g.root, name)
		if to != d && !g.t.HasFile(to) && !g.t.HasDir(to) {
			return to, true
		}
	}
	return "", false
}

// tsIncludeRoots returns the source roots of the JS/TS projects: the
// folders tsconfig/jsconfig `include` patterns name below their config's
// folder (the literal directory part: "src" of "src", "./src/**/*" or
// "src/**/*.ts"), the folders `paths` wildcards map into ("src" of
// "~/*": ["./src/*"]), and src/ beside a package.json or tsconfig (where
// Tailwind's content globs, aliases and frameworks expect the code).
func tsIncludeRoots(fs workspace.FileSet) (map[string]bool, *tsresolve.Resolver) {
	roots := map[string]bool{}
	r, _ := tsresolve.New(fs)
	add := func(pat, owner string) {
		var lit []string
		for _, seg := range strings.Split(cleanRel(pat), "/") {
			if strings.ContainsAny(seg, "*?") {
				break
			}
			lit = append(lit, seg)
		}
		d := strings.Join(lit, "/")
		if d != "" && d != owner && isUnderDir(d, owner) && !fs.HasFile(d) {
			roots[d] = true
		}
	}
	for _, c := range r.Configs() {
		for _, pat := range c.Include {
			add(pat, c.Dir())
		}
		for _, pm := range c.Paths {
			for _, t := range pm.Targets {
				if strings.HasSuffix(t, "/*") {
					add(t, c.Dir())
				}
			}
		}
	}
	for _, f := range fs.Files() {
		if b := path.Base(f); b == "package.json" || b == "tsconfig.json" || b == "jsconfig.json" {
			src := joinDir(parentDir(f), "src")
			if len(src) > 0 && hasFileUnder(fs, src) {
				roots[src] = true
			}
		}
	}
	return roots, r
}

// hasFileUnder reports whether some file of fs lies below dir.
func hasFileUnder(fs workspace.FileSet, dir string) bool {
	files := fs.Files()
	i := sort.SearchStrings(files, dir+"/")
	return i < len(files) && strings.HasPrefix(files[i], dir+"/")
}

// boundary returns the nearest folder above d that d must stay inside: a
// Python source root, a tsconfig include folder, a JS/TS project or a
// Django app.
func (g *gen) boundary(d string) (string, bool) {
	for a := parentDir(d); a != ""; a = parentDir(a) {
		if g.pyRoots[a] || g.tsRoots[a] || g.isProjectRoot(a) || g.djangoApp[a] {
			return a, true
		}
	}
	return "", false
}

// isProjectRoot reports whether d holds a JS/TS project file.
func (g *gen) isProjectRoot(d string) bool {
	if v, ok := g.projMemo[d]; ok {
		return v
	}
	v := g.projectFiles(d)
	g.projMemo[d] = v
	return v
}

func (g *gen) projectFiles(d string) bool {
	for _, n := range []string{"package.json", "tsconfig.json", "jsconfig.json"} {
		if g.t.HasFile(d + "/" + n) {
			return true
		}
	}
	for _, f := range g.m.Direct(d) {
		if strings.HasPrefix(path.Base(f), "next.config.") {
			return true
		}
	}
	return false
}

// pyRootWithin reports whether a Python source root is d or lies below
// it (checked against the original roots, which never move).
func (g *gen) pyRootWithin(d string) bool {
	for r := range g.pyRoots {
		if r == d || isUnderDir(r, d) {
			return true
		}
	}
	return false
}

func (g *gen) holdsPython(d string) bool { return g.pyDirs[d] }

// subdirs returns the direct subfolders of d.
func (g *gen) subdirs(d string) []string { return g.subs[d] }

// isWrapper reports whether w only groups its subfolders: no files but
// an empty __init__.py, no convention name, not a project or source root.
func (g *gen) isWrapper(w string) bool {
	if g.dirLevel(w) < 1 || wrapperless[path.Base(w)] || g.pyRootWithin(w) || g.tsRoots[w] || g.isProjectRoot(w) || g.djangoApp[w] {
		return false
	}
	if strings.HasPrefix(path.Base(w), "(") || strings.HasPrefix(path.Base(w), "[") || strings.HasPrefix(path.Base(w), "@") {
		return false
	}
	if _, inRouter := g.m.RouterOf(w); inRouter {
		return false // every folder below a Next.js router is a URL segment
	}
	for _, f := range g.m.Direct(w) {
		if !isInit(f) {
			return false
		}
		if data, err := g.t.ReadFile(f); err != nil || !commentOnly(data) {
			return false
		}
	}
	return len(g.subdirs(w)) > 0
}

// proposal turns the final tree into entries. Layer A (whole projects
// and foreign folders moved to the top level) and layer B (lifts and
// hoists, on the tree layer A leaves) are aggregated separately, so a
// project root moves in one entry even when something inside it is lifted
// afterwards; in each layer a folder whose files all move by the same
// offset, to a path no file keeps, is one entry. Phases: layer A's areas,
// then layer B's, each area after the areas whose paths it takes.
func (g *gen) proposal(fs workspace.FileSet) *Proposal {
	pr := &Proposal{Plan: &Plan{}, Final: map[string]string{}, Titles: map[int]string{}}
	for cur, o := range g.t.origin {
		if cur != o {
			pr.Final[o] = cur
		}
	}
	g.excludes(pr)
	if len(pr.Final) == 0 {
		return pr
	}
	files := fs.Files()
	final := func(f string) string {
		if n, ok := pr.Final[f]; ok {
			return n
		}
		return f
	}
	type layer struct {
		files []string
		moves map[string]string
		why   func(string) string // by the layer's source path
		area  func(string) string
	}
	// Validation checks each phase's targets against the limit, so layer A
	// may not leave a file too deep that layer B then lifts.
	rule := pr.RuleWith(g.rule)
	for o, pa := range g.posA {
		if _, bad := rule.CheckFile(pa); bad && final(o) != pa {
			g.unlayered = true
		}
	}
	var layers []layer
	if g.unlayered || len(g.posA) == 0 {
		layers = append(layers, layer{files, pr.Final, func(p string) string {
			if w := g.whyB[p]; w != "" {
				return w
			}
			return g.whyA[p]
		}, func(p string) string { return g.area[p] }})
	} else {
		a, b := map[string]string{}, map[string]string{}
		filesB := make([]string, 0, len(files))
		origOfB := map[string]string{}
		for _, f := range files {
			pa := f
			if p, ok := g.posA[f]; ok {
				pa = p
				a[f] = p
			}
			filesB = append(filesB, pa)
			origOfB[pa] = f
			if n := final(f); n != pa {
				b[pa] = n
			}
		}
		layers = append(layers, layer{files, a, func(p string) string { return g.whyA[p] }, func(p string) string { return g.area[p] }},
			layer{filesB, b, func(p string) string { return g.whyB[origOfB[p]] }, func(p string) string { return g.area[origOfB[p]] }})
	}
	n := 0
	for _, l := range layers {
		dirs := dirsOf(l.files)
		entries, areas := entriesOf(l.files, l.moves, l.why, l.area)
		n = addPhases(pr, entries, areas, func(p string) bool { return dirs[p] }, n)
	}
	return pr
}

// entriesOf aggregates moves (source → target, over the tree files) into
// whole-folder entries where the folder's files all move by one offset.
func entriesOf(files []string, moves map[string]string, why, area func(string) string) ([]Move, map[string]string) {
	const mixed = "\x00"
	to := map[string]string{}
	stays := map[string]bool{} // folders keeping some of their files
	isFile := map[string]bool{}
	for _, f := range files {
		isFile[f] = true
		n, moved := moves[f]
		for d := parentDir(f); d != ""; d = parentDir(d) {
			if !moved {
				stays[d] = true
				to[d] = mixed
				continue
			}
			suffix := f[len(d):]
			y := mixed
			if strings.HasSuffix(n, suffix) {
				y = strings.TrimSuffix(n, suffix)
			}
			if prev, ok := to[d]; ok && prev != y {
				y = mixed
			}
			to[d] = y
		}
	}
	entryOf := func(f string) (string, string) {
		best, bestTo := f, moves[f]
		for d := parentDir(f); d != ""; d = parentDir(d) {
			y := to[d]
			// A folder that exists is a target only once every file has
			// left it; a folder keeps its name unless the generator
			// prefixed its parent's.
			if y == mixed || y == d || stays[y] || isFile[y] || isUnderDir(y, d) || isUnderDir(d, y) || !sameName(d, y) {
				break
			}
			best, bestTo = d, y
		}
		return best, bestTo
	}
	entries := map[string]Move{}
	areas := map[string]string{}
	for _, f := range sortedKeys(moves) {
		from, t := entryOf(f)
		if _, ok := entries[from]; !ok {
			entries[from] = Move{From: from, To: t, Note: why(f)}
			areas[from] = area(f)
		}
	}
	out := make([]Move, 0, len(entries))
	for _, k := range sortedKeys(entries) {
		out = append(out, entries[k])
	}
	return out, areas
}

// sameName reports whether the folder d keeps its name at y (or takes its
// parent's name as a prefix).
func sameName(d, y string) bool {
	bd, by := path.Base(d), path.Base(y)
	return bd == by || strings.HasSuffix(by, "-"+bd) || strings.HasSuffix(by, "_"+bd)
}

// addPhases numbers entries by area (the first folder below their common
// root), after phase n, an area after those whose paths it takes, and
// adds them to pr. It returns the last phase number.
func addPhases(pr *Proposal, entries []Move, hint map[string]string, isDir func(string) bool, n int) int {
	if len(entries) == 0 {
		return n
	}
	var sources []string
	for _, e := range entries {
		sources = append(sources, e.From+"/x")
	}
	common := commonDirOf(sources)
	areaOf := func(p string) string {
		if p == common {
			return p
		}
		rest := p
		if common != "" {
			rest = strings.TrimPrefix(p, common+"/")
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i]
		}
		return joinDir(common, rest)
	}
	areas := map[string]bool{}
	direct := false
	for _, e := range entries {
		areas[areaOf(e.From)] = true
		direct = direct || !isDir(e.From) && parentDir(e.From) == common
	}
	switch {
	case direct:
		// Entries directly in the common root (a project's config files)
		// belong with the rest: one area, one phase.
		areaOf = func(string) string { return common }
		areas = map[string]bool{common: true}
	case len(hint) > 0:
		// The folder each move is about: the project, the wrapper
		// hoisted out of, the parent lifted from.
		byHint := map[string]bool{}
		for _, e := range entries {
			byHint[hint[e.From]] = true
		}
		if len(byHint) < len(areas) && !byHint[""] {
			areaOf = func(p string) string { return hint[p] }
			areas = byHint
		}
	}
	after := map[string]map[string]bool{}
	for _, a := range entries {
		for _, b := range entries {
			x, y := areaOf(a.From), areaOf(b.From)
			if x != y && (a.To == b.From || isUnderDir(a.To, b.From) || isUnderDir(b.From, a.To)) {
				if after[x] == nil {
					after[x] = map[string]bool{}
				}
				after[x][y] = true
			}
		}
	}
	phase := map[string]int{}
	for len(phase) < len(areas) {
		var ready []string
		for _, a := range sortedKeys(areas) {
			if _, done := phase[a]; done {
				continue
			}
			ok := true
			for dep := range after[a] {
				if _, done := phase[dep]; !done {
					ok = false
				}
			}
			if ok {
				ready = append(ready, a)
			}
		}
		if len(ready) == 0 { // a cycle: the rest moves together
			n++
			var names []string
			for _, a := range sortedKeys(areas) {
				if _, done := phase[a]; !done {
					phase[a] = n
					names = append(names, fmt.Sprintf("`%s/`", a))
				}
			}
			pr.Titles[n] = "Together: " + strings.Join(names, ", ")
			continue
		}
		n++
		phase[ready[0]] = n
		pr.Titles[n] = fmt.Sprintf("%s (`%s/`)", title(path.Base(ready[0])), ready[0])
	}
	start := len(pr.Plan.Moves)
	for _, e := range entries {
		e.Phase = phase[areaOf(e.From)]
		pr.Plan.Moves = append(pr.Plan.Moves, e)
	}
	added := pr.Plan.Moves[start:]
	sort.SliceStable(added, func(i, j int) bool { return added[i].Phase < added[j].Phase })
	return n
}

func title(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// excludes explains every file still too deep with the subtree a
// convention pins (a Next.js router, a Django or test-data folder) or the
// subtree below the limit that no move could lift.
func (g *gen) excludes(pr *Proposal) {
	m := conventions.Detect(g.t)
	by := map[string]*Exclude{}
	var order []string
	for _, f := range g.violating() {
		pattern, reason := "", ""
		if r, ok := m.RouterOf(f); ok {
			pattern = r + "/**"
			reason = fmt.Sprintf("Next.js serves the files below %s/ by their paths: moving a route segment changes its URL, and the app's root is as high as it can go", r)
		}
		if pattern == "" {
			for _, gr := range m.GroupsOf(f) {
				if gr.Folder != "" {
					pattern, reason = gr.Folder+"/**", gr.Why
					break
				}
				rest := f[len(gr.Anchor):]
				if gr.Anchor != "" {
					rest = rest[1:]
				}
				if i := strings.IndexByte(rest, '/'); i >= 0 {
					pattern = joinDir(gr.Anchor, rest[:i]) + "/**"
					reason = gr.Why
					break
				}
			}
		}
		if pattern == "" {
			// The first folder below the limit.
			parts := strings.Split(f, "/")
			keep := len(strings.Split(g.root, "/"))
			if g.root == "" {
				keep = 0
			}
			keep += g.rule.Max + 1
			if keep > len(parts)-1 {
				keep = len(parts) - 1
			}
			pattern = strings.Join(parts[:keep], "/") + "/**"
			reason = g.reason[f]
			if reason == "" {
				reason = g.reason[parentDir(f)]
			}
			if reason == "" {
				reason = "no whole-folder move brings it within the limit without leaving its Python source root or project"
			}
		}
		ex := by[pattern]
		if ex == nil {
			ex = &Exclude{Pattern: pattern, Reason: reason}
			by[pattern] = ex
			order = append(order, pattern)
		}
		ex.Files = append(ex.Files, f)
	}
	sort.Strings(order)
	for _, p := range order {
		sort.Strings(by[p].Files)
		pr.Excludes = append(pr.Excludes, *by[p])
	}
}

// RuleWith returns rule with the proposal's excludes added.
func (pr *Proposal) RuleWith(rule depth.Rule) depth.Rule {
	for _, e := range pr.Excludes {
		rule.Exclude = append(append([]string(nil), rule.Exclude...), e.Pattern)
	}
	return rule
}
