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
	"testing"
	"time"
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

func TestServeOverStdio(t *testing.T) {
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if relayoutBin == "" {
		t.Skip("go not found, or -short")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.py": "", "a/b/c/d/e/deep.py": "", "relayout.toml": "[depth]\nseverity = \"hint\"\n"})

	cmd := exec.Command(relayoutBin, "serve", "--log-level", "debug")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var wire lockedBuffer // everything the server wrote on stdout
	e := connectEditor(t, stdioPipe{Reader: io.TeeReader(stdout, &wire), WriteCloser: stdin})

	cfg := editorConfig{}
	e.initialize(cfg, root)
	deep := fileURI(root, "a/b/c/d/e/deep.py")
	e.await("diagnostic", func(st *editorState) bool { return len(st.diags[deep]) == 1 })
	if d := e.snapshot().diags[deep][0]; d.Severity != 4 || !strings.Contains(fmt.Sprint(d.Message), "level 5") {
		t.Errorf("diagnostic = %+v", d)
	}
	if err := e.shutdownExit(); err != nil {
		t.Fatal(err)
	}

	// The server exits on its own: stdin stays open.
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("relayout serve: %v\nstderr:\n%s", err, stderr.String())
		}
	case <-time.After(awaitTimeout):
		t.Fatalf("relayout serve did not exit after exit\nstderr:\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if err := checkFrames(wire.Bytes()); err != nil {
		t.Errorf("stdout is not only JSON-RPC frames: %v\n%q", err, wire.String())
	}
	if !strings.Contains(stderr.String(), "initialize") {
		t.Errorf("no logs on stderr:\n%s", stderr.String())
	}
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
