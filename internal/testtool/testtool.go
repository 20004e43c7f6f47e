// Package testtool decides, for every test that needs an external tool
// (python3, pyright, tsc, tsserver, node, nvim, …), what happens when the
// tool is missing: the test is skipped on a developer's machine and FAILS
// when the CI environment variable is set, so CI can never pass by not
// running a check. It also writes fixture trees for every package's tests
// (WriteTree, TempTree). It is test support only; production code must not
// import it.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (the CI environment variable
// is set to anything but "" or "false").
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// Missing stops the test because a tool it needs is not available: Skip
// locally, Fatal under CI. It never returns.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (required under CI)", msg)
	}
	t.Skip(msg)
}

// Find returns the path of tool: the value of envVar when that is set
// (envVar may be ""), else the tool found on PATH. When neither exists it
// calls Missing.
func Find(t testing.TB, tool, envVar string) string {
	t.Helper()
	return find(t, tool, envVar, Missing)
}

// MissingCheck records that one check of a test cannot run because a tool
// is not available while the rest of the test can: locally it logs and
// returns (the test goes on without that check), under CI it fails the
// test.
func MissingCheck(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (required under CI)", msg)
	}
	t.Logf("%s: that check is not run", msg)
}

// Optional is Find for a tool that only adds a check to a test: when the
// tool is missing it calls MissingCheck and returns "".
func Optional(t testing.TB, tool, envVar string) string {
	t.Helper()
	return find(t, tool, envVar, MissingCheck)
}

// find looks tool up as Find documents and calls missing when it is not
// found, returning "" if missing returns.
func find(t testing.TB, tool, envVar string, missing func(testing.TB, string, ...any)) string {
	t.Helper()
	if envVar != "" {
		if p := os.Getenv(envVar); p != "" {
			if _, err := os.Stat(p); err != nil {
				missing(t, "%s=%s: %v", envVar, p, err)
				return ""
			}
			return p
		}
	}
	p, err := exec.LookPath(tool)
	if err != nil {
		hint := ""
		if envVar != "" {
			hint = " (set " + envVar + " or put it on PATH)"
		}
		missing(t, "%s not found%s", tool, hint)
		return ""
	}
	return p
}
