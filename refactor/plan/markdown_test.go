package plan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/depth"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// TestImportSeed imports the seed document itself: its two "Move X → Y"
// bullets become [[move]] entries rooted at the trees' first lines, and
// every other phase step is reported as not mapped.
func TestImportSeed(t *testing.T) {
	data, err := os.ReadFile("testdata/restructuring-plan.md")
	if err != nil {
		t.Fatal(err)
	}
	im, err := ImportMarkdown("restructuring-plan.md", data, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "old root: %s\nnew root: %s\n", im.OldRoot, im.NewRoot)
	for _, u := range im.Unmapped {
		fmt.Fprintf(&b, "not mapped: line %d: %s\n", u.Line, u.Text)
	}
	for _, n := range im.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	b.WriteString("--- relayout.toml ---\n")
	b.Write(TOML("", im.Moves, nil))
	golden(t, "restructuring-plan.golden", []byte(b.String()))

	// The facts the golden file must show, independent of formatting.
	want := []Move{
		{From: "src/use_cases/fine_tuning_studio/backend/api/main.py", To: "src/use_cases/fine_tuning/api/main.py", Phase: 1},
		{From: "src/use_cases/fine_tuning_studio/backend/websocket/server.py", To: "src/use_cases/fine_tuning/api/websocket.py", Phase: 1},
	}
	if len(im.Moves) != len(want) {
		t.Fatalf("got %d moves, want %d: %+v", len(im.Moves), len(want), im.Moves)
	}
	for i, w := range want {
		g := im.Moves[i]
		if g.From != w.From || g.To != w.To || g.Phase != w.Phase {
			t.Errorf("move %d = %s → %s (phase %d), want %s → %s (phase %d)", i, g.From, g.To, g.Phase, w.From, w.To, w.Phase)
		}
	}
	if len(im.Unmapped) < 9 {
		t.Errorf("want every prose step of phases 1-4 reported as not mapped, got %d: %+v", len(im.Unmapped), im.Unmapped)
	}
	// The TOML parses back to the same plan.
	p, err := Parse("relayout.toml", TOML("imported", im.Moves, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Moves) != 2 || p.Moves[1].To != want[1].To || p.Moves[0].Line == 0 {
		t.Errorf("round trip through TOML: %+v", p.Moves)
	}
}

// TestMarkdownRoundTrip: a generated plan rendered as Markdown imports
// back to the same moves.
func TestMarkdownRoundTrip(t *testing.T) {
	fs := memFS(validationTree)
	rule := depth.Rule{Max: 4, Root: "."}
	pr := Generate(fs, GenerateOptions{Rule: rule})
	if len(pr.Plan.Moves) == 0 {
		t.Fatal("nothing generated")
	}
	md := Markdown(fs, pr, MarkdownOptions{Title: "Test", Rule: rule})
	im, err := ImportMarkdown("plan.md", md, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Moves) != len(pr.Plan.Moves) || len(im.Unmapped) != 0 {
		t.Fatalf("imported %d moves (unmapped %v), generated %d:\n%s", len(im.Moves), im.Unmapped, len(pr.Plan.Moves), md)
	}
	for i, m := range pr.Plan.Moves {
		g := im.Moves[i]
		if g.From != m.From || g.To != m.To || g.Phase != m.Phase {
			t.Errorf("move %d: imported %s → %s (%d), generated %s → %s (%d)", i, g.From, g.To, g.Phase, m.From, m.To, m.Phase)
		}
	}
}

// TestImportMarkdownForms: the importer reads the document as CommonMark,
// so code blocks and HTML never hold plan steps, steps may span lines and
// nest, and setext headings start phases.
func TestImportMarkdownForms(t *testing.T) {
	const trees = "## Current Structure\n```\nold/\n```\n\n## Proposed Structure\n```\nnew/\n```\n\n"
	type mv struct {
		from, to string
		phase    int
	}
	cases := []struct {
		name     string
		md       string
		moves    []mv
		unmapped []int // lines
	}{
		{
			name:  "bullet",
			md:    trees + "## Phase 1: Go\n- Move `a.py` → `b.py`\n",
			moves: []mv{{"old/a.py", "new/b.py", 1}},
		},
		{
			name:  "fence of four backticks holding a fence of three",
			md:    trees + "## Phase 1: Go\n````md\n```\n- Move `a.py` → `b.py`\n```\n````\n- Move `c.py` -> `d.py`\n",
			moves: []mv{{"old/c.py", "new/d.py", 1}},
		},
		{
			name:  "indented code block",
			md:    trees + "## Phase 1: Go\n\n    - Move `a.py` → `b.py`\n",
			moves: nil,
		},
		{
			name:  "HTML comment",
			md:    trees + "## Phase 1: Go\n<!--\n- Move `a.py` → `b.py`\n-->\n",
			moves: nil,
		},
		{
			name:  "setext phase heading",
			md:    trees + "Phase 2: Later\n--------------\n\n- Move `a.py` → `b.py`\n",
			moves: []mv{{"old/a.py", "new/b.py", 2}},
		},
		{
			name:  "move continued on the next line",
			md:    trees + "## Phase 1: Go\n- Move `a.py` →\n  `b.py` (the entry point)\n",
			moves: []mv{{"old/a.py", "new/b.py", 1}},
		},
		{
			name:     "nested list",
			md:       trees + "## Phase 1: Go\n1. Backend\n   - Move `a.py` → `b.py`\n   - **Move** `c.py` => `d.py`\n",
			moves:    []mv{{"old/a.py", "new/b.py", 1}, {"old/c.py", "new/d.py", 1}},
			unmapped: []int{12},
		},
		{
			name:     "arrow inside one code span",
			md:       trees + "## Phase 1: Go\n- Move `a.py → b.py`\n",
			unmapped: []int{12},
		},
		{
			name:  "code span holding a backtick",
			md:    trees + "## Phase 1: Go\n- Move ``a`b.py`` → `c.py`\n",
			moves: []mv{{"old/a`b.py", "new/c.py", 1}},
		},
		{
			name:  "block quote and emphasis",
			md:    trees + "## Phase 1: Go\n> - *Move* `a.py` → `b.py`\n",
			moves: []mv{{"old/a.py", "new/b.py", 1}},
		},
		{
			name:  "move outside any phase",
			md:    trees + "Move `a.py` → `b.py` first.\n",
			moves: []mv{{"old/a.py", "new/b.py", 1}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			im, err := ImportMarkdown("plan.md", []byte(c.md), ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []mv
			for _, m := range im.Moves {
				got = append(got, mv{m.From, m.To, m.Phase})
			}
			if fmt.Sprint(got) != fmt.Sprint(c.moves) {
				t.Errorf("moves = %v, want %v", got, c.moves)
			}
			var lines []int
			for _, u := range im.Unmapped {
				lines = append(lines, u.Line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(c.unmapped) {
				t.Errorf("unmapped lines = %v, want %v (%+v)", lines, c.unmapped, im.Unmapped)
			}
		})
	}
}
