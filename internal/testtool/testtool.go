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
	if envVar != "" {
		if p := os.Getenv(envVar); p != "" {
			if _, err := os.Stat(p); err != nil {
				Missing(t, "%s=%s: %v", envVar, p, err)
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
		Missing(t, "%s not found%s", tool, hint)
	}
	return p
}
