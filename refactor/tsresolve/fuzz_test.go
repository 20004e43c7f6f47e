package tsresolve

import (
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// FuzzConfig: any tsconfig.json bytes — also extended by a second config
// and extending itself — load without a panic; a config that cannot be
// used is a Problem naming its file. Seeds: the JSONC oddities below.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}`))
	f.Add([]byte("\xef\xbb\xbf{\n // c\n \"extends\": \"./tsconfig.json\",\n \"compilerOptions\": {/* b */ \"paths\": {\"@x/*\": [\"x/*\",],},},\n}\n"))
	f.Add([]byte(`{"extends": ["./base.json", "./missing.json"], "files": ["a.ts"], "include": ["**/*"]}`))
	for _, s := range []string{"", "[]", "null", "{", "{\"compilerOptions\": 1}", "/* unterminated", "{\"a\": \"\\u00\"}",
		"{\"compilerOptions\": {\"paths\": {\"*\": [\"*\"], \"a/*/b/*\": [\"../*\"]}}}", "{\"extends\": \"/etc/passwd\"}", "{\"extends\": \"../../x\"}",
		"{\"a\": 1, \"a\": 2,}", "\xff\xfe{\x00}\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := workspace.NewMemSet(map[string][]byte{
			"tsconfig.json":     data,
			"app/tsconfig.json": []byte(`{"extends": "../tsconfig.json", "compilerOptions": {"baseUrl": "."}}`),
			"base.json":         data,
			"a.ts":              []byte("import './b';\n"),
			"app/b.ts":          nil,
		})
		r, problems := New(fs)
		if r == nil {
			t.Fatal("New returned no resolver")
		}
		for _, p := range problems {
			if p.Path == "" {
				t.Fatalf("problem without a file: %+v", p)
			}
		}
		v, _, _ := parseJSONC(data)
		_ = v.members()
	})
}
