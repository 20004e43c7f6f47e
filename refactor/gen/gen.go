// Package gen generates realistic, deterministic workspaces for relayout's
// benchmarks: a mixed Python + TypeScript/TSX tree of a chosen number of
// files (about 5 KB each) with a realistic import graph — every module
// imports 5 to 15 others, in the forms real code uses (Python absolute,
// aliased, relative and from-imports, lazy and TYPE_CHECKING imports,
// mock.patch strings; TS relative and `@/` alias specifiers through a
// tsconfig `paths` mapping, type-only imports, namespace and default
// imports, re-exports, dynamic imports, index barrels, CSS modules) — nested
// up to seven directory levels so the depth rule has violations to report,
// plus non-code files (Markdown, YAML, shell scripts, JSON, CSS).
//
// Two shapes are planted for the move benchmarks: a hot module per
// language imported by exactly Options.HotImporters files, and a package
// (Python) / folder (TS) of exactly Options.PackageFiles files. Workspace
// describes where they are and where a benchmark should move them.
//
// The same Options (seed included) always produce the same bytes.
// Generation is fast: 10,000 files take a few seconds, most of it writing.
//
// gen depends only on the standard library; it must not import server,
// cmd, go.lsp.dev or zap.
package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// MetaFile is the name of the file, at the workspace root, in which
// Generate records the Workspace description (read back by Load). The
// generated .gitignore lists it, so the walker never sees it.
const MetaFile = ".relayout-bench.json"

// Defaults used when an Options field is zero.
const (
	DefaultFiles    = 10000
	DefaultFileSize = 5 * 1024
	DefaultMaxLevel = 7
)

// Hot module and package names. Their words appear nowhere else in a
// generated workspace.
const (
	pyHotStem   = "settlement_engine"
	tsHotStem   = "settlementMath"
	packageName = "reconciliation"
)

// Options configures Generate. Zero values mean defaults.
type Options struct {
	// Files is the exact number of files written (default DefaultFiles).
	Files int `json:"files"`
	// Seed selects the workspace; the same Options give the same bytes.
	Seed uint64 `json:"seed"`
	// FileSize is the target size of a source module in bytes (default
	// DefaultFileSize). __init__.py files, barrels and non-code files are
	// smaller.
	FileSize int `json:"fileSize"`
	// PythonShare is the fraction of source files that are Python, in
	// (0, 1); 0 means one half.
	PythonShare float64 `json:"pythonShare"`
	// HotImporters is K: when > 0, one Python module and one TS module are
	// each imported by exactly K files of their language (and referenced
	// by no other file). It must leave room: K at most about 90% of the
	// modules of a language.
	HotImporters int `json:"hotImporters"`
	// PackageFiles is M: when > 0, the workspace holds a Python package
	// and a TS folder of exactly M files each (modules, __init__.py files
	// and one index.ts barrel included): src/acme/<area>/legacy/
	// reconciliation (level 5) and web/src/features/<area>/legacy/
	// reconciliation (level 6), with up to four subfolders below them
	// (one nested once more in the Python package). It needs MaxLevel ≥ 7.
	PackageFiles int `json:"packageFiles"`
	// MaxLevel is the deepest directory level of a file (directories
	// between the workspace root and the file), between 5 and 12 (default
	// DefaultMaxLevel).
	MaxLevel int `json:"maxLevel"`
	// AbsolutePython writes only absolute Python imports (no "from ..x
	// import y"): Rope 1.7's MoveModule fails on relative from-imports of
	// the moved module, and relayout bench uses this to measure it.
	AbsolutePython bool `json:"absolutePython,omitempty"`
}

func (o Options) withDefaults() Options {
	if o.Files <= 0 {
		o.Files = DefaultFiles
	}
	if o.FileSize <= 0 {
		o.FileSize = DefaultFileSize
	}
	if o.PythonShare <= 0 || o.PythonShare >= 1 {
		o.PythonShare = 0.5
	}
	if o.MaxLevel <= 0 {
		o.MaxLevel = DefaultMaxLevel
	}
	return o
}

// Hot is a module imported by exactly len(Importers) files.
type Hot struct {
	// Path is the module's workspace-relative, slash-separated path.
	Path string `json:"path"`
	// To is a suggested new path: shallower, and free.
	To string `json:"to"`
	// Importers are the files that import Path, sorted.
	Importers []string `json:"importers"`
}

// Folder is a Python package or TS folder planted for the "move a
// package" benchmarks.
type Folder struct {
	// Dir is the folder's workspace-relative path.
	Dir string `json:"dir"`
	// To is a suggested new path for the folder: shallower, and free.
	To string `json:"to"`
	// Files is the number of files under Dir.
	Files int `json:"files"`
}

// Workspace describes a generated workspace.
type Workspace struct {
	// Root is the directory the workspace was written to.
	Root string `json:"-"`
	// Options are the effective options (defaults filled in).
	Options Options `json:"options"`
	// Files counts every file written (MetaFile excluded); Python and
	// TypeScript count source files (.py; .ts and .tsx), Other the rest.
	Files      int `json:"files"`
	Python     int `json:"python"`
	TypeScript int `json:"typescript"`
	Other      int `json:"other"`
	// SourceBytes is the size of the Python and TS files; Bytes of all.
	SourceBytes int64 `json:"sourceBytes"`
	Bytes       int64 `json:"bytes"`
	// Levels[l] is the number of files at level l (directories between the
	// root and the file).
	Levels []int `json:"levels"`
	// PythonHot and TSHot are the hot modules (nil when HotImporters is 0).
	PythonHot *Hot `json:"pythonHot,omitempty"`
	TSHot     *Hot `json:"tsHot,omitempty"`
	// PythonPackage and TSFolder are the planted folders (nil when
	// PackageFiles is 0).
	PythonPackage *Folder `json:"pythonPackage,omitempty"`
	TSFolder      *Folder `json:"tsFolder,omitempty"`
}

// Deeper returns the number of files deeper than level max (the depth
// violations under a rule rooted at the workspace root).
func (w *Workspace) Deeper(max int) int {
	n := 0
	for l, c := range w.Levels {
		if l > max {
			n += c
		}
	}
	return n
}

// Generate writes a workspace into dir (created if needed; it should be
// empty) and returns its description, also saved as dir/MetaFile.
func Generate(dir string, opts Options) (*Workspace, error) {
	opts = opts.withDefaults()
	if opts.MaxLevel < 5 || opts.MaxLevel > 12 {
		return nil, fmt.Errorf("generate workspace: MaxLevel %d out of range [5, 12]", opts.MaxLevel)
	}
	if opts.PackageFiles > 0 && opts.MaxLevel < 7 {
		return nil, fmt.Errorf("generate workspace: PackageFiles needs MaxLevel >= 7, not %d", opts.MaxLevel)
	}
	p, err := plan(opts)
	if err != nil {
		return nil, fmt.Errorf("generate workspace: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("generate workspace: %w", err)
	}
	ws := p.describe()
	ws.Root = abs
	if err := p.write(abs, ws); err != nil {
		return nil, fmt.Errorf("generate workspace in %s: %w", dir, err)
	}
	meta, err := json.MarshalIndent(ws, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("generate workspace: %w", err)
	}
	if err := os.WriteFile(filepath.Join(abs, MetaFile), meta, 0o644); err != nil {
		return nil, fmt.Errorf("generate workspace: %w", err)
	}
	return ws, nil
}

// Load reads the description of a workspace Generate wrote into dir.
func Load(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load generated workspace: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(abs, MetaFile))
	if err != nil {
		return nil, fmt.Errorf("load generated workspace: %w", err)
	}
	var ws Workspace
	if err := json.Unmarshal(data, &ws); err != nil {
		return nil, fmt.Errorf("load generated workspace %s: %w", filepath.Join(dir, MetaFile), err)
	}
	ws.Root = abs
	return &ws, nil
}

// kind is the role of a planned file.
type kind uint8

const (
	kindPy     kind = iota // Python module
	kindInit               // __init__.py
	kindTS                 // .ts module
	kindTSX                // .tsx component
	kindBarrel             // index.ts re-exporting siblings
	kindOther              // non-code file
)

// dirNode is a planned directory.
type dirNode struct {
	path  string
	level int // level of the files directly inside
	py    bool
	inPkg bool // inside the planted package/folder
	tests bool // a Python "tests" package
	area  *dirNode
	used  map[string]bool // lower-cased names taken by files and subdirectories
	files []int
}

// file is a planned file.
type file struct {
	path  string
	kind  kind
	dir   *dirNode
	stem  string
	deps  []int // files imported, in import order
	css   int   // index of the CSS module a TSX file imports, or -1
	other otherKind
	ref   int // non-code files: a module they mention (-1 for none)
}

// planner holds the sequential, seeded plan of a workspace.
type planner struct {
	opts  Options
	r     *rand.Rand
	files []*file
	dirs  []*dirNode

	pyRoot, tsRoot *dirNode
	pyMods, tsMods []int // importable modules (hot excluded)
	pyHot, tsHot   int   // -1 when none
	pyHotTo        string
	tsHotTo        string
	pyPkg, tsPkg   *dirNode
	hotImporters   [2][]int
}

func plan(opts Options) (*planner, error) {
	p := &planner{opts: opts, r: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)), pyHot: -1, tsHot: -1}
	n := opts.Files
	nOther := max(12, n/20)
	nCode := n - nOther
	nPy := int(float64(nCode)*opts.PythonShare + 0.5)
	nTS := nCode - nPy
	if nPy < 20 || nTS < 20 {
		return nil, fmt.Errorf("%d files is too few (want at least 60)", n)
	}
	if err := p.planPython(nPy); err != nil {
		return nil, err
	}
	if err := p.planTS(nTS); err != nil {
		return nil, err
	}
	p.planImports()
	if err := p.planHot(); err != nil {
		return nil, err
	}
	p.planOther(nOther)
	if len(p.files) != n {
		return nil, fmt.Errorf("internal error: planned %d files, want %d", len(p.files), n)
	}
	return p, nil
}

// newDir adds a directory below parent (nil for a root path).
func (p *planner) newDir(parent *dirNode, name string, py bool) *dirNode {
	d := &dirNode{path: name, level: strings.Count(name, "/") + 1, py: py, used: map[string]bool{}}
	if parent != nil {
		d.path = parent.path + "/" + name
		d.level = parent.level + 1
		d.inPkg = parent.inPkg
		d.area = parent.area
		parent.used[strings.ToLower(name)] = true
	}
	if d.area == nil && d.level == 3 {
		d.area = d
	}
	d.tests = py && name == "tests"
	p.dirs = append(p.dirs, d)
	return d
}

// child returns parent's subdirectory name, creating it when needed.
func (p *planner) child(parent *dirNode, name string) *dirNode {
	for _, d := range p.dirs {
		if d.path == parent.path+"/"+name {
			return d
		}
	}
	return p.newDir(parent, name, parent.py)
}

// levelWeights is the share of new directories at each level relative
// to the language root (1 = its children): a broad middle and a tail of
// deep directories.
var levelWeights = []int{0, 12, 50, 24, 9, 5, 3, 2, 2, 1, 1}

// grow adds about n directories below root, choosing names with name, and
// returns root and every directory below it outside the planted folder.
func (p *planner) grow(root *dirNode, n int, name func(parent *dirNode) string) []*dirNode {
	all := []*dirNode{root}
	byRel := make([][]*dirNode, len(levelWeights))
	byRel[0] = []*dirNode{root}
	for _, d := range p.dirs {
		if strings.HasPrefix(d.path, root.path+"/") && !d.inPkg {
			all = append(all, d)
			if rel := d.level - root.level; rel < len(byRel) {
				byRel[rel] = append(byRel[rel], d)
			}
		}
	}
	maxRel := min(len(levelWeights)-1, p.opts.MaxLevel-root.level)
	total := 0
	for _, w := range levelWeights[1 : maxRel+1] {
		total += w
	}
	n += len(all) - 1
	for tries := 0; len(all) < n+1 && tries < 100*n; tries++ {
		x, rel := p.r.IntN(total), 1
		for ; x >= levelWeights[rel]; rel++ {
			x -= levelWeights[rel]
		}
		parents := byRel[rel-1]
		if len(parents) == 0 {
			continue
		}
		parent := parents[p.r.IntN(len(parents))]
		nm := name(parent)
		if nm == "" {
			continue
		}
		d := p.newDir(parent, nm, root.py)
		all = append(all, d)
		byRel[rel] = append(byRel[rel], d)
	}
	return all
}

// pickDir chooses a directory for a new module: shallow directories hold
// more files than deep ones.
func (p *planner) pickDir(ds []*dirNode) *dirNode {
	total := 0
	for _, d := range ds {
		total += dirWeight(d)
	}
	x := p.r.IntN(total)
	for _, d := range ds {
		if x -= dirWeight(d); x < 0 {
			return d
		}
	}
	return ds[len(ds)-1]
}

func dirWeight(d *dirNode) int {
	switch {
	case d.level <= 3:
		return 20
	case d.level == 4:
		return 13
	}
	return 10
}

// pickName returns an unused name from words in d (a numbered variant
// when all are taken), and marks it used.
func (p *planner) pickName(d *dirNode, gen func() string) string {
	for range 20 {
		nm := gen()
		if !d.used[strings.ToLower(nm)] {
			d.used[strings.ToLower(nm)] = true
			return nm
		}
	}
	for i := 2; ; i++ {
		nm := fmt.Sprintf("%s%d", gen(), i)
		if !d.used[strings.ToLower(nm)] {
			d.used[strings.ToLower(nm)] = true
			return nm
		}
	}
}

func (p *planner) word(list []string) string { return list[p.r.IntN(len(list))] }

func (p *planner) addFile(d *dirNode, name string, k kind, stem string) int {
	f := &file{path: d.path + "/" + name, kind: k, dir: d, stem: stem, css: -1, ref: -1}
	if d.path == "" {
		f.path = name
	}
	p.files = append(p.files, f)
	d.files = append(d.files, len(p.files)-1)
	return len(p.files) - 1
}

// planPython lays out src/acme: packages, __init__.py files, modules, the
// planted package and the hot module.
func (p *planner) planPython(n int) error {
	src := p.newDir(nil, "src", true)
	root := p.newDir(src, "acme", true)
	p.pyRoot = root
	m := p.opts.PackageFiles
	var pkgDirs []*dirNode
	if m > 0 {
		area := p.newDir(root, p.pickName(root, func() string { return p.word(pyAreas) }), true)
		legacy := p.child(area, "legacy")
		p.pyPkg = p.newDir(legacy, packageName, true)
		p.pyPkg.inPkg = true
		pkgDirs = p.folderDirs(p.pyPkg, m, []string{"core", "adapters", "rules", "reports"})
		if m < 2*len(pkgDirs) {
			return fmt.Errorf("PackageFiles %d is too small for %d package directories", m, len(pkgDirs))
		}
	}
	nDirs := max(3, n/12)
	dirs := p.grow(root, nDirs, func(parent *dirNode) string {
		if parent == root {
			return p.pickName(parent, func() string { return p.word(pyAreas) })
		}
		return p.pickName(parent, func() string { return p.word(pySubdirs) })
	})
	for _, d := range p.dirs {
		if d.py && d != src && (d.level > 2 || d == root) {
			p.addFile(d, "__init__.py", kindInit, "__init__")
		}
	}
	var general []*dirNode
	for _, d := range dirs {
		if !d.inPkg {
			general = append(general, d)
		}
	}
	inits := 0
	for _, f := range p.files {
		if f.kind == kindInit {
			inits++
		}
	}
	hot := 0
	if p.opts.HotImporters > 0 {
		hot = 1
	}
	pkgMods := 0
	if m > 0 {
		pkgMods = m - len(pkgDirs)
	}
	mods := n - inits - pkgMods - hot
	if mods < 10 {
		return fmt.Errorf("%d Python files leave too few modules (%d) after %d packages", n, mods, inits)
	}
	for range mods {
		p.addPyModule(p.pickDir(general))
	}
	for i := range pkgMods {
		p.addPyModule(pkgDirs[i%len(pkgDirs)])
	}
	for i, f := range p.files {
		if f.kind == kindPy {
			p.pyMods = append(p.pyMods, i)
		}
	}
	if hot == 1 {
		d := p.deepDir(general)
		p.pyHot = p.addFile(d, pyHotStem+".py", kindPy, pyHotStem)
		to := d.area
		if to == nil || to == d {
			to = root
		}
		p.pyHotTo = to.path + "/" + pyHotStem + ".py"
	}
	return nil
}

func (p *planner) addPyModule(d *dirNode) {
	stem := p.pickName(d, func() string {
		if d.tests {
			return "test_" + p.word(nouns) + "_" + p.word(suffixes)
		}
		return p.word(nouns) + "_" + p.word(suffixes)
	})
	p.addFile(d, stem+".py", kindPy, stem)
}

// folderDirs returns the directories of a planted folder with about m
// files: the folder itself plus up to four subdirectories, one of them
// nested once more.
func (p *planner) folderDirs(top *dirNode, m int, names []string) []*dirNode {
	out := []*dirNode{top}
	ns := min(len(names), m/50)
	for i := range ns {
		parent := top
		if i == ns-1 && ns > 1 && top.level+2 <= p.opts.MaxLevel {
			parent = out[1]
		}
		out = append(out, p.newDir(parent, names[i], top.py))
	}
	return out
}

// deepDir picks a directory among the deepest two levels present.
func (p *planner) deepDir(ds []*dirNode) *dirNode {
	maxL := 0
	for _, d := range ds {
		maxL = max(maxL, d.level)
	}
	var deep []*dirNode
	for _, d := range ds {
		if d.level >= maxL-1 && d.level >= 4 && !d.tests {
			deep = append(deep, d)
		}
	}
	if len(deep) == 0 {
		return ds[len(ds)-1]
	}
	return deep[p.r.IntN(len(deep))]
}

// planTS lays out web/: directories, components and modules, index
// barrels, the planted folder and the hot module.
func (p *planner) planTS(n int) error {
	web := p.newDir(nil, "web", false)
	root := p.newDir(web, "src", false)
	p.tsRoot = root
	m := p.opts.PackageFiles
	var pkgDirs []*dirNode
	features := p.newDir(root, "features", false)
	lib := p.newDir(root, "lib", false)
	if m > 0 {
		area := p.newDir(features, p.pickName(features, func() string { return p.word(pyAreas) }), false)
		legacy := p.child(area, "legacy")
		p.tsPkg = p.newDir(legacy, packageName, false)
		p.tsPkg.inPkg = true
		pkgDirs = p.folderDirs(p.tsPkg, m, []string{"components", "hooks", "api", "forms"})
	}
	nDirs := max(3, n/10)
	dirs := p.grow(root, nDirs, func(parent *dirNode) string {
		switch {
		case parent == root:
			return p.pickName(parent, func() string { return p.word(tsTop) })
		case parent.path == features.path:
			return p.pickName(parent, func() string { return p.word(pyAreas) })
		}
		return p.pickName(parent, func() string { return p.word(tsSubdirs) })
	})
	var general []*dirNode
	for _, d := range dirs {
		if !d.inPkg && d != root {
			general = append(general, d)
		}
	}
	hot := 0
	if p.opts.HotImporters > 0 {
		hot = 1
	}
	barrels := 0
	for _, d := range general {
		if p.r.IntN(5) == 0 {
			p.addFile(d, "index.ts", kindBarrel, "index")
			d.used["index"] = true
			barrels++
		}
	}
	pkgMods := 0 // planted modules besides its index.ts
	if m > 0 {
		p.addFile(p.tsPkg, "index.ts", kindBarrel, "index")
		p.tsPkg.used["index"] = true
		pkgMods = m - 1
	}
	mods := n - barrels - m - hot
	if mods < 10 {
		return fmt.Errorf("%d TS files leave too few modules (%d)", n, mods)
	}
	for range mods {
		p.addTSModule(p.pickDir(general))
	}
	for i := range pkgMods {
		p.addTSModule(pkgDirs[i%len(pkgDirs)])
	}
	for i, f := range p.files {
		if f.kind == kindTS || f.kind == kindTSX {
			p.tsMods = append(p.tsMods, i)
		}
	}
	if hot == 1 {
		d := p.deepDir(general)
		p.tsHot = p.addFile(d, tsHotStem+".ts", kindTS, tsHotStem)
		p.tsHotTo = lib.path + "/" + tsHotStem + ".ts"
	}
	return nil
}

var componentSuffixes = []string{"List", "Table", "Card", "Form", "Panel", "Page", "Modal", "Details", "Row", "Header", "Editor", "Chart", "Badge", "Filter"}

func (p *planner) addTSModule(d *dirNode) {
	base := path.Base(d.path)
	tsx := p.r.IntN(100) < 40
	if base == "components" || base == "widgets" || base == "views" || base == "modals" || base == "dialogs" || base == "cards" {
		tsx = p.r.IntN(100) < 85
	}
	if base == "hooks" || base == "api" || base == "utils" || base == "types" || base == "selectors" || base == "state" {
		tsx = false
	}
	if tsx {
		stem := p.pickName(d, func() string { return pascal(p.word(nouns)) + p.word(componentSuffixes) })
		p.addFile(d, stem+".tsx", kindTSX, stem)
		return
	}
	stem := p.pickName(d, func() string {
		if base == "hooks" {
			return "use" + pascal(p.word(nouns)) + pascal(p.word(suffixes))
		}
		return p.word(nouns) + pascal(p.word(suffixes))
	})
	p.addFile(d, stem+".ts", kindTS, stem)
}

// planImports gives every module 5 to 15 imports, half of them from its
// own area (or planted folder), every barrel its siblings and some
// __init__.py files re-exports; one TS import in ten goes through the
// target's barrel when it has one.
func (p *planner) planImports() {
	byArea := map[*dirNode][]int{}
	byPkg := map[bool][]int{} // key: Python
	for _, list := range [][]int{p.pyMods, p.tsMods} {
		for _, i := range list {
			f := p.files[i]
			if f.dir.inPkg {
				byPkg[f.dir.py] = append(byPkg[f.dir.py], i)
			} else if f.dir.area != nil {
				byArea[f.dir.area] = append(byArea[f.dir.area], i)
			}
		}
	}
	barrelOf := map[int]int{} // module → barrel re-exporting it
	for i, f := range p.files {
		switch f.kind {
		case kindInit:
			if p.r.IntN(10) < 3 {
				f.deps = p.siblings(f, kindPy, 1+p.r.IntN(3))
			}
		case kindBarrel:
			f.deps = p.siblings(f, kindTS, 2+p.r.IntN(4))
			f.deps = append(f.deps, p.siblings(f, kindTSX, 1+p.r.IntN(2))...)
			if len(f.deps) > 0 {
				barrelOf[f.deps[0]] = i
			}
		}
	}
	for i, f := range p.files {
		switch f.kind {
		case kindPy, kindTS, kindTSX:
			global := p.tsMods
			if f.kind == kindPy {
				global = p.pyMods
			}
			local := byArea[f.dir.area]
			if f.dir.inPkg {
				local = byPkg[f.dir.py]
			}
			f.deps = p.pickDeps(i, 5+p.r.IntN(11), local, global)
			for k, d := range f.deps {
				if b, ok := barrelOf[d]; ok && p.r.IntN(10) == 0 && !strings.HasPrefix(f.path, p.files[b].dir.path+"/") {
					f.deps[k] = b
				}
			}
		}
	}
}

func (p *planner) pickDeps(self, n int, local, global []int) []int {
	seen := map[int]bool{self: true}
	var out []int
	for tries := 0; len(out) < n && tries < 6*n; tries++ {
		pool := global
		if len(local) > 1 && p.r.IntN(2) == 0 {
			pool = local
		}
		t := pool[p.r.IntN(len(pool))]
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// siblings returns up to n modules of kind k in f's directory.
func (p *planner) siblings(f *file, k kind, n int) []int {
	var out []int
	for _, j := range f.dir.files {
		if len(out) == n {
			break
		}
		if p.files[j].kind == k && j != p.pyHot && j != p.tsHot {
			out = append(out, j)
		}
	}
	return out
}

// planHot makes exactly K modules of each language import its hot module.
func (p *planner) planHot() error {
	k := p.opts.HotImporters
	if k <= 0 {
		return nil
	}
	for li, hot := range []int{p.pyHot, p.tsHot} {
		pool := p.pyMods
		if li == 1 {
			pool = p.tsMods
		}
		if k > len(pool)*9/10 {
			return fmt.Errorf("HotImporters %d is more than 90%% of the %d candidate modules", k, len(pool))
		}
		perm := p.r.Perm(len(pool))
		for _, pi := range perm[:k] {
			f := p.files[pool[pi]]
			if len(f.deps) >= 15 {
				f.deps = f.deps[:14]
			}
			at := p.r.IntN(len(f.deps) + 1)
			f.deps = append(f.deps[:at], append([]int{hot}, f.deps[at:]...)...)
			p.hotImporters[li] = append(p.hotImporters[li], pool[pi])
		}
		// The hot module imports others like any module.
		p.files[hot].deps = p.pickDeps(hot, 5+p.r.IntN(11), nil, pool)
	}
	return nil
}

// describe summarises the plan (sizes are filled in by write).
func (p *planner) describe() *Workspace {
	ws := &Workspace{Options: p.opts, Files: len(p.files)}
	for _, f := range p.files {
		switch f.kind {
		case kindPy, kindInit:
			ws.Python++
		case kindTS, kindTSX, kindBarrel:
			ws.TypeScript++
		default:
			ws.Other++
		}
		l := strings.Count(f.path, "/")
		for len(ws.Levels) <= l {
			ws.Levels = append(ws.Levels, 0)
		}
		ws.Levels[l]++
	}
	hot := func(i int, to string, imps []int) *Hot {
		h := &Hot{Path: p.files[i].path, To: to}
		for _, j := range imps {
			h.Importers = append(h.Importers, p.files[j].path)
		}
		sort.Strings(h.Importers)
		return h
	}
	if p.pyHot >= 0 {
		ws.PythonHot = hot(p.pyHot, p.pyHotTo, p.hotImporters[0])
		ws.TSHot = hot(p.tsHot, p.tsHotTo, p.hotImporters[1])
	}
	folder := func(d *dirNode, to string) *Folder {
		n := 0
		for _, f := range p.files {
			if strings.HasPrefix(f.path, d.path+"/") {
				n++
			}
		}
		return &Folder{Dir: d.path, To: to, Files: n}
	}
	if p.pyPkg != nil {
		ws.PythonPackage = folder(p.pyPkg, p.pyRoot.path+"/"+packageName)
		ws.TSFolder = folder(p.tsPkg, p.tsRoot.path+"/features/"+packageName)
	}
	return ws
}

// write renders every file into root in parallel and fills in the sizes.
func (p *planner) write(root string, ws *Workspace) error {
	dirs := map[string]bool{}
	var mk []string
	for _, f := range p.files {
		d := path.Dir(f.path)
		if !dirs[d] {
			dirs[d] = true
			mk = append(mk, d)
		}
	}
	sort.Strings(mk)
	for _, d := range mk {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	var next, src, all atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf strings.Builder
			for {
				i := int(next.Add(1) - 1)
				if i >= len(p.files) {
					return
				}
				f := p.files[i]
				buf.Reset()
				p.render(&buf, i)
				data := buf.String()
				all.Add(int64(len(data)))
				if f.kind != kindOther {
					src.Add(int64(len(data)))
				}
				if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(f.path)), []byte(data), 0o644); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	ws.SourceBytes, ws.Bytes = src.Load(), all.Load()
	return errors.Join(errs...)
}

// render writes file i's content to b. Each file has its own random
// stream, so rendering order does not change the output.
func (p *planner) render(b *strings.Builder, i int) {
	r := rand.New(rand.NewPCG(p.opts.Seed^0x5851f42d4c957f2d, uint64(i)))
	f := p.files[i]
	switch f.kind {
	case kindPy:
		p.renderPy(b, r, f)
	case kindInit:
		p.renderInit(b, f)
	case kindTS, kindTSX:
		p.renderTS(b, r, f)
	case kindBarrel:
		p.renderBarrel(b, f)
	default:
		p.renderOther(b, r, f)
	}
}

func pascal(s string) string {
	var b strings.Builder
	up := true
	for _, c := range s {
		switch {
		case c == '_' || c == '-':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			up = false
		default:
			b.WriteRune(c)
			up = false
		}
	}
	return b.String()
}

// commonDir returns the longest common directory prefix of a and b.
func commonDir(a, b string) string {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return strings.Join(as[:n], "/")
}
