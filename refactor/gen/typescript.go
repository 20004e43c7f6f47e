package gen

import (
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
)

// tsNames are the names a generated TS module exports.
type tsNames struct {
	fn, iface  string
	hasDefault bool
	component  bool
}

func (p *planner) tsNamesOf(t *file) tsNames {
	switch t.kind {
	case kindTSX:
		return tsNames{fn: t.stem, iface: t.stem + "Props", hasDefault: true, component: true}
	case kindBarrel:
		if len(t.deps) > 0 {
			n := p.tsNamesOf(p.files[t.deps[0]])
			n.hasDefault = false
			return n
		}
		base := pascal(path.Base(t.dir.path))
		return tsNames{fn: strings.ToLower(base[:1]) + base[1:] + "Index", iface: base + "IndexOptions"}
	}
	return tsNames{fn: t.stem, iface: pascal(t.stem) + "Options", hasDefault: true}
}

// tsTopDir returns the directory directly under web/src holding p ("" when
// none).
func tsTopDir(p string) string {
	rest, ok := strings.CutPrefix(p, "web/src/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	return top
}

// relSpec returns the relative specifier naming target (a path without
// extension, or a directory) from a file in fromDir.
func relSpec(fromDir, target string) string {
	common := commonDir(fromDir, target)
	ups := strings.Count(fromDir, "/") + 1 - (strings.Count(common, "/") + 1)
	if common == "" {
		ups = strings.Count(fromDir, "/") + 1
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(target, common), "/")
	switch {
	case ups == 0:
		return "./" + rest
	case rest == "":
		return strings.TrimSuffix(strings.Repeat("../", ups), "/")
	}
	return strings.Repeat("../", ups) + rest
}

// tsSpec chooses the specifier with which f imports t: relative between
// neighbours, the `@/` alias across the tree; barrels by directory.
func (p *planner) tsSpec(r *rand.Rand, f, t *file) string {
	target := strings.TrimSuffix(strings.TrimSuffix(t.path, ".tsx"), ".ts")
	if t.kind == kindBarrel {
		target = t.dir.path
		if r.IntN(10) == 0 {
			target += "/index"
		}
	}
	rel := relSpec(f.dir.path, target)
	ups := strings.Count(rel, "../")
	if (tsTopDir(f.path) == tsTopDir(t.path) && ups <= 2 && r.IntN(100) < 65) || r.IntN(100) < 12 {
		if t.kind != kindBarrel && r.IntN(100) < 3 {
			rel += ".js"
		}
		return rel
	}
	return "@/" + strings.TrimPrefix(target, "web/src/")
}

// tsImport is how one module uses one import.
type tsImport struct {
	top string // statements at module level
	use string // expression using the import ("" for none)
	jsx string // JSX element using the import (components imported by TSX)
}

func camelLocal(l locals, want string) string {
	if !l[want] {
		l[want] = true
		return want
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s%d", want, i)
		if !l[n] {
			l[n] = true
			return n
		}
	}
}

func tsAs(name, local string) string {
	if name == local {
		return name
	}
	return name + " as " + local
}

// tsImportOf chooses how f imports t.
func (p *planner) tsImportOf(r *rand.Rand, f, t *file, l locals) tsImport {
	spec := p.tsSpec(r, f, t)
	n := p.tsNamesOf(t)
	call := func(fn string) tsImport {
		im := tsImport{use: fn + "(input as never)"}
		if n.component && f.kind == kindTSX {
			im = tsImport{jsx: "<" + fn + " title=\"" + t.stem + "\" items={[]} />"}
		}
		return im
	}
	x := r.IntN(100)
	switch {
	case x < 32:
		fn, ty := camelLocal(l, n.fn), camelLocal(l, n.iface)
		im := call(fn)
		im.top = fmt.Sprintf("import {%s, type %s} from '%s';", tsAs(n.fn, fn), tsAs(n.iface, ty), spec)
		return im
	case x < 44:
		fn, ty := camelLocal(l, n.fn), camelLocal(l, n.iface)
		im := call(fn)
		im.top = fmt.Sprintf("import {%s} from '%s';\nimport type {%s} from '%s';", tsAs(n.fn, fn), spec, tsAs(n.iface, ty), spec)
		return im
	case x < 56:
		ns := camelLocal(l, strings.ToLower(t.stem[:1])+t.stem[1:]+"Module")
		return tsImport{top: fmt.Sprintf("import * as %s from '%s';", ns, spec), use: fmt.Sprintf("%s.%s(input as never)", ns, n.fn)}
	case x < 68 && n.hasDefault:
		def := camelLocal(l, n.fn+"Default")
		if n.component {
			def = camelLocal(l, n.fn+"View")
		}
		im := call(def)
		im.top = fmt.Sprintf("import %s from '%s';", def, spec)
		return im
	case x < 74:
		alias := camelLocal(l, n.fn+"Export")
		return tsImport{top: fmt.Sprintf("export {%s as %s} from '%s';", n.fn, alias, spec)}
	case x < 82:
		load := camelLocal(l, "load"+pascal(t.stem))
		return tsImport{top: fmt.Sprintf("const %s = () => import('%s');", load, spec), use: fmt.Sprintf("(await %s()).%s", load, n.fn)}
	case x < 85 && f.kind == kindTS:
		req := camelLocal(l, t.stem+"Lib")
		return tsImport{top: fmt.Sprintf("const %s = require('%s');", req, spec), use: fmt.Sprintf("%s.%s(input as never)", req, n.fn)}
	default:
		fn, ty := camelLocal(l, n.fn), camelLocal(l, n.iface)
		im := call(fn)
		im.top = fmt.Sprintf("import {\n  %s,\n  type %s, // options\n} from '%s';", tsAs(n.fn, fn), tsAs(n.iface, ty), spec)
		return im
	}
}

// renderTS writes a TS module or TSX component of about FileSize bytes.
func (p *planner) renderTS(b *strings.Builder, r *rand.Rand, f *file) {
	self := p.tsNamesOf(f)
	l := locals{"React": true, "useState": true, "useMemo": true, "useCallback": true, "useEffect": true, "styles": true, "input": true, self.fn: true, self.iface: true}
	imps := make([]tsImport, len(f.deps))
	for i, d := range f.deps {
		imps[i] = p.tsImportOf(r, f, p.files[d], l)
	}
	if f.kind == kindTSX {
		b.WriteString("import {useCallback, useEffect, useMemo, useState} from 'react';\n")
	}
	ext := tsExternals[r.IntN(len(tsExternals))]
	extName := camelLocal(l, "ext"+pascal(strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' {
			return c
		}
		return '_'
	}, ext)))
	fmt.Fprintf(b, "import * as %s from '%s';\n", extName, ext)
	for _, im := range imps {
		if im.top != "" {
			b.WriteString(im.top)
			b.WriteByte('\n')
		}
	}
	if f.css >= 0 {
		fmt.Fprintf(b, "import styles from './%s';\n", path.Base(p.files[f.css].path))
	}
	b.WriteByte('\n')
	if f.kind == kindTSX {
		p.renderComponent(b, f, imps, extName)
		return
	}
	fmt.Fprintf(b, "/** Options of %s. */\nexport interface %s {\n  id: string;\n  limit?: number;\n  signal?: AbortSignal;\n  tags: string[];\n}\n\n", self.fn, self.iface)
	fmt.Fprintf(b, "/** What %s returns. */\nexport interface %sResult {\n  id: string;\n  values: unknown[];\n  elapsedMs: number;\n}\n\n", self.fn, pascal(f.stem))
	fmt.Fprintf(b, "export function %s(opts: %s): %sResult {\n  return {id: opts.id, values: [%s], elapsedMs: 0};\n}\n", self.fn, self.iface, pascal(f.stem), extName)
	for k := 0; k == 0 || b.Len()+700 < p.opts.FileSize; k++ {
		fmt.Fprintf(b, "\nexport async function %sStep%d(input: %s): Promise<%sResult> {\n  const started = Date.now();\n  const values: unknown[] = [];\n", self.fn, k, self.iface, pascal(f.stem))
		for j, uses := k, 0; j < len(imps) && uses < 2; j += 4 {
			if imps[j].use != "" {
				fmt.Fprintf(b, "  const v%d = %s;\n  values.push(v%d);\n", j, imps[j].use, j)
				uses++
			}
		}
		fmt.Fprintf(b, "  for (const tag of input.tags.filter((t) => t.length > 0).slice(0, input.limit ?? %d)) {\n    values.push(tag.toUpperCase());\n  }\n", 5+k)
		fmt.Fprintf(b, "  if (input.signal?.aborted) {\n    throw new Error(`%s step %d aborted for ${input.id}`);\n  }\n  return {id: input.id, values, elapsedMs: Date.now() - started};\n}\n", f.stem, k)
	}
	fmt.Fprintf(b, "\nexport default %s;\n", self.fn)
}

// renderComponent writes the body of a TSX component.
func (p *planner) renderComponent(b *strings.Builder, f *file, imps []tsImport, extName string) {
	s := f.stem
	class := `"` + strings.ToLower(s) + `"`
	if f.css >= 0 {
		class = "{styles.root}"
	}
	fmt.Fprintf(b, "/** Props of %s. */\nexport interface %sProps {\n  title: string;\n  items: {id: string; label: string; value: number}[];\n  onSelect?: (id: string) => void;\n}\n", s, s)
	var jsx []string
	for _, im := range imps {
		if im.jsx != "" {
			jsx = append(jsx, im.jsx)
		}
	}
	for k := 0; b.Len()+1800 < p.opts.FileSize; k++ {
		fmt.Fprintf(b, "\nasync function %sHelper%d(input: {id: string; tags: string[]}): Promise<unknown[]> {\n  const values: unknown[] = [%s];\n", strings.ToLower(s[:1])+s[1:], k, extName)
		for j, uses := k, 0; j < len(imps) && uses < 2; j += 3 {
			if imps[j].use != "" {
				fmt.Fprintf(b, "  values.push(%s);\n", imps[j].use)
				uses++
			}
		}
		fmt.Fprintf(b, "  return values.filter((v) => v !== undefined).slice(0, %d + input.tags.length);\n}\n", 3+k)
	}
	fmt.Fprintf(b, "\nexport function %s({title, items, onSelect}: %sProps) {\n", s, s)
	b.WriteString("  const [selected, setSelected] = useState<string | null>(null);\n  const [filter, setFilter] = useState('');\n")
	b.WriteString("  const visible = useMemo(() => items.filter((i) => i.label.toLowerCase().includes(filter.toLowerCase())), [items, filter]);\n")
	b.WriteString("  const select = useCallback((id: string) => {\n    setSelected(id);\n    onSelect?.(id);\n  }, [onSelect]);\n")
	fmt.Fprintf(b, "  useEffect(() => {\n    document.title = `${title} (%s)`;\n  }, [title]);\n\n", s)
	fmt.Fprintf(b, "  return (\n    <section className=%s>\n      <header>\n        <h2>{title}</h2>\n        <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder=\"Filter\" />\n      </header>\n", class)
	b.WriteString("      <ul>\n        {visible.map((item) => (\n          <li key={item.id} className={item.id === selected ? 'selected' : undefined} onClick={() => select(item.id)}>\n            {item.label}: {item.value.toFixed(2)}\n          </li>\n        ))}\n      </ul>\n")
	for _, j := range jsx {
		fmt.Fprintf(b, "      %s\n", j)
	}
	b.WriteString("      {visible.length === 0 && <p className=\"empty\">Nothing to show.</p>}\n    </section>\n  );\n}\n")
	fmt.Fprintf(b, "\nexport default %s;\n", s)
}

// renderBarrel writes an index.ts re-exporting sibling modules.
func (p *planner) renderBarrel(b *strings.Builder, f *file) {
	if len(f.deps) == 0 {
		n := p.tsNamesOf(f)
		fmt.Fprintf(b, "/** Options of %s. */\nexport interface %s {\n  id: string;\n}\n\nexport const %s = (opts: %s) => opts.id;\n", n.fn, n.iface, n.fn, n.iface)
		return
	}
	for i, d := range f.deps {
		t := p.files[d]
		stem := strings.TrimSuffix(strings.TrimSuffix(path.Base(t.path), ".tsx"), ".ts")
		if i == 0 {
			fmt.Fprintf(b, "export * from './%s';\n", stem)
			continue
		}
		n := p.tsNamesOf(t)
		fmt.Fprintf(b, "export {%s, type %s} from './%s';\n", n.fn, n.iface, stem)
	}
}
