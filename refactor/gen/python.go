package gen

import (
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
)

// pyDotted returns the dotted module name of a Python file or package
// directory under src/.
func pyDotted(p string) string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "src/"), ".py")
	p = strings.TrimSuffix(p, "/__init__")
	return strings.ReplaceAll(p, "/", ".")
}

// pyNames are the names a generated Python module defines.
type pyNames struct{ class, make, timeout string }

func pyNamesOf(stem string) pyNames {
	return pyNames{class: pascal(stem), make: "make_" + stem, timeout: strings.ToUpper(stem) + "_TIMEOUT"}
}

// pyImport is how one module uses one import.
type pyImport struct {
	top   string // statement at module level
	typed string // statement under `if TYPE_CHECKING:`
	lazy  string // statement inside a method, before the use
	use   string // expression using the import
	patch string // dotted name a test may mock.patch
}

// locals hands out unique local names within one file.
type locals map[string]bool

func (l locals) name(want string) string {
	if !l[want] {
		l[want] = true
		return want
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s_%d", want, i)
		if !l[n] {
			l[n] = true
			return n
		}
	}
}

// as returns " as local" when local differs from name.
func as(name, local string) string {
	if name == local {
		return ""
	}
	return " as " + local
}

// pyRelative returns the relative module (".", "..x.y") naming directory
// toDir from a module in fromDir, and the number of dots.
func pyRelative(fromDir, toDir string) (string, int) {
	common := commonDir(fromDir, toDir)
	level := 1 + strings.Count(fromDir, "/") - strings.Count(common, "/")
	rest := strings.TrimPrefix(strings.TrimPrefix(toDir, common), "/")
	return strings.Repeat(".", level) + strings.ReplaceAll(rest, "/", "."), level
}

// pyImportOf chooses how f imports t.
func (p *planner) pyImportOf(r *rand.Rand, f, t *file, l locals) pyImport {
	dotted := pyDotted(t.path)
	parent := pyDotted(t.dir.path)
	n := pyNamesOf(t.stem)
	rel, level := pyRelative(f.dir.path, t.dir.path)
	x := r.IntN(100)
	if level <= 2 && x < 45 && !p.opts.AbsolutePython {
		// Relative forms, common between neighbours.
		if r.IntN(2) == 0 {
			loc := l.name(t.stem)
			return pyImport{top: fmt.Sprintf("from %s import %s%s", rel, t.stem, as(t.stem, loc)), use: fmt.Sprintf("%s.%s(self.session)", loc, n.make), patch: dotted + "." + n.make}
		}
		mod := rel + t.stem
		if !strings.HasSuffix(rel, ".") {
			mod = rel + "." + t.stem
		}
		c, m := l.name(n.class), l.name(n.make)
		return pyImport{top: fmt.Sprintf("from %s import %s%s, %s%s", mod, n.class, as(n.class, c), n.make, as(n.make, m)), use: fmt.Sprintf("%s(session=self.session) or %s(self.session)", c, m), patch: dotted + "." + n.make}
	}
	x = r.IntN(100)
	switch {
	case x < 10:
		l[strings.SplitN(dotted, ".", 2)[0]] = true
		return pyImport{top: "import " + dotted, use: fmt.Sprintf("%s.%s(self.session)", dotted, n.make), patch: dotted + "." + n.make}
	case x < 25:
		loc := l.name(t.stem + "_mod")
		return pyImport{top: fmt.Sprintf("import %s as %s", dotted, loc), use: fmt.Sprintf("%s.%s(self.session)", loc, n.make), patch: dotted + "." + n.make}
	case x < 50:
		loc := l.name(t.stem)
		return pyImport{top: fmt.Sprintf("from %s import %s%s", parent, t.stem, as(t.stem, loc)), use: fmt.Sprintf("%s.%s(self.session)", loc, n.make), patch: dotted + "." + n.make}
	case x < 75:
		c, m := l.name(n.class), l.name(n.make)
		return pyImport{top: fmt.Sprintf("from %s import %s%s, %s%s", dotted, n.class, as(n.class, c), n.make, as(n.make, m)), use: fmt.Sprintf("%s(session=self.session, options={%q: %s})", c, "factory", m), patch: dotted + "." + n.class}
	case x < 82:
		c, m := l.name(n.class), l.name(n.timeout)
		return pyImport{top: fmt.Sprintf("from %s import (\n    %s%s,  # the service\n    %s%s,\n)", dotted, n.class, as(n.class, c), n.timeout, as(n.timeout, m)), use: fmt.Sprintf("%s(session=self.session).options.get(%q, %s)", c, "timeout", m), patch: dotted + "." + n.class}
	case x < 90:
		return pyImport{lazy: fmt.Sprintf("from %s import %s", dotted, n.make), use: fmt.Sprintf("%s(self.session)", n.make), patch: dotted + "." + n.make}
	case x < 96:
		c := l.name(n.class)
		return pyImport{typed: fmt.Sprintf("from %s import %s%s", dotted, n.class, as(n.class, c)), use: fmt.Sprintf("cast(%q, self.cache.get(%q))", c, t.stem), patch: dotted + "." + n.make}
	default:
		return pyImport{use: fmt.Sprintf("importlib.import_module(%q).%s(self.session)", dotted, n.make), patch: dotted + "." + n.make}
	}
}

// renderPy writes a Python module of about FileSize bytes.
func (p *planner) renderPy(b *strings.Builder, r *rand.Rand, f *file) {
	n := pyNamesOf(f.stem)
	l := locals{"json": true, "logging": true, "os": true, "importlib": true, "log": true, "cast": true, "mock": true, n.class: true, n.make: true, n.timeout: true}
	area := "core"
	if f.dir.area != nil {
		area = path.Base(f.dir.area.path)
	}
	imps := make([]pyImport, len(f.deps))
	for i, d := range f.deps {
		imps[i] = p.pyImportOf(r, f, p.files[d], l)
	}
	fmt.Fprintf(b, "\"\"\"%s: %s for the %s area.\n\nKeeps the %s workflow in one place; see make_%s.\n\"\"\"\n", strings.ReplaceAll(f.stem, "_", " "), sentence(r), area, f.stem, f.stem)
	b.WriteString("from __future__ import annotations\n\nimport importlib\nimport json\nimport logging\nimport os\nfrom dataclasses import dataclass, field\nfrom typing import TYPE_CHECKING, Any, cast\n")
	if f.dir.tests {
		b.WriteString("from unittest import mock\n")
	}
	fmt.Fprintf(b, "\nimport %s\n\n", pyExternals[r.IntN(len(pyExternals))])
	for _, im := range imps {
		if im.top != "" {
			b.WriteString(im.top)
			b.WriteByte('\n')
		}
	}
	typed := false
	for _, im := range imps {
		if im.typed != "" {
			if !typed {
				b.WriteString("\nif TYPE_CHECKING:\n")
				typed = true
			}
			fmt.Fprintf(b, "    %s\n", im.typed)
		}
	}
	fmt.Fprintf(b, "\nlog = logging.getLogger(__name__)\n\n%s = %d\n%s_ENV = os.environ.get(%q, %q)\n\n\n",
		n.timeout, 5+r.IntN(60), strings.ToUpper(f.stem), strings.ToUpper(f.stem), "default")
	fmt.Fprintf(b, "@dataclass\nclass %s:\n    \"\"\"%s coordinates %s work for the %s area.\"\"\"\n\n    session: Any\n    options: dict[str, Any] = field(default_factory=dict)\n    cache: dict[str, Any] = field(default_factory=dict)\n",
		n.class, n.class, strings.ReplaceAll(f.stem, "_", " "), area)
	tail := p.pyTail(f, imps, n)
	// Imports that exist only inside a method (lazy and importlib ones)
	// are used first, so every one of them is written.
	var queue []int
	must := 0
	for j, im := range imps {
		if im.top == "" && im.typed == "" {
			queue = append(queue, j)
			must++
		}
	}
	for j, im := range imps {
		if im.top != "" || im.typed != "" {
			queue = append(queue, j)
		}
	}
	for k := 0; k == 0 || 2*k < must || b.Len()+len(tail)+600 < p.opts.FileSize; k++ {
		fmt.Fprintf(b, "\n    def step_%d(self, payload: dict[str, Any]) -> dict[str, Any]:\n        \"\"\"Run step %d of the %s workflow.\"\"\"\n        result: dict[str, Any] = {}\n", k, k, f.stem)
		for u := 2 * k; u < 2*k+2 && len(queue) > 0; u++ {
			j := queue[u%len(queue)]
			im := imps[j]
			if im.lazy != "" && u < len(queue) {
				fmt.Fprintf(b, "        %s\n\n", im.lazy)
			}
			if im.lazy != "" && u >= len(queue) {
				continue // its local name exists only in the step that imported it
			}
			fmt.Fprintf(b, "        value_%d = %s\n        if value_%d is not None and payload.get(\"key_%d\"):\n            result[\"dep_%d\"] = value_%d\n", j, im.use, j, j, j, j)
		}
		fmt.Fprintf(b, "        for key, item in sorted(payload.items()):\n            if isinstance(item, dict) and key not in self.cache:\n                self.cache[key] = json.dumps(item, sort_keys=True)\n                log.debug(\"cached %%s for step %d\", key)\n", k)
		fmt.Fprintf(b, "        result[\"path\"] = os.path.join(self.options.get(\"root\", \".\"), \"%s-%d.json\")\n        return result\n", f.stem, k)
	}
	b.WriteString(tail)
}

// pyTail returns the end of a module: its factory, and for test modules a
// test class that patches one dependency.
func (p *planner) pyTail(f *file, imps []pyImport, n pyNames) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n\ndef %s(session: Any, **options: Any) -> %s:\n    \"\"\"Build a %s bound to session.\"\"\"\n    return %s(session=session, options=dict(options))\n", n.make, n.class, n.class, n.class)
	if f.dir.tests && len(imps) > 0 {
		fmt.Fprintf(&b, "\n\nclass Test%s:\n    @mock.patch(%q)\n    def test_step_0(self, patched: Any) -> None:\n        assert %s(None).step_0({}) is not None\n        assert patched is not None\n", n.class, imps[0].patch, n.make)
	}
	return b.String()
}

// renderInit writes an __init__.py: usually empty or a docstring; some
// re-export sibling modules.
func (p *planner) renderInit(b *strings.Builder, f *file) {
	if len(f.deps) == 0 {
		if len(f.path)%3 == 0 {
			fmt.Fprintf(b, "\"\"\"The %s package.\"\"\"\n", pyDotted(f.dir.path))
		}
		return
	}
	fmt.Fprintf(b, "\"\"\"The %s package.\"\"\"\n\n", pyDotted(f.dir.path))
	var all []string
	for _, d := range f.deps {
		t := p.files[d]
		n := pyNamesOf(t.stem)
		mod := "." + t.stem
		if p.opts.AbsolutePython {
			mod = pyDotted(t.path)
		}
		fmt.Fprintf(b, "from %s import %s, %s\n", mod, n.class, n.make)
		all = append(all, fmt.Sprintf("%q", n.class), fmt.Sprintf("%q", n.make))
	}
	fmt.Fprintf(b, "\n__all__ = [%s]\n", strings.Join(all, ", "))
}

var sentenceParts = [][]string{
	{"loads", "validates", "prices", "schedules", "reconciles", "exports", "caches", "routes"},
	{"incoming", "pending", "archived", "external", "batched", "signed"},
	{"records", "requests", "documents", "events", "payloads", "entries"},
}

// sentence returns a short docstring phrase.
func sentence(r *rand.Rand) string {
	var w []string
	for _, ps := range sentenceParts {
		w = append(w, ps[r.IntN(len(ps))])
	}
	return strings.Join(w, " ")
}
