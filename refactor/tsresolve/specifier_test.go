package tsresolve

import (
	"testing"
)

var specFiles = map[string]string{
	"tsconfig.json": `{"compilerOptions": {
		"baseUrl": ".",
		"paths": {
			"@/*": ["./src/*"],
			"@ui/*": ["./src/ui/*"],
			"@gen/*": ["./generated/*", "./src/gen/*"],
			"env": ["./src/config/env.ts"],
			"@icons/*": ["./src/icons/*.svg"]
		}
	}}`,
	"src/main.ts":               "",
	"src/app/util.ts":           "",
	"src/app/view.tsx":          "",
	"src/app/index.ts":          "",
	"src/app/types.d.ts":        "",
	"src/app/esm.mts":           "",
	"src/app/legacy.js":         "",
	"src/app/styles.css":        "",
	"src/ui/Button.tsx":         "",
	"src/ui/index.tsx":          "",
	"src/config/env.ts":         "",
	"src/gen/schema.ts":         "",
	"generated/api.ts":          "",
	"src/icons/star.svg":        "",
	"src/shadow.ts":             "",
	"src/shadow/index.ts":       "",
	"src/dup/a.ts":              "",
	"src/dup/a.tsx":             "",
	"src/deep/er/still/file.ts": "",
	"src/deep/er.ts":            "",
	"index.ts":                  "",
	"src/mts/index.mts":         "",
}

func TestRelativeSpecifier(t *testing.T) {
	r := newWS(t, specFiles)
	none, js, ts, asis := Style{}, Style{Extension: ExtJS, Index: IndexFile}, Style{Extension: ExtTS, Index: IndexFile}, Style{Extension: ExtAsIs, Index: IndexFile}
	for _, tc := range []struct {
		from, target string
		style        Style
		want         string
	}{
		{"src/main.ts", "src/app/util.ts", none, "./app/util"},
		{"src/main.ts", "src/app/util.ts", js, "./app/util.js"},
		{"src/main.ts", "src/app/util.ts", ts, "./app/util.ts"},
		{"src/main.ts", "src/app/view.tsx", js, "./app/view.js"},
		{"src/main.ts", "src/app/view.tsx", ts, "./app/view.tsx"},
		{"src/main.ts", "src/app/index.ts", none, "./app"},
		{"src/main.ts", "src/app/index.ts", Style{Index: IndexFile}, "./app/index"},
		{"src/main.ts", "src/app/index.ts", js, "./app/index.js"},
		{"src/app/util.ts", "src/app/index.ts", none, "."},
		{"src/app/util.ts", "index.ts", none, "../.."},
		{"src/app/util.ts", "src/main.ts", none, "../main"},
		{"src/app/util.ts", "src/deep/er/still/file.ts", none, "../deep/er/still/file"},
		{"src/deep/er/still/file.ts", "src/app/util.ts", js, "../../../app/util.js"},
		{"src/main.ts", "src/app/types.d.ts", none, "./app/types"},
		{"src/main.ts", "src/app/types.d.ts", js, "./app/types.js"},
		{"src/main.ts", "src/app/types.d.ts", ts, "./app/types.js"},
		{"src/main.ts", "src/app/types.d.ts", asis, "./app/types.d.ts"},
		{"src/main.ts", "src/app/esm.mts", none, "./app/esm.mjs"},
		{"src/main.ts", "src/app/esm.mts", ts, "./app/esm.mts"},
		{"src/main.ts", "src/app/legacy.js", none, "./app/legacy"},
		{"src/main.ts", "src/app/legacy.js", ts, "./app/legacy.js"},
		{"src/main.ts", "src/app/styles.css", none, "./app/styles.css"},
		{"src/main.ts", "src/app/styles.css", js, "./app/styles.css"},
		// verification: a sibling shadows the preferred spelling
		{"src/main.ts", "src/shadow/index.ts", none, "./shadow/index"},
		{"src/main.ts", "src/dup/a.tsx", none, "./dup/a.jsx"}, // ./dup/a and ./dup/a.js find a.ts
		// a file whose extensionless spelling is the importer's directory
		// (or an ancestor of it) is not named "." or ".."
		{"src/shadow/index.ts", "src/shadow.ts", none, "../shadow"},
		{"src/deep/er/still/file.ts", "src/deep/er.ts", none, "../../er"},
		// index.mts is not a directory index
		{"src/main.ts", "src/mts/index.mts", none, "./mts/index.mjs"},
		// a target outside the FileSet is spelled unverified
		{"src/main.ts", "src/new/place.ts", none, "./new/place"},
		{"src/main.ts", "src/new/index.ts", none, "./new"},
	} {
		got := r.RelativeSpecifier(tc.from, tc.target, tc.style)
		if got != tc.want {
			t.Errorf("RelativeSpecifier(%s, %s, %v) = %q, want %q", tc.from, tc.target, tc.style, got, tc.want)
		}
	}
}

func TestRelativeSpecifierRoundTrip(t *testing.T) {
	r := newWS(t, specFiles)
	styles := []Style{{}, {Index: IndexFile}, {Extension: ExtJS, Index: IndexFile}, {Extension: ExtJS}, {Extension: ExtTS, Index: IndexFile}, {Extension: ExtAsIs, Index: IndexFile}}
	n := 0
	for from := range specFiles {
		for target := range specFiles {
			if target == "tsconfig.json" {
				continue
			}
			for _, st := range styles {
				spec := r.RelativeSpecifier(from, target, st)
				if got := r.Resolve(from, spec); got != in(target) {
					t.Errorf("RelativeSpecifier(%s, %s, %v) = %q resolves to %v %q", from, target, st, spec, got.Status, got.Path)
				}
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d round trips", n)
	}
}

func TestAliasSpecifier(t *testing.T) {
	r := newWS(t, specFiles)
	for _, tc := range []struct {
		from, target string
		want         string
		ok           bool
	}{
		{"src/main.ts", "src/app/util.ts", "@/app/util", true},
		{"src/main.ts", "src/app/index.ts", "@/app", true},
		{"src/main.ts", "src/ui/Button.tsx", "@ui/Button", true}, // most specific target
		{"src/main.ts", "src/ui/index.tsx", "@ui", false},        // "@ui" matches no pattern; see below
		{"src/main.ts", "src/config/env.ts", "env", true},        // exact pattern
		{"src/main.ts", "generated/api.ts", "@gen/api", true},
		{"src/main.ts", "src/gen/schema.ts", "@gen/schema", true}, // second target of the same pattern
		{"src/main.ts", "src/icons/star.svg", "@icons/star", true},
		{"src/main.ts", "index.ts", "index", true}, // only baseUrl reaches it
		{"src/main.ts", "src/app/styles.css", "@/app/styles.css", true},
	} {
		got, ok := r.AliasSpecifier(tc.from, tc.target)
		if tc.target == "src/ui/index.tsx" {
			// "@ui" is not a pattern; "@/ui" (directory import) is the answer.
			if got != "@/ui" || !ok {
				t.Errorf("AliasSpecifier(%s) = %q, %v; want @/ui", tc.target, got, ok)
			}
			continue
		}
		if got != tc.want || ok != tc.ok {
			t.Errorf("AliasSpecifier(%s, %s) = %q, %v; want %q, %v", tc.from, tc.target, got, ok, tc.want, tc.ok)
		}
	}
	// baseUrl only reaches what no pattern does.
	r2 := newWS(t, map[string]string{
		"tsconfig.json":    `{"compilerOptions": {"baseUrl": "src", "module": "nodenext"}}`,
		"src/main.ts":      "",
		"src/lib/x.ts":     "",
		"src/lib/index.ts": "",
		"other/y.ts":       "",
	})
	for target, want := range map[string]string{"src/lib/x.ts": "lib/x.js", "src/lib/index.ts": "lib/index.js", "other/y.ts": ""} {
		got, ok := r2.AliasSpecifier("src/main.ts", target)
		if got != want || ok != (want != "") {
			t.Errorf("baseUrl AliasSpecifier(%s) = %q, %v; want %q", target, got, ok, want)
		}
	}
	if got, ok := r2.AliasSpecifierStyle("src/main.ts", "src/lib/index.ts", Style{}); got != "lib" || !ok {
		t.Errorf("AliasSpecifierStyle(dir style) = %q, %v", got, ok)
	}
	if _, ok := newWS(t, map[string]string{"a.ts": ""}).AliasSpecifier("b.ts", "a.ts"); ok {
		t.Errorf("no config: no alias")
	}
}

func TestAliasSpecifierRoundTrip(t *testing.T) {
	r := newWS(t, specFiles)
	styles := []Style{{}, {Extension: ExtJS, Index: IndexFile}, {Extension: ExtTS, Index: IndexFile}}
	hits := 0
	for target := range specFiles {
		if target == "tsconfig.json" {
			continue
		}
		for _, st := range styles {
			spec, ok := r.AliasSpecifierStyle("src/main.ts", target, st)
			if !ok {
				continue
			}
			hits++
			if got := r.Resolve("src/main.ts", spec); got != in(target) {
				t.Errorf("AliasSpecifierStyle(%s, %v) = %q resolves to %v %q", target, st, spec, got.Status, got.Path)
			}
		}
	}
	if hits < 40 {
		t.Errorf("only %d aliases found", hits)
	}
}

func TestDetectStyle(t *testing.T) {
	for _, tc := range []struct {
		spec, resolved string
		want           Style
	}{
		{"./util", "src/util.ts", Style{ExtNone, IndexDir}},
		{"./util.js", "src/util.ts", Style{ExtJS, IndexFile}},
		{"./util.ts", "src/util.ts", Style{ExtTS, IndexFile}},
		{"./view.tsx", "src/view.tsx", Style{ExtTS, IndexFile}},
		{"./view.js", "src/view.tsx", Style{ExtJS, IndexFile}},
		{"./esm.mjs", "src/esm.mts", Style{ExtJS, IndexFile}},
		{"./legacy.js", "src/legacy.js", Style{ExtJS, IndexFile}},
		{"./types", "src/types.d.ts", Style{ExtNone, IndexDir}},
		{"./types.js", "src/types.d.ts", Style{ExtJS, IndexFile}},
		{"./types.d.ts", "src/types.d.ts", Style{ExtAsIs, IndexFile}},
		{"./app", "src/app/index.ts", Style{ExtNone, IndexDir}},
		{"./app/", "src/app/index.ts", Style{ExtNone, IndexDir}},
		{".", "src/app/index.ts", Style{ExtNone, IndexDir}},
		{"..", "src/index.tsx", Style{ExtNone, IndexDir}},
		{"./app/index", "src/app/index.ts", Style{ExtNone, IndexFile}},
		{"./app/index.js", "src/app/index.ts", Style{ExtJS, IndexFile}},
		{"@/app", "src/app/index.ts", Style{ExtNone, IndexDir}},
		{"@/app/util.js", "src/app/util.ts", Style{ExtJS, IndexFile}},
		{"./styles.css", "src/styles.css", Style{ExtAsIs, IndexFile}},
		{"./foo.service", "src/foo.service.ts", Style{ExtNone, IndexDir}},
		{"./worker.ts?worker", "src/worker.ts", Style{ExtTS, IndexFile}},
	} {
		if got := DetectStyle(tc.spec, tc.resolved); got != tc.want {
			t.Errorf("DetectStyle(%q, %q) = %v, want %v", tc.spec, tc.resolved, got, tc.want)
		}
	}
}

// TestDetectThenRewrite is the move engine's loop: detect the style of an
// existing specifier, then write the moved target's specifier in it.
func TestDetectThenRewrite(t *testing.T) {
	r := newWS(t, specFiles)
	for _, tc := range []struct{ spec, target, want string }{
		{"./app/util.js", "src/deep/er/still/file.ts", "./deep/er/still/file.js"},
		{"./app", "src/ui/index.tsx", "./ui"},
		{"./app/util", "src/app/index.ts", "./app"},
		{"./app/util.js", "src/app/index.ts", "./app/index.js"},
	} {
		res := r.Resolve("src/main.ts", tc.spec)
		st := DetectStyle(tc.spec, res.Path)
		if got := r.RelativeSpecifier("src/main.ts", tc.target, st); got != tc.want {
			t.Errorf("%s → %s: %q (style %v), want %q", tc.spec, tc.target, got, st, tc.want)
		}
	}
}
