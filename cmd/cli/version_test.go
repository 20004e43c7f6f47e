package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

func TestVersionLine(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "587d2b8c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b"}, {Key: "vcs.time", Value: "2026-12-04T15:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	for _, tc := range []struct {
		name, version string
		bi            *debug.BuildInfo
		want          string
	}{
		{"clone with changes", "devel", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"relayout devel (commit 587d2b8c1e2f of 2026-12-04T15:00:00Z, with uncommitted changes; go1.26.0)"},
		{"module version", "devel", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.2.0"}, Settings: vcs[:3]},
			"relayout v0.2.0 (commit 587d2b8c1e2f of 2026-12-04T15:00:00Z; go1.26.0)"},
		{"ldflags release", "v1.0.0", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.2.0"}},
			"relayout v1.0.0 (commit unknown (built without version control information); go1.26.0)"},
		{"no build info", "devel", nil, "relayout devel (commit unknown (built without version control information))"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionLine(tc.version, tc.bi); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestVersionOfABuildFromAClone: `go build` in this repository (what `go
// install ./cmd/relayout` does in a clone) records the commit, and
// `relayout version` prints it.
func TestVersionOfABuildFromAClone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	testtool.Find(t, "git", "")
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git work tree: %v", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !st.IsDir() {
		t.Skip("a git worktree (.git is a file): the go command records VCS information only in a clone")
	}
	bin := filepath.Join(t.TempDir(), "relayout")
	build := exec.Command("go", "build", "-o", bin, "github.com/relayout/relayout/cmd/relayout")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=auto") // the default, whatever this machine sets
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^relayout \S+ \(commit ` + string(head[:12]) + ` of \S+(, with uncommitted changes)?; go\S+\)\n$`)
	if !want.Match(out) {
		t.Errorf("relayout version printed %q, want it to match %s", out, want)
	}
}
