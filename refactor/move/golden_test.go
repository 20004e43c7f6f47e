package move

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

var update = flag.Bool("update", false, "rewrite the @after and @warnings sections of the golden fixtures")

// A fixture is a txtar archive: its comment says what the case proves;
// "@move" holds one "OLD -> NEW" per line; "@merge" one "A, B -> TARGET"; "@options" may hold "shim",
// "update-strings" (scope code), "update-strings=all", "force"; "@symlinks" holds "LINK -> TARGET" lines;
// every other plain section is a file of the workspace before. The
// expected result is either "@after/<path>" sections (the complete tree
// afterwards: a lost or extra file fails) plus a "@warnings" section
// listing every warning (absent = none), or an "@error" section holding a
// substring of the *Error (and the tree must stay byte-identical).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) { runFixture(t, file) })
	}
}

type fixture struct {
	ar       *txtar.Archive
	moves    []Move
	merges   []Merge
	opts     map[string]bool
	symlinks [][2]string
	before   map[string][]byte
	after    map[string][]byte
	hasAfter bool
	errText  string
	warnings string
}

func parseFixture(t *testing.T, file string) *fixture {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{ar: ar, opts: map[string]bool{}, before: map[string][]byte{}, after: map[string][]byte{}}
	for _, f := range ar.Files {
		switch {
		case f.Name == "@move":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				from, to, ok := strings.Cut(line, "->")
				if !ok {
					t.Fatalf("bad @move line %q", line)
				}
				fx.moves = append(fx.moves, Move{From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
			}
		case f.Name == "@merge":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				from, to, ok := strings.Cut(line, "->")
				if !ok {
					t.Fatalf("bad @merge line %q", line)
				}
				fx.merges = append(fx.merges, Merge{From: strings.Fields(strings.ReplaceAll(from, ",", " ")), To: strings.TrimSpace(to)})
			}
		case f.Name == "@options":
			for _, o := range strings.Fields(string(f.Data)) {
				fx.opts[o] = true
			}
		case f.Name == "@symlinks":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				l, tg, _ := strings.Cut(line, "->")
				fx.symlinks = append(fx.symlinks, [2]string{strings.TrimSpace(l), strings.TrimSpace(tg)})
			}
		case f.Name == "@error":
			fx.errText = strings.TrimSpace(string(f.Data))
		case f.Name == "@warnings":
			fx.warnings = string(f.Data)
		case strings.HasPrefix(f.Name, "@after/"):
			fx.after[strings.TrimPrefix(f.Name, "@after/")] = f.Data
			fx.hasAfter = true
		case strings.HasPrefix(f.Name, "@"):
			t.Fatalf("unknown section %s", f.Name)
		default:
			fx.before[f.Name] = f.Data
		}
	}
	return fx
}

// readTree returns every regular file under dir (symlinks are reported
// as "-> target").
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if info.Mode()&os.ModeSymlink != 0 {
			tg, _ := os.Readlink(p)
			out[rel] = []byte("-> " + tg + "\n") // as a txtar section holds it
			return nil
		}
		if info.IsDir() {
			if rel != "." {
				if ents, _ := os.ReadDir(p); len(ents) == 0 {
					out[rel+"/"] = nil // an empty directory left behind
				}
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runMoves indexes dir and computes and applies the moves.
func runMoves(ctx context.Context, dir string, moves []Move, opts Options) (*edit.ChangeSet, error) {
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
	opts.Root = l.Root
	opts.Config = cfg
	cs, err := Compute(ctx, ix, moves, opts)
	if err != nil {
		return nil, err
	}
	if _, err := edit.Apply(ctx, l.Root, fs, cs, edit.ApplyOptions{}); err != nil {
		return cs, err
	}
	return cs, nil
}

func runFixture(t *testing.T, file string) {
	fx := parseFixture(t, file)
	dir := t.TempDir()
	testtool.WriteTree(t, dir, fx.before)
	for _, s := range fx.symlinks {
		full := filepath.Join(dir, filepath.FromSlash(s[0]))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(s[1], full); err != nil {
			t.Fatal(err)
		}
	}
	before := readTree(t, dir)
	scope := StringsOff
	switch {
	case fx.opts["update-strings=all"]:
		scope = StringsAll
	case fx.opts["update-strings"]:
		scope = StringsCode
	}
	cs, err := runMoves(t.Context(), dir, fx.moves, Options{Shim: fx.opts["shim"], Strings: scope, Force: fx.opts["force"], Merges: fx.merges})
	if fx.errText != "" {
		if err == nil {
			t.Fatalf("want error containing %q, got none", fx.errText)
		}
		if !strings.Contains(err.Error(), fx.errText) {
			t.Fatalf("error %q does not contain %q", err, fx.errText)
		}
		var me *Error
		if !errors.As(err, &me) {
			t.Fatalf("error is not a *move.Error: %v", err)
		}
		if got := readTree(t, dir); !sameTree(got, before) {
			t.Fatalf("an error case changed the tree:\n%s", treeDiff(before, got))
		}
		return
	}
	if err != nil {
		t.Fatalf("moves failed: %v", err)
	}
	got := readTree(t, dir)
	var warns strings.Builder
	for _, w := range cs.Warnings {
		fmt.Fprintf(&warns, "%s: %s\n", w.Code, w.String())
	}
	if *update {
		rewriteFixture(t, file, fx, got, warns.String())
		return
	}
	if !fx.hasAfter {
		t.Fatalf("fixture has neither @after nor @error sections (run with -update)")
	}
	if !sameTree(got, fx.after) {
		t.Errorf("tree after moves differs from @after:\n%s", treeDiff(fx.after, got))
	}
	// Warnings are part of the result: a fixture without a @warnings
	// section expects none.
	if warns.String() != fx.warnings {
		t.Errorf("warnings:\n%s\nwant:\n%s", warns.String(), fx.warnings)
	}
}

func sameTree(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func treeDiff(want, got map[string][]byte) string {
	var b strings.Builder
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !gok:
			fmt.Fprintf(&b, "missing %s\n", k)
		case !wok:
			fmt.Fprintf(&b, "extra %s:\n%s\n", k, g)
		case !bytes.Equal(w, g):
			fmt.Fprintf(&b, "%s:\n--- want\n%s\n--- got\n%s\n", k, w, g)
		}
	}
	return b.String()
}

func rewriteFixture(t *testing.T, file string, fx *fixture, got map[string][]byte, warns string) {
	var files []txtar.File
	for _, f := range fx.ar.Files {
		if !strings.HasPrefix(f.Name, "@after/") && f.Name != "@warnings" {
			files = append(files, f)
		}
	}
	if warns != "" {
		files = append(files, txtar.File{Name: "@warnings", Data: []byte(warns)})
	}
	var ks []string
	for k := range got {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		files = append(files, txtar.File{Name: "@after/" + k, Data: got[k]})
	}
	fx.ar.Files = files
	if err := os.WriteFile(file, txtar.Format(fx.ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
