package editors

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relayout/relayout/internal/testtool"
)

// relayoutBin is the binary TestMain built; buildErr says why there is none.
var (
	relayoutBin string
	buildErr    error
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(func() int {
		if testing.Short() {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "relayout-editors-")
		if err != nil {
			buildErr = err
			return m.Run()
		}
		defer os.RemoveAll(dir)
		relayoutBin, buildErr = build(dir)
		return m.Run()
	}())
}

// build compiles cmd/relayout into dir.
func build(dir string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("go command not found: %w", err)
	}
	bin := filepath.Join(dir, "relayout")
	out, err := exec.Command(gobin, "build", "-o", bin, "github.com/relayout/relayout/cmd/relayout").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// needBinary skips in -short mode and fails when the build failed.
func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("editor end-to-end tests are skipped in -short mode")
	}
	if buildErr != nil {
		t.Fatalf("building relayout: %v", buildErr)
	}
	consultOnce.Do(consultInputs)
}

var consultOnce sync.Once

// consultInputs stats every file the editor tests depend on. go test caches
// a result by the files the test process itself consults (those inside the
// module), but the server's Go sources, the plugin's Lua and the
// extension's TypeScript are read by child processes; without this a
// change to any of them would be hidden behind a cached "ok".
func consultInputs() {
	out, _ := exec.Command("go", "list", "-deps", "-f",
		`{{if not .Standard}}{{.Dir}}{{"\t"}}{{join .GoFiles " "}} {{join .CgoFiles " "}} {{join .CFiles " "}} {{join .HFiles " "}} {{join .EmbedFiles " "}}{{end}}`,
		"github.com/relayout/relayout/cmd/relayout").Output()
	for _, line := range strings.Split(string(out), "\n") {
		dir, files, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(files) {
			os.Stat(filepath.Join(dir, f))
		}
	}
	for _, root := range []string{"nvim", "vscode"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "out") {
				return filepath.SkipDir
			}
			os.Stat(p)
			return nil
		})
	}
	os.Stat(filepath.Join("vscode", "node_modules", ".package-lock.json")) // npm ci
}

// summary matches the closing line of the Neovim test and the node:test
// TAP totals.
var (
	nvimSummary = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$`)
	tapTotals   = regexp.MustCompile(`(?m)^# (pass|fail|skipped|cancelled|todo) (\d+)$`)
)

// run runs cmd with a deadline and returns its combined output; the output
// is logged (go test -v shows it; a failure always does).
func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("$ %s %s  (%s)\n%s", name, strings.Join(args, " "), time.Since(start).Round(time.Millisecond), out.String())
	if ctx.Err() != nil {
		return out.String(), fmt.Errorf("timed out after %s", timeout)
	}
	return out.String(), err
}

// TestNeovim runs editors/nvim/test/run.sh: headless Neovim with the plugin
// against the real server.
func TestNeovim(t *testing.T) {
	needBinary(t)
	testtool.Find(t, "nvim", "") // apt-get install neovim
	out, err := run(t, 3*time.Minute, ".", []string{"RELAYOUT_BIN=" + relayoutBin}, "bash", filepath.Join("nvim", "test", "run.sh"), relayoutBin)
	m := nvimSummary.FindAllStringSubmatch(out, -1)
	if err != nil {
		t.Fatalf("nvim/test/run.sh: %v (output above)", err)
	}
	if len(m) == 0 {
		t.Fatalf("nvim/test/run.sh printed no \"N passed, N failed\" line")
	}
	last := m[len(m)-1]
	if last[2] != "0" || last[1] == "0" {
		t.Fatalf("Neovim test: %s", last[0])
	}
	t.Logf("Neovim test: %s", last[0])
}

// vscodeDeps skips (or, under CI, fails) when Node or the extension's npm
// packages are missing.
func vscodeDeps(t *testing.T) {
	t.Helper()
	needBinary(t)
	for _, tool := range []string{"node", "npm"} {
		testtool.Find(t, tool, "") // Node.js 20+
	}
	for _, dir := range []string{"vscode-languageclient", "vscode-languageserver-protocol", "typescript", "esbuild"} {
		if _, err := os.Stat(filepath.Join("vscode", "node_modules", dir)); err != nil {
			testtool.Missing(t, "editors/vscode/node_modules/%s is missing: run (cd editors/vscode && npm ci) first", dir)
		}
	}
}

// TestVSCode runs the extension's node:test suites: the build checks
// (type check, bundle, package) and the protocol tests against the real
// server.
func TestVSCode(t *testing.T) {
	vscodeDeps(t)
	for _, suite := range []string{"extension", "server"} {
		t.Run(suite, func(t *testing.T) {
			file := filepath.Join("test", suite+".test.js")
			out, err := run(t, 5*time.Minute, "vscode", []string{"RELAYOUT_BIN=" + relayoutBin}, "node", "--test", "--test-reporter=tap", file)
			totals := map[string]string{}
			for _, m := range tapTotals.FindAllStringSubmatch(out, -1) {
				totals[m[1]] = m[2]
			}
			if err != nil {
				t.Fatalf("node --test %s: %v (output above)", file, err)
			}
			if totals["pass"] == "" || totals["pass"] == "0" {
				t.Fatalf("node --test %s passed no test", file)
			}
			t.Logf("%s: %s passed, %s failed, %s skipped", file, totals["pass"], totals["fail"], totals["skipped"])
		})
	}
}

// TestVSCodeE2E runs the extension in a real VS Code (code-server and
// headless Chromium, editors/vscode/e2e/run.sh). It installs code-server on
// first use (minutes), so it is opt-in: RELAYOUT_E2E_VSCODE=1.
func TestVSCodeE2E(t *testing.T) {
	if os.Getenv("RELAYOUT_E2E_VSCODE") != "1" {
		t.Skip("set RELAYOUT_E2E_VSCODE=1 to run the extension in code-server + Chromium (slow; see editors/vscode/e2e/run.sh)")
	}
	vscodeDeps(t)
	out, err := run(t, 20*time.Minute, ".", []string{"RELAYOUT_BIN=" + relayoutBin}, "bash", filepath.Join("vscode", "e2e", "run.sh"))
	if err != nil {
		t.Fatalf("vscode/e2e/run.sh: %v (output above)", err)
	}
	if m := nvimSummary.FindAllString(out, -1); len(m) > 0 {
		t.Logf("VS Code end-to-end: %s", m[len(m)-1])
	}
}
