package cli

import (
	"fmt"
	"runtime/debug"
)

// Version is the release version; set with -ldflags "-X ...cli.Version=v1".
var Version = "devel"

func init() {
	register(verb{name: "version", short: "print the version", run: func(e *env, args []string) int {
		v := Version
		if bi, ok := debug.ReadBuildInfo(); ok && v == "devel" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		fmt.Fprintf(e.stdout, "relayout %s\n", v)
		return ExitOK
	}})
}
