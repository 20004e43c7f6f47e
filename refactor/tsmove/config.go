package tsmove

import (
	"bytes"
	"fmt"
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
	off    int // bytes before the parsed JSON (a BOM)
	oldDir string
	newDir string
	edits  []edit.TextEdit
	dirs   map[string]string // dirNew cache
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// rewriteConfig returns the edits of the config file p (current content
// data). A file that does not parse is left alone (tsresolve reports it).
func (c *Context) rewriteConfig(p string, data []byte) []edit.TextEdit {
	cw := &configWriter{c: c, oldDir: dirOf(p), newDir: dirOf(c.NewPath(p)), dirs: map[string]string{}}
	if bytes.HasPrefix(data, utf8BOM) {
		cw.off = len(utf8BOM)
		data = data[cw.off:]
	}
	root, err := hujson.Parse(data)
	if err != nil {
		return nil
	}
	obj, ok := root.Value.(*hujson.Object)
	if !ok {
		return nil
	}
	for i := range obj.Members {
		m := &obj.Members[i]
		switch memberName(m) {
		case "files":
			cw.each(&m.Value, func(v *hujson.Value) { cw.path(v, cw.oldDir, cw.newDir, false) })
		case "include", "exclude":
			cw.each(&m.Value, func(v *hujson.Value) { cw.path(v, cw.oldDir, cw.newDir, true) })
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
			for j := range ps.Members {
				cw.each(&ps.Members[j].Value, func(v *hujson.Value) { cw.path(v, oldBase, newBase, true) })
			}
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
	cw.set(v, s, formatValue(workspace.RelPath(newBase, newLoc), rest, s))
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
	check := map[string]bool{}
	for old := range moved {
		check[old] = true
	}
	changed := map[string]bool{}
	for _, p := range st.cfgFiles {
		if _, ok := st.cfgEdits[p]; ok || c.NewPath(p) != p {
			changed[p] = true
		}
	}
	if len(changed) > 0 {
		for _, cfg := range c.Old.Configs() {
			touched := changed[cfg.Path]
			for _, e := range cfg.Extends {
				touched = touched || changed[e]
			}
			if !touched {
				continue
			}
			for _, f := range c.OldFS.Files() {
				if !check[f] && cfg.Covers(f) {
					check[f] = true
				}
			}
		}
	}
	var files []string
	for f := range check {
		if l, ok := parsers.LangOf(f); ok && l.IsTSFamily() {
			files = append(files, f)
		}
	}
	sort.Strings(files)
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
