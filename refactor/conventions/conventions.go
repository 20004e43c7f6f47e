// Package conventions finds the paths that frameworks and test runners pin:
// places a program is found by where it sits rather than by an import.
// Next.js route trees, Django's per-app folders, pytest/unittest and
// Jest/Vitest discovery with the data beside the tests, bundler entry
// points, and module shadowing (x.py beside x/, x.ts beside x/index.ts).
//
// Detection works from evidence in the tree: paths plus a few small file
// reads (package.json, next.config.*, pytest and bundler configuration);
// it never parses code or talks to a language server. Detect answers
// "which paths are pinned, and why" for one tree; Diff answers "which
// pinned meanings does this set of moves change" (route table entries,
// tests no longer collected or losing their conftest.py, convention folders
// separated from their owner, new shadowing clashes); Model.CheckDirMove
// answers the same for one whole-directory move, in time proportional to
// the directory, for the plan generator.
//
// Paths are slash-separated and workspace-relative. The package imports
// only the standard library and refactor/workspace; it must not import
// parsers, server, cmd, go.lsp.dev or zap.
package conventions

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// Kind names the convention that pins a path.
type Kind string

// Convention kinds.
const (
	// KindRoute: a Next.js route file (app or pages router).
	KindRoute Kind = "route"
	// KindDjango: a folder Django finds inside an app or project
	// (templates/, static/, locale/, migrations/, management/commands/,
	// templatetags/, format modules).
	KindDjango Kind = "django"
	// KindTest: a test module collected by its name and place (pytest,
	// unittest, Jest, Vitest) or a conftest.py.
	KindTest Kind = "test"
	// KindTestData: data read by path beside tests (cassettes,
	// snapshots, fixtures).
	KindTestData Kind = "test-data"
	// KindEntry: a bundler or package entry point named in a config file.
	KindEntry Kind = "entry"
	// KindShadow: a module and a package (or index file) of the same name
	// side by side.
	KindShadow Kind = "shadowing"
	// KindServed: a file a tool serves or finds by its path (static
	// assets, file-system routes outside Next.js, content collections,
	// migrations; see served.go).
	KindServed Kind = "served"
)

// Group is a set of files that keep their meaning only while they move
// together: every member must end at Anchor' + (member − Anchor) for one
// new anchor directory Anchor' (which may be Anchor itself).
type Group struct {
	Kind Kind
	// Anchor is the directory whose move as a whole keeps the meaning
	// ("" is the workspace root).
	Anchor string
	// Members are files below Anchor, sorted.
	Members []string
	// Why says, for a person, what the group is.
	Why string
	// Folder is the one folder the convention names (public/ of an
	// app, Alembic's script_location), when there is one.
	Folder string
}

// Pin is a path a convention pins, with the reason.
type Pin struct {
	// Path is a file or a directory (Dir).
	Path string
	Dir  bool
	Kind Kind
	// Anchor is the directory that must move as a whole for Path to keep
	// its meaning.
	Anchor string
	Why    string
}

// Model is what conventions pin in one tree. It is immutable once built.
type Model struct {
	fs     workspace.FileSet
	dirs   *dirIndex
	groups []Group
	member map[string][]int // file → groups holding it
	routes []Route
	// routers are the Next.js route trees.
	routers []router
	tests   *testConfig
	django  bool
	clashes []Clash
}

// Detect finds the conventions of the tree fs.
func Detect(fs workspace.FileSet) *Model {
	m := &Model{fs: fs, dirs: newDirIndex(fs.Files()), member: map[string][]int{}}
	m.detectNext()
	m.detectDjango()
	m.detectTests()
	m.detectEntries()
	m.detectServed()
	m.clashes = findClashes(m.dirs, fs.HasFile)
	for i, g := range m.groups {
		for _, f := range g.Members {
			m.member[f] = append(m.member[f], i)
		}
	}
	return m
}

func (m *Model) addGroup(g Group) {
	if len(g.Members) == 0 {
		return
	}
	sort.Strings(g.Members)
	g.Members = dedupe(g.Members)
	m.groups = append(m.groups, g)
}

// Groups returns the groups of files that must move together.
func (m *Model) Groups() []Group { return m.groups }

// Routes returns the Next.js route table, sorted by app, URL and role.
func (m *Model) Routes() []Route { return m.routes }

// Tests returns the collected test modules (Python and JS/TS), sorted.
func (m *Model) Tests() []string {
	var out []string
	for _, f := range m.fs.Files() {
		if m.tests.collected(f) {
			out = append(out, f)
		}
	}
	return out
}

// Clashes returns the shadowing clashes of the tree.
func (m *Model) Clashes() []Clash { return m.clashes }

// Pins lists every pinned path with its reason: the members of every
// group, collected tests and conftest.py files, and both sides of each
// shadowing clash. Sorted by path.
func (m *Model) Pins() []Pin {
	var out []Pin
	for _, g := range m.groups {
		for _, f := range g.Members {
			out = append(out, Pin{Path: f, Kind: g.Kind, Anchor: g.Anchor, Why: g.Why})
		}
	}
	for _, f := range m.fs.Files() {
		switch {
		case m.tests.collected(f):
			out = append(out, Pin{Path: f, Kind: KindTest, Anchor: path.Dir(f), Why: m.tests.why(f)})
		case path.Base(f) == "conftest.py":
			out = append(out, Pin{Path: f, Kind: KindTest, Anchor: path.Dir(f), Why: "pytest loads conftest.py by name for the tests below its folder"})
		}
	}
	for _, c := range m.clashes {
		out = append(out, Pin{Path: c.Dir, Dir: true, Kind: KindShadow, Anchor: path.Dir(c.Dir), Why: c.String()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Change is a pinned meaning that a set of moves changes.
type Change struct {
	Kind Kind
	// Path is the current path of the file (or directory) concerned; To
	// its new path when it moves.
	Path string
	To   string
	Msg  string
	// Error marks changes that break the program outright (Python
	// shadowing: Python imports the package, every import of the module
	// breaks; TS shadowing is not an error, since the move engine
	// rewrites the specifiers that would change meaning).
	Error bool
}

func (c Change) String() string {
	if c.Path == "" {
		return c.Msg
	}
	return c.Path + ": " + c.Msg
}

// Diff reports the pinned meanings that moving files (current path → new
// path; files not in moves stay) changes in the tree before: route table
// entries that change, appear, vanish or collide; tests no longer (or
// newly) collected or losing a conftest.py; groups split (a Django or test
// data folder separated from its owner, an entry point from its config);
// new shadowing clashes. The result is sorted by path. What it derives
// from the whole tree is kept per tree snapshot (cache.go).
func Diff(before workspace.FileSet, moves map[string]string) []Change {
	if len(moves) == 0 {
		return nil
	}
	tree, mk := idOf(before.Files()), movesKey(moves)
	if e := diffCache.get(tree, mk, before); e != nil {
		return slices.Clone(e.diff)
	}
	all := before
	rec := newRecorder(before)
	before = scopedCached(rec, moves)
	mb := detectCached(all, before, moves)
	after, origin := afterSet(before, moves)
	ma := Detect(after)
	newOf := func(f string) string {
		if n, ok := moves[f]; ok {
			return n
		}
		return f
	}
	origOf := func(f string) string {
		if o, ok := origin[f]; ok {
			return o
		}
		return f
	}
	var out []Change
	out = append(out, diffRoutes(mb, ma, newOf, origOf)...)
	out = append(out, diffTests(mb, ma, before.Files(), moves, newOf, origOf)...)
	for _, g := range mb.groups {
		if g.Kind == KindRoute {
			continue // compared through the route tables
		}
		if c, broken := splitGroup(g, newOf); broken {
			out = append(out, c)
		}
	}
	known := map[string]bool{}
	for _, c := range mb.clashes {
		known[c.key(func(s string) string { return s })] = true
	}
	for _, c := range ma.clashes {
		if known[c.key(origOf)] {
			continue
		}
		out = append(out, Change{Kind: KindShadow, Path: origOfDir(c, origOf), To: c.Dir, Error: c.Lang == "python",
			Msg: c.String() + "; the move creates this clash, so imports of the other one break"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	diffCache.put(&cacheEntry{tree: tree, key: mk, diff: slices.Clone(out), reads: rec.snapshot()})
	return out
}

// scoped returns the part of the tree that moves can affect: the files at
// the workspace root and below every top-level folder a move leaves or
// enters. Conventions anchored at the root keep a marker file there
// (package.json, manage.py, pytest's settings), so a group split across
// top-level folders still shows through it.
func scoped(fs workspace.FileSet, moves map[string]string) workspace.FileSet {
	areas := map[string]bool{}
	for from, to := range moves {
		areas[topOf(from)] = true
		areas[topOf(to)] = true
	}
	var files []string
	all := fs.Files()
	for _, f := range all {
		if !strings.Contains(f, "/") || areas[topOf(f)] {
			files = append(files, f)
		}
	}
	if len(files) == len(all) {
		return fs
	}
	return &mapped{DiskSet: workspace.NewMemSetPaths("", files), base: fs}
}

func topOf(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// origOfDir names the moved side of a new clash in current paths.
func origOfDir(c Clash, origOf func(string) string) string {
	if o := origOf(c.File); o != c.File {
		return o
	}
	if c.member != "" {
		if o := origOf(c.member); o != c.member {
			return strings.TrimSuffix(o, c.member[len(c.Dir):])
		}
	}
	return c.Dir
}

// splitGroup reports whether the moves split g, and describes it.
func splitGroup(g Group, newOf func(string) string) (Change, bool) {
	var anchor string
	set := false
	moved := ""
	for _, f := range g.Members {
		n := newOf(f)
		if n != f && moved == "" {
			moved = f
		}
		rel := f[len(g.Anchor):]
		if g.Anchor == "" {
			rel = "/" + f
		}
		if !strings.HasSuffix(n, rel) && !(g.Anchor == "" && n == f) {
			return groupChange(g, f, n), true
		}
		a := strings.TrimSuffix(n, rel)
		if g.Anchor == "" {
			a = strings.TrimSuffix("/"+n, rel)
		}
		if !set {
			anchor, set = a, true
		} else if a != anchor {
			return groupChange(g, f, n), true
		}
	}
	return Change{}, false
}

func groupChange(g Group, f, n string) Change {
	msg := fmt.Sprintf("%s: it no longer sits where it is looked for (%s instead)", g.Why, wholeMove(g.Anchor))
	return Change{Kind: g.Kind, Path: f, To: n, Msg: msg}
}

// wholeMove says how a group anchored at anchor may move.
func wholeMove(anchor string) string {
	if anchor == "" {
		return "it stays where it is, since its owner is the workspace root"
	}
	return "move " + anchor + "/ as a whole"
}

// CheckDirMove reports why moving the whole directory from to to (in the
// tree the model was built from) would change a pinned meaning, and false
// when it would not. hasFile and hasDir describe the tree the target is
// placed in (the model's tree when nil). Cost: the files below from.
func (m *Model) CheckDirMove(from, to string) (string, bool) {
	files := m.dirs.under(from)
	count := map[int]int{}
	for _, f := range files {
		for _, gi := range m.member[f] {
			count[gi]++
		}
	}
	for gi, n := range count {
		if g := m.groups[gi]; n < len(g.Members) {
			return g.Why + fmt.Sprintf(" (%s)", wholeMove(g.Anchor)), true
		}
	}
	rel := func(f string) string { return to + f[len(from):] }
	for _, r := range m.routers {
		if isUnder(to, r.dir) || to == r.dir {
			for _, f := range files {
				if _, ok := r.routeOf(rel(f)); ok {
					return fmt.Sprintf("%s would become a Next.js route inside %s", path.Base(f), r.dir), true
				}
			}
		}
	}
	hasTests := false
	for _, f := range files {
		was := m.tests.collected(f)
		if was != m.tests.collected(rel(f)) {
			if was {
				return fmt.Sprintf("%s would no longer be collected as a test", f), true
			}
			return fmt.Sprintf("%s would start being collected as a test", f), true
		}
		hasTests = hasTests || was
	}
	if hasTests && strings.Join(m.conftestsAbove(path.Dir(from)), ",") != strings.Join(m.conftestsAbove(path.Dir(to)), ",") {
		return fmt.Sprintf("the tests below %s would run with different conftest.py fixtures", from), true
	}
	if c, ok := m.clashAt(to, files, from); ok {
		return c, true
	}
	return "", false
}

// conftestsAbove returns the conftest.py files in dir and its ancestors.
func (m *Model) conftestsAbove(dir string) []string {
	var out []string
	for d := dir; ; d = path.Dir(d) {
		if d == "." {
			d = ""
		}
		if f := join(d, "conftest.py"); m.fs.HasFile(f) {
			out = append(out, f)
		}
		if d == "" {
			break
		}
	}
	return out
}

// afterSet returns the tree as it is after moves, reading contents from
// before, and the map new path → current path of moved files.
func afterSet(before workspace.FileSet, moves map[string]string) (workspace.FileSet, map[string]string) {
	origin := map[string]string{}
	files := make([]string, 0, len(before.Files()))
	for _, f := range before.Files() {
		if n, ok := moves[f]; ok {
			origin[n] = f
			files = append(files, n)
		} else {
			files = append(files, f)
		}
	}
	return &mapped{DiskSet: workspace.NewMemSetPaths("", files), base: before, origin: origin}, origin
}

// mapped is a tree after moves whose contents come from the tree before.
type mapped struct {
	*workspace.DiskSet
	base   workspace.FileSet
	origin map[string]string
}

// ReadFile implements workspace.FileSet.
func (t *mapped) ReadFile(rel string) ([]byte, error) {
	if o, ok := t.origin[rel]; ok {
		return t.base.ReadFile(o)
	}
	if !t.HasFile(rel) {
		return nil, fmt.Errorf("read %s: not in the tree after the moves", rel)
	}
	return t.base.ReadFile(rel)
}

// dirIndex lists every directory of a tree and the direct files of each.
type dirIndex struct {
	files  []string // sorted
	dirs   []string // every directory, sorted ("" first)
	isD    map[string]bool
	direct map[string][]string
}

func newDirIndex(files []string) *dirIndex {
	x := &dirIndex{files: append([]string(nil), files...), isD: map[string]bool{"": true}, direct: map[string][]string{}}
	sort.Strings(x.files)
	for _, f := range x.files {
		d := dirOf(f)
		x.direct[d] = append(x.direct[d], f)
		for c := d; !x.isD[c]; c = dirOf(c) {
			x.isD[c] = true
		}
	}
	x.dirs = make([]string, 0, len(x.isD))
	for d := range x.isD {
		x.dirs = append(x.dirs, d)
	}
	sort.Strings(x.dirs)
	return x
}

// under returns the files below dir, sorted ("" = every file): files
// sharing the prefix "dir/" are contiguous in sorted order. The slice is
// shared; callers must not modify it.
func (x *dirIndex) under(dir string) []string {
	if dir == "" {
		return x.files
	}
	lo := sort.SearchStrings(x.files, dir+"/")
	hi := sort.SearchStrings(x.files, dir+"0") // '0' follows '/'
	return x.files[lo:hi]
}

func (x *dirIndex) isDir(d string) bool { return x.isD[d] }

func dirOf(f string) string {
	d := path.Dir(f)
	if d == "." {
		return ""
	}
	return d
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func isUnder(p, dir string) bool { return dir == "" || strings.HasPrefix(p, dir+"/") }

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i > 0 && x == s[i-1] {
			continue
		}
		out = append(out, x)
	}
	return out
}

// GroupsOf returns the groups file belongs to.
func (m *Model) GroupsOf(file string) []Group {
	var out []Group
	for _, gi := range m.member[file] {
		out = append(out, m.groups[gi])
	}
	return out
}

// RouterOf returns the Next.js router folder (app/ or pages/) holding
// file, and false when there is none.
func (m *Model) RouterOf(file string) (string, bool) {
	for _, r := range m.routers {
		if isUnder(file, r.dir) {
			return r.dir, true
		}
	}
	return "", false
}

// Under returns the files below dir in the model's tree, sorted ("" =
// every file). The slice is shared; callers must not modify it.
func (m *Model) Under(dir string) []string { return m.dirs.under(dir) }

// Direct returns the files directly in dir, sorted.
func (m *Model) Direct(dir string) []string { return m.dirs.direct[dir] }

// IsDir reports whether dir holds files in the model's tree.
func (m *Model) IsDir(dir string) bool { return m.dirs.isDir(dir) }
