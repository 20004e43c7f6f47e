package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ropeScript answers one move per input line ("FROM\tTO", workspace-relative
// paths) with one JSON line {"files": {path: new content}} or {"error": …}.
// A move within a folder is rope's module Rename; a move to another package
// is MoveModule (rope cannot do both at once). Nothing is written: the
// project keeps no .ropeproject folder and the changes are not applied.
const ropeScript = `import json, os, sys
from rope.base.project import Project
from rope.refactor.move import MoveModule
from rope.refactor.rename import Rename

project = Project(sys.argv[1], ropefolder=None)
for line in sys.stdin:
    src, dst = line.rstrip("\n").split("\t")
    try:
        res = project.get_resource(src)
        if os.path.dirname(src) == os.path.dirname(dst):
            name = os.path.splitext(os.path.basename(dst))[0]
            changes = Rename(project, res).get_changes(name)
        else:
            if os.path.basename(src) != os.path.basename(dst):
                raise ValueError("rope moves a module to another package or renames it in place, not both")
            changes = MoveModule(project, res).get_changes(project.get_resource(os.path.dirname(dst)))
        files = {}
        for c in changes.changes:
            if hasattr(c, "new_contents"):
                files[c.resource.path] = c.new_contents
        print(json.dumps({"files": files}), flush=True)
    except Exception as e:
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}), flush=True)
`

// ropeClient is a running Rope script.
type ropeClient struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	start time.Time
	dir   string // temp dir of the script
}

// FindRope returns a Python interpreter that can import rope: python, if
// given, else python3 on PATH, else /usr/bin/python3 (Debian's
// python3-rope installs there, which a pyenv python3 does not see).
func FindRope(python string) (string, error) {
	cands := []string{python}
	if python == "" {
		cands = []string{"python3", "/usr/bin/python3"}
	}
	var tried []string
	for _, c := range cands {
		p, err := exec.LookPath(c)
		if err != nil {
			tried = append(tried, c+": not found")
			continue
		}
		if out, err := exec.Command(p, "-c", "import rope; print(rope.VERSION)").Output(); err == nil {
			return p + " (rope " + strings.TrimSpace(string(out)) + ")", nil
		}
		tried = append(tried, p+": no rope module")
	}
	return "", fmt.Errorf("%s", strings.Join(tried, "; "))
}

// startRope writes the script to a temp dir and starts it on root.
func startRope(python, root string) (*ropeClient, error) {
	dir, err := os.MkdirTemp("", "relayout-bench-rope-")
	if err != nil {
		return nil, err
	}
	script := filepath.Join(dir, "rope_move.py")
	if err := os.WriteFile(script, []byte(ropeScript), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(python, script, root)
	cmd.Dir = root
	cmd.Stderr = io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &ropeClient{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20), dir: dir, start: time.Now()}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start rope: %w", err)
	}
	return c, nil
}

func (c *ropeClient) pid() int { return c.cmd.Process.Pid }

// rename asks rope for the move's changes.
func (c *ropeClient) rename(ctx context.Context, from, to string) (map[string]string, error) {
	if _, err := fmt.Fprintf(c.in, "%s\t%s\n", from, to); err != nil {
		return nil, fmt.Errorf("rope: %w", err)
	}
	type answer struct {
		Files map[string]string `json:"files"`
		Error string            `json:"error"`
	}
	ch := make(chan answer, 1)
	errc := make(chan error, 1)
	go func() {
		line, err := c.out.ReadBytes('\n')
		if err != nil {
			errc <- fmt.Errorf("rope: %w (%v)", errExited, err)
			return
		}
		var a answer
		if err := json.Unmarshal(line, &a); err != nil {
			errc <- fmt.Errorf("rope: bad answer: %w", err)
			return
		}
		ch <- a
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case err := <-errc:
		return nil, err
	case a := <-ch:
		if a.Error != "" {
			return nil, fmt.Errorf("rope: %s", a.Error)
		}
		return a.Files, nil
	}
}

func (c *ropeClient) close() {
	_ = c.in.Close()
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	_ = c.cmd.Wait()
	os.RemoveAll(c.dir)
}
