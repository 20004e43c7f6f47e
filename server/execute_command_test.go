package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/refactor"
	"github.com/relayout/relayout/refactor/move"
)

// runCommand sends workspace/executeCommand relayout.move with args.
func runCommand(e *editor, args ...any) (commandResult, error) {
	e.t.Helper()
	return runNamed(e, commandMove, args...)
}

// runNamed sends workspace/executeCommand name with args.
func runNamed(e *editor, name string, args ...any) (commandResult, error) {
	e.t.Helper()
	raw := make([]protocol.LSPAny, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			e.t.Fatal(err)
		}
		raw[i] = b
	}
	res, err := e.server.ExecuteCommand(e.ctx(), &protocol.ExecuteCommandParams{Command: name, Arguments: raw})
	var cr commandResult
	if err == nil {
		if uerr := json.Unmarshal(res, &cr); uerr != nil {
			e.t.Fatalf("result %s: %v", res, uerr)
		}
	}
	return cr, err
}

// TestExecuteCommandMove: relayout.move → workspace/applyEdit → the
// editor applies it → showMessage reports the outcome.
func TestExecuteCommandMove(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	res, err := runCommand(e, string(fileURI(root, "")), "src/app/util/strings.py", "src/app/text/strings.py")
	if err != nil {
		t.Fatalf("executeCommand: %v", err)
	}
	if !res.Applied || !strings.Contains(res.Message, "moved src/app/util/strings.py → src/app/text/strings.py") {
		t.Errorf("result %+v", res)
	}
	st := e.snapshot()
	if len(st.applyEdits) != 1 || st.applyEdits[0].Label == nil || !strings.Contains(*st.applyEdits[0].Label, "relayout: move") {
		t.Fatalf("applyEdit requests %+v", st.applyEdits)
	}
	if n := len(st.messages); n != 1 || st.messages[0].Type != protocol.MessageTypeInfo || st.messages[0].Message != res.Message {
		t.Errorf("showMessage %+v, want the result as info", st.messages)
	}
	want := cliTree(t, utilTree, []move.Move{{From: "src/app/util/strings.py", To: "src/app/text/strings.py"}}, refactor.MoveOptions{})
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Errorf("result differs from `relayout move`:\n%s", d)
	}
}

func TestExecuteCommandArguments(t *testing.T) {
	cfg := editorConfig{}
	e, root := openProject(t, cfg, utilTree)
	// Object form, absolute paths, no folder, options.
	res, err := runCommand(e, map[string]any{
		"moves": []map[string]string{{"from": filepath.Join(root, "src/app/util/other.py"), "to": string(fileURI(root, "src/app/consts.py"))}},
		"shim":  true,
	})
	if err != nil || !res.Applied {
		t.Fatalf("executeCommand: %+v %v", res, err)
	}
	shim, err := os.ReadFile(filepath.Join(root, "src/app/util/other.py"))
	if err != nil || !strings.Contains(string(shim), "DeprecationWarning") {
		t.Errorf("shim option not honoured: %q %v", shim, err)
	}

	for _, tc := range []struct {
		name string
		args []any
		want string
	}{
		{"too few", []any{"a", "b"}, "want the arguments folder, from, to"},
		{"not strings", []any{1, 2, 3}, "want a string"},
		{"unknown folder", []any{"file:///nowhere", "a.py", "b.py"}, "is not a workspace folder"},
		{"relative without folder", []any{"", "a.py", "b.py"}, "no folder given"},
		{"outside", []any{string(fileURI(root, "")), "/etc/passwd", "x.py"}, "outside the workspace folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCommand(e, tc.args...)
			if rpcCode(err) != jsonrpc2.InvalidParams || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("executeCommand(%v): %v, want InvalidParams with %q", tc.args, err, tc.want)
			}
		})
	}
	if _, err := e.server.ExecuteCommand(e.ctx(), &protocol.ExecuteCommandParams{Command: "relayout.other"}); rpcCode(err) != jsonrpc2.InvalidParams {
		t.Errorf("unknown command: %v", err)
	}
}

func TestExecuteCommandFailures(t *testing.T) {
	t.Run("invalid move", func(t *testing.T) {
		cfg := editorConfig{}
		e, root := openProject(t, cfg, utilTree)
		res, err := runCommand(e, string(fileURI(root, "")), "src/app/util/strings.py", "src/app/main.py")
		if err != nil || res.Applied || !strings.Contains(res.Message, "already exists") {
			t.Errorf("result %+v %v, want a failure naming the existing target", res, err)
		}
		st := e.snapshot()
		if len(st.applyEdits) != 0 || len(st.messages) != 1 || st.messages[0].Type != protocol.MessageTypeError {
			t.Errorf("applyEdits %d, messages %+v", len(st.applyEdits), st.messages)
		}
	})
	t.Run("editor refuses", func(t *testing.T) {
		cfg := editorConfig{}
		e, root := openProject(t, cfg, utilTree)
		e.open(root, "src/app/main.py")
		// The editor's buffer moves on before the edit arrives: the
		// edit's version check fails and the editor refuses it.
		e.mu.Lock()
		e.docs[fileURI(root, "src/app/main.py")].version = 7
		e.mu.Unlock()
		res, err := runCommand(e, string(fileURI(root, "")), "src/app/util/strings.py", "src/app/text/strings.py")
		if err != nil || res.Applied || !strings.Contains(res.Message, "did not apply") {
			t.Errorf("result %+v %v", res, err)
		}
	})
	t.Run("no applyEdit", func(t *testing.T) {
		cfg := editorConfig{noApplyEdit: true}
		e, root := openProject(t, cfg, utilTree)
		res, err := runCommand(e, string(fileURI(root, "")), "src/app/util/strings.py", "src/app/text/strings.py")
		if err != nil || res.Applied || !strings.Contains(res.Message, "workspace/applyEdit") {
			t.Errorf("result %+v %v", res, err)
		}
	})
}
