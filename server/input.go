package server

// input.go: the JSON-RPC input path. inputGuard sits between the client's
// stream and jsonrpc2: it reads each Content-Length frame itself and hands
// jsonrpc2 only well-formed messages; a malformed one (invalid JSON, not an
// object, no "jsonrpc": "2.0", an id that is neither a string nor an
// integer, a method that is not a string, params that are not an object or
// array, a relative file URI, an oversized body) is answered with a JSON-RPC error response and
// skipped, instead of ending the session as jsonrpc2's decoder does. Only
// a broken header (no way to find the next frame) ends it.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"
)

// maxMessageSize bounds one incoming message body; a larger one is skipped
// and answered with an error.
const maxMessageSize = 64 << 20

// JSON-RPC 2.0 error codes the guard answers with.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeInvalidParams  = -32602
)

// inputGuard is an io.ReadWriteCloser over the client's stream that
// validates incoming frames (see the file comment). Writes, its own error
// responses included, go out one frame per Write under a mutex.
type inputGuard struct {
	rwc     io.ReadWriteCloser
	in      *bufio.Reader
	log     *zap.Logger
	pending []byte // a validated frame jsonrpc2 has not read yet

	wmu sync.Mutex
}

func newInputGuard(rwc io.ReadWriteCloser, log *zap.Logger) *inputGuard {
	return &inputGuard{rwc: rwc, in: bufio.NewReader(rwc), log: log}
}

// Read implements io.Reader: it serves validated frames.
func (g *inputGuard) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		body, err := g.readFrame()
		if err != nil {
			return 0, err
		}
		if body == nil {
			continue // oversized, answered
		}
		if reject := validateMessage(body); reject != nil {
			g.log.Warn("malformed message answered with an error", zap.Int("code", reject.code), zap.String("reason", reject.msg))
			if reject.answer {
				g.writeError(reject.id, reject.code, reject.msg)
			}
			continue
		}
		g.pending = append(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body...)
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

// Write implements io.Writer; jsonrpc2 writes one frame per call.
func (g *inputGuard) Write(p []byte) (int, error) {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	return g.rwc.Write(p)
}

// Close implements io.Closer.
func (g *inputGuard) Close() error { return g.rwc.Close() }

// readFrame reads the next frame's body; nil (and no error) when the body
// was too large and has been skipped and answered.
func (g *inputGuard) readFrame() ([]byte, error) {
	length := -1
	for {
		line, err := g.in.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) && line == "" && length < 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("read message header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if length < 0 {
				continue // stray blank line between frames
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed message header %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("malformed Content-Length %q", value)
			}
			length = n
		}
	}
	if length > maxMessageSize {
		if _, err := io.CopyN(io.Discard, g.in, int64(length)); err != nil {
			return nil, fmt.Errorf("skip oversized message: %w", err)
		}
		g.log.Warn("oversized message skipped", zap.Int("bytes", length))
		g.writeError(nil, codeInvalidRequest, fmt.Sprintf("message of %d bytes exceeds the limit of %d", length, maxMessageSize))
		return nil, nil
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(g.in, body); err != nil {
		return nil, fmt.Errorf("read message body: %w", err)
	}
	return body, nil
}

// writeError sends an error response with id (null when nil).
func (g *inputGuard) writeError(id json.RawMessage, code int, msg string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	text, _ := json.Marshal("relayout: " + msg)
	body := fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":{"code":%d,"message":%s}}`, id, code, text)
	frame := append(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body...)
	if _, err := g.Write(frame); err != nil {
		g.log.Debug("write error response", zap.Error(err))
	}
}

// rejection says why a message is refused and how to answer it.
type rejection struct {
	answer bool            // send an error response (not for responses)
	id     json.RawMessage // the request's id, nil when unknown
	code   int
	msg    string
}

// validateMessage checks one message body against JSON-RPC 2.0 as LSP uses
// it (no batches); nil means well-formed.
func validateMessage(body []byte) *rejection {
	bad := func(id json.RawMessage, code int, format string, args ...any) *rejection {
		return &rejection{answer: true, id: id, code: code, msg: fmt.Sprintf(format, args...)}
	}
	if !json.Valid(body) {
		return bad(nil, codeParseError, "invalid JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return bad(nil, codeInvalidRequest, "a message must be a JSON object (LSP has no batches)")
	}
	id, hasID := fields["id"]
	if hasID && !validID(id) {
		return bad(nil, codeInvalidRequest, "id must be a string or an integer, got %s", clip(id))
	}
	var idOut json.RawMessage
	if hasID && !isNull(id) {
		idOut = id
	}
	if v, ok := fields["jsonrpc"]; !ok || string(bytes.TrimSpace(v)) != `"2.0"` {
		return bad(idOut, codeInvalidRequest, `"jsonrpc": "2.0" is missing`)
	}
	method, hasMethod := fields["method"]
	if !hasMethod {
		_, hasResult := fields["result"]
		_, hasErr := fields["error"]
		if hasID && (hasResult != hasErr) {
			return nil // a response
		}
		if hasID && !hasResult && !hasErr {
			return bad(idOut, codeInvalidRequest, "a request needs a method")
		}
		return &rejection{code: codeInvalidRequest, msg: "malformed response dropped"}
	}
	var name string
	if json.Unmarshal(method, &name) != nil {
		return bad(idOut, codeInvalidRequest, "method must be a string, got %s", clip(method))
	}
	if p, ok := fields["params"]; ok {
		t := bytes.TrimSpace(p)
		if len(t) == 0 || (t[0] != '{' && t[0] != '[' && !isNull(t)) {
			return bad(idOut, codeInvalidParams, "%s: params must be an object or an array, got %s", name, clip(p))
		}
		if u := relativeFileURI(p); u != "" {
			r := bad(idOut, codeInvalidParams, "%s: %v", name, checkFileURI(u))
			r.answer = hasID
			return r
		}
	}
	return nil
}

// maybeRelFileURI matches a JSON string starting like a file URI whose
// path is not absolute; relativeFileURI then checks the decoded values.
var maybeRelFileURI = regexp.MustCompile(`(?i)"file:[^/]`)

// relativeFileURI returns the first URI-valued string in params that is a
// relative file URI (file:relative), "" when there is none. The protocol
// library would read file:relative as file:///relative, a different,
// absolute path. URI-valued strings are those of keys ending in "uri" or
// "Uri" and the elements of command arguments.
func relativeFileURI(params []byte) string {
	if !maybeRelFileURI.Match(params) {
		return ""
	}
	var v any
	if json.Unmarshal(params, &v) != nil {
		return ""
	}
	var walk func(v any, uriValued bool) string
	walk = func(v any, uriValued bool) string {
		switch x := v.(type) {
		case string:
			if uriValued && checkFileURI(x) != nil {
				return x
			}
		case []any:
			for _, e := range x {
				if u := walk(e, uriValued); u != "" {
					return u
				}
			}
		case map[string]any:
			for k, e := range x {
				if u := walk(e, strings.HasSuffix(strings.ToLower(k), "uri") || k == "arguments"); u != "" {
					return u
				}
			}
		}
		return ""
	}
	return walk(v, false)
}

// validID reports whether id is null, a string or an integer.
func validID(id json.RawMessage) bool {
	t := bytes.TrimSpace(id)
	if isNull(t) {
		return true
	}
	var s string
	if json.Unmarshal(t, &s) == nil {
		return true
	}
	_, err := strconv.ParseInt(string(t), 10, 64)
	return err == nil
}

func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// clip shortens a raw value for an error message.
func clip(b []byte) string {
	s := string(bytes.TrimSpace(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
