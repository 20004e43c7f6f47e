package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/workspace"
)

// validationTree is the workspace every validation case runs against.
var validationTree = map[string]string{
	"src/app/__init__.py":                 "",
	"src/app/backend/__init__.py":         "",
	"src/app/backend/api/__init__.py":     "from .main import run\n",
	"src/app/backend/api/main.py":         "def run(): pass\n",
	"src/app/backend/api/routes.py":       "",
	"src/app/backend/auth/__init__.py":    "# comment only\n",
	"src/app/backend/auth/handler.py":     "",
	"src/app/backend/ws/__init__.py":      "X = 1\n",
	"src/app/backend/ws/server.py":        "",
	"src/app/backend/ws/events.py":        "",
	"src/app/api/existing.py":             "",
	"src/app/deep/a/b/c/d.py":             "",
	"web/app/experiments/new/page.tsx":    "",
	"web/app/experiments/[id]/page.tsx":   "",
	"web/tsconfig.json":                   "{}",
	"docs/readme.md":                      "",
	"src/app/backend/api/static/logo.svg": "",
}

func memFS(files map[string]string) workspace.FileSet {
	m := map[string][]byte{}
	for k, v := range files {
		m[k] = []byte(v)
	}
	return workspace.NewMemSet(m)
}

// TestValidate runs one plan per case and expects exactly the listed
// problems, each at its line of the plan.
func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		toml string
		want []string // "line: substring"
	}{
		{"clean", `
[[move]]
from = "src/app/backend/api"
to = "src/app/api2"
`, nil},
		{"missing source", `
[[move]]
from = "src/app/nope.py"
to = "src/app/x.py"
`, []string{"2: source src/app/nope.py does not exist"}},
		{"target exists", `
[[move]]
from = "src/app/backend/api/main.py"
to = "src/app/api/existing.py"
`, []string{"2: target src/app/api/existing.py already exists"}},
		{"two onto one", `
[[move]]
from = "src/app/backend/api/routes.py"
to = "src/app/api/r.py"

[[move]]
from = "src/app/backend/ws/events.py"
to = "src/app/api/r.py"
`, []string{"6: src/app/backend/api/routes.py and src/app/backend/ws/events.py are both moved onto src/app/api/r.py (line 2)"}},
		{"cycle", `
[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/backend/ws/events.py"

[[move]]
from = "src/app/backend/ws/events.py"
to = "src/app/backend/ws/server.py"
`, []string{"2: moves form a cycle"}},
		{"round trip across phases", `
[[move]]
from = "src/app/backend/auth/handler.py"
to = "src/app/handler.py"
phase = 1

[[move]]
from = "src/app/handler.py"
to = "src/app/backend/auth/handler.py"
phase = 2
`, []string{"7: moves src/app/backend/auth/handler.py back to where it started (line 2"}},
		{"escapes the root", `
[[move]]
from = "src/app/backend/api/main.py"
to = "../outside/main.py"

[[move]]
from = "/etc/passwd"
to = "src/app/passwd"
`, []string{"2: target ../outside/main.py is outside the workspace root", "6: source /etc/passwd is outside the workspace root"}},
		{"still too deep", `
[[move]]
from = "src/app/backend/api/main.py"
to = "src/app/x/y/z/main.py"

[[move]]
from = "web/app"
to = "web/x/app2"
`, []string{"2: target src/app/x/y/z/main.py is at level 5, deeper than the limit of 4", "6: moving web/app to web/x/app2 leaves 2 files deeper than the limit of 4"}},
		{"init alone", `
[[move]]
from = "src/app/backend/api/__init__.py"
to = "src/app/api/__init__.py"
`, []string{"2: moving src/app/backend/api/__init__.py alone splits package src/app/backend/api"}},
		{"init alone, said so", `
[[move]]
from = "src/app/backend/api/__init__.py"
to = "src/app/api/__init__.py"
note = "split: the api package keeps only its modules"
`, nil},
		{"init left behind", `
[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/ws/server.py"

[[move]]
from = "src/app/backend/ws/events.py"
to = "src/app/ws/events.py"
`, []string{"2: this moves every module of package src/app/backend/ws but leaves src/app/backend/ws/__init__.py behind"}},
		{"some modules of a package is fine", `
[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/ws_server.py"
`, nil},
		{"comment-only init left behind is fine", `
[[move]]
from = "src/app/backend/auth/handler.py"
to = "src/app/auth_handler.py"
`, nil},
		{"later phase moves what an earlier one created", `
[[move]]
from = "src/app/backend/api"
to = "src/app/api2"
phase = 1

[[move]]
from = "src/app/api2/main.py"
to = "src/app/main.py"
phase = 2
`, nil},
		{"later phase names a moved source", `
[[move]]
from = "src/app/backend/api"
to = "src/app/api2"
phase = 1

[[move]]
from = "src/app/backend/api/routes.py"
to = "src/app/routes.py"
phase = 2
`, []string{"7: source src/app/backend/api/routes.py does not exist any more: line 2 (an earlier phase) moved it to src/app/api2/routes.py"}},
		{"earlier phase creates the target", `
[[move]]
from = "src/app/backend/api/main.py"
to = "src/app/main.py"
phase = 1

[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/main.py"
phase = 2
`, []string{"7: target src/app/main.py already exists"}},
		{"merge checked by default", `
[[merge]]
from = ["src/app/backend/ws/server.py", "src/app/backend/ws/events.py"]
to = "src/app/ws.py"
`, nil},
		{"case-only collision with a staying file", `
[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/API/server.py"
`, []string{"2: src/app/API differs only in letter case from src/app/api"}},
		{"case-only collision of two targets", `
[[move]]
from = "src/app/backend/auth/handler.py"
to = "src/app/Server.py"

[[move]]
from = "src/app/backend/ws/events.py"
to = "src/app/server.py"
`, []string{"2: src/app/Server.py differs only in letter case from src/app/server.py"}},
		{"case-only rename is fine", `
[[move]]
from = "src/app/backend/ws/server.py"
to = "src/app/backend/ws/Server.py"
`, nil},
		{"every problem at once", `
[[move]]
from = "src/app/nope.py"
to = "src/app/x.py"

[[move]]
from = "src/app/backend/api/main.py"
to = "src/app/api/existing.py"
`, []string{"2: source src/app/nope.py does not exist", "6: target src/app/api/existing.py already exists"}},
	}
	fs := memFS(validationTree)
	rule := depth.Rule{Max: 4, Root: "."}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("relayout.toml", []byte(c.toml))
			if err != nil {
				t.Fatal(err)
			}
			got := Validate(fs, p, ValidateOptions{Rule: rule})
			var gotS []string
			for _, g := range got {
				gotS = append(gotS, g.String())
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n  %s", len(got), len(c.want), strings.Join(gotS, "\n  "))
			}
			for i, w := range c.want {
				line, sub, _ := strings.Cut(w, ": ")
				prefix := "relayout.toml:" + line + ": "
				if !strings.HasPrefix(gotS[i], prefix) || !strings.Contains(gotS[i], sub) {
					t.Errorf("problem %d = %q, want %q… containing %q", i, gotS[i], prefix, sub)
				}
			}
		})
	}
}

// TestValidateSymlinkEscape refuses a target below a symlink that leaves
// the workspace.
func TestValidateSymlinkEscape(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "src", "a.py"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "out")); err != nil {
		t.Skip(err)
	}
	p, _ := Parse("relayout.toml", []byte("[[move]]\nfrom = \"src/a.py\"\nto = \"out/a.py\"\n"))
	got := Validate(memFS(map[string]string{"src/a.py": ""}), p, ValidateOptions{Rule: depth.Rule{Max: 4}, Root: root})
	if len(got) != 1 || !strings.Contains(got[0].String(), "relayout.toml:1: target out/a.py leaves the workspace root through the symlink out") {
		t.Errorf("got %v", got)
	}
}

// TestApplied: a phase whose sources are gone and targets present is
// applied, also when a later phase moved its target on.
func TestApplied(t *testing.T) {
	p, _ := Parse("relayout.toml", []byte(`
[[move]]
from = "a/x.py"
to = "b/x.py"
phase = 1

[[move]]
from = "b/x.py"
to = "c/x.py"
phase = 2
`))
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{"a/x.py"}, "false false"},
		{[]string{"b/x.py"}, "true false"},
		{[]string{"c/x.py"}, "true true"},
	} {
		m := map[string]string{}
		for _, f := range c.files {
			m[f] = ""
		}
		got := Applied(memFS(m), p.Phases())
		if s := boolS(got[0]) + " " + boolS(got[1]); s != c.want {
			t.Errorf("files %v: applied = %s, want %s", c.files, s, c.want)
		}
	}
}

// TestCheckCrossPhaseCycle: a plan whose second phase moves back what the
// first moved (a → c, then c → a) is refused as a whole before anything is
// applied, instead of half-applying and flipping on every re-run; once
// every phase is applied, Check reports them applied with no problem.
func TestCheckCrossPhaseCycle(t *testing.T) {
	p, _ := Parse("relayout.toml", []byte(`
[[move]]
from = "a.py"
to = "c.py"
phase = 1

[[move]]
from = "c.py"
to = "a.py"
phase = 2
`))
	st := Check(memFS(map[string]string{"a.py": ""}), p, ValidateOptions{})
	if len(st.Pending) != 2 || len(st.Problems) != 1 || !strings.Contains(st.Problems[0].String(), "relayout.toml:7: moves a.py back to where it started") {
		t.Errorf("pending %d, problems %v", len(st.Pending), st.Problems)
	}
}

// TestCheckApplied: after every phase is applied, Check reports them as
// applied and finds no problem (plan --check used to say "source … does
// not exist"); a phase that looks applied after a pending one is pending.
func TestCheckApplied(t *testing.T) {
	p, _ := Parse("relayout.toml", []byte(`
[[move]]
from = "a/x.py"
to = "b/x.py"
phase = 1

[[move]]
from = "d/y.py"
to = "e/y.py"
phase = 2
`))
	for _, c := range []struct {
		files   []string
		applied string
		probs   int
	}{
		{[]string{"a/x.py", "d/y.py"}, "false false", 0},
		{[]string{"b/x.py", "d/y.py"}, "true false", 0},
		{[]string{"b/x.py", "e/y.py"}, "true true", 0},
		{[]string{"a/x.py", "e/y.py"}, "false false", 1}, // phase 2 looks applied, phase 1 is not
	} {
		m := map[string]string{}
		for _, f := range c.files {
			m[f] = ""
		}
		st := Check(memFS(m), p, ValidateOptions{})
		if s := boolS(st.Applied[0]) + " " + boolS(st.Applied[1]); s != c.applied || len(st.Problems) != c.probs {
			t.Errorf("files %v: applied = %s, problems %v; want %s and %d problems", c.files, s, st.Problems, c.applied, c.probs)
		}
	}
}

func boolS(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
