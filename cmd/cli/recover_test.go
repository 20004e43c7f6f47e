package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// tree returns every file and directory under dir with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Environment of TestApplyKillChild: the workspace to apply in, and the
// step to SIGKILL itself at ("KIND N": the N-th step whose name starts
// with KIND, e.g. "write 40").
const (
	killWSEnv   = "RELAYOUT_CLI_TEST_KILL_WS"
	killStepEnv = "RELAYOUT_CLI_TEST_KILL_AT"
)

// TestApplyKillChild is the child process of TestRecoverAfterKill: it runs
// `relayout apply` and kills itself with SIGKILL at the step named by
// killStepEnv. It does nothing unless re-executed with killWSEnv set.
func TestApplyKillChild(t *testing.T) {
	ws := os.Getenv(killWSEnv)
	if ws == "" {
		t.Skip("only run as TestRecoverAfterKill's child")
	}
	kind, nth, _ := strings.Cut(os.Getenv(killStepEnv), " ")
	want, _ := strconv.Atoi(nth)
	seen := 0
	applyStepHook = func(step string) error {
		if strings.HasPrefix(step, kind) {
			seen++
			if seen == want {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {}
			}
		}
		return nil
	}
	var out strings.Builder
	code := Main([]string{"apply", "--root", ws}, strings.NewReader(""), &out, &out)
	fmt.Fprintf(os.Stderr, "apply finished (exit %d) before step %q:\n%s", code, os.Getenv(killStepEnv), out.String())
	os.Exit(3)
}

// TestRecoverAfterKill runs `relayout apply` on a workspace of a few
// hundred modules in a child process that SIGKILLs itself at a given step
// (the first, a middle and the last write, the first removal, the first
// directory removal, the commit), runs `relayout apply --recover` and
// checks that the tree is exactly the old one, and that a second recover
// has nothing to do. (refactor/edit's TestKillAtEveryStep kills at every
// step of a smaller change set.)
func TestRecoverAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	ws := t.TempDir()
	write := func(p, c string) { testtool.WriteTree(t, ws, map[string]string{p: c}) }
	write("pyproject.toml", "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n")
	write("src/app/__init__.py", "")
	write("src/app/backend/__init__.py", "")
	write("src/app/backend/big/__init__.py", "")
	var users strings.Builder
	for i := 0; i < 100; i++ {
		write(fmt.Sprintf("src/app/backend/big/m%d.py", i), fmt.Sprintf("VALUE = %d\n", i))
		fmt.Fprintf(&users, "from app.backend.big.m%d import VALUE as v%d\n", i, i)
	}
	write("src/app/user.py", users.String())
	write("relayout.toml", "[[move]]\nfrom = \"src/app/backend/big\"\nto = \"src/app/big\"\n")
	old := tree(t, ws)
	cache := t.TempDir()
	for _, at := range []string{"write 1", "write 50", "write 102", "remove 1", "rmdir 1", "commit 1"} {
		t.Run(at, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(ws)); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestApplyKillChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), killWSEnv+"="+dir, killStepEnv+"="+at, "XDG_CACHE_HOME="+cache)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the apply was not killed at %q: %v\n%s", at, err, out)
			}
			if _, err := os.Stat(filepath.Join(dir, ".relayout-journal", "journal.json")); err != nil {
				t.Fatalf("no journal after the kill: %v", err)
			}
			var stdout, stderr strings.Builder
			if code := Main([]string{"apply", "--recover", "--root", dir}, strings.NewReader(""), &stdout, &stderr); code != ExitOK || !strings.Contains(stdout.String(), "rolled back") {
				t.Fatalf("recover: exit %d\n%s%s", code, stdout.String(), stderr.String())
			}
			now := tree(t, dir)
			var diffs []string
			for k, v := range old {
				if w, ok := now[k]; !ok || w != v {
					diffs = append(diffs, "lost or changed: "+k)
				}
			}
			for k := range now {
				if _, ok := old[k]; !ok {
					diffs = append(diffs, "left behind: "+k)
				}
			}
			sort.Strings(diffs)
			if len(diffs) > 0 {
				t.Errorf("after --recover the tree is not the old one:\n%s", strings.Join(diffs, "\n"))
			}
			stdout.Reset()
			if code := Main([]string{"apply", "--recover", "--root", dir}, strings.NewReader(""), &stdout, &stderr); code != ExitOK || !strings.Contains(stdout.String(), "nothing to recover") {
				t.Errorf("second recover: exit %d\n%s", code, stdout.String())
			}
		})
	}
}

// TestRecoverHostileJournal: `relayout apply --recover` refuses a journal
// committed to the repository whose entries point outside the root, exits
// 1 with a message saying so, and touches nothing in the root or outside.
func TestRecoverHostileJournal(t *testing.T) {
	top := t.TempDir()
	root := filepath.Join(top, "ws")
	files := map[string]string{
		"ws/relayout.toml":                  "",
		"ws/.relayout-journal/journal.json": `{"version":1,"state":"prepared","written":["../outside/victim.txt"],"backups":[{"path":"../outside/victim.txt","file":"0","mode":420}]}`,
		"ws/.relayout-journal/backup/0":     "pwned",
		"outside/victim.txt":                "precious",
	}
	testtool.WriteTree(t, top, files)
	before := tree(t, top)
	var stdout, stderr strings.Builder
	code := Main([]string{"apply", "--recover", "--root", root}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitFindings || !strings.Contains(stderr.String(), `refusing to recover from .relayout-journal: written entry "../outside/victim.txt": climbs out with ".."`) {
		t.Errorf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if got := tree(t, top); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("recover touched files:\n%v\nwant\n%v", got, before)
	}
}
