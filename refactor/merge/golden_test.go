package merge

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the @want sections of the golden fixtures")

// A fixture is a txtar archive under testdata/python or testdata/ts. Its
// comment says what the case proves. "@target" holds the target path;
// "@self" (optional) holds the non-relative names IsSelf accepts, one a
// line; every other plain section is a source, in merge order. The
// expectation is either "@want" (the merged content) or "@error": its
// first line is "clash" or "syntax" (the error's type), every further
// line a substring of the error message. Check must agree with the merge.
func TestGolden(t *testing.T) {
	for _, dir := range []string{"python", "ts"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no fixtures in testdata/%s", dir)
		}
		for _, file := range files {
			t.Run(dir+"/"+strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) { runFixture(t, file) })
		}
	}
}

type fixture struct {
	ar      *txtar.Archive
	target  string
	opts    *Options
	srcs    []Source
	want    []byte
	hasWant bool
	errSpec []string
}

func parseFixture(t *testing.T, file string) *fixture {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{ar: ar}
	for _, f := range ar.Files {
		switch f.Name {
		case "@target":
			fx.target = strings.TrimSpace(string(f.Data))
		case "@self":
			names := strings.Fields(string(f.Data))
			fx.opts = &Options{IsSelf: func(m string) bool {
				for _, n := range names {
					if n == m {
						return true
					}
				}
				return false
			}}
		case "@want":
			fx.want, fx.hasWant = f.Data, true
		case "@error":
			fx.errSpec = strings.Split(strings.TrimSpace(string(f.Data)), "\n")
		default:
			if strings.HasPrefix(f.Name, "@") {
				t.Fatalf("unknown section %s", f.Name)
			}
			fx.srcs = append(fx.srcs, Source{Path: f.Name, Content: f.Data})
		}
	}
	if fx.target == "" || len(fx.srcs) == 0 || fx.hasWant == (fx.errSpec != nil) {
		t.Fatalf("%s: want @target, sources and exactly one of @want and @error", file)
	}
	return fx
}

func mergeFn(target string) func(context.Context, string, []Source, *Options) ([]byte, error) {
	if strings.HasSuffix(target, ".py") || strings.HasSuffix(target, ".pyi") {
		return Python
	}
	return TypeScript
}

func runFixture(t *testing.T, file string) {
	fx := parseFixture(t, file)
	ctx := context.Background()
	got, err := mergeFn(fx.target)(ctx, fx.target, fx.srcs, fx.opts)
	checkErr := Check(ctx, fx.target, fx.srcs, fx.opts)
	if (err == nil) != (checkErr == nil) || err != nil && err.Error() != checkErr.Error() {
		t.Errorf("Check disagrees with the merge:\nmerge: %v\ncheck: %v", err, checkErr)
	}
	if fx.errSpec != nil {
		if err == nil {
			t.Fatalf("merged without error; want %v:\n%s", fx.errSpec, got)
		}
		t.Logf("error (as expected): %v", err)
		checkErrSpec(t, err, fx.errSpec)
		return
	}
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if *update {
		for i := range fx.ar.Files {
			if fx.ar.Files[i].Name == "@want" {
				fx.ar.Files[i].Data = got
			}
		}
		if err := os.WriteFile(file, txtar.Format(fx.ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, fx.want) {
		t.Errorf("merged content differs\n--- got ---\n%s\n--- want ---\n%s", got, fx.want)
	}
}

func checkErrSpec(t *testing.T, err error, spec []string) {
	t.Helper()
	var clash *Clash
	var syn *SyntaxError
	switch spec[0] {
	case "clash":
		if !errors.As(err, &clash) {
			t.Errorf("error is not a *Clash: %v", err)
		}
	case "syntax":
		if !errors.As(err, &syn) {
			t.Errorf("error is not a *SyntaxError: %v", err)
		}
	default:
		t.Fatalf("@error must start with clash or syntax, not %q", spec[0])
	}
	for _, want := range spec[1:] {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}
