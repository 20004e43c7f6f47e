package server

// input_test.go: the JSON-RPC input path over real pipes, byte for byte:
// a malformed message gets an error response and the session goes on.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayout/relayout/internal/testtool"
)

// rawConn speaks framed JSON-RPC to a server over a real pipe.
type rawConn struct {
	t    *testing.T
	srv  *server
	conn net.Conn
	r    *bufio.Reader
	done chan error
	// shown collects the window/showMessage texts received so far.
	shown []string
}

// startRaw runs a server on one end of a pipe and returns the other.
func startRaw(t *testing.T) *rawConn {
	t.Helper()
	a, b := net.Pipe()
	srv := newServer(Options{CacheDir: t.TempDir()})
	rc := &rawConn{t: t, srv: srv, conn: a, r: bufio.NewReader(a), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { rc.done <- srv.serve(ctx, b) }()
	t.Cleanup(func() {
		cancel()
		a.Close()
		<-rc.done
	})
	return rc
}

// send writes body as one Content-Length frame.
func (rc *rawConn) send(body string) {
	rc.t.Helper()
	_ = rc.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(rc.conn, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		rc.t.Fatalf("write %q: %v", body, err)
	}
}

// rawMsg is a message read back from the server.
type rawMsg struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// response reads messages until a response arrives (skipping the server's
// own requests and notifications, answering requests with null).
func (rc *rawConn) response() rawMsg {
	rc.t.Helper()
	for {
		_ = rc.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		n := -1
		for {
			line, err := rc.r.ReadString('\n')
			if err != nil {
				rc.t.Fatalf("read header: %v (the session ended?)", err)
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(rc.r, body); err != nil {
			rc.t.Fatalf("read body: %v", err)
		}
		var m rawMsg
		if err := json.Unmarshal(body, &m); err != nil {
			rc.t.Fatalf("server sent invalid JSON %q: %v", body, err)
		}
		if m.Method == "window/showMessage" {
			var p struct {
				Params struct{ Message string } `json:"params"`
			}
			_ = json.Unmarshal(body, &p)
			rc.shown = append(rc.shown, p.Params.Message)
		}
		if m.Method == "" {
			return m
		}
		if len(m.ID) > 0 {
			rc.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":null}`, m.ID))
		}
	}
}

// call sends body and returns the response.
func (rc *rawConn) call(body string) rawMsg {
	rc.t.Helper()
	rc.send(body)
	return rc.response()
}

// initialize initializes the session with the given workspace folders.
func (rc *rawConn) initialize(folderURIs ...string) {
	rc.t.Helper()
	folders := "null"
	if len(folderURIs) > 0 {
		var fs []string
		for _, u := range folderURIs {
			fs = append(fs, fmt.Sprintf(`{"uri":%q,"name":"w"}`, u))
		}
		folders = "[" + strings.Join(fs, ",") + "]"
	}
	m := rc.call(fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{},"workspaceFolders":%s}}`, folders))
	if m.Error != nil {
		rc.t.Fatalf("initialize: %+v", *m.Error)
	}
	rc.send(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
}

func TestMalformedMessagesGetErrorResponses(t *testing.T) {
	rc := startRaw(t)
	rc.initialize()
	for _, tc := range []struct {
		name, body string
		code       int
		id         string
	}{
		{"invalid JSON", `{"jsonrpc":"2.0","id":2,"method":`, -32700, "null"},
		{"not an object", `42`, -32600, "null"},
		{"a string", `"hello"`, -32600, "null"},
		{"missing jsonrpc", `{"id":3,"method":"relayout/status"}`, -32600, "3"},
		{"wrong jsonrpc", `{"jsonrpc":"1.0","id":4,"method":"relayout/status"}`, -32600, "4"},
		{"object id", `{"jsonrpc":"2.0","id":{"a":1},"method":"relayout/status"}`, -32600, "null"},
		{"fractional id", `{"jsonrpc":"2.0","id":1.5,"method":"relayout/status"}`, -32600, "null"},
		{"method not a string", `{"jsonrpc":"2.0","id":5,"method":7}`, -32600, "5"},
		{"invalid params", `{"jsonrpc":"2.0","id":6,"method":"textDocument/codeAction","params":{"textDocument":5}}`, -32602, "6"},
		{"params not structured", `{"jsonrpc":"2.0","id":7,"method":"workspace/executeCommand","params":"x"}`, -32602, "7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc.t = t
			m := rc.call(tc.body)
			if m.Error == nil || m.Error.Code != tc.code || string(m.ID) != tc.id {
				t.Errorf("%s: got id %s error %+v, want id %s code %d", tc.body, m.ID, m.Error, tc.id, tc.code)
			}
			// The session goes on.
			if m := rc.call(`{"jsonrpc":"2.0","id":100,"method":"relayout/status","params":{}}`); m.Error != nil || string(m.ID) != "100" {
				t.Fatalf("after %s: status got id %s error %+v", tc.name, m.ID, m.Error)
			}
		})
	}
	rc.t = t
	if m := rc.call(`{"jsonrpc":"2.0","id":101,"method":"shutdown"}`); m.Error != nil {
		t.Fatalf("shutdown: %+v", *m.Error)
	}
}

// status asks relayout/status and returns the folder paths it reports.
func (rc *rawConn) statusFolders() []string {
	rc.t.Helper()
	m := rc.call(`{"jsonrpc":"2.0","id":200,"method":"relayout/status","params":{}}`)
	if m.Error != nil {
		rc.t.Fatalf("status: %+v", *m.Error)
	}
	var st statusResult
	if err := json.Unmarshal(m.Result, &st); err != nil {
		rc.t.Fatal(err)
	}
	var out []string
	for _, f := range st.Folders {
		out = append(out, string(f.URI))
	}
	return out
}

// waitShown reads until a window/showMessage containing want arrived.
func (rc *rawConn) waitShown(want string) {
	rc.t.Helper()
	for i := 0; i < 50; i++ {
		for _, m := range rc.shown {
			if strings.Contains(m, want) {
				return
			}
		}
		rc.call(`{"jsonrpc":"2.0","id":201,"method":"relayout/status","params":{}}`)
		time.Sleep(20 * time.Millisecond)
	}
	rc.t.Fatalf("no window/showMessage containing %q; shown: %q", want, rc.shown)
}

func TestRootAndHomeFoldersRefused(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	rc := startRaw(t)
	rc.initialize("file:///", string(pathToURI(home)))
	if got := rc.statusFolders(); len(got) != 0 {
		t.Errorf("folders opened: %v, want none", got)
	}
	rc.waitShown("root of the file system")
	rc.waitShown("home directory")
}

func TestSameFolderSpelledDifferentlyOpenedOnce(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a/b.py": "", "sub/c.py": ""})
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(root, link); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	u := string(pathToURI(root))
	spellings := []string{
		u,
		u + "/",
		u + "/sub/..",
		string(pathToURI(link)),
		strings.Replace(u, "file:///", "file:///%2e/", 1),
	}
	rc := startRaw(t)
	rc.initialize(spellings...)
	if got := rc.statusFolders(); len(got) != 1 {
		t.Fatalf("folders opened: %v, want one", got)
	}
	// Removing one spelling keeps the folder (the others still name it);
	// removing all closes it.
	rc.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"workspace/didChangeWorkspaceFolders","params":{"event":{"added":[],"removed":[{"uri":%q,"name":"w"}]}}}`, spellings[1]))
	if got := rc.statusFolders(); len(got) != 1 {
		t.Fatalf("after removing one spelling: %v, want the folder kept", got)
	}
	for _, sp := range spellings {
		rc.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"workspace/didChangeWorkspaceFolders","params":{"event":{"added":[],"removed":[{"uri":%q,"name":"w"}]}}}`, sp))
	}
	if got := rc.statusFolders(); len(got) != 0 {
		t.Fatalf("after removing every spelling: %v, want none", got)
	}
}

func TestRelativeFileURIsRefused(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"relayout.toml": "", "a/b.py": ""})
	rc := startRaw(t)
	m := rc.call(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"capabilities":{},"workspaceFolders":[{"uri":"file:relative","name":"r"}]}}`)
	if m.Error == nil || m.Error.Code != -32602 || !strings.Contains(m.Error.Message, "absolute path") {
		t.Errorf("initialize with file:relative: got %s %+v, want -32602 naming the URI", m.Result, m.Error)
	}
	rc.initialize(string(pathToURI(root)))
	for _, body := range []string{
		`{"jsonrpc":"2.0","id":10,"method":"workspace/executeCommand","params":{"command":"relayout.move","arguments":["file:relative","a/b.py","b.py"]}}`,
		`{"jsonrpc":"2.0","id":10,"method":"workspace/willRenameFiles","params":{"files":[{"oldUri":"file:a/b.py","newUri":"file:b.py"}]}}`,
	} {
		m := rc.call(body)
		if m.Error == nil || !strings.Contains(m.Error.Message, "absolute path") {
			t.Errorf("%s: got result %s error %+v, want an error naming the relative URI", body, m.Result, m.Error)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "a/b.py")); err != nil {
		t.Errorf("a/b.py moved: %v", err)
	}
}

func TestClosedDocumentsAreReleased(t *testing.T) {
	root := t.TempDir()
	rc := startRaw(t)
	rc.initialize(string(pathToURI(root)))
	big := strings.Repeat("x", 1<<20)
	u := string(pathToURI(filepath.Join(root, "é dir", "a.py")))
	other := strings.Replace(u, "/%C3%A9%20dir/", "/x/../%c3%a9 dir/", 1) // the same file, spelled differently
	if other == u {
		t.Fatalf("spelling %s did not change", u)
	}
	for i := 0; i < 3; i++ {
		rc.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"python","version":1,"text":%q}}}`, u, big))
		rc.send(fmt.Sprintf(`{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":%q}}}`, other))
	}
	rc.statusFolders() // notifications are handled in order: they are done
	rc.srv.mu.Lock()
	n := len(rc.srv.docs)
	rc.srv.mu.Unlock()
	if n != 0 {
		t.Errorf("%d documents still held after didClose", n)
	}
}

// FuzzValidateMessage: any body is either accepted as well-formed JSON-RPC
// (then it is a JSON object with "jsonrpc": "2.0") or refused; nothing
// panics.
func FuzzValidateMessage(f *testing.F) {
	for _, seed := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`,
		`{"jsonrpc":"2.0","method":"initialized","params":{}}`,
		`{"jsonrpc":"2.0","id":"x","result":null}`,
		`{"jsonrpc":"2.0","id":1,"method":`, `42`, `[]`, `[{"jsonrpc":"2.0"}]`, `null`,
		`{"id":1,"method":"m"}`, `{"jsonrpc":"2.0","id":1.5,"method":"m"}`, `{"jsonrpc":"2.0","id":{},"method":"m"}`,
		`{"jsonrpc":"2.0","id":1,"method":"m","params":"file:x"}`,
		`{"jsonrpc":"2.0","id":1,"method":"m","params":{"textDocument":{"uri":"file:relative"}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if validateMessage(body) != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil || string(m["jsonrpc"]) != `"2.0"` {
			t.Fatalf("accepted %q", body)
		}
	})
}
