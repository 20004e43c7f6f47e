package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

func TestApplyEditsUTF16(t *testing.T) {
	// "😀" is two UTF-16 units; the edit after it must land on the quote.
	text := "const s = '😀'; import x from './a';\nimport y from \"./b\";\n"
	var e1, e2 lspTextEdit
	e1.Range.Start, e1.Range.End = lspPosition{0, 31}, lspPosition{0, 34}
	e1.NewText = "../lib/a"
	e2.Range.Start, e2.Range.End = lspPosition{1, 15}, lspPosition{1, 18}
	e2.NewText = "./c"
	got, err := applyEdits(text, []lspTextEdit{e1, e2})
	if err != nil {
		t.Fatal(err)
	}
	want := "const s = '😀'; import x from '../lib/a';\nimport y from \"./c\";\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	var bad lspTextEdit
	bad.Range.Start, bad.Range.End = lspPosition{5, 0}, lspPosition{5, 1}
	if _, err := applyEdits(text, []lspTextEdit{bad}); err == nil {
		t.Error("an edit beyond the end was accepted")
	}
}

func TestApplyWorkspaceEditBothShapes(t *testing.T) {
	root := testtool.TempTree(t, map[string]string{
		"src/a.ts": "import {x} from './lib/x';\n",
		"src/b.ts": "import {x} from './lib/x';\n",
	})
	uri := func(p string) string { return fileURI(filepath.Join(root, p)) }
	edit := func(newText string) map[string]any {
		return map[string]any{"range": map[string]any{
			"start": map[string]int{"line": 0, "character": 17},
			"end":   map[string]int{"line": 0, "character": 24},
		}, "newText": newText}
	}
	changes, _ := json.Marshal(map[string]any{"changes": map[string]any{uri("src/a.ts"): []any{edit("./x")}}})
	docChanges, _ := json.Marshal(map[string]any{"documentChanges": []any{
		map[string]any{"textDocument": map[string]any{"uri": uri("src/b.ts"), "version": nil}, "edits": []any{edit("../x")}},
		map[string]any{"kind": "rename", "oldUri": uri("src/b.ts"), "newUri": uri("b.ts")},
	}})
	for _, c := range []struct {
		raw  []byte
		want map[string]string
	}{
		{changes, map[string]string{"src/a.ts": "import {x} from './x';\n"}},
		{docChanges, map[string]string{"src/b.ts": "import {x} from '../x';\n"}},
		{[]byte("null"), map[string]string{}},
	} {
		got, err := applyWorkspaceEdit(root, c.raw)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.raw, got, c.want)
		}
		for p, w := range c.want {
			if got[p] != w {
				t.Errorf("%s: %s = %q, want %q", c.raw, p, got[p], w)
			}
		}
	}
}

func TestSpecifiers(t *testing.T) {
	old := "from acme.a.b import c\nimport acme.a.m as m, os\nx = 1\nimport {y} from './y';\n"
	new := "from acme.c import c\nimport acme.m as m, os\nx = 1\nimport {y} from '../y';\npatch('acme.m.f')\n"
	got := Specifiers(old, new)
	want := []string{"../y", "acme.c", "acme.m", "acme.m.f", "os"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCompare(t *testing.T) {
	root := testtool.TempTree(t, map[string]string{
		"a.ts": "import {x} from './lib/x';\n",
		"b.ts": "import {x} from './lib/x';\n",
		"c.ts": "import {x} from './lib/x';\n",
		"d.ts": "import {x} from './lib/x';\n",
		"e.ts": "import {x} from './lib/x';\n",
	})
	relayout := map[string]string{
		"a.ts": "import {x} from './x';\n",
		"b.ts": "import {x} from '@/x';\n",
		"c.ts": "import {x} from './y';\n",
		"d.ts": "import {x} from './x';\n",
	}
	peer := map[string]string{
		"a.ts": "import {x} from './x';\n",
		"b.ts": "import {x} from './x';\n",
		"c.ts": "import {x} from './x';\n",
		"e.ts": "import {x} from './x';\n",
	}
	ag := Compare(root, relayout, peer)
	if got, want := ag.String(), "agree 1, spelling 1, disagree 1, only relayout 1, only peer 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(ag.Examples) != 4 || !strings.Contains(ag.Examples[0], "b.ts") {
		t.Errorf("examples: %q", ag.Examples)
	}
}

func TestTreeUsageOfSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	u := TreeUsage(os.Getpid())
	if u.RSS <= 0 || u.Peak < u.RSS {
		t.Errorf("usage of this process: %+v", u)
	}
	if got := TreeUsage(-1); got != (Usage{}) {
		t.Errorf("usage of no process: %+v", got)
	}
}

func TestFindPeersSaysHowToInstall(t *testing.T) {
	if _, err := FindTSLS(""); err == nil || !strings.Contains(err.Error(), "--peer-dir") {
		t.Errorf("no dir: %v", err)
	}
	empty := t.TempDir()
	if _, err := FindTSLS(empty); err == nil || !strings.Contains(err.Error(), "npm i --prefix "+empty+" typescript-language-server@6.0.2 typescript@5") {
		t.Errorf("empty dir: %v", err)
	}
	pkg := func(v string) string { return `{"name": "x", "version": "` + v + `"}` }
	ts5 := testtool.TempTree(t, map[string]string{
		"node_modules/typescript/package.json":                 pkg("5.9.3"),
		"node_modules/typescript-language-server/package.json": pkg("6.0.2"),
	})
	s, err := FindTSLS(filepath.Join(ts5, "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "typescript-language-server 6.0.2 + TS 5.9.3" || s.Argv[1] != "--stdio" {
		t.Errorf("server: %+v", s)
	}
	if _, err := FindTS7(ts5); err == nil || !strings.Contains(err.Error(), "no TypeScript 7 in") {
		t.Errorf("TypeScript 5 taken for 7: %v", err)
	}
	ts7 := testtool.TempTree(t, map[string]string{"node_modules/typescript/package.json": pkg("7.0.2")})
	s, err = FindTS7(ts7)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "tsc --lsp (TS 7.0.2)" || !slices.Equal(s.Argv[1:], []string{"--lsp", "--stdio"}) {
		t.Errorf("server: %+v", s)
	}
	if _, err := FindRope(filepath.Join(empty, "python3")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing python: %v", err)
	}
}
