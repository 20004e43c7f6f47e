package gen

import (
	"fmt"
	"math/rand/v2"
	"path"
	"strings"
)

// otherKind is the flavour of a non-code file.
type otherKind uint8

const (
	otherPyproject otherKind = iota
	otherGitignore
	otherReadme
	otherPackageJSON
	otherTSConfig
	otherCSS
	otherDirReadme
	otherDoc
	otherYAML
	otherShell
	otherJSON
)

// planOther adds n non-code files: the project files, then CSS modules
// imported by components, READMEs, docs, deployment YAML and scripts that
// mention Python modules by dotted name, and JSON fixtures.
func (p *planner) planOther(n int) {
	top := &dirNode{path: "", used: map[string]bool{}}
	web := p.dirs[0]
	for _, d := range p.dirs {
		if d.path == "web" {
			web = d
		}
	}
	add := func(d *dirNode, name string, k otherKind, ref int) {
		i := p.addFile(d, name, kindOther, "")
		p.files[i].other, p.files[i].ref = k, ref
	}
	randMod := func() int { return p.pyMods[p.r.IntN(len(p.pyMods))] }
	add(top, "pyproject.toml", otherPyproject, randMod())
	add(top, ".gitignore", otherGitignore, -1)
	add(top, "README.md", otherReadme, -1)
	add(web, "package.json", otherPackageJSON, -1)
	add(web, "tsconfig.json", otherTSConfig, -1)
	var tsx []int
	for i, f := range p.files {
		if f.kind == kindTSX && !f.dir.inPkg {
			tsx = append(tsx, i)
		}
	}
	var general []*dirNode
	for _, d := range p.dirs {
		if !d.inPkg && d.level >= 2 {
			general = append(general, d)
		}
	}
	var docs, deploy, scripts *dirNode
	for i := 5; i < n; i++ {
		x := p.r.IntN(100)
		switch {
		case x < 35 && len(tsx) > 0:
			j := p.r.IntN(len(tsx))
			c := p.files[tsx[j]]
			tsx = append(tsx[:j], tsx[j+1:]...)
			c.css = len(p.files)
			add(c.dir, c.stem+".module.css", otherCSS, -1)
		case x < 50:
			d := general[p.r.IntN(len(general))]
			if d.used["readme.md"] {
				add(d, p.pickName(d, func() string { return "NOTES-" + p.word(nouns) + ".md" }), otherDirReadme, -1)
				continue
			}
			d.used["readme.md"] = true
			add(d, "README.md", otherDirReadme, -1)
		case x < 65:
			if docs == nil {
				docs = p.newDir(nil, "docs", false)
			}
			add(docs, p.pickName(docs, func() string { return p.word(nouns) + "-" + p.word(suffixes) + ".md" }), otherDoc, randMod())
		case x < 80:
			if deploy == nil {
				deploy = p.newDir(p.newDir(nil, "deploy", false), "k8s", false)
			}
			add(deploy, p.pickName(deploy, func() string { return p.word(nouns) + "-" + p.word(suffixes) + ".yaml" }), otherYAML, randMod())
		case x < 90:
			if scripts == nil {
				scripts = p.newDir(nil, "scripts", false)
			}
			add(scripts, p.pickName(scripts, func() string { return "run-" + p.word(nouns) + "-" + p.word(suffixes) + ".sh" }), otherShell, randMod())
		default:
			d := general[p.r.IntN(len(general))]
			add(d, p.pickName(d, func() string { return p.word(nouns) + "_fixture.json" }), otherJSON, -1)
		}
	}
}

// renderOther writes a non-code file.
func (p *planner) renderOther(b *strings.Builder, r *rand.Rand, f *file) {
	ref := ""
	if f.ref >= 0 {
		ref = pyDotted(p.files[f.ref].path)
	}
	switch f.other {
	case otherPyproject:
		fmt.Fprintf(b, "[project]\nname = \"acme\"\nversion = \"1.4.0\"\nrequires-python = \">=3.11\"\ndependencies = [\n")
		for _, e := range pyExternals {
			fmt.Fprintf(b, "    %q,\n", e)
		}
		fmt.Fprintf(b, "]\n\n[project.scripts]\nacme-worker = \"%s:main\"\n\n[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[tool.setuptools.packages.find]\nwhere = [\"src\"]\n", ref)
	case otherGitignore:
		b.WriteString("node_modules/\n__pycache__/\n*.pyc\n.venv/\ndist/\nbuild/\ncoverage/\n.next/\n/" + MetaFile + "\n")
	case otherReadme:
		b.WriteString("# acme\n\nA generated monorepo: a Python service under `src/acme` and a React front end under `web/`.\n\n## Layout\n\n- `src/acme/<area>/...` — Python packages, one per business area.\n- `web/src/...` — TypeScript and TSX; `@/` maps to `web/src/`.\n\n## Development\n\n```sh\npip install -e .\ncd web && npm install && npm run dev\n```\n")
	case otherPackageJSON:
		b.WriteString("{\n  \"name\": \"@acme/web\",\n  \"private\": true,\n  \"version\": \"1.4.0\",\n  \"type\": \"module\",\n  \"scripts\": {\"dev\": \"vite\", \"build\": \"tsc -b && vite build\", \"test\": \"vitest\"},\n  \"dependencies\": {\n")
		for i, e := range tsExternals {
			sep := ","
			if i == len(tsExternals)-1 {
				sep = ""
			}
			fmt.Fprintf(b, "    %q: \"^1.0.0\"%s\n", e, sep)
		}
		b.WriteString("  }\n}\n")
	case otherTSConfig:
		b.WriteString("{\n  // The front end's compiler settings.\n  \"compilerOptions\": {\n    \"target\": \"ES2022\",\n    \"module\": \"ESNext\",\n    \"moduleResolution\": \"bundler\",\n    \"jsx\": \"react-jsx\",\n    \"strict\": true,\n    \"baseUrl\": \".\",\n    \"paths\": {\n      \"@/*\": [\"src/*\"]\n    }\n  },\n  \"include\": [\"src\"]\n}\n")
	case otherCSS:
		for k := range 3 + r.IntN(6) {
			fmt.Fprintf(b, ".%s {\n  display: flex;\n  gap: %dpx;\n  padding: %dpx %dpx;\n  color: var(--fg-%d);\n}\n\n", []string{"root", "header", "item", "selected", "empty", "footer", "row", "cell", "title"}[k], 4+k, 8, 12+k, k)
		}
	case otherDirReadme:
		fmt.Fprintf(b, "# %s\n\nThis directory holds the %s code. Keep modules small; see the top-level README.\n\n%s.\n", path.Base(f.dir.path), strings.ReplaceAll(f.dir.path, "/", " › "), sentence(r))
	case otherDoc:
		fmt.Fprintf(b, "# %s\n\nThe entry point is `%s`; call `make_%s()` to build the service.\n\n", strings.TrimSuffix(path.Base(f.path), ".md"), ref, path.Base(strings.ReplaceAll(ref, ".", "/")))
		for range 3 + r.IntN(5) {
			fmt.Fprintf(b, "The service %s. Errors are retried three times, then reported to the audit log.\n\n", sentence(r))
		}
	case otherYAML:
		name := strings.TrimSuffix(path.Base(f.path), ".yaml")
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: %s\nspec:\n  schedule: \"*/%d * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: worker\n              image: acme/worker:1.4.0\n              command: [\"python\", \"-m\", \"%s\"]\n              env:\n                - name: CELERY_TASK\n                  value: %s.make_%s\n          restartPolicy: OnFailure\n", name, 5+r.IntN(55), ref, ref, path.Base(strings.ReplaceAll(ref, ".", "/")))
	case otherShell:
		fmt.Fprintf(b, "#!/bin/sh\nset -eu\n# Runs %s once against the local database.\ncd \"$(dirname \"$0\")/..\"\nexec python -m %s \"$@\"\n", ref, ref)
	case otherJSON:
		fmt.Fprintf(b, "{\n  \"id\": \"%s-%d\",\n  \"items\": [\n", path.Base(f.dir.path), r.IntN(1000))
		for range 2 + r.IntN(5) {
			fmt.Fprintf(b, "    {\"sku\": \"SKU-%d\", \"quantity\": %d, \"price\": %d.%02d},\n", r.IntN(10000), 1+r.IntN(9), r.IntN(500), r.IntN(100))
		}
		b.WriteString("    {\"sku\": \"SKU-END\", \"quantity\": 1, \"price\": 0}\n  ]\n}\n")
	}
}
