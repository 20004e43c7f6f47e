package conventions

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// Django. Evidence: a manage.py, an apps.py, a migrations/__init__.py, or
// "django" in a requirements*.txt, pyproject.toml, setup.cfg or Pipfile.
// An app is a folder holding apps.py or models.py, or a migrations/
// package. Django finds these folders inside an app by name (the app
// loader, the template and static finders, makemessages and the
// translation catalogs, migrate, manage.py commands, {% load %}):
// templates/, jinja2/, static/, locale/, migrations/, management/commands/,
// templatetags/, fixtures/. At project level (a folder holding manage.py,
// settings.py or a settings/ package) templates/, static/ and locale/ are
// named in settings relative to BASE_DIR. Format modules
// (FORMAT_MODULE_PATH) are formats/<lang>/formats.py packages. Each such
// folder forms a group with its owner's marker files: the app moves whole,
// or the folder stays.

// djangoAppFolders are the folders Django finds inside an app.
var djangoAppFolders = []string{"templates", "jinja2", "static", "locale", "migrations", "management", "templatetags", "fixtures"}

// djangoProjectFolders are the project-level folders named in settings.
var djangoProjectFolders = []string{"templates", "static", "locale"}

func (m *Model) detectDjango() {
	for _, f := range m.fs.Files() {
		switch b := path.Base(f); {
		case b == "manage.py", b == "apps.py", strings.HasSuffix(f, "migrations/__init__.py"):
			m.django = true
		case (strings.HasPrefix(b, "requirements") && strings.HasSuffix(b, ".txt")) || b == "pyproject.toml" || b == "setup.cfg" || b == "Pipfile":
			if strings.Count(f, "/") <= 2 {
				if data, err := m.fs.ReadFile(f); err == nil && bytes.Contains(bytes.ToLower(data), []byte("django")) {
					m.django = true
				}
			}
		}
		if m.django {
			break
		}
	}
	if !m.django {
		return
	}
	owners := map[string]bool{}
	for _, f := range m.fs.Files() {
		switch path.Base(f) {
		case "apps.py", "models.py", "manage.py", "settings.py":
			owners[dirOf(f)] = true
		case "__init__.py":
			if b := path.Base(dirOf(f)); b == "migrations" || b == "settings" {
				owners[dirOf(dirOf(f))] = true
			}
		}
	}
	for _, d := range sortedKeys(owners) {
		has := func(n string) bool { return m.fs.HasFile(join(d, n)) }
		app := has("apps.py") || has("models.py") || has("migrations/__init__.py")
		project := has("manage.py") || has("settings.py") || has("settings/__init__.py")
		if !app && !project {
			continue
		}
		folders := djangoProjectFolders
		what := "project"
		if app {
			folders, what = djangoAppFolders, "app"
		}
		g := Group{Kind: KindDjango, Anchor: d}
		var found []string
		for _, name := range folders {
			sub := join(d, name)
			if !m.dirs.isDir(sub) {
				continue
			}
			if name == "management" && !m.dirs.isDir(sub+"/commands") {
				continue
			}
			found = append(found, name+"/")
			g.Members = append(g.Members, m.dirs.under(sub)...)
		}
		if len(found) == 0 {
			continue
		}
		for _, n := range []string{"__init__.py", "apps.py", "models.py", "manage.py", "settings.py", "urls.py", "wsgi.py", "asgi.py"} {
			if has(n) {
				g.Members = append(g.Members, join(d, n))
			}
		}
		g.Why = fmt.Sprintf("Django finds %s inside the %s %s by name", strings.Join(found, ", "), what, orDot(d)+"/")
		m.addGroup(g)
	}
	m.detectDjangoSettingsDirs()
	// Format modules: <pkg>/formats/<lang>/formats.py.
	seen := map[string]bool{}
	for _, f := range m.fs.Files() {
		if path.Base(f) != "formats.py" {
			continue
		}
		lang := dirOf(f)
		formats := dirOf(lang)
		if path.Base(formats) != "formats" || seen[formats] {
			continue
		}
		seen[formats] = true
		owner := dirOf(formats)
		g := Group{Kind: KindDjango, Anchor: owner, Members: append([]string(nil), m.dirs.under(formats)...),
			Why: fmt.Sprintf("Django imports the format modules of %s by the dotted path in FORMAT_MODULE_PATH", formats+"/")}
		if init := join(owner, "__init__.py"); m.fs.HasFile(init) {
			g.Members = append(g.Members, init)
		}
		m.addGroup(g)
	}
}

// detectDjangoSettingsDirs pins the templates/, jinja2/, static/ and
// locale/ folders no app or project claims: settings name them by path
// (TEMPLATES DIRS, STATICFILES_DIRS, LOCALE_PATHS), usually computed from
// a base directory (os.path.join(APPS_DIR, "templates")) that no rewrite
// can follow, so they stay beside their parent folder.
func (m *Model) detectDjangoSettingsDirs() {
	claimed := map[string]bool{}
	for _, g := range m.groups {
		if g.Kind == KindDjango {
			for _, f := range g.Members {
				claimed[f] = true
			}
		}
	}
	var taken []string
	for _, d := range m.dirs.dirs {
		switch path.Base(d) {
		case "templates", "jinja2", "static", "locale":
		default:
			continue
		}
		inside := false
		for _, t := range taken {
			if isUnder(d, t) {
				inside = true
				break
			}
		}
		files := m.dirs.under(d)
		if inside || len(files) == 0 || claimed[files[0]] {
			continue
		}
		taken = append(taken, d)
		owner := dirOf(d)
		g := Group{Kind: KindDjango, Anchor: owner, Folder: d, Members: append([]string(nil), files...),
			Why: fmt.Sprintf("Django settings name %s by path (TEMPLATES DIRS, STATICFILES_DIRS or LOCALE_PATHS)", d+"/")}
		if init := join(owner, "__init__.py"); m.fs.HasFile(init) {
			g.Members = append(g.Members, init)
		}
		m.addGroup(g)
	}
}
