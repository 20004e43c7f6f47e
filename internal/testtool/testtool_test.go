package testtool

import (
	"testing"
)

// fakeTB records whether Missing skipped or failed.
type fakeTB struct {
	testing.TB
	skipped, failed bool
}

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
