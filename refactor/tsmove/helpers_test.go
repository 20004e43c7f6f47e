package tsmove_test

import (
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// goldenDir holds the move engine's fixtures; the ts_*.txtar ones are the
// TypeScript cases these tests also run through tsc and tsserver.
const goldenDir = "../move/testdata"

// fixture is the "before" half of a golden move fixture.
type fixture struct {
	name    string
	moves   []move.Move
	files   map[string][]byte
	isError bool
}

func loadFixture(t testing.TB, file string) *fixture {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{name: strings.TrimSuffix(filepath.Base(file), ".txtar"), files: map[string][]byte{}}
	for _, f := range ar.Files {
		switch {
		case f.Name == "@move":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				from, to, _ := strings.Cut(line, "->")
				fx.moves = append(fx.moves, move.Move{From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
			}
		case f.Name == "@error":
			fx.isError = true
		case strings.HasPrefix(f.Name, "@"):
		default:
			fx.files[f.Name] = f.Data
		}
	}
	return fx
}

// tsFixtures returns the TypeScript golden fixtures that describe a
// successful move.
func tsFixtures(t testing.TB) []*fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "ts_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no TypeScript fixtures in %s (%v)", goldenDir, err)
	}
	var out []*fixture
	for _, f := range files {
		if fx := loadFixture(t, f); !fx.isError {
			out = append(out, fx)
		}
	}
	return out
}

// readFiles returns every regular file under dir by slash path.
func readFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// relayoutMoves indexes dir, computes the moves with the engine and
// applies them, like `relayout move`.
func relayoutMoves(ctx context.Context, dir string, moves []move.Move) (*edit.ChangeSet, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	l, err := workspace.Walk(ctx, dir, workspace.Options{Exclude: cfg.Workspace.Exclude})
	if err != nil {
		return nil, err
	}
	fs := workspace.NewDiskSet(l)
	ix, err := index.Build(ctx, fs, cfg, index.Options{})
	if err != nil {
		return nil, err
	}
	cs, err := move.Compute(ctx, ix, moves, move.Options{Root: l.Root, Config: cfg})
	if err != nil {
		return nil, err
	}
	if _, err := edit.Apply(ctx, l.Root, fs, cs, edit.ApplyOptions{}); err != nil {
		return cs, err
	}
	return cs, nil
}

// projects returns the tsconfig.json and jsconfig.json files of a tree.
func projects(files map[string][]byte) []string {
	var out []string
	for p := range files {
		if b := path.Base(p); (b == "tsconfig.json" || b == "jsconfig.json") && !strings.Contains(p, "node_modules/") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// newPathOf maps a path through a list of (file or directory) moves.
func newPathOf(p string, moves []move.Move) string {
	for _, m := range moves {
		if p == m.From {
			return m.To
		}
	}
	for _, m := range moves {
		if strings.HasPrefix(p, m.From+"/") {
			return m.To + p[len(m.From):]
		}
	}
	return p
}

// tscPath returns the tsc to run (RELAYOUT_TSC, else tsc on PATH); a
// missing tsc skips locally and fails under CI (testtool).
func tscPath(t testing.TB) string {
	t.Helper()
	return testtool.Find(t, "tsc", "RELAYOUT_TSC")
}

// tsPackage returns the directory of the `typescript` npm package
// (RELAYOUT_TS_PKG, else derived from RELAYOUT_TSC or tsc on PATH), or
// skips locally and fails under CI (testtool).
func tsPackage(t testing.TB) string {
	t.Helper()
	testtool.Find(t, "node", "")
	if p := os.Getenv("RELAYOUT_TS_PKG"); p != "" {
		return p
	}
	tsc := tscPath(t)
	if real, err := filepath.EvalSymlinks(tsc); err == nil {
		// node_modules/.bin/tsc → node_modules/typescript/bin/tsc
		if pkg := filepath.Dir(filepath.Dir(real)); fileExists(filepath.Join(pkg, "lib", "typescript.js")) {
			return pkg
		}
	}
	if pkg := filepath.Join(filepath.Dir(filepath.Dir(tsc)), "typescript"); fileExists(filepath.Join(pkg, "lib", "typescript.js")) {
		return pkg
	}
	testtool.Missing(t, "typescript package not found: set RELAYOUT_TS_PKG")
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

var tscDiag = regexp.MustCompile(`error (TS\d+):`)

// tscErrors runs `tsc --noEmit -p project` in dir and returns the count
// of each error code, plus the output.
func tscErrors(t testing.TB, tsc, dir, project string) (map[string]int, string) {
	t.Helper()
	cmd := exec.Command(tsc, "--noEmit", "-p", filepath.FromSlash(project))
	cmd.Dir = dir
	out, _ := cmd.CombinedOutput() // tsc exits non-zero on type errors
	codes := map[string]int{}
	for _, m := range tscDiag.FindAllStringSubmatch(string(out), -1) {
		codes[m[1]]++
	}
	return codes, string(out)
}
