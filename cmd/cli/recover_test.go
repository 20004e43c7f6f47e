package cli

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestRecoverAfterKill builds relayout, starts `relayout apply` as a real
// child process on a workspace of a few hundred modules, kills it with
// SIGKILL in the middle of the apply (RELAYOUT_TEST_SLOW_APPLY makes every
// step sleep), runs `relayout apply --recover` and checks that the tree is
// exactly the old one.
func TestRecoverAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "relayout")
	build := exec.Command("go", "build", "-o", bin, "../relayout")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ws := t.TempDir()
	write := func(p, c string) {
		full := filepath.Join(ws, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pyproject.toml", "[tool.setuptools.packages.find]\nwhere = [\"src\"]\n")
	write("src/app/__init__.py", "")
	write("src/app/backend/__init__.py", "")
	write("src/app/backend/big/__init__.py", "")
	var users strings.Builder
	for i := 0; i < 300; i++ {
		write(fmt.Sprintf("src/app/backend/big/m%d.py", i), fmt.Sprintf("VALUE = %d\n", i))
		fmt.Fprintf(&users, "from app.backend.big.m%d import VALUE as v%d\n", i, i)
	}
	write("src/app/user.py", users.String())
	write("relayout.toml", "[[move]]\nfrom = \"src/app/backend/big\"\nto = \"src/app/big\"\n")
	old := tree(t, ws)

	env := append(os.Environ(), "RELAYOUT_TEST_SLOW_APPLY=10ms", "XDG_CACHE_HOME="+t.TempDir())
	cmd := exec.Command(bin, "apply", "--root", ws)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(ws, ".relayout-journal", "journal.json")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(journal); err == nil {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the apply never wrote its journal:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // some 50 steps in
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	mid := tree(t, ws)
	if _, ok := mid[".relayout-journal/"]; !ok {
		t.Fatalf("the apply finished before it was killed; nothing was tested:\n%s", out.String())
	}
	if _, ok := mid["src/app/big/"]; !ok {
		t.Fatalf("killed before the apply wrote anything; nothing was tested")
	}
	rec := exec.Command(bin, "apply", "--recover", "--root", ws)
	rec.Env = env
	if o, err := rec.CombinedOutput(); err != nil || !strings.Contains(string(o), "rolled back") {
		t.Fatalf("recover: %v\n%s", err, o)
	}
	now := tree(t, ws)
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
}
