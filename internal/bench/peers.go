package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The npm commands that install the TypeScript peers (two prefixes: both
// packages are named typescript).
const (
	InstallTSLS = "npm i --prefix DIR typescript-language-server@6.0.2 typescript@5"
	InstallTS7  = "npm i --prefix DIR typescript@7"
)

// nodeModules returns dir's node_modules folder (dir itself when it is one).
func nodeModules(dir string) string {
	if filepath.Base(dir) == "node_modules" {
		return dir
	}
	return filepath.Join(dir, "node_modules")
}

// packageVersion reads the version of the npm package installed at dir.
func packageVersion(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "", err
	}
	var p struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	return p.Version, nil
}

// FindTSLS returns typescript-language-server with the TypeScript 5.x
// installed beside it in dir (an npm prefix or its node_modules), or why
// not.
func FindTSLS(dir string) (*LSPServer, error) {
	if dir == "" {
		return nil, fmt.Errorf("no peer directory given (--peer-dir or RELAYOUT_PEER_DIR; install: %s)", InstallTSLS)
	}
	nm := nodeModules(dir)
	bin := filepath.Join(nm, ".bin", "typescript-language-server")
	lsv, err := packageVersion(filepath.Join(nm, "typescript-language-server"))
	if err != nil {
		return nil, fmt.Errorf("not installed in %s (%s)", dir, strings.Replace(InstallTSLS, "DIR", dir, 1))
	}
	tsv, err := packageVersion(filepath.Join(nm, "typescript"))
	if err != nil || strings.HasPrefix(tsv, "7.") {
		return nil, fmt.Errorf("no TypeScript 5.x beside it in %s (%s)", dir, strings.Replace(InstallTSLS, "DIR", dir, 1))
	}
	return &LSPServer{
		Name: "typescript-language-server " + lsv + " + TS " + tsv,
		Argv: []string{bin, "--stdio"},
		InitOptions: map[string]any{
			"tsserver": map[string]any{"path": filepath.Join(nm, "typescript", "lib", "tsserver.js")},
			// No automatic type acquisition: it installs @types packages
			// from the network in a child process.
			"disableAutomaticTypingAcquisition": true,
		},
	}, nil
}

// FindTS7 returns TypeScript 7's native language server (tsc --lsp
// --stdio) installed in dir, or why not.
func FindTS7(dir string) (*LSPServer, error) {
	if dir == "" {
		return nil, fmt.Errorf("no TypeScript 7 directory given (--ts7-dir or RELAYOUT_TS7_DIR; install: %s)", InstallTS7)
	}
	nm := nodeModules(dir)
	v, err := packageVersion(filepath.Join(nm, "typescript"))
	if err != nil || !strings.HasPrefix(v, "7.") {
		return nil, fmt.Errorf("no TypeScript 7 in %s (%s)", dir, strings.Replace(InstallTS7, "DIR", dir, 1))
	}
	return &LSPServer{
		Name: "tsc --lsp (TS " + v + ")",
		Argv: []string{filepath.Join(nm, ".bin", "tsc"), "--lsp", "--stdio"},
	}, nil
}
