package tsmove_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/relayout/relayout/demo"
	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// expectedNewTSCErrors lists, per fixture, the tsc error codes its moves
// are expected to add, with the reason (each matches a warning relayout
// gives for the case).
var expectedNewTSCErrors = map[string]map[string]string{
	"ts_tsconfig_left_behind": {"TS18003": "the fixture moves every file out of client/, so client/tsconfig.json has no inputs left; relayout warns (tsconfig)"},
}

// TestTSCFixtures runs the real tsc on every project of every TypeScript
// golden fixture before and after relayout performs its moves: the moves
// must not add a type error, except those listed in expectedNewTSCErrors.
// The fixtures are not all type-clean (some use jest or JSX without
// typings), so error codes are compared as counts.
func TestTSCFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tsc about fifty times")
	}
	tsc := tscPath(t)
	for _, fx := range tsFixtures(t) {
		t.Run(fx.name, func(t *testing.T) {
			t.Parallel()
			projs := projects(fx.files)
			if len(projs) == 0 {
				t.Skip("no tsconfig.json or jsconfig.json")
			}
			dir := t.TempDir()
			testtool.WriteTree(t, dir, fx.files)
			before := map[string]map[string]int{}
			for _, p := range projs {
				before[p], _ = tscErrors(t, tsc, dir, p)
			}
			if _, err := relayoutMoves(t.Context(), dir, fx.moves); err != nil {
				t.Fatalf("moves: %v", err)
			}
			allowed := expectedNewTSCErrors[fx.name]
			for _, p := range projs {
				np := newPathOf(p, fx.moves)
				after, out := tscErrors(t, tsc, dir, np)
				for code, n := range after {
					if n > before[p][code] && allowed[code] == "" {
						t.Errorf("project %s (now %s): %d × %s after the moves, %d before:\n%s", p, np, n, code, before[p][code], out)
					}
				}
			}
		})
	}
}

// demoFrontend is where the demo workspace keeps its Next.js frontend
// (level 4: its files in subdirectories are at level 5 to 7).
const demoFrontend = "src/use_cases/fine_tuning_studio/frontend"

// demoFrontendMoves flattens the demo frontend so that every TS/TSX file
// is at level 4 or less: the project moves to web/ at the root (a folder
// move carrying its tsconfig.json, whose "@/*" alias keeps working), and
// on the way a few files move inside it — the nested "new experiment"
// route becomes /experiments-new, the deployment panel leaves the route
// tree for components/, the Card component and its CSS module leave ui/,
// and the events hook moves under lib/.
func demoFrontendMoves() []move.Move {
	f := demoFrontend + "/"
	return []move.Move{
		{From: demoFrontend, To: "web"},
		{From: f + "app/experiments/new/page.tsx", To: "web/app/experiments-new/page.tsx"},
		{From: f + "app/experiments/[id]/DeploymentPanel.tsx", To: "web/components/experiments/DeploymentPanel.tsx"},
		{From: f + "components/ui/Card.tsx", To: "web/components/Card.tsx"},
		{From: f + "components/ui/Card.module.css", To: "web/components/Card.module.css"},
		{From: f + "hooks/useExperimentEvents.ts", To: "web/lib/hooks/useExperimentEvents.ts"},
	}
}

// level is the number of directories between the workspace root and p.
func level(p string) int { return strings.Count(p, "/") }

// TestTSCDemoFrontendFlatten flattens the demo workspace's frontend with
// relayout and proves with tsc that it type-checks before and after, that
// no TS/TSX file is deeper than level 4 and no import is left unresolved.
func TestTSCDemoFrontendFlatten(t *testing.T) {
	tsc := tscPath(t)
	dir := t.TempDir()
	if err := demo.Write(dir); err != nil {
		t.Fatal(err)
	}
	if codes, out := tscErrors(t, tsc, dir, demoFrontend); len(codes) > 0 {
		t.Fatalf("the demo frontend does not type-check before the moves:\n%s", out)
	}
	cs, err := relayoutMoves(t.Context(), dir, demoFrontendMoves())
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, w := range cs.Warnings {
		switch w.Code {
		case "unexpressible", "tsconfig":
			t.Errorf("warning: %s", w)
		case "route-change":
			routes = append(routes, w.String())
		}
	}
	if len(routes) != 1 || !strings.Contains(routes[0], "the page /experiments/new becomes the page /experiments-new") {
		t.Errorf("route warnings = %q, want one for /experiments/new → /experiments-new", routes)
	}
	if codes, out := tscErrors(t, tsc, dir, "web"); len(codes) > 0 {
		t.Errorf("web/ does not type-check after the moves:\n%s", out)
	}
	l, err := workspace.Walk(t.Context(), dir, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Build(t.Context(), workspace.NewDiskSet(l), config.Default(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tsFiles []string
	for _, p := range ix.Files() {
		if lang, _ := parsers.LangOf(p); lang.IsTSFamily() && !strings.HasSuffix(p, ".mjs") {
			tsFiles = append(tsFiles, p)
			if level(p) > 4 {
				t.Errorf("%s is at level %d", p, level(p))
			}
		}
	}
	if len(tsFiles) < 20 {
		t.Errorf("only %d TS files after the moves: %v", len(tsFiles), tsFiles)
	}
	for _, u := range ix.Unresolved() {
		if lang, _ := parsers.LangOf(u.Path); lang.IsTSFamily() {
			t.Errorf("unresolved after the moves: %s:%d %q", u.Path, u.Pos.Line+1, u.Module)
		}
	}
	// The rewritten specifiers, for the record (and to catch restyling).
	got := map[string]string{}
	for _, p := range []string{"web/app/experiments-new/page.tsx", "web/app/experiments/[id]/page.tsx", "web/components/index.ts", "web/lib/hooks/useExperimentEvents.ts", "web/components/experiments/DeploymentPanel.tsx"} {
		f := ix.File(p)
		if f == nil {
			t.Errorf("%s missing", p)
			continue
		}
		var specs []string
		for _, imp := range f.Imports {
			if strings.HasPrefix(imp.Module, ".") || strings.HasPrefix(imp.Module, "@/") {
				specs = append(specs, imp.Module)
			}
		}
		got[p] = strings.Join(specs, " ")
	}
	want := map[string]string{
		"web/app/experiments-new/page.tsx":               "@/components/experiments/ExperimentForm ../../components ../../lib/types @/lib/api",
		"web/app/experiments/[id]/page.tsx":              "@/lib/api @/components/Card @/components/experiments/DeploymentPanel", // aliases, like its own @/lib/api (issue 12.6)
		"web/components/index.ts":                        "./ui/Button ./Card ./Card ./experiments/ExperimentTable ./experiments/ExperimentForm ./Logo",
		"web/lib/hooks/useExperimentEvents.ts":           "../types ../api",
		"web/components/experiments/DeploymentPanel.tsx": "@/components @/lib/api ../../lib/hooks/useExperimentEvents ../../lib/events @/lib/types",
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s specifiers:\n got  %s\n want %s", k, got[k], want[k])
		}
	}
}
