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
	why     map[string]string // original path → note of the entry moving it
	reason  map[string]string // current path → why no move was possible
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
	g := &gen{rule: opts.Rule, root: cleanRel(opts.Rule.Root), t: newTree(fs), pyRoots: map[string]bool{},
		why: map[string]string{}, reason: map[string]string{}}
	for _, r := range pyresolve.New(fs, opts.PythonRoots).Roots() {
		g.pyRoots[cleanRel(r)] = true
	}
	for round := 0; round < 64; round++ {
		moves := g.round()
		if len(moves) == 0 {
			break
		}
		g.t.apply(moves, nil)
	}
	return g.proposal(fs)
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
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
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
	late  bool // a strategy of the second pass (wrappers, one level up)
}

// round proposes non-overlapping whole-folder moves for the files still
// too deep, in two passes (whole project roots and foreign folders first,
// then wrappers and one-level moves, which must not take a path the first
// pass is vacating), and returns them file by file.
func (g *gen) round() map[string]string {
	g.m = conventions.Detect(g.t)
	viol := g.violating()
	if len(viol) == 0 {
		return nil
	}
	claimed := map[string]bool{}   // folders moving this round
	below := map[string]bool{}     // folders with a moving folder at or below them
	targets := map[string]bool{}   // new folders of this round
	targetAnc := map[string]bool{} // ancestors of new folders
	checked := map[dirMove]string{}
	free := func(dm dirMove) (ok, retry bool) {
		for d := dm.from; d != ""; d = parentDir(d) {
			if claimed[d] {
				return false, true
			}
		}
		if below[dm.from] {
			return false, true
		}
		if g.t.HasFile(dm.to) || g.t.HasDir(dm.to) {
			return false, claimed[dm.to] || below[dm.to]
		}
		if targets[dm.to] || targetAnc[dm.to] {
			return false, false
		}
		if g.pyRoots[parentDir(dm.to)] && conventions.StdlibModule(path.Base(dm.to)) && g.holdsPython(dm.from) {
			return false, false // it would shadow the standard library module
		}
		for d := parentDir(dm.to); d != ""; d = parentDir(d) {
			if targets[d] || claimed[d] || g.t.HasFile(d) {
				return false, false
			}
		}
		return true, false
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
			for _, a := range g.candidates(f) {
				if a.late != (pass == 1) {
					continue
				}
				ok := true
				for _, dm := range a.moves {
					fr, retry := free(dm)
					if retry {
						continue files // wait for the next round
					}
					if !fr {
						ok = false
						g.reason[f] = fmt.Sprintf("%s cannot move to %s: that path is taken", dm.from, dm.to)
						break
					}
					why, seen := checked[dm]
					if !seen {
						why, _ = g.m.CheckDirMove(dm.from, dm.to)
						checked[dm] = why
					}
					if why != "" {
						ok = false
						g.reason[f] = why
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
						moves[x] = dm.to + x[len(dm.from):]
						g.why[g.t.origin[x]] = a.why
					}
				}
				continue files
			}
		}
	}
	return moves
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
					why: fmt.Sprintf("move the project %s/ to the top level whole: its config, routes and imports move with it", path.Base(u))})
			}
		}
	}
	// 2. A folder holding no Python, inside a Python package, to the top
	// level.
	for _, n := range chain {
		if g.dirLevel(n) >= 2 && !g.isProjectRoot(n) && !g.t.HasFile(n+"/__init__.py") && g.t.HasFile(parentDir(n)+"/__init__.py") && !g.holdsPython(n) && !g.pyRootWithin(n) {
			if to, ok := g.topTarget(n); ok {
				out = append(out, action{moves: []dirMove{{n, to}},
					why: fmt.Sprintf("move %s/, which holds no Python, out of the package %s to the top level", path.Base(n), path.Base(parentDir(n)))})
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
		out = append(out, action{moves: ms, late: true,
			why: fmt.Sprintf("hoist out of %s/, a folder that only groups its subfolders", path.Base(w))})
		break
	}
	// 4. Move a folder up one level, deepest first.
	for i := len(chain) - 1; i >= 0; i-- {
		d := chain[i]
		np := parentDir(parentDir(d))
		if g.dirLevel(d) < 2 || g.isProjectRoot(d) || g.pyRootWithin(d) || !g.staysInside(d, np) {
			continue
		}
		for _, name := range g.names(d) {
			out = append(out, action{moves: []dirMove{{d, joinDir(np, name)}}, late: true,
				why: fmt.Sprintf("move %s/ up one level, out of %s/", path.Base(d), path.Base(parentDir(d)))})
		}
	}
	return out
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

// staysInside reports whether moving d to below np keeps it inside its
// Python source root and its project.
func (g *gen) staysInside(d, np string) bool {
	for a := parentDir(d); a != ""; a = parentDir(a) {
		if g.pyRoots[a] || g.isProjectRoot(a) {
			return np == a || isUnderDir(np, a)
		}
	}
	return g.dirLevel(np) >= 0
}

// isProjectRoot reports whether d holds a JS/TS project file.
func (g *gen) isProjectRoot(d string) bool {
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

func (g *gen) holdsPython(d string) bool {
	for _, f := range g.m.Under(d) {
		if isPy(f) {
			return true
		}
	}
	return false
}

// subdirs returns the direct subfolders of d.
func (g *gen) subdirs(d string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range g.m.Under(d) {
		rest := f[len(d)+1:]
		if i := strings.IndexByte(rest, '/'); i >= 0 && !seen[rest[:i]] {
			seen[rest[:i]] = true
			out = append(out, d+"/"+rest[:i])
		}
	}
	return out
}

// isWrapper reports whether w only groups its subfolders: no files but
// an empty __init__.py, no convention name, not a project or source root.
func (g *gen) isWrapper(w string) bool {
	if g.dirLevel(w) < 1 || wrapperless[path.Base(w)] || g.pyRootWithin(w) || g.isProjectRoot(w) {
		return false
	}
	if strings.HasPrefix(path.Base(w), "(") || strings.HasPrefix(path.Base(w), "[") || strings.HasPrefix(path.Base(w), "@") {
		return false
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

// proposal turns the final tree into entries (a folder whose files all
// move by the same offset, to a path that did not exist, is one entry),
// phases by area, and excludes for what stays too deep.
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
	// For every folder: the one new place all its files move to, or "".
	const mixed = "\x00"
	to := map[string]string{}
	stays := map[string]bool{} // folders keeping some of their files
	for _, f := range fs.Files() {
		n, moved := pr.Final[f]
		for d := parentDir(f); d != ""; d = parentDir(d) {
			if !moved {
				stays[d] = true
			}
			if !moved {
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
		best, bestTo := f, pr.Final[f]
		for d := parentDir(f); d != ""; d = parentDir(d) {
			y := to[d]
			// A folder that exists is a target only once every file has
			// left it (an earlier phase vacates it).
			if y == mixed || y == d || stays[y] || fs.HasFile(y) || isUnderDir(y, d) || isUnderDir(d, y) {
				break
			}
			best, bestTo = d, y
		}
		return best, bestTo
	}
	entries := map[string]Move{}
	for _, f := range sortedKeys(pr.Final) {
		from, t := entryOf(f)
		if _, ok := entries[from]; !ok {
			entries[from] = Move{From: from, To: t, Note: g.why[f]}
		}
	}
	// Phases by area: the first folder below the sources' common root.
	var sources []string
	for k := range entries {
		sources = append(sources, k+"/x")
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
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return common // files directly in the common root: one area
		}
		return joinDir(common, rest[:i])
	}
	areas := map[string]bool{}
	for k := range entries {
		areas[areaOf(k)] = true
	}
	// An area whose targets take a path another area vacates comes after
	// it; areas in a cycle share a phase.
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
	n := 0
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
			for _, a := range sortedKeys(areas) {
				if _, done := phase[a]; !done {
					ready = append(ready, a)
				}
			}
			n++
			var names []string
			for _, a := range ready {
				phase[a] = n
				names = append(names, fmt.Sprintf("`%s/`", a))
			}
			pr.Titles[n] = "Together: " + strings.Join(names, ", ")
			continue
		}
		for _, a := range ready[:1] {
			n++
			phase[a] = n
			pr.Titles[n] = fmt.Sprintf("%s (`%s/`)", title(path.Base(a)), a)
		}
	}
	for _, k := range sortedKeys(entries) {
		m := entries[k]
		m.Phase = phase[areaOf(k)]
		pr.Plan.Moves = append(pr.Plan.Moves, m)
	}
	sort.SliceStable(pr.Plan.Moves, func(i, j int) bool { return pr.Plan.Moves[i].Phase < pr.Plan.Moves[j].Phase })
	return pr
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
