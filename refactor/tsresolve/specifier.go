package tsresolve

import (
	"path"
	"strings"

	"github.com/relayout/relayout/refactor/workspace"
)

// ExtStyle says how a specifier spells its target's extension.
type ExtStyle int

// Extension styles. Assets (.css, .svg, .json, ...) keep their full name
// in every style.
const (
	// ExtNone drops the extension: "./a" for a.ts, a.tsx, a.d.ts, a.js and
	// a.jsx. Files tsc cannot reach without an extension (.mts, .cts, .mjs,
	// .cjs and their declarations) get their JavaScript one, as in ExtJS.
	ExtNone ExtStyle = iota
	// ExtJS writes the extension of the emitted JavaScript (node16/nodenext
	// style): "./a.js" for a.ts, a.tsx, a.d.ts and a.js, "./a.mjs" for
	// a.mts, "./a.cjs" for a.cts, "./a.jsx" for a.jsx.
	ExtJS
	// ExtTS writes the TypeScript file's own name ("./a.ts", "./a.tsx",
	// "./a.mts"; allowImportingTsExtensions); declarations and JavaScript
	// files are written as in ExtJS.
	ExtTS
	// ExtAsIs writes the target's file name exactly, declarations included.
	ExtAsIs
)

// String returns "none", "js-for-ts", "ts" or "asis".
func (e ExtStyle) String() string {
	switch e {
	case ExtJS:
		return "js-for-ts"
	case ExtTS:
		return "ts"
	case ExtAsIs:
		return "asis"
	}
	return "none"
}

// IndexStyle says how a specifier names a directory index file.
type IndexStyle int

// Index styles.
const (
	// IndexDir names index.{ts,tsx,d.ts,js,jsx} by its directory ("./dir",
	// "." or ".."); other index files (index.mts, ...) are written as files.
	IndexDir IndexStyle = iota
	// IndexFile names the index file itself ("./dir/index").
	IndexFile
)

// String returns "dir" or "file".
func (i IndexStyle) String() string {
	if i == IndexFile {
		return "file"
	}
	return "dir"
}

// Style is how a written specifier spells its target. The zero Style is
// extensionless with directory imports, the usual bundler style.
type Style struct {
	// Extension is how the target's extension is spelled.
	Extension ExtStyle
	// Index is whether a directory index file is named by its directory.
	Index IndexStyle
}

// DetectStyle derives the style of an existing specifier spec that
// resolved to resolvedPath, so a rewritten specifier can keep it:
//
//   - a directory specifier ("./dir", ".", "./dir/") of an index file is
//     {ExtNone, IndexDir};
//   - otherwise the extension spec spells decides: none → ExtNone; the
//     TypeScript file's own (.ts/.tsx/.mts/.cts) → ExtTS; a JavaScript one
//     (.js for a.ts, .js for a.js, .mjs, ...) → ExtJS; a declaration's own
//     (.d.ts) or an asset's → ExtAsIs;
//   - Index is IndexFile when spec names an index file explicitly; for
//     other targets it is IndexDir when the specifier is extensionless and
//     IndexFile when it carries an extension (ESM-style code cannot import
//     directories).
//
// A "?query" suffix is ignored.
func DetectStyle(spec, resolvedPath string) Style {
	if i := strings.IndexByte(spec, '?'); i >= 0 {
		spec = spec[:i]
	}
	seg := path.Base(strings.TrimSuffix(spec, "/"))
	idx := isDirIndex(resolvedPath)
	if idx && (isDirSpec(spec) || !(seg == "index" || strings.HasPrefix(seg, "index."))) {
		return Style{Extension: ExtNone, Index: IndexDir}
	}
	var st Style
	if !isCode(resolvedPath) {
		st.Extension = ExtAsIs
	} else {
		_, sext := splitExt(seg)
		_, rext := splitExt(resolvedPath)
		switch {
		case sext == "":
			st.Extension = ExtNone
		case sext == rext && isTSSource(rext):
			st.Extension = ExtTS
		case sext == rext && isDecl(rext):
			st.Extension = ExtAsIs
		case isJS(sext):
			st.Extension = ExtJS
		case isTSSource(sext):
			st.Extension = ExtTS
		default:
			st.Extension = ExtAsIs
		}
	}
	if idx || st.Extension != ExtNone {
		st.Index = IndexFile
	}
	return st
}

// RelativeSpecifier returns the relative specifier ("./x", "../../y/z",
// ".", "..") with which the file from imports target, spelled in style:
// target's extension per style.Extension, and target's directory instead
// of an index.{ts,tsx,d.ts,js,jsx} file under IndexDir.
//
// Both paths are workspace-relative files; from need not exist. The
// Resolver's FileSet should be the tree the specifier will live in (the
// tree after a move). When target is in it, the result is verified by
// resolving it forward from from: if the preferred spelling resolves
// elsewhere (a sibling a.ts shadowing a.tsx, a dir.ts shadowing
// dir/index.ts) the first of the file form, ExtJS (and "./a.jsx" for
// a.tsx), ExtNone, ExtTS and ExtAsIs spellings that resolves to target is
// returned instead. When
// target is not in the FileSet, or nothing verifies, the preferred
// spelling is returned unverified.
func (r *Resolver) RelativeSpecifier(from, target string, style Style) string {
	from, target = clean(from), clean(target)
	fromDir := dirOf(from)
	forms := spellings(target, style)
	spec := func(f string) string {
		if isDirIndex(target) && f == dirOf(target) {
			return RelSpec(fromDir, f)
		}
		return relFileSpec(fromDir, f)
	}
	first := spec(forms[0])
	if !r.fs.HasFile(target) {
		return first
	}
	for _, f := range forms {
		if s := spec(f); r.resolvesTo(from, s, target) {
			return s
		}
	}
	return first
}

// relFileSpec is relSpec for a file spelling p: when p is fromDir or one
// of its ancestors (an extensionless "a/b" for a/b.ts imported from
// a/b/c.ts), "." and ".." would name directories, so the specifier climbs
// to p's parent and names p's base ("../b").
func relFileSpec(fromDir, p string) string {
	s := RelSpec(fromDir, p)
	if p != "" && (s == "." || s == ".." || strings.HasSuffix(s, "/..")) {
		parent := RelSpec(fromDir, dirOf(p))
		return parent + "/" + path.Base(p)
	}
	return s
}

// AliasSpecifier returns a non-relative specifier with which from imports
// target through the `paths` or baseUrl of from's governing config, in
// the style the config's moduleResolution expects: {ExtJS, IndexFile} for
// node16/nodenext, {ExtNone, IndexDir} otherwise. See AliasSpecifierStyle.
func (r *Resolver) AliasSpecifier(from, target string) (string, bool) {
	cfg := r.ConfigFor(from)
	if cfg == nil {
		return "", false
	}
	st := Style{}
	if cfg.ModuleResolution == Node16 || cfg.ModuleResolution == NodeNext {
		st = Style{Extension: ExtJS, Index: IndexFile}
	}
	return r.AliasSpecifierStyle(from, target, st)
}

// AliasSpecifierStyle is the inverse of resolution through `paths` and
// baseUrl: it returns the non-relative specifier with which from imports
// target under from's governing config, and false when no `paths` entry
// or baseUrl of that config reaches target (or no config governs from).
//
// Candidates come from every `paths` entry (an exact pattern whose
// resolution is target; or a `*` pattern with a `*` target, capturing
// target's spelling in style, or failing that another spelling) and from
// baseUrl. Every candidate is verified by resolving it forward from from,
// so a candidate shadowed by a more specific pattern or by another file is
// never returned. Among the verified ones it prefers exact patterns, then
// `*` patterns, then baseUrl; then the spelling closest to style; then the
// most specific target (longest fixed part, so "@ui/Button" beats
// "@/ui/Button"); then the shortest specifier; then configuration order.
//
// Target must exist in the Resolver's FileSet (see RelativeSpecifier).
func (r *Resolver) AliasSpecifierStyle(from, target string, style Style) (string, bool) {
	from, target = clean(from), clean(target)
	cfg := r.ConfigFor(from)
	if cfg == nil || !r.fs.HasFile(target) {
		return "", false
	}
	type cand struct {
		spec              string
		kind, form, fixed int
	}
	var best *cand
	consider := func(c cand) {
		if !r.resolvesTo(from, c.spec, target) {
			return
		}
		if best == nil || c.kind < best.kind ||
			c.kind == best.kind && (c.form < best.form ||
				c.form == best.form && (c.fixed > best.fixed ||
					c.fixed == best.fixed && len(c.spec) < len(best.spec))) {
			best = &c
		}
	}
	forms := spellings(target, style)
	for _, pm := range cfg.Paths {
		pp, ps, wild := strings.Cut(pm.Pattern, "*")
		if !wild {
			consider(cand{spec: pm.Pattern, kind: 0})
			continue
		}
		for _, t := range pm.Targets {
			tp, ts, ok := strings.Cut(t, "*")
			if !ok {
				continue
			}
			for fi, f := range forms {
				if len(f) <= len(tp)+len(ts) || !strings.HasPrefix(f, tp) || !strings.HasSuffix(f, ts) {
					continue
				}
				capture := f[len(tp) : len(f)-len(ts)]
				consider(cand{spec: pp + capture + ps, kind: 1, form: fi, fixed: len(tp) + len(ts)})
			}
		}
	}
	if cfg.HasBaseURL {
		for fi, f := range forms {
			if rel, ok := under(f, cfg.BaseURL); ok && rel != "" && !isRelative(rel) {
				consider(cand{spec: rel, kind: 2, form: fi})
			}
		}
	}
	if best == nil {
		return "", false
	}
	return best.spec, true
}

func (r *Resolver) resolvesTo(from, spec, target string) bool {
	t := r.Resolve(from, spec)
	return t == internal(target)
}

// spellings returns the workspace-relative paths a specifier of target may
// spell, style's first, then the file form, ExtJS (and .jsx for a .tsx
// file), ExtNone, ExtTS and ExtAsIs; without duplicates.
func spellings(target string, st Style) []string {
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	add(spell(target, st))
	for _, e := range []ExtStyle{st.Extension, ExtJS, ExtNone, ExtTS, ExtAsIs} {
		add(spell(target, Style{Extension: e, Index: IndexFile}))
		if e == ExtJS && strings.HasSuffix(target, ".tsx") {
			// "./a.jsx" reaches a.tsx even when a.ts exists.
			add(strings.TrimSuffix(target, ".tsx") + ".jsx")
		}
	}
	return out
}

// spell returns target's path as style writes it: its directory for a
// directory index under IndexDir, else the file with the style's extension.
func spell(target string, st Style) string {
	if st.Index == IndexDir && isDirIndex(target) {
		return dirOf(target)
	}
	stem, ext := splitExt(target)
	if ext == "" || ext == ".json" {
		return target
	}
	switch st.Extension {
	case ExtAsIs:
		return target
	case ExtTS:
		if isTSSource(ext) {
			return target
		}
	case ExtNone:
		switch ext {
		case ".ts", ".tsx", ".d.ts", ".js", ".jsx":
			return stem
		}
	}
	return stem + jsExtOf(ext)
}

// RelSpec turns the workspace-relative path p into a specifier relative
// to the directory fromDir: "./x", "../x", or "." for fromDir itself.
func RelSpec(fromDir, p string) string {
	rel := workspace.RelPath(fromDir, p)
	switch {
	case rel == "":
		return "."
	case rel == ".." || strings.HasPrefix(rel, "../"):
		return rel
	}
	return "./" + rel
}

// isDirIndex reports whether p is an index file tsc finds by its directory.
func isDirIndex(p string) bool {
	switch path.Base(p) {
	case "index.ts", "index.tsx", "index.d.ts", "index.js", "index.jsx":
		return true
	}
	return false
}

func isTSSource(ext string) bool {
	switch ext {
	case ".ts", ".tsx", ".mts", ".cts":
		return true
	}
	return false
}

func isDecl(ext string) bool { return strings.HasPrefix(ext, ".d.") }

func isJS(ext string) bool {
	switch ext {
	case ".js", ".jsx", ".mjs", ".cjs":
		return true
	}
	return false
}

// jsExtOf is the JavaScript extension a specifier uses for a file with a
// TypeScript or JavaScript extension.
func jsExtOf(ext string) string {
	switch ext {
	case ".mts", ".d.mts", ".mjs":
		return ".mjs"
	case ".cts", ".d.cts", ".cjs":
		return ".cjs"
	case ".jsx":
		return ".jsx"
	}
	return ".js"
}
