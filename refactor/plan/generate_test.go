package plan

import (
	"fmt"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// TestTSIncludeRoots: the literal folder of each tsconfig include pattern
// below the config's own folder is a source root, so are the folders a
// paths wildcard maps into and src/ beside a package.json; files, the
// config's folder itself and folders outside it are not.
func TestTSIncludeRoots(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"web/tsconfig.json":        []byte(`{"include": ["src", "./tests/**/*.ts", "lib/**/*", "playwright.config.ts", "**/*.d.ts", "../shared"]}`),
		"web/src/main.ts":          nil,
		"web/tests/a.test.ts":      nil,
		"web/lib/x.ts":             nil,
		"web/playwright.config.ts": nil,
		"api/tsconfig.json":        []byte(`{"compilerOptions": {"paths": {"~/*": ["./app/*"], "cfg": ["./config.ts"]}}}`),
		"api/index.ts":             nil,
		"api/app/x.ts":             nil,
		"ui/package.json":          []byte(`{}`),
		"ui/src/button.tsx":        nil,
	})
	got, _ := tsIncludeRoots(fs)
	want := map[string]bool{"web/src": true, "web/tests": true, "web/lib": true, "api/app": true, "ui/src": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tsIncludeRoots = %v, want %v", got, want)
	}
}
