package testtool

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fakeTB records whether Missing skipped or failed, or MissingCheck
// logged.
type fakeTB struct {
	testing.TB
	skipped, failed, logged bool
}

func (f *fakeTB) Logf(format string, a ...any) { f.logged = true }

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skip(args ...any)               { f.skipped = true; panic(f) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = true; panic(f) }

func run(f *fakeTB, fn func()) {
	defer func() {
		if r := recover(); r != nil && r != f {
			panic(r)
		}
	}()
	fn()
}

func TestMissingSkipsLocallyFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "")
	local := &fakeTB{}
	run(local, func() { Find(local, "relayout-no-such-tool", "") })
	if !local.skipped || local.failed {
		t.Errorf("locally: skipped=%v failed=%v, want a skip", local.skipped, local.failed)
	}
	t.Setenv("CI", "true")
	ci := &fakeTB{}
	run(ci, func() { Find(ci, "relayout-no-such-tool", "") })
	if !ci.failed || ci.skipped {
		t.Errorf("under CI: skipped=%v failed=%v, want a failure", ci.skipped, ci.failed)
	}
}

func TestFindHonoursEnvVar(t *testing.T) {
	t.Setenv("RELAYOUT_TESTTOOL_X", "/no/such/file")
	t.Setenv("CI", "1")
	f := &fakeTB{}
	run(f, func() { Find(f, "sh", "RELAYOUT_TESTTOOL_X") })
	if !f.failed {
		t.Error("a set but missing override must fail under CI, not fall back to PATH")
	}
	t.Setenv("RELAYOUT_TESTTOOL_X", "")
	if p := Find(t, "sh", "RELAYOUT_TESTTOOL_X"); p == "" {
		t.Error("sh not found on PATH")
	}
}

// TestOptionalLogsLocallyFailsUnderCI: a missing optional tool lets the
// test go on (with a log line) locally and fails it under CI.
func TestOptionalLogsLocallyFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "")
	local := &fakeTB{}
	var got string
	run(local, func() { got = Optional(local, "relayout-no-such-tool", "") })
	if got != "" || !local.logged || local.skipped || local.failed {
		t.Errorf("locally: path=%q logged=%v skipped=%v failed=%v, want a log line and \"\"", got, local.logged, local.skipped, local.failed)
	}
	t.Setenv("CI", "true")
	ci := &fakeTB{}
	run(ci, func() { Optional(ci, "relayout-no-such-tool", "") })
	if !ci.failed {
		t.Errorf("under CI: failed=%v, want a failure", ci.failed)
	}
	if p := Optional(t, "sh", ""); p == "" {
		t.Error("sh not found on PATH")
	}
}

// lookPath matches a test deciding by itself what a missing tool means:
// exec.LookPath of anything but the Go toolchain running the tests.
var lookPath = regexp.MustCompile(`exec\.LookPath\((?:[^")]|"(?:[^g]|g[^o]|go[^"]))`)

// pendingTools lists test files known to look tools up themselves, each
// with why it is not yet routed through this package.
var pendingTools = map[string]string{}

// TestEveryToolThroughTesttool: no test in the module looks an external
// tool up itself (exec.LookPath), so that one place decides, for every
// tool, to skip locally and fail under CI.
func TestEveryToolThroughTesttool(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "testdata", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if !strings.HasSuffix(rel, "_test.go") || strings.HasPrefix(rel, "internal/testtool/") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		if loc := lookPath.FindIndex(src); loc != nil {
			if _, ok := pendingTools[rel]; !ok {
				line := 1 + strings.Count(string(src[:loc[0]]), "\n")
				t.Errorf("%s:%d looks a tool up itself: use testtool.Find (skip locally, fail under CI) or testtool.Optional", rel, line)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked %d test files; the walk did not reach the module", checked)
	}
}
