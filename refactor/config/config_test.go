package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaults(t *testing.T) {
	c, err := Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if c.Depth.Max != 4 || c.Depth.Root != "." || c.Depth.Severity != "warning" || c.TypeScript.Specifiers != "preserve" || c.Path != "" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestParse(t *testing.T) {
	c, err := Parse("relayout.toml", []byte(`
[depth]
max = 3
severity = "error"
exclude = ["docs/**"]

[python]
roots = ["src"]

[[move]]
from = "a.py"
to = "b/a.py"
phase = 2

[[merge]]
from = ["x.py", "y.py"]
to = "xy.py"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Depth.Max != 3 || c.Depth.Severity != "error" || c.Python.Roots[0] != "src" || c.Depth.Root != "." {
		t.Errorf("config = %+v", c)
	}
	if len(c.Moves) != 1 || c.Moves[0].Line != 10 || c.Moves[0].Phase != 2 {
		t.Errorf("moves = %+v", c.Moves)
	}
	if len(c.Merges) != 1 || c.Merges[0].Line != 15 || len(c.Merges[0].From) != 2 {
		t.Errorf("merges = %+v", c.Merges)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"syntax", "[depth]\nmax = = 3\n", 2, ""},
		{"unknown key", "[depth]\nmax = 3\nmaxx = 4\n", 3, `unknown key "depth.maxx"`},
		{"severity", "[depth]\nseverity = \"fatal\"\n", 2, "severity"},
		{"specifiers", "[typescript]\nspecifiers = \"odd\"\n", 2, "specifiers"},
		{"imports", "[python]\nimports = \"odd\"\n", 2, "imports"},
		{"negative", "[depth]\nmax = -1\n", 2, "positive"},
		{"escape", "[depth]\nroot = \"../x\"\n", 2, "outside"},
		{"glob", "[depth]\nexclude = [\"a/[\"]\n", 2, "invalid glob"},
	} {
		_, err := Parse("relayout.toml", []byte(tc.src))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: err = %v, want *Error", tc.name, err)
			continue
		}
		if ce.Line != tc.line || !strings.Contains(ce.Error(), tc.msg) || !strings.HasPrefix(ce.Error(), "relayout.toml:") {
			t.Errorf("%s: %v (line %d), want line %d and %q", tc.name, ce, ce.Line, tc.line, tc.msg)
		}
	}
}

func TestLoadMalformed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("[depth\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	var ce *Error
	if !errors.As(err, &ce) || ce.Line == 0 || !strings.Contains(ce.Path, FileName) {
		t.Errorf("Load = %v", err)
	}
}

func TestUpdateStrings(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"", true},
		{"[moves]\nupdate_strings = false\n", false},
		{"[moves]\nupdate_strings = true\n\n[[move]]\nfrom = \"a.py\"\nto = \"b.py\"\n", true},
	} {
		c, err := Parse("relayout.toml", []byte(tc.src))
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		if c.UpdateStrings() != tc.want {
			t.Errorf("%q: UpdateStrings() = %v, want %v", tc.src, c.UpdateStrings(), tc.want)
		}
	}
	// [move] is the plan's array: a table of that name is explained.
	for _, src := range []string{
		"[move]\nupdate_strings = false\n",
		"[[move]]\nfrom = \"a.py\"\nto = \"b.py\"\n\n[move]\nupdate_strings = false\n",
	} {
		_, err := Parse("relayout.toml", []byte(src))
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "[moves]") || ce.Line == 0 {
			t.Errorf("%q: err = %v, want one pointing to [moves]", src, err)
		}
	}
}
