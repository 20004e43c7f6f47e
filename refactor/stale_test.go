package refactor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// TestStaleReferences: after app/backend/api/server moved to app/server
// (and app/core/text.py to a namespace package app/lib/text.py) with
// strings left alone, every leftover naming the old modules is found with
// its replacement; names that still resolve, a module's attributes, file
// names and paths are not.
func TestStaleReferences(t *testing.T) {
	files := map[string]string{
		"pyproject.toml":             "[project.scripts]\nserve = \"app.backend.api.server.main:run\"\nok = \"app.server.main:run\"\n",
		"Procfile":                   "web: gunicorn app.backend.api.server.main:run --log app.log\n",
		"deploy/app.yaml":            "module: app.core.text\nfile: src/app/core/text.py\nconfig: settings.json\n",
		"scripts/run.sh":             "python -m app.backend.api.server.main\npython -m app.server.main.run\n",
		"README.md":                  "app.backend.api.server.main moved\n",
		"src/app/__init__.py":        "",
		"src/app/server/__init__.py": "",
		"src/app/server/main.py":     "def run():\n    pass\n",
		"src/app/lib/text.py":        "def slug(s):\n    return s\n",
		"src/app/tests/test_x.py":    "from unittest import mock\n\n\n@mock.patch(\"app.backend.api.server.main.run\")\n@mock.patch(\"app.server.main.run\")\ndef test(m, n):\n    pass\n",
	}
	mem := map[string][]byte{}
	for p, c := range files {
		mem[p] = []byte(c)
	}
	fs := workspace.NewMemSet(mem)
	ix, err := index.Build(t.Context(), fs, config.Default(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range StaleReferences(t.Context(), ix) {
		if string(mem[s.Path][s.Start:s.End]) != s.Name {
			t.Errorf("%s: range %d-%d does not hold %q", s.Path, s.Start, s.End, s.Name)
		}
		got = append(got, fmt.Sprintf("%s:%d: %s → %s", s.Path, s.Line, s.Name, strings.Join(s.Replacements, " | ")))
	}
	want := []string{
		"Procfile:1: app.backend.api.server.main → app.server.main",
		"deploy/app.yaml:1: app.core.text → app.lib.text",
		"pyproject.toml:2: app.backend.api.server.main → app.server.main",
		"scripts/run.sh:1: app.backend.api.server.main → app.server.main",
		"src/app/tests/test_x.py:4: app.backend.api.server.main.run → app.server.main.run",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stale references:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
