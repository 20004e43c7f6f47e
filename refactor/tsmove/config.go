package tsmove

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/tailscale/hujson"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// configWriter rewrites the path values of one tsconfig/jsconfig file.
//
// Every relative path value names a location: a file or directory of the
// workspace, or for a glob its literal directory prefix ("src" of
// "src/**/*.ts"). After the moves the value must name that location's new
// place, written relative to the config's new directory (or, for `paths`
// targets, to the new baseUrl). Values naming no workspace location
// (output directories, node_modules, generated code), absolute values and
// ${configDir} values are left alone.
type configWriter struct {
	c      *Context
	path0  string // the config file's current path
	off    int    // bytes before the parsed JSON (a BOM)
	oldDir string
	newDir string
	edits  []edit.TextEdit
	dirs   map[string]string // dirNew cache
	// inPaths says the values being rewritten are `paths` targets.
	inPaths bool
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// rewriteConfig returns the edits of the config file p (current content
// data). A file that does not parse is left alone (tsresolve reports it).
func (c *Context) rewriteConfig(p string, data []byte) []edit.TextEdit {
	cw := &configWriter{c: c, path0: p, oldDir: dirOf(p), newDir: dirOf(c.NewPath(p)), dirs: map[string]string{}}
	_, obj, off, ok := parseConfig(data)
	if !ok {
		return nil
	}
	cw.off = off
	for i := range obj.Members {
		m := &obj.Members[i]
		switch memberName(m) {
		case "files":
			n := len(cw.edits)
			cw.each(&m.Value, func(v *hujson.Value) { cw.path(v, cw.oldDir, cw.newDir, false) })
			cw.dedupe(&m.Value, n)
		case "include", "exclude":
			n := len(cw.edits)
			cw.each(&m.Value, func(v *hujson.Value) { cw.path(v, cw.oldDir, cw.newDir, true) })
			cw.dedupe(&m.Value, n)
		case "extends":
			if _, ok := m.Value.Value.(hujson.Literal); ok {
				cw.extends(&m.Value)
			} else {
				cw.each(&m.Value, cw.extends)
			}
		case "references":
			cw.each(&m.Value, func(v *hujson.Value) {
				if ref, ok := v.Value.(*hujson.Object); ok {
					for j := range ref.Members {
						if memberName(&ref.Members[j]) == "path" {
							cw.path(&ref.Members[j].Value, cw.oldDir, cw.newDir, false)
						}
					}
				}
			})
		case "compilerOptions":
			if co, ok := m.Value.Value.(*hujson.Object); ok {
				cw.compilerOptions(p, co)
			}
		}
	}
	sort.Slice(cw.edits, func(i, j int) bool { return cw.edits[i].Start < cw.edits[j].Start })
	return cw.edits
}

func (cw *configWriter) compilerOptions(p string, co *hujson.Object) {
	// The directory `paths` targets are relative to: baseUrl, else the
	// directory of the config defining `paths`.
	oldBase, newBase := cw.oldDir, cw.newDir
	ownBase := false
	for i := range co.Members {
		m := &co.Members[i]
		if memberName(m) != "baseUrl" {
			continue
		}
		if s, ok := stringValue(&m.Value); ok && !skipValue(s) {
			oldBase, ownBase = join(cw.oldDir, s), true
			if nb, ok := cw.mapLoc(oldBase); ok {
				newBase = nb
			} else {
				newBase = join(cw.newDir, s)
			}
		}
	}
	if !ownBase {
		if cfg := cw.c.configAt(p); cfg != nil && cfg.HasBaseURL {
			oldBase = cfg.BaseURL
			if nb, ok := cw.mapLoc(oldBase); ok {
				newBase = nb
			} else {
				newBase = cw.c.NewDir(oldBase)
			}
		}
	}
	for i := range co.Members {
		m := &co.Members[i]
		switch memberName(m) {
		case "baseUrl", "rootDir":
			cw.path(&m.Value, cw.oldDir, cw.newDir, false)
		case "rootDirs", "typeRoots":
			cw.each(&m.Value, func(v *hujson.Value) { cw.path(v, cw.oldDir, cw.newDir, false) })
		case "paths":
			ps, ok := m.Value.Value.(*hujson.Object)
			if !ok {
				continue
			}
			cw.inPaths = true
			for j := range ps.Members {
				targets := &ps.Members[j].Value
				n := len(cw.edits)
				cw.each(targets, func(v *hujson.Value) { cw.path(v, oldBase, newBase, true) })
				if !cw.dedupe(targets, n) {
					cw.followTargets(targets, n, oldBase, newBase)
				}
			}
			cw.inPaths = false
		}
	}
}

// configAt returns the effective config of the config file p before the
// moves, or nil when p only serves as a base of extends chains.
func (c *Context) configAt(p string) *tsresolve.Config {
	for _, cfg := range c.Old.Configs() {
		if cfg.Path == p {
			return cfg
		}
	}
	return nil
}

// each calls f on the elements of an array value.
func (cw *configWriter) each(v *hujson.Value, f func(*hujson.Value)) {
	if arr, ok := v.Value.(*hujson.Array); ok {
		for i := range arr.Elements {
			f(&arr.Elements[i])
		}
	}
}

// path rewrites a string value naming a location relative to oldBase so
// that it names the location's new place relative to newBase. glob says
// the value may hold wildcards (include/exclude patterns, paths targets):
// then only its literal directory prefix is mapped.
func (cw *configWriter) path(v *hujson.Value, oldBase, newBase string, glob bool) {
	s, ok := stringValue(v)
	if !ok || skipValue(s) {
		return
	}
	lit, rest := s, ""
	if glob {
		lit, rest = splitGlob(s)
	}
	loc := join(oldBase, lit)
	if strings.HasPrefix(loc, "../") || loc == ".." {
		return // outside the workspace
	}
	var newLoc string
	if rest != "" {
		if !cw.c.OldFS.HasDir(loc) {
			return
		}
		newLoc = cw.dirNew(loc)
		if newLoc == loc && oldBase != newBase {
			newLoc = cw.followMajority(loc, join(newBase, lit))
		}
	} else if newLoc, ok = cw.mapLoc(loc); !ok {
		if !glob {
			return
		}
		if newLoc, ok = cw.mapStem(loc); !ok {
			return
		}
	}
	if newLoc == loc && oldBase == newBase {
		return
	}
	cw.set(v, s, cw.format(workspace.RelPath(newBase, newLoc), rest, s))
}

// format is formatValue, except that a `paths` target that climbed
// ("../src/*") stays relative ("./src/*"): without baseUrl, tsc reads a
// target that is not relative as an error.
func (cw *configWriter) format(r, rest, orig string) string {
	out := formatValue(r, rest, orig)
	if cw.inPaths && strings.HasPrefix(orig, "../") && !isRelative(out) {
		out = "./" + out
	}
	return out
}

// followMajority decides where a glob's directory loc goes when the
// config moves but loc's files are split between staying and moving: when
// more of them move under along (the same place relative to the moved
// config) than stay under loc, the pattern follows the config (along);
// otherwise it keeps naming loc. The files left on the other side are
// reported by the coverage warnings.
func (cw *configWriter) followMajority(loc, along string) string {
	stay, follow := 0, 0
	for _, f := range filesUnder(cw.c.OldFS.Files(), loc) {
		n := cw.c.NewPath(f)
		switch {
		case n == f:
			stay++
		case along == "" || strings.HasPrefix(n, along+"/"):
			follow++
		}
	}
	if follow > stay {
		return along
	}
	return loc
}

// dedupe removes the elements of array v that the rewrite made equal to
// an earlier one (an include entry or `paths` target added when files
// moved ahead of the rest, once the rest follows; "./src" equals "src");
// cw.edits[from:] are the array's edits. It reports whether it removed
// one.
func (cw *configWriter) dedupe(v *hujson.Value, from int) bool {
	arr, ok := v.Value.(*hujson.Array)
	if !ok {
		return false
	}
	removed := false
	newText := map[int]string{} // element start offset → rewritten content
	for _, e := range cw.edits[from:] {
		newText[e.Start-cw.off-1] = e.New
	}
	seen := map[string]bool{}
	for j := range arr.Elements {
		el := &arr.Elements[j]
		s, ok := stringValue(el)
		if !ok {
			continue
		}
		if t, ok := newText[el.StartOffset]; ok {
			s = t
		} else {
			s = jsonEscape(s)
		}
		s = normValue(s)
		if !seen[s] || j == 0 {
			seen[s] = true
			continue
		}
		kept := cw.edits[:from]
		for _, e := range cw.edits[from:] {
			if e.Start-cw.off-1 != el.StartOffset {
				kept = append(kept, e)
			}
		}
		cw.edits = kept
		cw.edits = append(cw.edits, edit.TextEdit{Start: cw.off + arr.Elements[j-1].EndOffset, End: cw.off + el.EndOffset, New: ""})
		removed = true
	}
	return removed
}

// normValue is a config path value as dedupe compares it: without a
// leading "./" or a trailing "/".
func normValue(s string) string {
	if c := strings.TrimSuffix(strings.TrimPrefix(s, "./"), "/"); c != "" {
		return c
	}
	return s
}

// followTargets makes a `paths` pattern follow files that left the folder
// of one of its wildcard targets for a folder of the same name elsewhere,
// keeping their paths below it (src/deep/ui/button.ts moved alone to
// src/ui/button.ts, for "@ui/*": ["src/deep/ui/*"]; or files following a
// tsconfig that moved ahead of them): the folder they landed in is
// appended as a further target, in the wildcard shape of the one that
// named them, so that the alias imports of those files keep resolving —
// tsc tries a pattern's targets in order. Once the last file leaves, the
// old target names the new folder too and dedupe folds the two. When the
// files left for two folders of that name, or for a folder of another
// name (a move out of what the alias means), nothing is added and their
// alias imports are rewritten. v is the targets array, oldBase and
// newBase the directories its values are relative to before and after
// the moves, cw.edits[from:] the array's edits so far.
func (cw *configWriter) followTargets(v *hujson.Value, from int, oldBase, newBase string) {
	arr, ok := v.Value.(*hujson.Array)
	if !ok || len(arr.Elements) == 0 {
		return
	}
	newText := map[int]string{} // element start offset → rewritten content
	for _, e := range cw.edits[from:] {
		newText[e.Start-cw.off-1] = e.New
	}
	// Where each target names after the rewrite.
	named := map[string]bool{}
	for j := range arr.Elements {
		s, ok := stringValue(&arr.Elements[j])
		if !ok {
			continue
		}
		if t, ok := newText[arr.Elements[j].StartOffset]; ok {
			s = t // edits hold plain paths here: skipValue refuses escapes
		}
		lit, _ := splitGlob(s)
		named[join(newBase, lit)] = true
	}
	var adds []string
	for j := range arr.Elements {
		s, ok := stringValue(&arr.Elements[j])
		if !ok || skipValue(s) {
			continue
		}
		lit, rest := splitGlob(s)
		loc := join(oldBase, lit)
		if rest == "" || strings.HasPrefix(loc, "../") || loc == ".." || loc == "" || !cw.c.OldFS.HasDir(loc) {
			continue
		}
		cand, ambiguous := "", false
		for _, f := range filesUnder(cw.c.OldFS.Files(), loc) {
			nf := cw.c.NewPath(f)
			if nf == f {
				continue
			}
			sub := f[len(loc)+1:]
			d, ok := strings.CutSuffix(nf, "/"+sub)
			if !ok || named[d] || path.Base(d) != path.Base(loc) || !cw.usesConfig(nf) {
				continue
			}
			if cand != "" && d != cand {
				ambiguous = true
			}
			cand = d
		}
		if cand == "" || ambiguous {
			continue
		}
		named[cand] = true
		adds = append(adds, `"`+jsonEscape(cw.format(workspace.RelPath(newBase, cand), rest, s))+`"`)
	}
	if len(adds) > 0 {
		at := cw.off + arr.Elements[len(arr.Elements)-1].EndOffset
		cw.edits = append(cw.edits, edit.TextEdit{Start: at, End: at, New: ", " + strings.Join(adds, ", ")})
	}
}

// usesConfig reports whether the file at nf after the moves is governed
// by the config being rewritten, or by one extending it: a file that
// moves into another project leaves what its old project's aliases mean.
func (cw *configWriter) usesConfig(nf string) bool {
	var gov *tsresolve.Config
	best := -1
	for _, cfg := range cw.c.Old.Configs() {
		d := dirOf(cw.c.NewPath(cfg.Path))
		if _, ok := under(nf, d); ok && len(d) > best {
			gov, best = cfg, len(d)
		}
	}
	if gov == nil {
		return false
	}
	if gov.Path == cw.path0 {
		return true
	}
	for _, e := range gov.Extends {
		if e == cw.path0 {
			return true
		}
	}
	return false
}

// extends rewrites a relative extends value (a package name is left).
func (cw *configWriter) extends(v *hujson.Value) {
	s, ok := stringValue(v)
	if !ok || skipValue(s) || !isRelative(s) {
		return
	}
	loc, suffix := join(cw.oldDir, s), ""
	if !cw.c.OldFS.HasFile(loc) && cw.c.OldFS.HasFile(loc+".json") {
		loc, suffix = loc+".json", ".json"
	}
	newLoc, ok := cw.mapLoc(loc)
	if !ok || newLoc == loc && cw.oldDir == cw.newDir {
		return
	}
	out := tsresolve.RelSpec(cw.newDir, strings.TrimSuffix(newLoc, suffix))
	cw.set(v, s, out)
}

// set records the edit replacing the content of string value v (holding
// old) by s, when it changes.
func (cw *configWriter) set(v *hujson.Value, old, s string) {
	if s == old {
		return
	}
	cw.edits = append(cw.edits, edit.TextEdit{Start: cw.off + v.StartOffset + 1, End: cw.off + v.EndOffset - 1, New: jsonEscape(s)})
}

// mapLoc returns the new place of a workspace file or directory, and
// false when loc names neither.
func (cw *configWriter) mapLoc(loc string) (string, bool) {
	switch {
	case cw.c.OldFS.HasFile(loc):
		return cw.c.NewPath(loc), true
	case cw.c.OldFS.HasDir(loc):
		return cw.dirNew(loc), true
	}
	return "", false
}

// mapStem maps an extensionless `paths` target ("./src/env" for
// src/env.ts) through the file it names; false when it names none.
func (cw *configWriter) mapStem(loc string) (string, bool) {
	for _, ext := range []string{".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mts", ".cts"} {
		if cw.c.OldFS.HasFile(loc + ext) {
			if n, ok := strings.CutSuffix(cw.c.NewPath(loc+ext), ext); ok {
				return n, true
			}
			return "", false
		}
	}
	return "", false
}

// dirNew returns the new place of directory d: its directory move, or the
// common new place of its files when they all move keeping their paths
// below d; else d.
func (cw *configWriter) dirNew(d string) string {
	if nd := cw.c.NewDir(d); nd != d {
		return nd
	}
	if d == "" {
		return d
	}
	if nd, ok := cw.dirs[d]; ok {
		return nd
	}
	nd := ""
	for _, f := range filesUnder(cw.c.OldFS.Files(), d) {
		rel := f[len(d)+1:]
		n := cw.c.NewPath(f)
		x, ok := strings.CutSuffix(n, "/"+rel)
		if !ok || (nd != "" && x != nd) {
			nd = d
			break
		}
		nd = x
	}
	if nd == "" {
		nd = d
	}
	cw.dirs[d] = nd
	return nd
}

// splitGlob splits a pattern into its literal directory prefix and the
// rest, which starts at the first segment holding a wildcard.
func splitGlob(s string) (lit, rest string) {
	segs := strings.Split(s, "/")
	for i, seg := range segs {
		if strings.ContainsAny(seg, "*?") {
			return strings.Join(segs[:i], "/"), strings.Join(segs[i:], "/")
		}
	}
	return s, ""
}

// formatValue writes relative path r plus glob rest in the manner of the
// original value orig (a "./" prefix, a trailing "/").
func formatValue(r, rest, orig string) string {
	out := r
	if rest != "" {
		if out == "" {
			out = rest
		} else {
			out += "/" + rest
		}
	}
	if out == "" {
		out = "."
	}
	if strings.HasPrefix(orig, "./") && out != "." && !isRelative(out) {
		out = "./" + out
	}
	if strings.HasSuffix(orig, "/") && !strings.HasSuffix(out, "/") {
		out += "/"
	}
	return out
}

// skipValue reports values that are left alone: empty, absolute, or
// relative to ${configDir}.
func skipValue(s string) bool {
	return s == "" || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "${") ||
		len(s) > 1 && s[1] == ':' || strings.Contains(s, "\\")
}

func memberName(m *hujson.ObjectMember) string {
	s, _ := stringValue(&m.Name)
	return s
}

func stringValue(v *hujson.Value) (string, bool) {
	lit, ok := v.Value.(hujson.Literal)
	if !ok || lit.Kind() != '"' {
		return "", false
	}
	return lit.String(), true
}

// jsonEscape returns s escaped for the inside of a JSON string.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// coverageWarnings reports TS/JS files that some tsconfig/jsconfig covered
// before the moves and none covers after them: the moved files, and the
// files a config that moves or changes (itself or through its extends
// chain) covered.
func (c *Context) coverageWarnings(st *state, moved map[string]string) []edit.Warning {
	files := c.checkedFiles(st, moved)
	var out []edit.Warning
	for _, f := range files {
		before := coveringConfig(c.Old, f)
		if before == nil {
			continue
		}
		nf := c.NewPath(f)
		if coveringConfig(st.newR, nf) != nil {
			continue
		}
		after := st.newR.ConfigFor(nf)
		hint := "add it to the include or files of a tsconfig"
		if after != nil {
			hint = fmt.Sprintf("add it to the include or files of %s", after.Path)
		}
		where := ""
		if nf != f {
			where = " at " + nf
		}
		out = append(out, edit.Warning{Path: f, Code: "tsconfig", Msg: fmt.Sprintf(
			"no tsconfig/jsconfig covers this file%s after the move (it was in %s), so tsc and editors will not check it; %s", where, before.Path, hint)})
	}
	return out
}

// coveringConfig returns a config that covers file: the one governing
// it, else any other (a project may include files outside its
// directory); nil when none does.
func coveringConfig(r *tsresolve.Resolver, file string) *tsresolve.Config {
	if cfg := r.ConfigFor(file); cfg != nil && cfg.Covers(file) {
		return cfg
	}
	for _, cfg := range r.Configs() {
		if cfg.Covers(file) {
			return cfg
		}
	}
	return nil
}

// followFiles makes the configs follow the files moved into their folder:
// a TS/JS file that some config covered before the moves, that no config
// covers after them, and that lands under a config (the one governing its
// new place, e.g. a tsconfig that moved ahead of its files) gets a new
// include entry there — the pattern that covered it, re-rooted where the
// file now is — or a files entry when the config lists files only. It
// returns the extra edits by current config path (offsets into the
// current content); a file whose config has default or no matching
// patterns is left to the coverage warnings.
func (c *Context) followFiles(newR *tsresolve.Resolver) map[string][]edit.TextEdit {
	current := map[string]string{} // new config path → current path
	for _, p := range c.configFiles() {
		current[c.NewPath(p)] = p
	}
	type addition struct {
		key    string // "include" or "files"
		values []string
	}
	adds := map[string]*addition{}
	var order []string
	for _, f := range c.OldFS.Files() {
		nf := c.NewPath(f)
		if nf == f {
			continue
		}
		if l, ok := parsers.LangOf(nf); !ok || !l.IsTSFamily() || coveringConfig(newR, nf) != nil {
			continue
		}
		before := coveringConfig(c.Old, f)
		after := newR.ConfigFor(nf)
		if before == nil || after == nil || current[after.Path] == "" {
			continue
		}
		dir := dirOf(after.Path)
		a := adds[after.Path]
		if a == nil {
			a = &addition{key: "include"}
			if len(after.Files) > 0 && !hasOwnInclude(c.OldFS, current[after.Path]) {
				a.key = "files"
			}
			adds[after.Path] = a
			order = append(order, after.Path)
		}
		v := workspace.RelPath(dir, nf)
		if a.key == "include" {
			for _, pat := range before.Include {
				lit, rest := splitGlob(pat)
				if lit == "" || !strings.HasPrefix(f, lit+"/") {
					continue
				}
				sub := f[len(lit)+1:]
				if base, ok := strings.CutSuffix(nf, "/"+sub); ok {
					v = workspace.RelPath(dir, base)
					if rest != "" {
						v += "/" + rest
					}
				}
				break
			}
		}
		dup := false
		for _, x := range a.values {
			dup = dup || x == v
		}
		if !dup {
			a.values = append(a.values, v)
		}
	}
	out := map[string][]edit.TextEdit{}
	for _, np := range order {
		p := current[np]
		data, err := c.OldFS.ReadFile(p)
		if err != nil {
			continue
		}
		if e, ok := appendToArray(data, adds[np].key, adds[np].values); ok {
			out[p] = []edit.TextEdit{e}
		}
	}
	return out
}

// parseConfig parses a config file's content (JSONC, maybe after a BOM):
// its root value and object, and the BOM's length (offsets in the parsed
// values are relative to the content after it).
func parseConfig(data []byte) (hujson.Value, *hujson.Object, int, bool) {
	off := 0
	if bytes.HasPrefix(data, utf8BOM) {
		off = len(utf8BOM)
	}
	root, err := hujson.Parse(data[off:])
	if err != nil {
		return root, nil, 0, false
	}
	obj, ok := root.Value.(*hujson.Object)
	return root, obj, off, ok
}

// hasOwnInclude reports whether the config file p sets include itself.
func hasOwnInclude(fs workspace.FileSet, p string) bool {
	data, err := fs.ReadFile(p)
	if err != nil {
		return false
	}
	_, obj, _, ok := parseConfig(data)
	if !ok {
		return false
	}
	for i := range obj.Members {
		if memberName(&obj.Members[i]) == "include" {
			return true
		}
	}
	return false
}

// appendToArray returns the edit that appends string values to the array
// member key of the JSON object in data (adding the member when the
// object lacks it).
func appendToArray(data []byte, key string, values []string) (edit.TextEdit, bool) {
	root, obj, off, ok := parseConfig(data)
	if !ok {
		return edit.TextEdit{}, false
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = `"` + jsonEscape(v) + `"`
	}
	list := strings.Join(quoted, ", ")
	for i := range obj.Members {
		m := &obj.Members[i]
		if memberName(m) != key {
			continue
		}
		arr, ok := m.Value.Value.(*hujson.Array)
		if !ok {
			return edit.TextEdit{}, false
		}
		if n := len(arr.Elements); n > 0 {
			at := off + arr.Elements[n-1].EndOffset
			return edit.TextEdit{Start: at, End: at, New: ", " + list}, true
		}
		at := off + m.Value.StartOffset + 1
		return edit.TextEdit{Start: at, End: at, New: list}, true
	}
	at := off + root.EndOffset - 1 // before the closing brace
	for at > off && data[at] != '}' {
		at--
	}
	sep := ", "
	if len(obj.Members) == 0 {
		sep = ""
	}
	return edit.TextEdit{Start: at, End: at, New: fmt.Sprintf("%s\"%s\": [%s]", sep, key, list)}, true
}
