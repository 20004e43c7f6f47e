package server

// e2e_test.go: the real binary, `relayout serve` over stdio, driven by the
// same fake editor.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/move"
)

// relayoutBin is the binary TestMain built ("" when skipped); buildErr
// says why it could not be built.
var (
	relayoutBin string
	buildErr    error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		if testing.Short() {
			return m.Run()
		}
		gobin, err := exec.LookPath("go")
		if err != nil {
			return m.Run() // the e2e test skips
		}
		dir, err := os.MkdirTemp("", "relayout-e2e-")
		if err != nil {
			buildErr = err
			return m.Run()
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "relayout")
		out, err := exec.Command(gobin, "build", "-o", bin, "github.com/relayout/relayout/cmd/relayout").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		} else {
			relayoutBin = bin
		}
		return m.Run()
	}()
	os.Exit(code)
}

// serveProcess is `relayout serve` running as a child process.
type serveProcess struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	wire   *lockedBuffer // everything the server wrote on stdout
}

// startServe starts `relayout serve` with its parse cache in a temporary
// directory and connects a fake editor to its stdio.
func startServe(t *testing.T) (*editor, *serveProcess) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if relayoutBin == "" {
		t.Skip("go not found, or -short")
	}
	cmd := exec.Command(relayoutBin, "serve", "--log-level", "debug")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sp := &serveProcess{cmd: cmd, stderr: &lockedBuffer{}, wire: &lockedBuffer{}}
	cmd.Stderr = sp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	e := connectEditor(t, stdioPipe{Reader: io.TeeReader(stdout, sp.wire), WriteCloser: stdin})
	return e, sp
}

// stop ends the session and checks the process exits cleanly on its own
// (stdin stays open) and wrote nothing but JSON-RPC on stdout.
func (sp *serveProcess) stop(t *testing.T, e *editor) {
	t.Helper()
	if err := e.shutdownExit(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- sp.cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("relayout serve: %v\nstderr:\n%s", err, sp.stderr.String())
		}
	case <-time.After(awaitTimeout):
		t.Fatalf("relayout serve did not exit after exit\nstderr:\n%s", sp.stderr.String())
	}
	if code := sp.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if err := checkFrames(sp.wire.Bytes()); err != nil {
		t.Errorf("stdout is not only JSON-RPC frames: %v\n%q", err, sp.wire.String())
	}
}

// quietStop fails when the server logged a cancellation at warn or error
// level: editors show a server's stderr as errors, and stopping is normal.
func quietStop(t *testing.T, stderr string) {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if (strings.Contains(line, "\tWARN\t") || strings.Contains(line, "\tERROR\t")) && strings.Contains(line, "context canceled") {
			t.Errorf("a normal stop logged %q", line)
		}
	}
}

// TestServeStopsQuietly: a session ended right after initialize (the
// client has not answered the watcher registration yet), or by SIGTERM,
// logs no "context canceled" warning or error and exits 0.
func TestServeStopsQuietly(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a.py": ""})
	e, sp := startServe(t)
	e.initialize(editorConfig{}, root)
	sp.stop(t, e)
	quietStop(t, sp.stderr.String())

	e, sp = startServe(t)
	e.initialize(editorConfig{}, root)
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := sp.cmd.Wait()
	if err != nil {
		t.Errorf("relayout serve after SIGTERM: %v\n%s", err, sp.stderr.String())
	}
	quietStop(t, sp.stderr.String())
}

func TestServeOverStdio(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a.py": "", "a/b/c/d/e/deep.py": "", "relayout.toml": "[depth]\nseverity = \"hint\"\n"})
	e, sp := startServe(t)
	stderr := sp.stderr

	cfg := editorConfig{}
	e.initialize(cfg, root)
	deep := fileURI(root, "a/b/c/d/e/deep.py")
	e.await("diagnostic", func(st *editorState) bool { return len(st.diags[deep]) == 1 })
	if d := e.snapshot().diags[deep][0]; d.Severity != 4 || !strings.Contains(fmt.Sprint(d.Message), "level 5") {
		t.Errorf("diagnostic = %+v", d)
	}
	sp.stop(t, e)
	if !strings.Contains(stderr.String(), "initialize") {
		t.Errorf("no logs on stderr:\n%s", stderr.String())
	}
}

// TestServeMoveOverStdio: the move flows over the real binary — a code
// action listed for a too-deep file, resolved and applied by the editor,
// then relayout.move through workspace/applyEdit, then a willRenameFiles —
// each leaving the tree `relayout move` leaves.
func TestServeMoveOverStdio(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, billingTree)
	e, sp := startServe(t)
	cfg := editorConfig{echoRenames: true}
	e.initialize(cfg, root)
	u := fileURI(root, invoiceRel)
	e.await("too-deep diagnostic", func(st *editorState) bool { return len(st.diags[u]) == 1 })
	e.open(root, invoiceRel)

	planned := byKind(t, codeActions(t, listActions(e, u)), protocol.CodeActionKindRefactorMove)
	res, err := resolveAction(e, planned)
	if err != nil {
		t.Fatalf("resolve: %v\nstderr:\n%s", err, sp.stderr.String())
	}
	checkEditShape(t, root, res.Edit)
	e.apply(res.Edit)
	e.saveAll()
	moves := []move.Move{{From: "src/app/backend/services/billing", To: "src/app/billing"}}
	want := cliTree(t, billingTree, moves, refactor.MoveOptions{})
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Fatalf("after the code action:\n%s", d)
	}
	for i, ans := range e.snapshot().echoAnswers {
		if len(ans.DocumentChanges) != 0 {
			t.Errorf("echo %d answered with edits", i)
		}
	}

	cmdRes, err := runCommand(e, string(fileURI(root, "")), "src/app/billing/tax.py", "src/app/tax.py")
	if err != nil || !cmdRes.Applied {
		t.Fatalf("relayout.move: %+v %v", cmdRes, err)
	}
	moved := map[string]string{}
	for p, c := range want {
		if c != nil {
			moved[p] = string(c)
		}
	}
	want = cliTree(t, moved, []move.Move{{From: "src/app/billing/tax.py", To: "src/app/tax.py"}}, refactor.MoveOptions{})
	e.saveAll()
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Fatalf("after relayout.move:\n%s", d)
	}

	we := willRename(e, root, "src/app/billing", "src/app/invoicing")
	checkTextOnly(t, we)
	e.apply(we)
	e.saveAll()
	renameOnDisk(t, root, "src/app/billing", "src/app/invoicing")
	if c, _ := os.ReadFile(filepath.Join(root, "src/app/cli.py")); !strings.HasPrefix(string(c), "from app.invoicing.invoice import total\nfrom app.invoicing import invoice\n") {
		t.Errorf("cli.py after the folder rename:\n%s", c)
	}
	sp.stop(t, e)
}

// checkFrames verifies data is a sequence of LSP frames (Content-Length
// header, blank line, body) whose bodies are JSON-RPC 2.0 messages.
func checkFrames(data []byte) error {
	r := bufio.NewReader(bytes.NewReader(data))
	n := 0
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err == io.EOF && line == "" && length < 0 {
				if n == 0 {
					return errors.New("no frames")
				}
				return nil
			}
			if err != nil {
				return fmt.Errorf("frame %d: header: %v", n, err)
			}
			if !strings.HasSuffix(line, "\r\n") {
				return fmt.Errorf("frame %d: header line %q not CRLF-terminated", n, line)
			}
			line = strings.TrimSuffix(line, "\r\n")
			if line == "" {
				break
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok {
				return fmt.Errorf("frame %d: bad header %q", n, line)
			}
			if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
				if length, err = strconv.Atoi(strings.TrimSpace(value)); err != nil {
					return fmt.Errorf("frame %d: bad length %q", n, value)
				}
			}
		}
		if length < 0 {
			return fmt.Errorf("frame %d: no Content-Length", n)
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return fmt.Errorf("frame %d: body: %v", n, err)
		}
		var msg struct {
			JSONRPC string `json:"jsonrpc"`
		}
		if err := json.Unmarshal(body, &msg); err != nil || msg.JSONRPC != "2.0" {
			return fmt.Errorf("frame %d: not a JSON-RPC 2.0 message: %s", n, body)
		}
		n++
	}
}

func TestCheckFramesRejectsStrayOutput(t *testing.T) {
	good := "Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}"
	if err := checkFrames([]byte(good + good)); err != nil {
		t.Errorf("valid frames rejected: %v", err)
	}
	for _, bad := range []string{"", good + "log line\n", "hello " + good, "Content-Length: 2\r\n\r\n{}"} {
		if checkFrames([]byte(bad)) == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// stdioPipe joins the child's stdout and stdin.
type stdioPipe struct {
	io.Reader
	io.WriteCloser
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}

func (b *lockedBuffer) String() string { return string(b.Bytes()) }
