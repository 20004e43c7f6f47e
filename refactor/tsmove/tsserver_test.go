package tsmove_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/move"
)

// tsserverDifferences documents, per fixture and file (path after the
// moves), where relayout's result differs from what an editor gets from
// TypeScript's own getEditsForFileRename (tsserver's "update imports on
// file move"), and why relayout's answer is the right one. The test fails
// when a difference appears that is not listed here, or a listed one
// disappears.
var tsserverDifferences = map[string]map[string]string{
	"ts_paths_folder": {
		"src/main.ts":      "both resolve: tsserver rewrites the alias imports @ui/button, @ui/card and @cfg into baseUrl specifiers (src/ui/button, src/config); relayout keeps them by moving the paths targets with the folder and the file",
		"src/ui/button.ts": "as above: tsserver turns the moved file's own @cfg into src/config",
	},
	"ts_paths_one_file": {
		"src/main.ts":   "both resolve: tsserver turns @ui/button into the baseUrl specifier src/ui/button; relayout keeps the alias by giving @ui/* the file's new ui/ folder as a second target",
		"tsconfig.json": "tsserver leaves paths as they were; relayout appends src/ui/* to @ui/*, which keeps @ui/button and @ui/card resolving",
	},
	"ts_paths_follow": {
		"frontend/src/app.ts": "both resolve: tsserver turns @/lib/api into ../../web/src/lib/api; relayout keeps the alias, whose pattern now also names the config's own src/",
		"web/tsconfig.json":   "tsserver appends the file's own path to include (src/lib/api.ts) and leaves @/* naming only the old folder; relayout re-roots the include pattern (src) and gives @/* the matching target (./src/*), so the files still to come are covered and keep their alias",
	},
	"ts_paths_follow_last": {
		"web/tsconfig.json": "tsserver keeps the include entry and the @/* target naming ../frontend/src, which no longer holds any file; relayout folds them into the followed ones once every file has moved",
	},
	"ts_tsconfig_follow": {
		"web/tsconfig.json": "both keep the moved file in the program: tsserver appends the file's own path (src/a.ts); relayout re-roots the include pattern that covered it (src), so later files moved there are covered too",
	},
	"ts_tsconfig_follow_last": {
		"web/tsconfig.json": "tsserver keeps the include entry ../frontend/src that now names a folder with no sources left; relayout folds it into the followed entry once every file has moved",
	},
	"ts_alias_kept": {
		"src/pages/home.ts": "both resolve: tsserver keeps the pattern the import used (@/ui/client/api); relayout picks the most specific pattern that reaches the new place (@ui/client/api), as it does when it synthesises an alias anywhere",
	},
	"ts_assets": {
		"src/journey/Journey.tsx": "tsserver leaves the moved component's side-effect CSS import, its SVG and its ?url image import stale (./styles.css, ../../assets/logo.svg now name nothing); relayout recomputes every asset reference",
	},
	"ts_baseurl": {
		"src/pages/home.ts": "both resolve: tsserver turns the baseUrl specifier lib/api into the paths alias @/core/net/api; relayout keeps the style the user wrote (core/net/api)",
	},
	"ts_jest_mock": {
		"src/billing/payment.test.ts": "tsserver does not update jest.mock/jest.requireActual in the moved test: './log' now names nothing, so the mock silently stops applying",
		"test/checkout.test.ts":       "tsserver updates the import but not jest.mock, vi.mock, vi.importActual or require.resolve: the test mocks a module that no longer exists while importing the real one",
	},
	"ts_reference_path": {
		"src/old/legacy.ts": "tsserver does not recompute /// <reference path> in a moved file: ./types/globals.d.ts and ../types/env.d.ts name nothing from src/old/",
		"types/all.d.ts":    "tsserver leaves <reference path=\"globals.d.ts\"/> naming the moved declaration file's old place",
	},
	"ts_relative": {
		"src/main.ts": "tsserver does not update require() with a template literal (`./lib/format`), which Node and bundlers resolve like a plain string",
	},
	"ts_require": {
		"src/config/index.cjs": "tsserver leaves the moved module's require('./defaults.json') stale (the JSON file did not move)",
	},
	"ts_shadow": {
		"src/main.ts": "tsserver keeps './dir', which after the move resolves to the moved src/dir.ts instead of src/dir/index.ts: a silent change of module (tsc then fails on the missing export); relayout names the index file",
		"src/dir.ts":  "tsserver writes './dir', which from src/dir.ts resolves to the file itself",
	},
	"ts_shortest": {
		"src/app/a/b/c/d/e/Page.tsx": "with importModuleSpecifierPreference shortest tsserver still keeps a rewritten relative specifier relative (../../../../../../components/share/forms/Form); relayout's shortest picks the alias, which has fewer segments",
	},
	"ts_ts_extension": {
		"src/main.ts": "both resolve: tsserver adds .ts to the extensionless './a/model'; relayout keeps each specifier's own extension style",
	},
	"ts_specifiers_alias": {
		"src/net/api.ts":    "getEditsForFileRename keeps each specifier's kind whatever importModuleSpecifierPreference says (non-relative here): relayout's specifiers = \"alias\" writes @/lib/types",
		"src/pages/home.ts": "as above: tsserver keeps ../net/api relative; relayout's alias mode writes @/net/api",
	},
	"ts_specifiers_relative": {
		"src/pages/home.ts": "getEditsForFileRename keeps the alias (@/net/api) although importModuleSpecifierPreference is relative; relayout's relative mode writes ../net/api",
	},
	"ts_tsconfig_moved": {
		"web/tsconfig.json": "tsserver does not recompute a moved tsconfig's relative values: extends, the @shared/* paths target and references still point two levels up, so the project loses its base config and its alias",
		"web/src/app.ts":    "once the tsconfig has moved, the files still to be moved are outside its include, so tsserver leaves their relative imports stale (../../../shared/util)",
	},
	"ts_tsconfig_rewrite": {
		"src/main.ts":   "tsserver rewrites the alias imports @legacy/old, env and @gen/schema into baseUrl specifiers (src/compat/old, config/env, src/gen/schema); relayout keeps them by updating the paths targets",
		"tsconfig.json": "tsserver updates paths and files but drops their ./ prefixes, leaves @gen/* on the emptied src/generated, and appends the moved files to include (widening the project to scripts/); relayout maps the directory whose files all moved, keeps the spelling, and warns about scripts/cli.ts instead of pulling it into the project",
	},
	"ts_two_projects": {
		"lib/src/format.ts": "tsserver keeps @app/pad, which resolves only in app's project; the file now belongs to lib/tsconfig.json, which has no @app/* alias, so relayout writes a relative specifier",
	},
	"ts_unresolved": {
		"src/client.ts": "'./missing' names no file before or after; tsserver leaves the text (now naming src/missing), relayout keeps it naming the same path src/api/missing and says so",
	},
}

// tsserverSkipped lists fixtures the comparison cannot run, with why.
var tsserverSkipped = map[string]string{
	"ts_swap":    "an editor renames one file at a time, so a swap needs a temporary name; relayout moves simultaneously",
	"ts_package": "workspace packages resolve through node_modules links the fixture does not have, so tsserver cannot see those imports",
}

// TestTSServerDifferential performs the moves of every TypeScript golden
// fixture twice — with relayout, and with tsserver's getEditsForFileRename
// driven by testdata/tsserver_rename.cjs the way an editor drives it (one
// rename at a time, every project asked) — and compares the trees.
func TestTSServerDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the TypeScript language service")
	}
	pkg := tsPackage(t)
	script, err := filepath.Abs("testdata/tsserver_rename.cjs")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range tsFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			if why := tsserverSkipped[fx.name]; why != "" {
				t.Skip(why)
			}
			t.Parallel()
			ours := t.TempDir()
			testtool.WriteTree(t, ours, fx.files)
			if _, err := relayoutMoves(t.Context(), ours, fx.moves); err != nil {
				t.Fatalf("relayout: %v", err)
			}
			theirs := t.TempDir()
			testtool.WriteTree(t, theirs, fx.files)
			runTSServer(t, pkg, script, theirs, fx)
			a, b := readFiles(t, ours), readFiles(t, theirs)
			want := tsserverDifferences[fx.name]
			var paths []string
			for p := range a {
				paths = append(paths, p)
			}
			for p := range b {
				if _, ok := a[p]; !ok {
					paths = append(paths, p)
				}
			}
			sort.Strings(paths)
			seen := map[string]bool{}
			for _, p := range paths {
				if bytes.Equal(a[p], b[p]) {
					continue
				}
				seen[p] = true
				if want[p] == "" {
					t.Errorf("%s differs from tsserver's result (undocumented):\n--- relayout\n%s\n--- tsserver\n%s", p, a[p], b[p])
				}
			}
			for p := range want {
				if !seen[p] {
					t.Errorf("%s: documented difference no longer occurs (%s)", p, want[p])
				}
			}
		})
	}
}

// runTSServer performs fx's moves in dir through tsserver_rename.cjs.
func runTSServer(t *testing.T, pkg, script, dir string, fx *fixture) {
	t.Helper()
	prefs := map[string]any{}
	if data, ok := fx.files[config.FileName]; ok {
		cfg, err := config.Parse(config.FileName, data)
		if err != nil {
			t.Fatal(err)
		}
		switch cfg.TypeScript.Specifiers {
		case "shortest", "relative":
			prefs["importModuleSpecifierPreference"] = cfg.TypeScript.Specifiers
		case "alias":
			prefs["importModuleSpecifierPreference"] = "non-relative"
		}
	}
	spec := struct {
		Root        string         `json:"root"`
		Projects    []string       `json:"projects"`
		Moves       []move.Move    `json:"moves"`
		Preferences map[string]any `json:"preferences"`
	}{dir, projects(fx.files), fx.moves, prefs}
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(specFile, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", script, pkg, specFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsserver_rename.cjs: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
