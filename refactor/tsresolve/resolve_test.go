package tsresolve

import (
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// newWS builds a Resolver over an in-memory workspace and fails the test on
// any configuration Problem.
func newWS(t *testing.T, files map[string]string) *Resolver {
	t.Helper()
	r, probs := newWSProblems(files)
	for _, p := range probs {
		t.Errorf("unexpected problem: %s", p)
	}
	return r
}

func newWSProblems(files map[string]string) (*Resolver, []Problem) {
	m := make(map[string][]byte, len(files))
	for k, v := range files {
		m[k] = []byte(v)
	}
	return New(workspace.NewMemSet(m))
}

func in(p string) workspace.Target { return workspace.Target{Status: workspace.Internal, Path: p} }

var (
	unres = workspace.Target{Status: workspace.Unresolved}
	ext   = workspace.Target{Status: workspace.External}
)

type rcase struct {
	from, spec string
	want       workspace.Target
}

func checkResolve(t *testing.T, r *Resolver, cases []rcase) {
	t.Helper()
	for _, c := range cases {
		if got := r.Resolve(c.from, c.spec); got != c.want {
			t.Errorf("Resolve(%q, %q) = %v %q; want %v %q", c.from, c.spec, got.Status, got.Path, c.want.Status, c.want.Path)
		}
	}
}

func TestRelativeExtensionOrder(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":       `{"compilerOptions": {"moduleResolution": "bundler", "allowJs": true}}`,
		"src/main.ts":         "",
		"src/a.ts":            "",
		"src/a.tsx":           "",
		"src/b.tsx":           "",
		"src/b.d.ts":          "",
		"src/c.d.ts":          "",
		"src/c.js":            "",
		"src/d.js":            "",
		"src/d.jsx":           "",
		"src/e.jsx":           "",
		"src/f.mts":           "",
		"src/g.cts":           "",
		"src/h.d.mts":         "",
		"src/i.mjs":           "",
		"src/x.ts":            "",
		"src/x.js":            "",
		"src/y.js":            "",
		"src/z.tsx":           "",
		"src/w.tsx":           "",
		"src/foo.service.ts":  "",
		"src/only.js.ts":      "",
		"src/sub/deep.ts":     "",
		"src/sub/index.ts":    "",
		"lib/util.ts":         "",
		"src/assets/data.bin": "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "./a", in("src/a.ts")},        // .ts before .tsx
		{"src/main.ts", "./b", in("src/b.tsx")},       // .tsx before .d.ts
		{"src/main.ts", "./c", in("src/c.d.ts")},      // .d.ts before .js
		{"src/main.ts", "./d", in("src/d.js")},        // .js before .jsx
		{"src/main.ts", "./e", in("src/e.jsx")},       // .jsx
		{"src/main.ts", "./f", in("src/f.mts")},       // beyond tsc: appended .mts
		{"src/main.ts", "./f.mjs", in("src/f.mts")},   // .mjs → .mts
		{"src/main.ts", "./f.mts", in("src/f.mts")},   // exact
		{"src/main.ts", "./g.cjs", in("src/g.cts")},   // .cjs → .cts
		{"src/main.ts", "./h.mjs", in("src/h.d.mts")}, // .mjs → .d.mts
		{"src/main.ts", "./i.mjs", in("src/i.mjs")},   // the .mjs itself
		{"src/main.ts", "./x.js", in("src/x.ts")},     // .js → .ts before the .js file
		{"src/main.ts", "./y.js", in("src/y.js")},     // the .js itself
		{"src/main.ts", "./z.jsx", in("src/z.tsx")},   // .jsx → .tsx
		{"src/main.ts", "./w.js", in("src/w.tsx")},    // .js → .tsx
		{"src/main.ts", "./a.tsx", in("src/a.tsx")},   // explicit .tsx beats .ts
		{"src/main.ts", "./a.ts", in("src/a.ts")},     // explicit .ts
		{"src/main.ts", "./foo.service", in("src/foo.service.ts")},
		{"src/main.ts", "./only.js", in("src/only.js.ts")}, // appended after substitution
		{"src/main.ts", "./sub/deep", in("src/sub/deep.ts")},
		{"src/main.ts", "../lib/util", in("lib/util.ts")},
		{"src/sub/deep.ts", "..", unres}, // src has no index
		{"src/sub/deep.ts", ".", in("src/sub/index.ts")},
		{"src/sub/deep.ts", "./", in("src/sub/index.ts")},
		{"src/main.ts", "./missing", unres},
		{"src/main.ts", "./missing.js", unres},
		{"src/main.ts", "../../outside", unres},
		{"src/main.ts", "./assets/data.bin", in("src/assets/data.bin")},
		{"src/main.ts", "/abs/path", unres},
	})
}

func TestNode10LooksForTypeScriptFirst(t *testing.T) {
	files := map[string]string{
		"a/tsconfig.json": `{"compilerOptions": {"moduleResolution": "node"}}`,
		"a/main.ts":       "",
		"a/p.js":          "",
		"a/p/index.ts":    "",
		"b/tsconfig.json": `{"compilerOptions": {"moduleResolution": "Bundler"}}`,
		"b/main.ts":       "",
		"b/p.js":          "",
		"b/p/index.ts":    "",
	}
	r := newWS(t, files)
	checkResolve(t, r, []rcase{
		// node10 does a TypeScript round (files, then directories) before a
		// JavaScript one; the other strategies do one round.
		{"a/main.ts", "./p", in("a/p/index.ts")},
		{"b/main.ts", "./p", in("b/p.js")},
	})
	if got := r.ConfigFor("a/main.ts").ModuleResolution; got != Node10 {
		t.Errorf("moduleResolution node = %q, want node10", got)
	}
}

func TestJsToTsUnderNodeNextAndBundler(t *testing.T) {
	for _, mode := range []string{`"module": "nodenext"`, `"module": "esnext", "moduleResolution": "bundler"`, `"module": "node16"`} {
		r := newWS(t, map[string]string{
			"tsconfig.json":    `{"compilerOptions": {` + mode + `}}`,
			"src/index.ts":     "",
			"src/util.ts":      "",
			"src/view.tsx":     "",
			"src/esm.mts":      "",
			"src/dir/index.ts": "",
		})
		checkResolve(t, r, []rcase{
			{"src/index.ts", "./util.js", in("src/util.ts")},
			{"src/index.ts", "./view.js", in("src/view.tsx")},
			{"src/index.ts", "./esm.mjs", in("src/esm.mts")},
			{"src/index.ts", "./dir/index.js", in("src/dir/index.ts")},
			// lenient: tsc rejects these in ESM files, relayout still tracks them
			{"src/index.ts", "./util", in("src/util.ts")},
			{"src/index.ts", "./dir", in("src/dir/index.ts")},
		})
	}
}

func TestDirectoryResolution(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":             `{}`,
		"src/main.ts":               "",
		"src/comp/index.tsx":        "",
		"src/decl/index.d.ts":       "",
		"src/js/index.js":           "",
		"src/typed/package.json":    `{"types": "./types/main.d.ts", "main": "./lib/main.js"}`,
		"src/typed/types/main.d.ts": "",
		"src/typed/index.ts":        "",
		"src/mained/package.json":   `{"main": "lib/entry.js"}`,
		"src/mained/lib/entry.ts":   "",
		"src/mained/index.ts":       "",
		"src/maindir/package.json":  `{"main": "lib"}`,
		"src/maindir/lib/index.ts":  "",
		"src/broken/package.json":   `{"main": "nowhere.js"}`,
		"src/broken/index.ts":       "",
		"src/shadow.ts":             "",
		"src/shadow/index.ts":       "",
		"src/mts/index.mts":         "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "./comp", in("src/comp/index.tsx")},
		{"src/main.ts", "./comp/", in("src/comp/index.tsx")},
		{"src/main.ts", "./decl", in("src/decl/index.d.ts")},
		{"src/main.ts", "./js", in("src/js/index.js")},
		{"src/main.ts", "./typed", in("src/typed/types/main.d.ts")},
		{"src/main.ts", "./mained", in("src/mained/lib/entry.ts")},
		{"src/main.ts", "./maindir", in("src/maindir/lib/index.ts")},
		{"src/main.ts", "./broken", in("src/broken/index.ts")},
		{"src/main.ts", "./shadow", in("src/shadow.ts")},        // file before directory
		{"src/main.ts", "./shadow/", in("src/shadow/index.ts")}, // trailing slash: directory only
		{"src/main.ts", "./shadow/index", in("src/shadow/index.ts")},
		{"src/main.ts", "./mts", in("src/mts/index.mts")}, // beyond tsc
		{"src/comp/index.tsx", "..", unres},
		{"src/typed/index.ts", "../comp", in("src/comp/index.tsx")},
	})
}

func TestDeclarationsAndAssets(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":       `{}`,
		"src/main.ts":         "",
		"src/types.d.ts":      "",
		"src/styles.css":      "",
		"src/app.module.scss": "",
		"src/logo.svg":        "",
		"src/data.json":       "",
		"src/gen.d.css.ts":    "",
		"src/worker.ts":       "",
		"src/env.d.ts":        "",
		"src/env.ts":          "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "./types", in("src/types.d.ts")},
		{"src/main.ts", "./types.js", in("src/types.d.ts")},
		{"src/main.ts", "./env", in("src/env.ts")}, // .ts before .d.ts
		{"src/main.ts", "./styles.css", in("src/styles.css")},
		{"src/main.ts", "./app.module.scss", in("src/app.module.scss")},
		{"src/main.ts", "./logo.svg", in("src/logo.svg")},
		{"src/main.ts", "./logo.svg?react", in("src/logo.svg")},
		{"src/main.ts", "./worker.ts?worker", in("src/worker.ts")},
		{"src/main.ts", "./data.json", in("src/data.json")},
		{"src/main.ts", "./gen.css", in("src/gen.d.css.ts")},
		{"src/main.ts", "./missing.css", unres},
		{"src/main.ts", "./missing.svg", unres},
	})
	r2 := newWS(t, map[string]string{
		"tsconfig.json":      `{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}`,
		"src/main.ts":        "",
		"src/icons/star.svg": "",
	})
	checkResolve(t, r2, []rcase{{"src/main.ts", "@/icons/star.svg?react", in("src/icons/star.svg")}})
}

func TestJSONCAndPaths(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json": `// project config
{
  /* block comment */
  "compilerOptions": {
    "baseUrl": ".", // trailing comment
    "paths": {
      "@/*": ["src/*", "generated/*",],
      "@/components/*": ["src/ui/components/*"],
      "config": ["src/config/index.ts"],
      "@missing/*": ["nowhere/*"],
      "*": ["types/*"],
    },
  },
}
`,
		"src/main.ts":                  "",
		"src/app.ts":                   "",
		"generated/api.ts":             "",
		"src/ui/components/Button.tsx": "",
		"src/components/Button.tsx":    "",
		"src/config/index.ts":          "",
		"types/globals.d.ts":           "",
		"lib/helpers.ts":               "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "@/app", in("src/app.ts")},                                 // first target
		{"src/main.ts", "@/api", in("generated/api.ts")},                           // second target
		{"src/main.ts", "@/components/Button", in("src/ui/components/Button.tsx")}, // longest prefix wins
		{"src/main.ts", "config", in("src/config/index.ts")},                       // exact pattern
		{"src/main.ts", "@missing/x", unres},                                       // pattern matched, no file
		{"src/main.ts", "@/nothing", unres},
		{"src/main.ts", "globals", in("types/globals.d.ts")}, // catch-all
		{"src/main.ts", "lib/helpers", in("lib/helpers.ts")}, // catch-all misses, baseUrl hits
		{"src/main.ts", "react", ext},                        // catch-all misses, falls through
	})
	c := r.ConfigFor("src/main.ts")
	if c == nil || c.Path != "tsconfig.json" || !c.HasBaseURL || c.BaseURL != "" {
		t.Fatalf("ConfigFor = %+v", c)
	}
	want := []PathMapping{
		{"@/*", []string{"src/*", "generated/*"}},
		{"@/components/*", []string{"src/ui/components/*"}},
		{"config", []string{"src/config/index.ts"}},
		{"@missing/*", []string{"nowhere/*"}},
		{"*", []string{"types/*"}},
	}
	if len(c.Paths) != len(want) {
		t.Fatalf("Paths = %v, want %v", c.Paths, want)
	}
	for i := range want {
		if c.Paths[i].Pattern != want[i].Pattern || strings.Join(c.Paths[i].Targets, ",") != strings.Join(want[i].Targets, ",") {
			t.Errorf("Paths[%d] = %v, want %v", i, c.Paths[i], want[i])
		}
	}
}

func TestPathsWithoutBaseURLAreConfigRelative(t *testing.T) {
	r := newWS(t, map[string]string{
		"web/tsconfig.json": `{"compilerOptions": {"paths": {"~/*": ["./src/*"]}}}`,
		"web/src/main.ts":   "",
		"web/src/lib/x.ts":  "",
		"web/src/utils.ts":  "",
	})
	checkResolve(t, r, []rcase{
		{"web/src/main.ts", "~/lib/x", in("web/src/lib/x.ts")},
		{"web/src/main.ts", "utils", ext}, // no baseUrl: bare names stay external
	})
}

// TestIncludedFromOutside: a project whose include reaches a folder
// outside its directory (a tsconfig that moved ahead of its files)
// governs the files there as tsc -p does, so its paths resolve for them.
func TestIncludedFromOutside(t *testing.T) {
	r := newWS(t, map[string]string{
		"web/tsconfig.json":        `{"compilerOptions": {"paths": {"@/*": ["../frontend/src/*", "./src/*"]}}, "include": ["../frontend/src", "src"]}`,
		"frontend/src/app.ts":      "",
		"frontend/src/ui/thing.ts": "",
		"web/src/lib/api.ts":       "",
		"other/main.ts":            "",
	})
	if c := r.ConfigFor("frontend/src/app.ts"); c == nil || c.Path != "web/tsconfig.json" {
		t.Errorf("ConfigFor(frontend/src/app.ts) = %v, want web/tsconfig.json", c)
	}
	if c := r.ConfigFor("other/main.ts"); c != nil {
		t.Errorf("ConfigFor(other/main.ts) = %v, want none", c.Path)
	}
	checkResolve(t, r, []rcase{
		{"frontend/src/app.ts", "@/lib/api", in("web/src/lib/api.ts")},
		{"frontend/src/app.ts", "@/ui/thing", in("frontend/src/ui/thing.ts")},
	})
}

func TestBaseURLOnly(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":           `{"compilerOptions": {"baseUrl": "src"}}`,
		"src/main.ts":             "",
		"src/utils/format.ts":     "",
		"src/components/index.ts": "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "utils/format", in("src/utils/format.ts")},
		{"src/main.ts", "components", in("src/components/index.ts")},
		{"src/main.ts", "react", ext},
		{"src/main.ts", "utils/missing", ext}, // baseUrl misses fall through to node_modules
	})
}

func TestExtendsChain(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.base.json": `{
			"compilerOptions": {"baseUrl": "./shared", "paths": {"@lib/*": ["lib/*"]}, "module": "nodenext"},
			"exclude": ["**/*.test.ts"]
		}`,
		"configs/mid.json":              `{"extends": "../tsconfig.base", "compilerOptions": {"allowJs": true}}`,
		"packages/app/tsconfig.json":    `{"extends": "../../configs/mid.json", "include": ["src"]}`,
		"packages/app/src/main.ts":      "",
		"packages/app/src/main.test.ts": "",
		"shared/lib/strings.ts":         "",
		"shared/lib/dates/index.ts":     "",
	})
	c := r.ConfigFor("packages/app/src/main.ts")
	if c == nil || c.Path != "packages/app/tsconfig.json" {
		t.Fatalf("ConfigFor = %v", c)
	}
	if !c.HasBaseURL || c.BaseURL != "shared" {
		t.Errorf("BaseURL = %q, want shared (relative to the config defining it)", c.BaseURL)
	}
	if c.ModuleResolution != NodeNext || !c.AllowJs {
		t.Errorf("merged options: moduleResolution %q allowJs %v", c.ModuleResolution, c.AllowJs)
	}
	if strings.Join(c.Extends, ",") != "tsconfig.base.json,configs/mid.json" {
		t.Errorf("Extends = %v", c.Extends)
	}
	if strings.Join(c.Include, ",") != "packages/app/src" || strings.Join(c.Exclude, ",") != "**/*.test.ts" {
		t.Errorf("Include %v Exclude %v (include from the leaf, exclude inherited relative to the base)", c.Include, c.Exclude)
	}
	checkResolve(t, r, []rcase{
		{"packages/app/src/main.ts", "@lib/strings", in("shared/lib/strings.ts")},
		{"packages/app/src/main.ts", "@lib/strings.js", in("shared/lib/strings.ts")},
		{"packages/app/src/main.ts", "@lib/dates", in("shared/lib/dates/index.ts")},
		{"packages/app/src/main.ts", "lib/strings", in("shared/lib/strings.ts")},
	})
	if c.Covers("packages/app/src/main.test.ts") {
		t.Errorf("inherited exclude should drop main.test.ts")
	}
}

func TestExtendsArrayAndConfigDir(t *testing.T) {
	r := newWS(t, map[string]string{
		"base/a.json":       `{"compilerOptions": {"baseUrl": "${configDir}/src", "module": "commonjs"}}`,
		"base/b.json":       `{"compilerOptions": {"module": "node16"}, "include": ["${configDir}/src"]}`,
		"app/tsconfig.json": `{"extends": ["../base/a.json", "../base/b"]}`,
		"app/src/x.ts":      "",
		"app/test/y.ts":     "",
	})
	c := r.ConfigFor("app/src/x.ts")
	if c.Path != "app/tsconfig.json" || c.BaseURL != "app/src" || c.ModuleResolution != Node16 {
		t.Errorf("config = %s baseUrl %q moduleResolution %q", c.Path, c.BaseURL, c.ModuleResolution)
	}
	if !c.Covers("app/src/x.ts") || c.Covers("app/test/y.ts") {
		t.Errorf("include ${configDir}/src = %v", c.Include)
	}
}

func TestInheritedPathsWithoutBaseURL(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.base.json":     `{"compilerOptions": {"paths": {"@shared/*": ["./shared/*"]}}}`,
		"apps/web/tsconfig.json": `{"extends": "../../tsconfig.base.json"}`,
		"apps/web/main.ts":       "",
		"shared/log.ts":          "",
		"apps/web/shared/log.ts": "",
	})
	// paths without baseUrl are relative to the config that defines them.
	checkResolve(t, r, []rcase{{"apps/web/main.ts", "@shared/log", in("shared/log.ts")}})
	if got := r.ConfigFor("apps/web/main.ts").Paths[0].Targets[0]; got != "shared/*" {
		t.Errorf("target = %q", got)
	}
}

func TestTwoProjects(t *testing.T) {
	r := newWS(t, map[string]string{
		"frontend/tsconfig.json": `{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}, "moduleResolution": "bundler"}}`,
		"frontend/src/app.ts":    "",
		"frontend/src/util.ts":   "",
		"backend/tsconfig.json":  `{"compilerOptions": {"paths": {"@/*": ["./lib/*"]}, "module": "NodeNext"}}`,
		"backend/lib/server.ts":  "",
		"backend/lib/util.ts":    "",
		"tools/jsconfig.json":    `{}`,
		"tools/run.js":           "",
		"tools/helper.js":        "",
	})
	checkResolve(t, r, []rcase{
		{"frontend/src/app.ts", "@/util", in("frontend/src/util.ts")},
		{"backend/lib/server.ts", "@/util.js", in("backend/lib/util.ts")},
		{"backend/lib/server.ts", "@/app", unres},
		{"tools/run.js", "./helper", in("tools/helper.js")},
		{"tools/run.js", "@/util", ext},
	})
	for file, want := range map[string]string{
		"frontend/src/app.ts":   "frontend/tsconfig.json",
		"backend/lib/server.ts": "backend/tsconfig.json",
		"tools/run.js":          "tools/jsconfig.json",
	} {
		if c := r.ConfigFor(file); c == nil || c.Path != want {
			t.Errorf("ConfigFor(%s) = %v, want %s", file, c, want)
		}
	}
	if c := r.ConfigFor("tools/run.js"); !c.AllowJs {
		t.Errorf("jsconfig.json implies allowJs")
	}
	if r.ConfigFor("README.ts") != nil {
		t.Errorf("no config above README.ts")
	}
	if got := r.Resolve("scripts/x.ts", "./y"); got != unres {
		t.Errorf("ungoverned file: %v", got)
	}
}

func TestConfigForSolutionStyle(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":      `{"files": [], "references": [{"path": "./tsconfig.app.json"}, {"path": "./tsconfig.node.json"}]}`,
		"tsconfig.app.json":  `{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}, "include": ["src"], "exclude": ["src/**/*.spec.ts"]}`,
		"tsconfig.spec.json": `{"include": ["src/**/*.spec.ts"]}`,
		"tsconfig.node.json": `{"include": ["vite.config.ts"]}`,
		"vite.config.ts":     "",
		"src/main.ts":        "",
		"src/main.spec.ts":   "",
		"other/x.ts":         "",
	})
	for file, want := range map[string]string{
		"src/main.ts":      "tsconfig.app.json",
		"src/main.spec.ts": "tsconfig.spec.json",
		"vite.config.ts":   "tsconfig.node.json",
		"other/x.ts":       "tsconfig.json", // nobody covers it: the nearest, tsconfig.json first
	} {
		if c := r.ConfigFor(file); c == nil || c.Path != want {
			t.Errorf("ConfigFor(%s) = %v, want %s", file, c, want)
		}
	}
	checkResolve(t, r, []rcase{{"src/main.spec.ts", "./main", in("src/main.ts")}, {"src/main.ts", "@/main.spec", in("src/main.spec.ts")}})
}

func TestPackageImports(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json": `{"compilerOptions": {"module": "nodenext", "customConditions": ["source"]}}`,
		"package.json": `{
			"name": "app",
			"imports": {
				"#internal/*": "./src/internal/*.js",
				"#internal/special": "./src/special.ts",
				"#db": {"types": "./dist/db.d.ts", "import": "./src/db/index.ts", "default": "./src/db-cjs.ts"},
				"#cond": {"browser": "./src/browser.ts", "source": "./src/source.ts", "default": "./src/default.ts"},
				"#dep": "lodash",
				"#fallback": ["./src/nope.ts", "./src/fallback.ts"],
				"#null": null
			}
		}`,
		"src/main.ts":            "",
		"src/internal/a.ts":      "",
		"src/internal/deep/b.ts": "",
		"src/special.ts":         "",
		"src/db/index.ts":        "",
		"src/db-cjs.ts":          "",
		"src/browser.ts":         "",
		"src/source.ts":          "",
		"src/default.ts":         "",
		"src/fallback.ts":        "",
		"nested/package.json":    `{"name": "nested", "imports": {"#x": "./x.ts"}}`,
		"nested/x.ts":            "",
		"nested/y.ts":            "",
	})
	checkResolve(t, r, []rcase{
		{"src/main.ts", "#internal/a", in("src/internal/a.ts")},
		{"src/main.ts", "#internal/deep/b", in("src/internal/deep/b.ts")},
		{"src/main.ts", "#internal/special", in("src/special.ts")}, // exact key before pattern
		{"src/main.ts", "#db", in("src/db/index.ts")},              // types misses (dist not in workspace), import hits
		{"src/main.ts", "#cond", in("src/source.ts")},              // browser inactive, customConditions active
		{"src/main.ts", "#dep", ext},
		{"src/main.ts", "#fallback", in("src/fallback.ts")},
		{"src/main.ts", "#null", unres},
		{"src/main.ts", "#nothing", unres},
		{"src/main.ts", "#x", unres},
		{"nested/y.ts", "#x", in("nested/x.ts")}, // nearest package.json
		{"nested/y.ts", "#db", unres},
	})
}

func TestWorkspacePackages(t *testing.T) {
	r := newWS(t, map[string]string{
		"tsconfig.json":                  `{"compilerOptions": {"moduleResolution": "bundler"}}`,
		"apps/web/main.ts":               "",
		"packages/ui/package.json":       `{"name": "@acme/ui", "exports": {".": {"types": "./dist/index.d.ts", "default": "./src/index.ts"}, "./button": "./src/button.tsx", "./icons/*": "./src/icons/*.tsx"}}`,
		"packages/ui/src/index.ts":       "",
		"packages/ui/src/button.tsx":     "",
		"packages/ui/src/icons/star.tsx": "",
		"packages/core/package.json":     `{"name": "core", "main": "dist/index.js", "types": "dist/index.d.ts"}`,
		"packages/core/tsconfig.json":    `{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}`,
		"packages/core/src/index.ts":     "",
		"packages/core/src/math/add.ts":  "",
		"packages/str/package.json":      `{"name": "str", "exports": "./lib/index.js"}`,
		"packages/str/lib/index.ts":      "",
		"packages/plain/package.json":    `{"name": "plain"}`,
		"packages/plain/index.js":        "",
	})
	checkResolve(t, r, []rcase{
		{"apps/web/main.ts", "@acme/ui", in("packages/ui/src/index.ts")},
		{"apps/web/main.ts", "@acme/ui/button", in("packages/ui/src/button.tsx")},
		{"apps/web/main.ts", "@acme/ui/icons/star", in("packages/ui/src/icons/star.tsx")},
		{"apps/web/main.ts", "@acme/ui/src/index", unres},              // not exported
		{"apps/web/main.ts", "core", in("packages/core/src/index.ts")}, // dist mapped back to src
		{"apps/web/main.ts", "core/src/math/add", in("packages/core/src/math/add.ts")},
		{"apps/web/main.ts", "core/dist/math/add.js", in("packages/core/src/math/add.ts")},
		{"apps/web/main.ts", "str", in("packages/str/lib/index.ts")},
		{"apps/web/main.ts", "plain", in("packages/plain/index.js")},
		{"apps/web/main.ts", "@acme/other", ext},
	})
}

func TestExternal(t *testing.T) {
	r := newWS(t, map[string]string{"tsconfig.json": `{}`, "src/a.ts": "", "react/index.ts": ""})
	checkResolve(t, r, []rcase{
		{"src/a.ts", "react", ext}, // no baseUrl: a workspace dir named react does not count
		{"src/a.ts", "react/jsx-runtime", ext},
		{"src/a.ts", "node:fs", ext},
		{"src/a.ts", "fs", ext},
		{"src/a.ts", "@scope/pkg", ext},
		{"src/a.ts", "@scope/pkg/sub/path", ext},
		{"src/a.ts", "https://esm.sh/preact", ext},
		{"src/a.ts", "#nope", unres},
		{"src/a.ts", "", unres},
	})
}

func TestClassicAndRootDirs(t *testing.T) {
	r := newWS(t, map[string]string{
		"c/tsconfig.json":               `{"compilerOptions": {"module": "amd"}}`,
		"c/src/deep/main.ts":            "",
		"c/src/util.ts":                 "",
		"c/src/dir/index.ts":            "",
		"r/tsconfig.json":               `{"compilerOptions": {"rootDirs": ["src", "generated"]}}`,
		"r/src/views/page.ts":           "",
		"r/generated/views/page.gen.ts": "",
	})
	if got := r.ConfigFor("c/src/util.ts").ModuleResolution; got != Classic {
		t.Errorf("module amd → %q, want classic", got)
	}
	checkResolve(t, r, []rcase{
		{"c/src/deep/main.ts", "../util", in("c/src/util.ts")},
		{"c/src/deep/main.ts", "../dir", unres},             // classic has no directory modules
		{"c/src/deep/main.ts", "util", in("c/src/util.ts")}, // classic walks up
		{"r/src/views/page.ts", "./page.gen", in("r/generated/views/page.gen.ts")},
	})
}

func TestModuleResolutionDefaults(t *testing.T) {
	for module, want := range map[string]string{
		"":         Bundler,
		"commonjs": Bundler,
		"ESNext":   Bundler,
		"es2015":   Bundler,
		"preserve": Bundler,
		"Node16":   Node16,
		"node18":   Node16,
		"node20":   Node16,
		"NodeNext": NodeNext,
		"amd":      Classic,
		"system":   Classic,
	} {
		opt := ""
		if module != "" {
			opt = `"module": "` + module + `"`
		}
		r := newWS(t, map[string]string{"tsconfig.json": `{"compilerOptions": {` + opt + `}}`})
		if got := r.ConfigFor("a.ts").ModuleResolution; got != want {
			t.Errorf("module %q: moduleResolution %q, want %q", module, got, want)
		}
	}
}

func TestProblems(t *testing.T) {
	r, probs := newWSProblems(map[string]string{
		"bad/tsconfig.json":   "{\n  \"compilerOptions\": {\n    \"baseUrl\": .\n  }\n}\n",
		"bad/a.ts":            "",
		"bad/b.ts":            "",
		"cyc/tsconfig.json":   `{"extends": "./a.json"}`,
		"cyc/a.json":          `{"extends": "./b.json", "compilerOptions": {"baseUrl": "."}}`,
		"cyc/b.json":          "{\n\"extends\": \"./a.json\"}",
		"cyc/x.ts":            "",
		"cyc/y.ts":            "",
		"pkg/tsconfig.json":   "{\n  \"extends\": \"@tsconfig/node18/tsconfig.json\",\n  \"compilerOptions\": {\"baseUrl\": \".\"}\n}",
		"pkg/x.ts":            "",
		"pkg/y.ts":            "",
		"miss/tsconfig.json":  `{"extends": "./nope.json"}`,
		"types/tsconfig.json": "{\"compilerOptions\": {\n\"paths\": {\"a/*/*\": [\"x\"]},\n\"moduleResolution\": \"weird\"}}",
		"badpkg/package.json": "{\"name\": \"x\",,}",
	})
	want := []Problem{
		{Path: "badpkg/package.json", Line: 1},
		{Path: "bad/tsconfig.json", Line: 3},
		{Path: "cyc/b.json", Line: 2},
		{Path: "miss/tsconfig.json", Line: 1},
		{Path: "pkg/tsconfig.json", Line: 2},
		{Path: "types/tsconfig.json", Line: 2},
		{Path: "types/tsconfig.json", Line: 3},
	}
	for _, w := range want {
		found := false
		for _, p := range probs {
			if p.Path == w.Path && p.Line == w.Line {
				found = true
			}
		}
		if !found {
			t.Errorf("missing problem at %s:%d; got %v", w.Path, w.Line, probs)
		}
	}
	if len(probs) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(probs), len(want), probs)
	}
	for _, p := range probs {
		if p.Path == "cyc/b.json" && !strings.Contains(p.Msg, "cyc/a.json -> cyc/b.json -> cyc/a.json") {
			t.Errorf("cycle message = %q", p.Msg)
		}
		if p.Path == "pkg/tsconfig.json" && !strings.Contains(p.Msg, "node_modules") {
			t.Errorf("package extends message = %q", p.Msg)
		}
	}
	// Broken configs still govern their files with defaults; the rest of
	// the chain still applies.
	checkResolve(t, r, []rcase{
		{"bad/a.ts", "./b", in("bad/b.ts")},
		{"cyc/x.ts", "y", in("cyc/y.ts")},
		{"pkg/x.ts", "y", in("pkg/y.ts")},
	})
}

func TestPackageExtendsThroughWorkspacePackage(t *testing.T) {
	r := newWS(t, map[string]string{
		"packages/tsconfig/package.json":              `{"name": "@acme/tsconfig"}`,
		"packages/tsconfig/base.json":                 `{"compilerOptions": {"baseUrl": "."}}`,
		"packages/tsconfig/tsconfig.json":             `{"compilerOptions": {"module": "nodenext"}}`,
		"apps/a/tsconfig.json":                        `{"extends": "@acme/tsconfig/base.json"}`,
		"apps/b/tsconfig.json":                        `{"extends": "@acme/tsconfig"}`,
		"node_modules/@tsconfig/strict/tsconfig.json": `{"compilerOptions": {"allowJs": true}}`,
		"apps/c/tsconfig.json":                        `{"extends": "@tsconfig/strict/tsconfig.json"}`,
	})
	if c := r.ConfigFor("apps/a/x.ts"); !c.HasBaseURL || c.BaseURL != "packages/tsconfig" {
		t.Errorf("a: baseUrl %q", c.BaseURL)
	}
	if c := r.ConfigFor("apps/b/x.ts"); c.ModuleResolution != NodeNext {
		t.Errorf("b: %q", c.ModuleResolution)
	}
	if c := r.ConfigFor("apps/c/x.ts"); !c.AllowJs {
		t.Errorf("c: node_modules in the workspace is followed")
	}
}

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		config string
		file   string
		want   bool
	}{
		{`{}`, "p/a.ts", true},
		{`{}`, "p/deep/er/a.tsx", true},
		{`{}`, "p/a.js", false}, // no allowJs
		{`{"compilerOptions": {"allowJs": true}}`, "p/a.js", true},
		{`{"compilerOptions": {"allowJs": true}}`, "p/a.min.js", false},
		{`{}`, "p/node_modules/x/a.ts", false},
		{`{}`, "p/a.css", false},
		{`{}`, "p/.hidden/a.ts", false},
		{`{}`, "q/a.ts", false},
		{`{"include": ["src"]}`, "p/src/x/a.ts", true},
		{`{"include": ["src"]}`, "p/lib/a.ts", false},
		{`{"include": ["src/*.ts"]}`, "p/src/a.ts", true},
		{`{"include": ["src/*.ts"]}`, "p/src/x/a.ts", false},
		{`{"include": ["src/**/*.ts"]}`, "p/src/x/y/a.ts", true},
		{`{"include": ["src/?.ts"]}`, "p/src/a.ts", true},
		{`{"include": ["src/?.ts"]}`, "p/src/ab.ts", false},
		{`{"include": ["src/**/*"], "exclude": ["src/gen"]}`, "p/src/gen/x/a.ts", false},
		{`{"include": ["src/**/*"], "exclude": ["**/*.test.ts"]}`, "p/src/a.test.ts", false},
		{`{"include": ["src/**/*"], "exclude": ["**/*.test.ts"]}`, "p/src/a.ts", true},
		{`{"files": ["main.ts"]}`, "p/main.ts", true},
		{`{"files": ["main.ts"]}`, "p/other.ts", false},
		{`{"files": ["main.ts"], "exclude": ["main.ts"]}`, "p/main.ts", true}, // exclude does not apply to files
		{`{"compilerOptions": {"outDir": "dist"}}`, "p/dist/a.d.ts", false},
		{`{"include": ["../shared"]}`, "shared/a.ts", true},
		{`{"include": ["src/data/*.json"]}`, "p/src/data/a.json", true},
		{`{"include": ["src"]}`, "p/src/a.json", false},
	} {
		r := newWS(t, map[string]string{"p/tsconfig.json": tc.config})
		if got := r.Configs()[0].Covers(tc.file); got != tc.want {
			t.Errorf("%s Covers(%s) = %v, want %v", tc.config, tc.file, got, tc.want)
		}
	}
}

func TestWorkspaceGlobsLimitPackages(t *testing.T) {
	for name, decl := range map[string]map[string]string{
		"npm":  {"package.json": `{"name": "root", "private": true, "workspaces": ["packages/*", "!packages/skip"]}`},
		"yarn": {"package.json": `{"name": "root", "workspaces": {"packages": ["packages/*", "!packages/skip"]}}`},
		"pnpm": {
			"package.json":        `{"name": "root"}`,
			"pnpm-workspace.yaml": "# monorepo\npackages:\n  - 'packages/*' # libs\n  - \"!packages/skip\"\ncatalog:\n  - react: 18\n",
		},
		"pnpm flow sequence": {
			"package.json":        `{"name": "root"}`,
			"pnpm-workspace.yaml": "packages: ['packages/*', \"!packages/skip\"]\n",
		},
	} {
		files := map[string]string{
			"tsconfig.json":                    `{}`,
			"src/main.ts":                      "",
			"src/index.ts":                     "",
			"packages/ui/package.json":         `{"name": "ui"}`,
			"packages/ui/index.ts":             "",
			"packages/skip/package.json":       `{"name": "skip"}`,
			"packages/skip/index.ts":           "",
			"test/fixtures/react/package.json": `{"name": "react"}`,
			"test/fixtures/react/index.ts":     "",
		}
		for k, v := range decl {
			files[k] = v
		}
		r := newWS(t, files)
		for _, c := range []rcase{
			{"src/main.ts", "ui", in("packages/ui/index.ts")},
			{"src/main.ts", "react", ext},
			{"src/main.ts", "skip", ext},
		} {
			if got := r.Resolve(c.from, c.spec); got != c.want {
				t.Errorf("%s: Resolve(%q) = %v %q, want %v", name, c.spec, got.Status, got.Path, c.want)
			}
		}
	}
	// Without workspace globs every named package.json counts.
	r := newWS(t, map[string]string{"a/package.json": `{"name": "a"}`, "a/index.ts": "", "b.ts": ""})
	checkResolve(t, r, []rcase{{"b.ts", "a", in("a/index.ts")}})
}
