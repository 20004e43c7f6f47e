package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version is the release version; set with -ldflags "-X ...cli.Version=v1".
var Version = "devel"

func init() {
	register(verb{name: "version", short: "print the version and commit", run: func(e *env, args []string) int {
		bi, _ := debug.ReadBuildInfo()
		fmt.Fprintln(e.stdout, versionLine(Version, bi))
		return ExitOK
	}})
}

// versionLine describes the build: the release version (ldflags), else the
// module version, then the commit it was built from (vcs.revision, with
// "modified" when the work tree had uncommitted changes) and the Go version.
// `go install ./cmd/relayout` in a clone records the commit.
func versionLine(version string, bi *debug.BuildInfo) string {
	v := version
	if bi != nil && v == "devel" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	var rev, when string
	modified := false
	goVersion := ""
	if bi != nil {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var parts []string
	switch {
	case rev == "":
		parts = append(parts, "commit unknown (built without version control information)")
	default:
		if len(rev) > 12 {
			rev = rev[:12]
		}
		c := "commit " + rev
		if when != "" {
			c += " of " + when
		}
		if modified {
			c += ", with uncommitted changes"
		}
		parts = append(parts, c)
	}
	if goVersion != "" {
		parts = append(parts, goVersion)
	}
	return fmt.Sprintf("relayout %s (%s)", v, strings.Join(parts, "; "))
}
