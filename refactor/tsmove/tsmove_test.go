package tsmove

import (
	"testing"

	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		rel, rest, orig, want string
	}{
		{"lib", "", "src", "lib"},
		{"lib", "", "./src", "./lib"},
		{"lib", "", "src/", "lib/"},
		{"", "**/*", "./**/*", "./**/*"},
		{"", "*", "./*", "./*"},
		{"", "", ".", "."},
		{"../x", "*", "./src/*", "../x/*"},
		{"a/b", "**/*.ts", "src/**/*.ts", "a/b/**/*.ts"},
	} {
		if got := formatValue(tc.rel, tc.rest, tc.orig); got != tc.want {
			t.Errorf("formatValue(%q, %q, %q) = %q, want %q", tc.rel, tc.rest, tc.orig, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, lit, rest string }{
		{"src/**/*.ts", "src", "**/*.ts"},
		{"./*", ".", "*"},
		{"src/lib", "src/lib", ""},
		{"src/icons/*.svg", "src/icons", "*.svg"},
		{"**/*", "", "**/*"},
	} {
		if lit, rest := splitGlob(tc.in); lit != tc.lit || rest != tc.rest {
			t.Errorf("splitGlob(%q) = %q, %q; want %q, %q", tc.in, lit, rest, tc.lit, tc.rest)
		}
	}
}

// TestRewriteConfigBOMAndComments checks that a config with a BOM,
// comments and trailing commas gets edits at the right byte offsets and
// that values naming nothing in the workspace (outDir, node_modules) and
// ${configDir} values are left alone.
func TestRewriteConfigBOMAndComments(t *testing.T) {
	cfg := "\ufeff{\n  // comment with \"quotes\"\n  \"compilerOptions\": {\n    \"outDir\": \"dist\", /* out */\n    \"rootDir\": \"${configDir}/src\",\n    \"paths\": { \"@/*\": [\"./src/*\", \"node_modules/x/*\"], },\n  },\n  \"include\": [\"src\",],\n}\n"
	files := map[string][]byte{"app/tsconfig.json": []byte(cfg), "app/src/a.ts": nil, "app/src/b.ts": nil}
	old := workspace.NewMemSet(files)
	moved := map[string]string{"app/src/a.ts": "app/lib/a.ts", "app/src/b.ts": "app/lib/b.ts"}
	after := map[string][]byte{"app/tsconfig.json": []byte(cfg), "app/lib/a.ts": nil, "app/lib/b.ts": nil}
	c := newContext(t, old, workspace.NewMemSet(after), moved)
	edits, warns := RewriteConfigs(c, moved)
	got, err := edit.ApplyEdits([]byte(cfg), edits["app/tsconfig.json"])
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeff{\n  // comment with \"quotes\"\n  \"compilerOptions\": {\n    \"outDir\": \"dist\", /* out */\n    \"rootDir\": \"${configDir}/src\",\n    \"paths\": { \"@/*\": [\"./lib/*\", \"node_modules/x/*\"], },\n  },\n  \"include\": [\"lib\",],\n}\n"
	if string(got) != want {
		t.Errorf("config after:\n%s\nwant:\n%s", got, want)
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
}

func newContext(t *testing.T, old, after workspace.FileSet, moved map[string]string) *Context {
	t.Helper()
	oldR, _ := tsresolve.New(old)
	newR, _ := tsresolve.New(after)
	return &Context{Old: oldR, New: newR, OldFS: old, NewFS: after,
		NewPath: func(p string) string {
			if n, ok := moved[p]; ok {
				return n
			}
			return p
		},
		NewDir: func(d string) string { return d }}
}
