package conventions

import (
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

func tree(files map[string]string) workspace.FileSet {
	m := map[string][]byte{}
	for k, v := range files {
		m[k] = []byte(v)
	}
	return workspace.NewMemSet(m)
}

var nextApp = map[string]string{
	"web/package.json":                                         `{"dependencies": {"next": "15.0.0"}}`,
	"web/tsconfig.json":                                        `{}`,
	"web/src/app/layout.tsx":                                   "",
	"web/src/app/page.tsx":                                     "",
	"web/src/app/(marketing)/about/page.tsx":                   "",
	"web/src/app/users/[userId]/page.tsx":                      "",
	"web/src/app/docs/[...slug]/page.mdx":                      "",
	"web/src/app/@modal/(.)photos/[id]/page.tsx":               "",
	"web/src/app/@modal/default.tsx":                           "",
	"web/src/app/api/admin/route.ts":                           "",
	"web/src/app/users/[userId]/UserCard.tsx":                  "",
	"web/src/app/_components/Nav.tsx":                          "",
	"web/src/middleware.ts":                                    "",
	"web/src/components/ui/Button.tsx":                         "",
	"web/src/components/ui/__tests__/Button.tsx":               "",
	"web/src/components/ui/Button.test.tsx":                    "",
	"web/src/components/ui/__snapshots__/Button.test.tsx.snap": "",
}

// TestNextRoutes: the route table drops groups and slots, keeps params,
// catch-alls and interception; colocated components and private folders
// serve nothing.
func TestNextRoutes(t *testing.T) {
	m := Detect(tree(nextApp))
	var got []string
	for _, r := range m.Routes() {
		got = append(got, r.String()+" = "+r.File)
	}
	want := []string{
		"layout / = web/src/app/layout.tsx",
		"page / = web/src/app/page.tsx",
		"page /(.)photos/[id] = web/src/app/@modal/(.)photos/[id]/page.tsx",
		"parallel-route default / = web/src/app/@modal/default.tsx",
		"page /about = web/src/app/(marketing)/about/page.tsx",
		"route handler /api/admin = web/src/app/api/admin/route.ts",
		"page /docs/[...slug] = web/src/app/docs/[...slug]/page.mdx",
		"page /users/[userId] = web/src/app/users/[userId]/page.tsx",
	}
	if strings.Join(sortStrings(got), "\n") != strings.Join(sortStrings(want), "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestNextDiff: moving the whole app root keeps every route; hoisting a
// segment, merging it into a file name or moving the router changes them;
// moving a colocated component does not.
func TestNextDiff(t *testing.T) {
	fs := tree(nextApp)
	under := func(from, to string) map[string]string {
		mv := map[string]string{}
		for _, f := range fs.Files() {
			if strings.HasPrefix(f, from+"/") {
				mv[f] = to + f[len(from):]
			}
		}
		return mv
	}
	cases := []struct {
		name  string
		moves map[string]string
		want  []string // substrings of the changes, in order; nil = none
	}{
		{"whole root", under("web", "apps/web"), nil},
		{"component", map[string]string{"web/src/app/users/[userId]/UserCard.tsx": "web/src/components/UserCard.tsx"}, nil},
		{"merge into name", map[string]string{"web/src/app/users/[userId]/page.tsx": "web/src/app/users/[userId]-page.tsx"}, []string{"disappears"}},
		{"hoist api", under("web/src/app/api", "web/src/app"), []string{"becomes the route handler /admin"}},
		{"route appears", map[string]string{"web/src/components/ui/Button.tsx": "web/src/app/shop/page.tsx"}, []string{"route appears"}},
		{"page and handler", map[string]string{"web/src/app/api/admin/route.ts": "web/src/app/about/route.ts"}, []string{"both a page and a route handler", "becomes the route handler /about"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Diff(fs, c.moves)
			if len(got) != len(c.want) {
				t.Fatalf("got %d changes %v, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				found := false
				for _, g := range got {
					if strings.Contains(g.Msg, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("change %d: want %q in %v", i, w, got)
				}
			}
		})
	}
	// The generator's check agrees.
	m := Detect(fs)
	if why, bad := m.CheckDirMove("web/src/app/users", "web/src/users"); !bad || !strings.Contains(why, "Next.js") {
		t.Errorf("moving a route segment out of the router: %q %v", why, bad)
	}
	if why, bad := m.CheckDirMove("web", "apps/web"); bad {
		t.Errorf("moving the app root: %s", why)
	}
	if why, bad := m.CheckDirMove("web/src/components", "web/components"); bad {
		t.Errorf("moving components: %s", why)
	}
}

var djangoApp = map[string]string{
	"manage.py":                              "",
	"shop/settings.py":                       "",
	"shop/__init__.py":                       "",
	"shop/templates/base.html":               "",
	"orders/__init__.py":                     "",
	"orders/apps.py":                         "",
	"orders/models.py":                       "",
	"orders/templates/orders/list.html":      "",
	"orders/locale/de/LC_MESSAGES/django.po": "",
	"orders/migrations/__init__.py":          "",
	"orders/migrations/0001_initial.py":      "",
	"orders/management/__init__.py":          "",
	"orders/management/commands/__init__.py": "",
	"orders/management/commands/export.py":   "",
	"orders/templatetags/__init__.py":        "",
	"orders/templatetags/money.py":           "",
	"orders/services/pricing.py":             "",
	"shop/formats/__init__.py":               "",
	"shop/formats/de/__init__.py":            "",
	"shop/formats/de/formats.py":             "",
}

// TestDjango: convention folders stay with their app; the app moves whole.
func TestDjango(t *testing.T) {
	fs := tree(djangoApp)
	m := Detect(fs)
	kinds := map[string]bool{}
	for _, p := range m.Pins() {
		if p.Kind == KindDjango {
			kinds[p.Path] = true
		}
	}
	for _, f := range []string{"orders/templates/orders/list.html", "orders/locale/de/LC_MESSAGES/django.po", "orders/migrations/0001_initial.py",
		"orders/management/commands/export.py", "orders/templatetags/money.py", "shop/templates/base.html", "shop/formats/de/formats.py"} {
		if !kinds[f] {
			t.Errorf("%s is not pinned by Django", f)
		}
	}
	if kinds["orders/services/pricing.py"] {
		t.Errorf("ordinary module pinned")
	}
	for _, c := range []struct {
		from, to string
		bad      bool
	}{
		{"orders/locale", "locale", true},
		{"orders/management/commands", "orders/commands", true},
		{"orders/templates", "templates", true},
		{"orders", "apps/orders", false},
		{"orders/services", "services", false},
		{"shop/formats/de", "shop/de", true},
	} {
		why, bad := m.CheckDirMove(c.from, c.to)
		if bad != c.bad {
			t.Errorf("%s → %s: bad=%v (%s), want %v", c.from, c.to, bad, why, c.bad)
		}
	}
	mv := map[string]string{"orders/locale/de/LC_MESSAGES/django.po": "orders/locale-de-LC_MESSAGES-django.po"}
	if got := Diff(fs, mv); len(got) != 1 || got[0].Kind != KindDjango {
		t.Errorf("Diff = %v, want one Django change", got)
	}
}

// TestNoDjangoEvidence: templates/ in a tree without Django is not pinned.
func TestNoDjangoEvidence(t *testing.T) {
	m := Detect(tree(map[string]string{"site/templates/a.html": "", "site/models.py": ""}))
	for _, p := range m.Pins() {
		if p.Kind == KindDjango {
			t.Errorf("pinned without Django evidence: %+v", p)
		}
	}
}

var pytestSuite = map[string]string{
	"pyproject.toml":                              "[project]\nname = \"x\"\n\n[tool.pytest.ini_options]\ntestpaths = [\n  \"tests\",\n]\n",
	"src/app/__init__.py":                         "",
	"src/app/api.py":                              "",
	"src/app/test_helpers.py":                     "",
	"tests/conftest.py":                           "",
	"tests/unit/__init__.py":                      "",
	"tests/unit/test_api.py":                      "",
	"tests/integration/conftest.py":               "",
	"tests/integration/payments/test_checkout.py": "",
	"tests/integration/payments/cassettes/test_checkout/pay.yaml": "",
	"tests/integration/payments/utils.py":                         "",
}

// TestPytest: collection honours testpaths and names; conftest chains and
// cassettes are pinned.
func TestPytest(t *testing.T) {
	fs := tree(pytestSuite)
	m := Detect(fs)
	got := strings.Join(m.Tests(), " ")
	if got != "tests/integration/payments/test_checkout.py tests/unit/test_api.py" {
		t.Errorf("collected %q", got)
	}
	cases := []struct {
		name  string
		moves map[string]string
		want  string // substring of the only change; "" = none
	}{
		{"kept name", map[string]string{"tests/unit/test_api.py": "tests/test_unit_api.py"}, ""},
		{"dropped prefix", map[string]string{"tests/unit/test_api.py": "tests/unit_test_api.py"}, "no longer collected"},
		{"stutter name", map[string]string{"tests/unit/test_api.py": "tests/unit-api.py"}, "no longer collected"},
		{"out of testpaths", map[string]string{"tests/unit/test_api.py": "src/app/test_api.py"}, "no longer collected"},
		{"into testpaths", map[string]string{"src/app/test_helpers.py": "tests/test_helpers.py"}, "becomes a collected test"},
		{"conftest renamed", map[string]string{"tests/integration/conftest.py": "tests/integration_conftest.py"}, "conftest"},
		{"away from conftest", map[string]string{"tests/integration/payments/test_checkout.py": "tests/test_checkout.py"}, "conftest.py fixtures"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch := Diff(fs, c.moves)
			if c.want == "" {
				if len(ch) > 0 {
					t.Errorf("Diff = %v, want none", ch)
				}
				return
			}
			if len(ch) == 0 || !strings.Contains(ch[0].Msg, c.want) {
				t.Errorf("Diff = %v, want %q", ch, c.want)
			}
		})
	}
	if _, bad := m.CheckDirMove("tests/integration/payments/cassettes", "tests/cassettes"); !bad {
		t.Errorf("cassettes moved away from their tests")
	}
	if why, bad := m.CheckDirMove("tests/integration/payments", "tests/integration/pay"); bad {
		t.Errorf("renaming the test folder whole: %s", why)
	}
	if _, bad := m.CheckDirMove("tests/integration/payments", "tests/payments"); !bad {
		t.Errorf("moving tests away from their conftest.py")
	}
}

// TestJest: *.test.* and __tests__/ files are collected; snapshots stay
// beside their tests.
func TestJest(t *testing.T) {
	m := Detect(tree(nextApp))
	got := strings.Join(m.Tests(), " ")
	if got != "web/src/components/ui/Button.test.tsx web/src/components/ui/__tests__/Button.tsx" {
		t.Errorf("collected %q", got)
	}
	if _, bad := m.CheckDirMove("web/src/components/ui/__snapshots__", "web/src/__snapshots__"); !bad {
		t.Errorf("snapshots moved away from their test")
	}
	if why, bad := m.CheckDirMove("web/src/components/ui", "web/src/ui"); bad {
		t.Errorf("moving the folder whole: %s", why)
	}
}

// TestShadowing: a folder moved beside a module of its name is an error
// in Python and TS; an existing clash is not reported again.
func TestShadowing(t *testing.T) {
	fs := tree(map[string]string{
		"app/utils.py":               "",
		"app/core/utils/__init__.py": "",
		"app/core/utils/text.py":     "",
		"web/lib.ts":                 "",
		"web/x/lib/index.ts":         "",
		"old/a.py":                   "",
		"old/a/__init__.py":          "",
	})
	ch := Diff(fs, map[string]string{"app/core/utils/__init__.py": "app/utils/__init__.py", "app/core/utils/text.py": "app/utils/text.py"})
	if len(ch) != 1 || !ch[0].Error || ch[0].Kind != KindShadow {
		t.Fatalf("Diff = %+v, want one shadowing error", ch)
	}
	ch = Diff(fs, map[string]string{"web/x/lib/index.ts": "web/lib/index.ts"})
	if len(ch) != 1 || ch[0].Error || ch[0].Kind != KindShadow {
		t.Fatalf("TS: Diff = %+v, want one shadowing warning", ch)
	}
	if ch := Diff(fs, map[string]string{"app/utils.py": "app/helpers.py"}); len(ch) != 0 {
		t.Errorf("unrelated move reports %v", ch)
	}
	m := Detect(fs)
	if len(m.Clashes()) != 1 {
		t.Errorf("clashes = %v, want the existing old/a", m.Clashes())
	}
	if _, bad := m.CheckDirMove("app/core/utils", "app/utils"); !bad {
		t.Errorf("CheckDirMove misses the clash")
	}
}

// TestEntries: webpack/Vite entries and package.json fields pin their
// files to the config's folder.
func TestEntries(t *testing.T) {
	fs := tree(map[string]string{
		"ui/webpack.config.js":  "module.exports = { entry: { main: './src/main.js', admin: './src/admin/index.js' } };",
		"ui/src/main.js":        "",
		"ui/src/admin/index.js": "",
		"ui/src/other.js":       "",
		"site/vite.config.ts":   "export default {}",
		"site/index.html":       `<script type="module" src="/src/main.tsx"></script>`,
		"site/src/main.tsx":     "",
		"cli/package.json":      `{"bin": {"x": "./bin/x.js"}, "main": "dist/index.js"}`,
		"cli/bin/x.js":          "",
	})
	m := Detect(fs)
	pinned := map[string]bool{}
	for _, p := range m.Pins() {
		if p.Kind == KindEntry {
			pinned[p.Path] = true
		}
	}
	for _, f := range []string{"ui/src/main.js", "ui/src/admin/index.js", "site/src/main.tsx", "site/index.html", "cli/bin/x.js"} {
		if !pinned[f] {
			t.Errorf("%s not pinned as an entry", f)
		}
	}
	if pinned["ui/src/other.js"] {
		t.Errorf("other.js pinned")
	}
	if _, bad := m.CheckDirMove("ui/src/admin", "ui/admin"); !bad {
		t.Errorf("entry moved away from its config")
	}
}

// TestNextRouteTable: what each file of two Next.js apps (a config-marked
// app/ router and a package.json-marked src/ layout with both routers)
// serves, and what serves nothing: components, private folders, tests
// beside pages, files of a folder that is not a Next.js app.
func TestNextRouteTable(t *testing.T) {
	files := map[string]string{
		"web/next.config.js":                  "",
		"shop/package.json":                   `{"dependencies": {"next": "15"}}`,
		"lib/package.json":                    `{"dependencies": {"react": "19"}}`,
		"web/app/page.tsx":                    "",
		"web/app/experiments/new/page.tsx":    "",
		"web/app/(admin)/users/layout.tsx":    "",
		"web/app/@modal/photos/[id]/page.tsx": "",
		"web/app/api/health/route.ts":         "",
		"web/app/blog/not-found.tsx":          "",
		"web/app/blog/Form.tsx":               "",
		"web/app/_lib/page.tsx":               "",
		"web/app/blog/page.test.tsx":          "",
		"web/app/(shop)/app/page.tsx":         "",
		"shop/src/app/(store)/cart/page.tsx":  "",
		"shop/src/pages/index.tsx":            "",
		"shop/src/pages/blog/[slug].tsx":      "",
		"shop/src/pages/blog/index.tsx":       "",
		"shop/src/pages/api/orders.ts":        "",
		"shop/src/pages/_app.tsx":             "",
		"lib/app/page.tsx":                    "", // not a Next.js app
		"web/src/app/page.tsx":                "", // web's router is web/app
		"app/page.tsx":                        "", // no app at the root
	}
	var got []string
	for _, r := range Detect(tree(files)).Routes() {
		got = append(got, r.File+" = "+r.String())
	}
	want := []string{
		"web/app/page.tsx = page /",
		"web/app/experiments/new/page.tsx = page /experiments/new",
		"web/app/(admin)/users/layout.tsx = layout /users",
		"web/app/@modal/photos/[id]/page.tsx = page /photos/[id]",
		"web/app/api/health/route.ts = route handler /api/health",
		"web/app/blog/not-found.tsx = not-found UI /blog",
		"web/app/(shop)/app/page.tsx = page /app", // an inner app/ is a segment
		"shop/src/app/(store)/cart/page.tsx = page /cart",
		"shop/src/pages/index.tsx = page /",
		"shop/src/pages/blog/[slug].tsx = page /blog/[slug]",
		"shop/src/pages/blog/index.tsx = page /blog",
		"shop/src/pages/api/orders.ts = API route /api/orders",
		"shop/src/pages/_app.tsx = pages/_app",
	}
	if strings.Join(sortStrings(got), "\n") != strings.Join(sortStrings(want), "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(sortStrings(got), "\n"), strings.Join(sortStrings(want), "\n"))
	}
}

// TestServed: static folders, other frameworks' file-system routes,
// content collections and migrations are pinned to their owner on
// evidence (a dependency or the tool's configuration), never by folder
// name alone.
func TestServed(t *testing.T) {
	fs := tree(map[string]string{
		"web/package.json":                     `{"dependencies": {"vite": "5"}}`,
		"web/public/img/logo.svg":              "",
		"web/src/main.ts":                      "",
		"kit/package.json":                     `{"devDependencies": {"@sveltejs/kit": "2"}}`,
		"kit/src/routes/blog/+page.svelte":     "",
		"kit/static/favicon.png":               "",
		"site/contentlayer.config.js":          "export default makeSource({ contentDirPath: './posts' })",
		"site/posts/2024/hello.mdx":            "",
		"db/package.json":                      `{"devDependencies": {"prisma": "5"}}`,
		"db/prisma/schema.prisma":              "",
		"db/prisma/migrations/0001_init/m.sql": "",
		"py/alembic.ini":                       "[alembic]\nscript_location = migrations\n",
		"py/migrations/env.py":                 "",
		"py/migrations/versions/0001.py":       "",
		"plain/public/img/logo.svg":            "",
		"plain/migrations/0001.sql":            "",
		"plain/content/a.md":                   "",
		"fe/package.json":                      `{"devDependencies": {"@tanstack/router-plugin": "1", "vite": "6"}}`,
		"fe/vite.config.ts":                    `export default { resolve: { alias: { "@": "./src" } }, build: { outDir: "../backend/static" } }`,
		"fe/openapi-ts.config.ts":              `export default { input: "./openapi.json", output: "./src/client" }`,
		"fe/src/client/core/request.ts":        "",
		"fe/src/routes/_layout/items.tsx":      "",
		"fe/src/components/ui/button.tsx":      "",
	})
	m := Detect(fs)
	pinned := map[string]bool{}
	for _, p := range m.Pins() {
		if p.Kind == KindServed {
			pinned[p.Path] = true
		}
	}
	for _, f := range []string{"web/public/img/logo.svg", "kit/src/routes/blog/+page.svelte", "kit/static/favicon.png",
		"site/posts/2024/hello.mdx", "db/prisma/migrations/0001_init/m.sql", "db/prisma/schema.prisma",
		"py/migrations/env.py", "py/migrations/versions/0001.py", "fe/src/client/core/request.ts", "fe/src/routes/_layout/items.tsx"} {
		if !pinned[f] {
			t.Errorf("%s is not pinned", f)
		}
	}
	for _, f := range []string{"web/src/main.ts", "fe/src/components/ui/button.tsx", "plain/public/img/logo.svg", "plain/migrations/0001.sql", "plain/content/a.md"} {
		if pinned[f] {
			t.Errorf("%s is pinned without evidence", f)
		}
	}
	for _, c := range []struct {
		from, to string
		bad      bool
	}{
		{"web/public/img", "web/public/images", true},
		{"web/public", "public", true},
		{"web", "apps/web", false},
		{"web/src", "web/lib", false},
		{"kit/src/routes/blog", "kit/src/routes/posts", true},
		{"site/posts/2024", "site/posts-2024", true},
		{"site", "apps/site", false},
		{"db/prisma/migrations/0001_init", "db/prisma/0001_init", true},
		{"db/prisma", "db/schema", true},
		{"db", "packages/db", false},
		{"py/migrations/versions", "py/versions", true},
		{"py", "backend/py", false},
		{"plain/public/img", "plain/img", false},
		{"fe/src/client/core", "fe/src/core", true},
		{"fe/src/routes/_layout", "fe/src/_layout", true},
		{"fe/src/components/ui", "fe/src/ui", false},
		{"fe", "apps/fe", false},
	} {
		why, bad := m.CheckDirMove(c.from, c.to)
		if bad != c.bad {
			t.Errorf("%s → %s: bad=%v (%s), want %v", c.from, c.to, bad, why, c.bad)
		}
	}
	mv := map[string]string{"web/public/img/logo.svg": "web/public/logo.svg"}
	if got := Diff(fs, mv); len(got) != 1 || got[0].Kind != KindServed || !strings.Contains(got[0].Msg, "URL") {
		t.Errorf("Diff = %v, want one served change naming the URL", got)
	}
	root := Detect(tree(map[string]string{"package.json": `{"dependencies": {"next": "15"}}`, "public/a/b.png": ""}))
	if why, bad := root.CheckDirMove("public/a", "public/c"); !bad || !strings.Contains(why, "stays where it is") {
		t.Errorf("root-anchored public/: %v %q", bad, why)
	}
}

// TestDjangoSettingsDirs: templates/ (and static/, locale/) that no app or
// project holds are named by path in settings, so they stay beside their
// parent (found on a real project whose TEMPLATES DIRS is
// os.path.join(APPS_DIR, "templates")).
func TestDjangoSettingsDirs(t *testing.T) {
	m := Detect(tree(map[string]string{
		"manage.py":                                "",
		"config/django/base.py":                    `TEMPLATES = [{"DIRS": [os.path.join(APPS_DIR, "templates")]}]`,
		"site_pkg/__init__.py":                     "",
		"site_pkg/templates/admin/base_site.html":  "",
		"site_pkg/static/css/site.css":             "",
		"site_pkg/users/apps.py":                   "",
		"site_pkg/users/templates/users/list.html": "",
	}))
	for _, c := range []struct {
		from, to string
		bad      bool
	}{
		{"site_pkg/templates", "templates", true},
		{"site_pkg/templates/admin", "site_pkg/admin", true},
		{"site_pkg/static/css", "site_pkg/css", true},
		{"site_pkg", "src/site_pkg", false},
		{"site_pkg/users/templates", "site_pkg/templates2", true},
	} {
		why, bad := m.CheckDirMove(c.from, c.to)
		if bad != c.bad {
			t.Errorf("%s → %s: bad=%v (%s), want %v", c.from, c.to, bad, why, c.bad)
		}
	}
}
