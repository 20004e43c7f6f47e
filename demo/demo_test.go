package demo

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

const (
	backendDir  = "src/use_cases/fine_tuning_studio/backend/"
	frontendDir = "src/use_cases/fine_tuning_studio/frontend"
	maxLevel    = 4
)

// level is the number of directories between the workspace root and the file.
func level(name string) int { return strings.Count(name, "/") }

// write writes the workspace to a fresh temporary directory and returns it.
func write(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ws")
	if err := Write(dir); err != nil {
		t.Fatalf("Write(%s): %v", dir, err)
	}
	return dir
}

// onDisk returns the slash-separated paths of all regular files under dir.
func onDisk(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

func TestArchiveWellFormed(t *testing.T) {
	names := Files()
	if len(names) == 0 {
		t.Fatal("Files() is empty")
	}
	if !slices.IsSorted(names) {
		t.Errorf("Files() not sorted: %q", names)
	}
	seen := map[string]bool{}
	for _, f := range Archive().Files {
		if seen[f.Name] {
			t.Errorf("%s: duplicate archive entry", f.Name)
		}
		seen[f.Name] = true
		if path.Clean(f.Name) != f.Name || !filepath.IsLocal(f.Name) || strings.Contains(f.Name, `\`) {
			t.Errorf("%q: not a clean, local, slash-separated path", f.Name)
		}
		if !bytes.HasSuffix(f.Data, []byte("\n")) || bytes.Contains(f.Data, []byte("\r")) {
			t.Errorf("%s: must use LF line endings and end with a newline", f.Name)
		}
	}
	if slices.Contains(names, "relayout.toml") {
		t.Error("the demo must run on relayout's defaults: no relayout.toml")
	}

	// Archive hands out copies: changing one must not leak into the next.
	a := Archive()
	a.Files[0].Name = "changed"
	a.Files[0].Data[0] = '!'
	if b := Archive(); b.Files[0].Name == "changed" || b.Files[0].Data[0] == '!' {
		t.Error("Archive() returned shared state")
	}
}

func TestWriteAllFilesAndDepth(t *testing.T) {
	dir := write(t)
	if got, want := onDisk(t, dir), Files(); !slices.Equal(got, want) {
		t.Fatalf("files on disk differ from Files()\n got: %q\nwant: %q", got, want)
	}
	for _, f := range Archive().Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, f.Data) {
			t.Errorf("%s: content differs from the archive", f.Name)
		}
		if path.Ext(f.Name) == ".sh" {
			if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name))); err != nil || info.Mode()&0o100 == 0 {
				t.Errorf("%s: shell script not executable (%v)", f.Name, err)
			}
		}
	}

	deep := map[string]int{}
	for _, name := range Files() {
		if n := level(name); n > maxLevel {
			deep[name] = n
		}
	}
	if len(deep) == 0 {
		t.Fatal("no file is deeper than 4 levels; the demo has nothing to flatten")
	}
	want := map[string]int{frontendDir + "/app/experiments/new/page.tsx": 7}
	for _, module := range []string{
		"api/main.py", "auth/auth_handler.py", "collaboration/collaboration_manager.py",
		"deployment/deployer.py", "model_card/generator.py", "testing/test_suite.py",
		"versioning/experiment_versioning.py", "websocket/server.py",
	} {
		want[backendDir+module] = 5
	}
	for name, n := range want {
		if got, ok := deep[name]; !ok || got != n {
			t.Errorf("%s: level %d, deep=%v; want level %d and flagged deep", name, got, ok, n)
		}
	}
	if n := level("src/use_cases/fine_tuning/api/main.py"); n != 4 {
		t.Errorf("level() counts %d for the brief's level-4 example", n)
	}
}

// TestImportForms pins where each import form lives, so an edit that drops one
// from the demo fails here rather than silently weakening the demo.
func TestImportForms(t *testing.T) {
	files := map[string]string{}
	for _, f := range Archive().Files {
		files[f.Name] = string(f.Data)
	}
	forms := []struct{ form, file, text string }{
		{"import a.b.c + attribute use", backendDir + "model_card/generator.py",
			"use_cases.fine_tuning_studio.backend.versioning.experiment_versioning.summarize("},
		{"import a.b.c as x", backendDir + "deployment/deployer.py",
			"import use_cases.fine_tuning_studio.backend.model_card.generator as card_generator"},
		{"from a.b import c, d as e", backendDir + "api/main.py",
			"from use_cases.fine_tuning_studio.backend.websocket import events, server as ws_server"},
		{"parenthesised multi-line from-import", backendDir + "api/main.py",
			"collaboration_manager import (\n    CollaborationManager,\n    Comment,\n)"},
		{"from . import x", backendDir + "api/main.py", "from . import routes"},
		{"from ..pkg import module", backendDir + "websocket/server.py", "from ..auth import auth_handler"},
		{"from ..pkg.module import X", backendDir + "collaboration/collaboration_manager.py",
			"from ..auth.auth_handler import AuthError, User"},
		{"from .x import *", backendDir + "websocket/server.py", "from .events import *"},
		{"import inside a function", backendDir + "deployment/deployer.py",
			"        from ..testing.test_suite import run_smoke_tests"},
		{"try/except ImportError", backendDir + "deployment/deployer.py",
			"try:\n    from use_cases.fine_tuning.trainer import TrainingConfig\nexcept ImportError:"},
		{"if TYPE_CHECKING", backendDir + "collaboration/collaboration_manager.py",
			"if TYPE_CHECKING:\n    # Only for annotations: the websocket server imports this module at runtime.\n    from ..websocket.server import WebSocketServer"},
		{"importlib.import_module", backendDir + "testing/test_suite.py",
			`importlib.import_module("use_cases.fine_tuning.datasets.loader")`},
		{"__init__ re-export", backendDir + "api/__init__.py", "from .main import create_app"},
		{"mock.patch string", "tests/test_backend.py",
			`mock.patch("use_cases.fine_tuning_studio.backend.deployment.deployer.run_health_check"`},
		{"console script", "pyproject.toml", `studio = "use_cases.fine_tuning_studio.backend.api.main:run"`},
		{"uvicorn target", "src/use_cases/fine_tuning_studio/deployment/scripts/start_api.sh",
			"uvicorn use_cases.fine_tuning_studio.backend.api.main:app"},
		{"Procfile", "Procfile", "use_cases.fine_tuning_studio.backend.api.main:app"},
		{"@/ alias", frontendDir + "/app/dashboard/page.tsx", "from '@/hooks/useExperiments'"},
		{"relative directory import via barrel", frontendDir + "/app/dashboard/page.tsx", "from '../../components'"},
		{"import type", frontendDir + "/lib/api.ts", "import type {"},
		{"export * from", frontendDir + "/components/index.ts", "export * from './ui/Button'"},
		{"export { X } from", frontendDir + "/components/index.ts", "export { Card } from './ui/Card'"},
		{"dynamic import, alias", frontendDir + "/app/experiments/new/page.tsx", "await import('@/lib/api')"},
		{"dynamic import, relative", frontendDir + "/hooks/useExperimentEvents.ts", "import('../lib/api')"},
		{"side-effect CSS import", frontendDir + "/app/layout.tsx", "import '../styles/globals.css';"},
		{"CSS module", frontendDir + "/components/ui/Card.tsx", "import styles from './Card.module.css';"},
		{"SVG asset", frontendDir + "/components/Logo.tsx", "import logoSrc from '../assets/logo.svg';"},
		{"tsconfig alias", frontendDir + "/tsconfig.json", `"@/*": ["./*"],`},
	}
	for _, f := range forms {
		body, ok := files[f.file]
		if !ok {
			t.Errorf("%s: file %s missing", f.form, f.file)
			continue
		}
		if !strings.Contains(body, f.text) {
			t.Errorf("%s: %s does not contain %q", f.form, f.file, f.text)
		}
	}
}

func TestWriteRefusesNonEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(dir)
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Write(non-empty dir) = %v, want an error wrapping ErrNotEmpty", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "empty directory") {
		t.Errorf("error %q should name the directory and say what to do", err)
	}
	if got := onDisk(t, dir); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("Write changed a non-empty directory: %q", got)
	}
	if data, _ := os.ReadFile(keep); string(data) != "mine\n" {
		t.Errorf("existing file overwritten: %q", data)
	}

	// An existing empty directory is fine.
	empty := t.TempDir()
	if err := Write(empty); err != nil {
		t.Errorf("Write(empty dir): %v", err)
	}
	// A regular file is not a directory to write into.
	if err := Write(keep); err == nil {
		t.Error("Write(regular file) succeeded")
	}
}

// pythonModules returns the dotted name of every .py module under src/.
func pythonModules() []string {
	var modules []string
	for _, name := range Files() {
		if !strings.HasPrefix(name, "src/") || path.Ext(name) != ".py" {
			continue
		}
		m := strings.TrimSuffix(strings.TrimPrefix(name, "src/"), ".py")
		m = strings.TrimSuffix(m, "/__init__")
		modules = append(modules, strings.ReplaceAll(m, "/", "."))
	}
	return modules
}

func python(t *testing.T, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), "python3", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH=src", "PYTHONDONTWRITEBYTECODE=1")
	return cmd
}

func TestPython(t *testing.T) {
	testtool.Find(t, "python3", "")
	dir := write(t)

	modules := pythonModules()
	if len(modules) < 20 {
		t.Fatalf("found only %d Python modules: %q", len(modules), modules)
	}
	for _, m := range modules {
		t.Run("import "+m, func(t *testing.T) {
			if out, err := python(t, dir, "-c", "import "+m).CombinedOutput(); err != nil {
				t.Errorf("import %s: %v\n%s", m, err, out)
			}
		})
	}

	t.Run("unittest", func(t *testing.T) {
		out, err := python(t, dir, "-m", "unittest", "discover", "-s", "tests").CombinedOutput()
		if err != nil {
			t.Fatalf("unittest: %v\n%s", err, out)
		}
		ran := regexp.MustCompile(`(?m)^Ran (\d+) tests? in`).FindSubmatch(out)
		if ran == nil || string(ran[1]) == "0" || !bytes.Contains(out, []byte("\nOK")) {
			t.Fatalf("unittest ran no tests or did not report OK:\n%s", out)
		}
	})

	// The check is meaningful: a module that disappears breaks its importers.
	t.Run("missing module is caught", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(backendDir+"auth/auth_handler.py"))); err != nil {
			t.Fatal(err)
		}
		out, err := python(t, dir, "-c", "import use_cases.fine_tuning_studio.backend.api.main").CombinedOutput()
		if err == nil || !bytes.Contains(out, []byte("ModuleNotFoundError")) {
			t.Errorf("importing api.main without auth_handler: err=%v\n%s", err, out)
		}
	})
}

func TestTypeScript(t *testing.T) {
	tsc := testtool.Find(t, "tsc", "RELAYOUT_TSC") // npm install --prefix /tmp/tsc typescript@5
	dir := write(t)
	project := filepath.Join(dir, filepath.FromSlash(frontendDir))
	run := func() ([]byte, error) {
		return exec.CommandContext(t.Context(), tsc, "--noEmit", "-p", project).CombinedOutput()
	}
	if out, err := run(); err != nil {
		t.Fatalf("tsc --noEmit -p %s: %v\n%s", frontendDir, err, out)
	}

	// The check is meaningful: the JSX and framework stand-ins do not turn
	// everything into any, so a broken import through the barrel fails.
	page := filepath.Join(project, "app", "page.tsx")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "import { Button, Card } from '@/components';",
		"import { Button, Card, Missing } from '@/components';\nvoid Missing;", 1)
	if broken == string(data) {
		t.Fatal("app/page.tsx no longer imports { Button, Card } from '@/components'")
	}
	if err := os.WriteFile(page, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run()
	if err == nil || !bytes.Contains(out, []byte("Missing")) {
		t.Errorf("tsc accepted an import of a name the barrel does not export: err=%v\n%s", err, out)
	}
}
