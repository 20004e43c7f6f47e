package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"

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

// Proposal is a generated plan.
type Proposal struct {
	// Plan holds the moves, one phase per strategy: 1 hoists grouping
	// directories, 2 merges leaf directories into file names, 3 flattens
	// what is left. Every source is a path of the current tree and every
	// file is moved by exactly one entry, so the phases are independent.
	Plan *Plan
	// Final maps every moved file (current path) to its new path.
	Final map[string]string
	// Unresolved lists files that no strategy can bring within the limit
	// (their Python source root or TypeScript project is itself too deep).
	Unresolved []string
	// Titles names each phase of Plan after its strategy.
	Titles map[int]string
}

// Strategy phases of a generated plan.
const (
	phaseHoist   = 1
	phaseLeaf    = 2
	phaseFlatten = 3
)

// PhaseTitles names the phases of a generated plan.
var PhaseTitles = map[int]string{
	phaseHoist:   "Hoist grouping directories",
	phaseLeaf:    "Merge leaf directories into file names",
	phaseFlatten: "Flatten what is left",
}

type gen struct {
	rule    depth.Rule
	cur     map[string]string // original → current path
	at      map[string]string // current path → original
	stage   map[string]int    // original → last strategy that moved it
	why     map[string]string // original → note of that strategy
	pyRoots map[string]bool
}

// Generate proposes moves that bring every file the rule covers within
// its limit with no collisions: first hoisting grouping directories
// (directories holding only subdirectories and maybe an __init__.py: their
// children move up one level, whole), then merging leaf directories into
// their files' names (app/new/page.tsx → app/new-page.tsx; "_" for Python
// so names stay identifiers; a package's __init__.py becomes the module
// named after the package), then flattening the rest into the deepest
// allowed directory. It never leaves a Python source root or splits a
// tsconfig/jsconfig/package.json project.
func Generate(fs workspace.FileSet, opts GenerateOptions) *Proposal {
	g := &gen{rule: opts.Rule, cur: map[string]string{}, at: map[string]string{}, stage: map[string]int{}, why: map[string]string{},
		pyRoots: map[string]bool{}}
	for _, f := range fs.Files() {
		g.cur[f] = f
		g.at[f] = f
	}
	for _, r := range pyresolve.New(fs, opts.PythonRoots).Roots() {
		g.pyRoots[r] = true
	}
	for g.hoist() {
	}
	for g.leaf() {
	}
	unresolved := g.flatten()
	return g.proposal(fs, unresolved)
}

// violating returns the current paths deeper than the limit, deepest
// first.
func (g *gen) violating() []string {
	var out []string
	for p := range g.at {
		if _, bad := g.rule.CheckFile(p); bad {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ci, cj := strings.Count(out[i], "/"), strings.Count(out[j], "/")
		if ci != cj {
			return ci > cj
		}
		return out[i] < out[j]
	})
	return out
}

// inRoot reports whether dir is strictly below the depth root.
func (g *gen) inRoot(dir string) bool {
	root := strings.TrimPrefix(path.Clean(g.rule.Root), "./")
	if root == "." || root == "" {
		return dir != "" && dir != "."
	}
	return strings.HasPrefix(dir, root+"/")
}

// children returns the direct files and subdirectories of dir (current
// tree).
func (g *gen) children(dir string) (files, dirs []string) {
	seen := map[string]bool{}
	for p := range g.at {
		if !strings.HasPrefix(p, dir+"/") {
			continue
		}
		rest := p[len(dir)+1:]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			if d := dir + "/" + rest[:i]; !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		} else {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	sort.Strings(dirs)
	return files, dirs
}

func (g *gen) under(dir string) []string {
	var out []string
	for p := range g.at {
		if strings.HasPrefix(p, dir+"/") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// isDir reports whether some current file lies below p.
func (g *gen) isDir(p string) bool {
	for f := range g.at {
		if strings.HasPrefix(f, p+"/") {
			return true
		}
	}
	return false
}

// free reports whether every new path can be taken: no other current file
// is there (moving files vacate their paths), no directory is there, and
// no file sits where a new path needs a directory.
func (g *gen) free(moves map[string]string) bool {
	targets := map[string]bool{}
	for from, to := range moves {
		if targets[to] {
			return false
		}
		targets[to] = true
		if _, taken := g.at[to]; taken {
			if _, vacated := moves[to]; !vacated {
				return false
			}
		}
		_ = from
	}
	for to := range targets {
		for f := range g.at {
			if _, moving := moves[f]; moving {
				continue
			}
			if strings.HasPrefix(f, to+"/") {
				return false
			}
		}
		for d := path.Dir(to); d != "."; d = path.Dir(d) {
			if targets[d] {
				return false
			}
			if _, isFile := g.at[d]; isFile {
				if _, moving := moves[d]; !moving {
					return false
				}
			}
		}
	}
	return true
}

func (g *gen) do(moves map[string]string, stage int, why string) {
	next := map[string]string{}
	for p, o := range g.at {
		if to, ok := moves[p]; ok {
			next[to] = o
			g.cur[o] = to
			g.stage[o] = stage
			g.why[o] = why
		} else {
			next[p] = o
		}
	}
	g.at = next
}

// pyRootWithin reports whether a Python source root is dir or lies below
// it.
func (g *gen) pyRootWithin(dir string) bool {
	for r := range g.pyRoots {
		if r == dir || strings.HasPrefix(r, dir+"/") {
			return true
		}
	}
	return false
}

// hoist performs one hoist and reports whether it did.
func (g *gen) hoist() bool {
	cands := map[string]bool{}
	for _, f := range g.violating() {
		for d := path.Dir(path.Dir(f)); d != "." && g.inRoot(d); d = path.Dir(d) {
			cands[d] = true
		}
	}
	list := sortedKeys(cands)
	sort.SliceStable(list, func(i, j int) bool { return strings.Count(list[i], "/") > strings.Count(list[j], "/") })
	for _, G := range list {
		if g.pyRootWithin(G) {
			continue
		}
		files, dirs := g.children(G)
		grouping := true
		for _, f := range files {
			if !isInit(f) {
				grouping = false
			}
		}
		if !grouping {
			continue
		}
		parent := path.Dir(G)
		moves := map[string]string{}
		for _, C := range dirs {
			viol := false
			for _, f := range g.under(C) {
				if _, bad := g.rule.CheckFile(f); bad {
					viol = true
					break
				}
			}
			if !viol {
				continue
			}
			T := path.Join(parent, path.Base(C))
			if _, isFile := g.at[T]; isFile || g.isDir(T) {
				continue // never merge into an existing directory
			}
			one := map[string]string{}
			for _, f := range g.under(C) {
				one[f] = T + f[len(C):]
			}
			if !g.free(one) {
				continue
			}
			for k, v := range one {
				moves[k] = v
			}
		}
		if len(moves) > 0 && g.free(moves) {
			g.do(moves, phaseHoist, fmt.Sprintf("hoist out of the grouping directory %s/", G))
			return true
		}
	}
	return false
}

// leafName is the name of file base when its directory dir is merged into
// it.
func leafName(dir, base string) string {
	if isPy(base) {
		if isInit(base) {
			return dir + path.Ext(base)
		}
		return dir + "_" + base
	}
	return dir + "-" + base
}

// leaf merges one leaf directory into its files' names and reports
// whether it did.
func (g *gen) leaf() bool {
	tried := map[string]bool{}
	for _, f := range g.violating() {
		D := path.Dir(f)
		if tried[D] {
			continue
		}
		tried[D] = true
		if !g.inRoot(D) || g.pyRootWithin(D) || g.isProject(D) {
			continue
		}
		files, dirs := g.children(D)
		if len(dirs) > 0 {
			continue
		}
		P, name := path.Dir(D), path.Base(D)
		moves := map[string]string{}
		for _, x := range files {
			moves[x] = path.Join(P, leafName(name, path.Base(x)))
		}
		if !g.free(moves) {
			continue
		}
		g.do(moves, phaseLeaf, fmt.Sprintf("merge the leaf directory %s/ into its file names", D))
		return true
	}
	return false
}

// isProjectFile reports whether f configures a TS/JS project (or a
// package), which must keep its name and directory.
func isProjectFile(f string) bool {
	switch path.Base(f) {
	case "tsconfig.json", "jsconfig.json", "package.json":
		return true
	}
	return false
}

// isProject reports whether the current directory dir holds a project
// file.
func (g *gen) isProject(dir string) bool {
	for _, n := range []string{"tsconfig.json", "jsconfig.json", "package.json"} {
		if _, ok := g.at[dir+"/"+n]; ok {
			return true
		}
	}
	return false
}

// flatten moves every file still too deep into the deepest allowed
// directory on its path, joining the directory names it drops into its
// name. It returns the files it cannot bring within the limit.
func (g *gen) flatten() []string {
	var unresolved []string
	for _, f := range g.violating() {
		lvl, _ := depth.Level(g.rule.Root, f)
		parts := strings.Split(f, "/")
		keep := len(parts) - 1 - (lvl - g.rule.Max) // directories kept
		A := strings.Join(parts[:keep], "/")
		dropped := parts[keep : len(parts)-1]
		blocked := isProjectFile(f)
		for i := range dropped {
			d := strings.Join(parts[:keep+i+1], "/")
			if g.pyRoots[d] || g.isProject(d) {
				blocked = true
			}
		}
		if blocked {
			unresolved = append(unresolved, g.at[f])
			continue
		}
		base := path.Base(f)
		var name string
		sep := "-"
		if isPy(base) {
			sep = "_"
		}
		if isPy(base) && isInit(base) {
			name = strings.Join(dropped, "_") + path.Ext(base)
		} else {
			name = strings.Join(dropped, sep) + sep + base
		}
		to := path.Join(A, name)
		for i := 2; !g.free(map[string]string{f: to}); i++ {
			ext := path.Ext(name)
			if strings.HasSuffix(name, ".d.ts") {
				ext = ".d.ts"
			}
			to = path.Join(A, strings.TrimSuffix(name, ext)+fmt.Sprintf("%s%d", sep, i)+ext)
		}
		g.do(map[string]string{f: to}, phaseFlatten, fmt.Sprintf("flatten into %s/", orDot(A)))
	}
	sort.Strings(unresolved)
	return unresolved
}

// proposal turns the final mapping into entries: per phase, a directory
// whose files all move by the same offset is one entry.
func (g *gen) proposal(fs workspace.FileSet, unresolved []string) *Proposal {
	pr := &Proposal{Plan: &Plan{}, Final: map[string]string{}, Unresolved: unresolved, Titles: map[int]string{}}
	byPhase := map[int][]string{}
	for o, c := range g.cur {
		if o != c {
			pr.Final[o] = c
			byPhase[g.stage[o]] = append(byPhase[g.stage[o]], o)
		}
	}
	all := fs.Files()
	for _, ph := range []int{phaseHoist, phaseLeaf, phaseFlatten} {
		files := byPhase[ph]
		if len(files) == 0 {
			continue
		}
		sort.Strings(files)
		inPhase := map[string]bool{}
		for _, f := range files {
			inPhase[f] = true
		}
		covered := map[string]bool{}
		dirs := sortedKeys(dirsOf(files))
		sort.SliceStable(dirs, func(i, j int) bool { return strings.Count(dirs[i], "/") < strings.Count(dirs[j], "/") })
		for _, X := range dirs {
			if covered[X] {
				continue
			}
			to, ok := "", true
			for _, f := range all {
				if !strings.HasPrefix(f, X+"/") {
					continue
				}
				if !inPhase[f] {
					ok = false
					break
				}
				fin := pr.Final[f]
				suffix := f[len(X):]
				if !strings.HasSuffix(fin, suffix) {
					ok = false
					break
				}
				y := strings.TrimSuffix(fin, suffix)
				if to == "" {
					to = y
				} else if to != y {
					ok = false
					break
				}
			}
			if !ok || to == "" || to == X {
				continue
			}
			why := ""
			for _, f := range files {
				if strings.HasPrefix(f, X+"/") {
					covered[f] = true
					if why == "" {
						why = g.why[f]
					}
				}
			}
			for _, d := range dirs {
				if strings.HasPrefix(d, X+"/") {
					covered[d] = true
				}
			}
			pr.Plan.Moves = append(pr.Plan.Moves, Move{From: X, To: to, Phase: ph, Note: why})
		}
		for _, f := range files {
			if !covered[f] {
				pr.Plan.Moves = append(pr.Plan.Moves, Move{From: f, To: pr.Final[f], Phase: ph, Note: g.why[f]})
			}
		}
	}
	// Number phases consecutively.
	renum := map[int]int{}
	for _, m := range pr.Plan.Moves {
		if _, ok := renum[m.Phase]; !ok {
			renum[m.Phase] = len(renum) + 1
		}
	}
	for old, n := range renum {
		pr.Titles[n] = PhaseTitles[old]
	}
	for i := range pr.Plan.Moves {
		pr.Plan.Moves[i].Phase = renum[pr.Plan.Moves[i].Phase]
	}
	return pr
}
