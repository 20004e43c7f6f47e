// Command relayout is a language-aware refactoring tool and LSP server that
// keeps repositories within a directory depth limit and moves Python and
// TypeScript modules while fixing every import.
package main

import (
	"os"

	"github.com/relayout/relayout/cmd/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
