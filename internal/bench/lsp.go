package bench

// lsp.go: a minimal LSP client over a child process's stdio. It is written
// against raw JSON (not go.lsp.dev's typed protocol) because the servers it
// drives differ in what they send (WorkspaceEdit.changes or documentChanges,
// progress shapes) and the benchmark needs the arrival time of each frame.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// LSPServer describes a language server to start.
type LSPServer struct {
	Name        string   // shown in the table
	Argv        []string // command and arguments; Argv0, when set, is argv[0]
	Argv0       string
	Env         []string // added to the environment
	InitOptions any      // initializationOptions
}

// lspClient is a running server and the client's record of it.
type lspClient struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	root  string
	start time.Time

	wmu sync.Mutex // serialises writes

	mu        sync.Mutex
	nextID    int
	pending   map[string]chan rpcResponse
	firstDiag time.Duration // since start; 0: none yet
	progress  map[string]bool
	serverErr error // the read loop's end
	done      chan struct{}
}

// errExited is the error of a request whose server exited.
var errExited = errors.New("the server exited")

type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// rpcMessage is any incoming frame.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	rpcResponse
}

// startLSP starts srv in root and reads its frames.
func startLSP(s LSPServer, root string) (*lspClient, error) {
	cmd := exec.Command(s.Argv[0], s.Argv[1:]...)
	if s.Argv0 != "" {
		cmd.Args[0] = s.Argv0
	}
	cmd.Dir = root
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Stderr = io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &lspClient{cmd: cmd, stdin: in, root: root, pending: map[string]chan rpcResponse{}, progress: map[string]bool{}, done: make(chan struct{})}
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", s.Name, err)
	}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	return c, nil
}

// pid is the server's process id.
func (c *lspClient) pid() int { return c.cmd.Process.Pid }

// read dispatches frames until the server's stdout closes.
func (c *lspClient) read(r *bufio.Reader) {
	err := func() error {
		for {
			body, err := readFrame(r)
			if err != nil {
				return err
			}
			var m rpcMessage
			if err := json.Unmarshal(body, &m); err != nil {
				return fmt.Errorf("bad frame: %w", err)
			}
			c.handle(&m)
		}
	}()
	c.mu.Lock()
	c.serverErr = err
	for _, ch := range c.pending {
		close(ch)
	}
	c.pending = map[string]chan rpcResponse{}
	c.mu.Unlock()
	close(c.done)
}

// readFrame reads one Content-Length framed message.
func readFrame(r *bufio.Reader) ([]byte, error) {
	n := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
			n, err = strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("bad Content-Length %q", v)
			}
		}
	}
	if n < 0 {
		return nil, errors.New("frame without Content-Length")
	}
	body := make([]byte, n)
	_, err := io.ReadFull(r, body)
	return body, err
}

// handle records notifications, answers the server's requests and routes
// responses.
func (c *lspClient) handle(m *rpcMessage) {
	switch {
	case m.Method == "" && len(m.ID) > 0: // a response
		c.mu.Lock()
		ch := c.pending[string(m.ID)]
		delete(c.pending, string(m.ID))
		c.mu.Unlock()
		if ch != nil {
			ch <- m.rpcResponse
		}
	case len(m.ID) > 0: // a request from the server
		var result any
		switch m.Method {
		case "workspace/configuration":
			var p struct {
				Items []json.RawMessage `json:"items"`
			}
			_ = json.Unmarshal(m.Params, &p)
			result = make([]any, len(p.Items))
		case "workspace/applyEdit":
			result = map[string]any{"applied": false}
		}
		_ = c.write(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
	case m.Method == "textDocument/publishDiagnostics":
		c.mu.Lock()
		if c.firstDiag == 0 {
			c.firstDiag = time.Since(c.start)
		}
		c.mu.Unlock()
	case m.Method == "$/progress":
		var p struct {
			Token any `json:"token"`
			Value struct {
				Kind string `json:"kind"`
			} `json:"value"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			tok := fmt.Sprint(p.Token)
			c.mu.Lock()
			switch p.Value.Kind {
			case "begin":
				c.progress[tok] = true
			case "end":
				delete(c.progress, tok)
			}
			c.mu.Unlock()
		}
	}
}

// write sends one frame.
func (c *lspClient) write(msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := fmt.Fprintf(c.stdin, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err = c.stdin.Write(body)
	return err
}

// notify sends a notification.
func (c *lspClient) notify(method string, params any) error {
	return c.write(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and waits for its result.
func (c *lspClient) call(ctx context.Context, method string, params, result any) error {
	c.mu.Lock()
	if c.serverErr != nil {
		c.mu.Unlock()
		return fmt.Errorf("%s: %w (%v)", method, errExited, c.serverErr)
	}
	c.nextID++
	id := c.nextID
	ch := make(chan rpcResponse, 1)
	c.pending[strconv.Itoa(id)] = ch
	c.mu.Unlock()
	if err := c.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: %w", method, errExited)
		}
		if r.Error != nil {
			return fmt.Errorf("%s: error %d: %s", method, r.Error.Code, r.Error.Message)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(r.Result, result)
	}
}

// busy reports whether a work-done progress is open.
func (c *lspClient) busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.progress) > 0
}

// firstDiagnostic returns when the first publishDiagnostics arrived (0:
// none yet).
func (c *lspClient) firstDiagnostic() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.firstDiag
}

// close asks the server to stop, then kills its process group.
func (c *lspClient) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.call(ctx, "shutdown", nil, nil) == nil {
		_ = c.notify("exit", nil)
	}
	_ = c.stdin.Close()
	select {
	case <-c.done:
	case <-ctx.Done():
	}
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	_ = c.cmd.Wait()
}

// fileURI returns the file: URI of an absolute path.
func fileURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// uriPath returns the path of a file: URI.
func uriPath(u string) (string, error) {
	v, err := url.Parse(u)
	if err != nil || v.Scheme != "file" {
		return "", fmt.Errorf("not a file URI: %q", u)
	}
	return filepath.FromSlash(v.Path), nil
}

// initialize runs the LSP handshake with root as the one workspace folder.
// It returns the server's workspace.fileOperations.willRename capability
// (JSON; "null" when absent) and its name and version.
func (c *lspClient) initialize(ctx context.Context, init any) (willRename, info string, err error) {
	u := fileURI(c.root)
	params := map[string]any{
		"processId":        os.Getpid(),
		"rootUri":          u,
		"rootPath":         c.root,
		"workspaceFolders": []any{map[string]any{"uri": u, "name": filepath.Base(c.root)}},
		"capabilities": map[string]any{
			"window": map[string]any{"workDoneProgress": true},
			"workspace": map[string]any{
				"workspaceFolders": true,
				"configuration":    true,
				"applyEdit":        true,
				"workspaceEdit":    map[string]any{"documentChanges": true},
				"fileOperations":   map[string]any{"willRename": true, "didRename": true},
			},
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{}},
		},
	}
	if init != nil {
		params["initializationOptions"] = init
	}
	var res struct {
		Capabilities struct {
			Workspace struct {
				FileOperations struct {
					WillRename json.RawMessage `json:"willRename"`
				} `json:"fileOperations"`
			} `json:"workspace"`
		} `json:"capabilities"`
		ServerInfo *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"serverInfo"`
	}
	if err := c.call(ctx, "initialize", params, &res); err != nil {
		return "", "", err
	}
	if err := c.notify("initialized", map[string]any{}); err != nil {
		return "", "", err
	}
	willRename = string(res.Capabilities.Workspace.FileOperations.WillRename)
	if willRename == "" {
		willRename = "null"
	}
	if res.ServerInfo != nil {
		info = strings.TrimSpace(res.ServerInfo.Name + " " + res.ServerInfo.Version)
	}
	return willRename, info, nil
}

// open sends didOpen for the workspace-relative file rel.
func (c *lspClient) open(rel string) error {
	abs := filepath.Join(c.root, rel)
	data, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	return c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": fileURI(abs), "languageId": languageID(rel), "version": 1, "text": string(data),
	}})
}

// languageID is the LSP language identifier of a file name.
func languageID(name string) string {
	switch filepath.Ext(name) {
	case ".py", ".pyi":
		return "python"
	case ".tsx":
		return "typescriptreact"
	case ".jsx":
		return "javascriptreact"
	case ".js", ".mjs", ".cjs":
		return "javascript"
	}
	return "typescript"
}

// willRename asks what a rename of the workspace-relative from to to edits
// and returns the new content of every file edited, by relative path.
func (c *lspClient) willRename(ctx context.Context, from, to string) (map[string]string, error) {
	var edit json.RawMessage
	params := map[string]any{"files": []any{map[string]any{
		"oldUri": fileURI(filepath.Join(c.root, from)), "newUri": fileURI(filepath.Join(c.root, to)),
	}}}
	if err := c.call(ctx, "workspace/willRenameFiles", params, &edit); err != nil {
		return nil, err
	}
	return applyWorkspaceEdit(c.root, edit)
}
