package merge

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
	"github.com/relayout/relayout/parsers"
)

func src(path, text string) Source { return Source{Path: path, Content: []byte(text)} }

// TestPythonRuns merges modules that import each other and checks with
// python3 that the merged module imports and behaves like the sources did.
func TestPythonRuns(t *testing.T) {
	py := testtool.Find(t, "python3", "")
	srcs := []Source{
		src("app/auth/tokens.py", `"""Tokens."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .auth import Session, now

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["issue"]


def issue(user: str) -> str:
    return f"{user}@{now()}:{Session.kind}"


def tokens(n: int) -> Iterator[str]:
    from .auth import issue as again
    return (again(str(i)) for i in range(n))
`),
		src("app/auth/sessions.py", `from app.auth import auth
import time

__all__ = ["Session", "now"]


class Session:
    kind = "cookie"


def now() -> int:
    return 42


def describe() -> str:
    return auth.issue("x") if False else "session"
`),
	}
	// sessions.py uses its module alias only in an unreachable branch, but
	// it is a use: the merge must refuse it.
	opts := &Options{IsSelf: func(m string) bool { return m == "app.auth.auth" }}
	if _, err := Python(context.Background(), "app/auth/auth.py", srcs, opts); err == nil {
		t.Fatal("a used module alias of the merged module was accepted")
	}
	srcs[1].Content = bytes.Replace(srcs[1].Content, []byte(`auth.issue("x") if False else "session"`), []byte(`"session"`), 1)
	got, err := Python(context.Background(), "app/auth/auth.py", srcs, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app", "auth"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"app/__init__.py":      nil,
		"app/auth/__init__.py": nil,
		"app/auth/auth.py":     got,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	caller := `
from app.auth.auth import *
from app.auth import auth
assert sorted(__import__("app.auth.auth", fromlist=["x"]).__all__) == ["Session", "issue", "now"], auth.__all__
assert issue("ann") == "ann@42:cookie", issue("ann")
assert list(auth.tokens(2)) == ["0@42:cookie", "1@42:cookie"]
assert auth.describe() == "session"
assert auth.__doc__ == "Tokens."
print("ok")
`
	cmd := exec.Command(py, "-c", caller)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python3: %v\n%s\nmerged module:\n%s", err, out, got)
	}
}

// TestLineEndings checks that the first source's CRLF style and BOM carry
// over to the whole result, whatever the other sources use.
func TestLineEndings(t *testing.T) {
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	cases := []struct {
		target string
		a, b   string
	}{
		{"api/x.py", "\"\"\"Doc.\"\"\"\nimport os\n\n\ndef a():\n    return os.sep\n", "import os\nimport sys\n\n\ndef b():\n    return '''two\nlines'''\n"},
		{"api/x.ts", "import { a } from './lib';\n\nexport const x = a;\n", "import { b } from './lib';\n\nexport const y = `two\nlines`;\n"},
	}
	for _, c := range cases {
		merge := mergeFn(c.target)
		lf, err := merge(context.Background(), c.target, []Source{src("a/one"+filepath.Ext(c.target), c.a), src("a/two"+filepath.Ext(c.target), c.b)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(lf, []byte("\r")) {
			t.Errorf("%s: LF sources gave CR:\n%q", c.target, lf)
		}
		got, err := merge(context.Background(), c.target, []Source{src("a/one"+filepath.Ext(c.target), "\uFEFF"+crlf(c.a)), src("a/two"+filepath.Ext(c.target), c.b)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := "\uFEFF" + crlf(string(lf)); string(got) != want {
			t.Errorf("%s: CRLF+BOM first source:\ngot  %q\nwant %q", c.target, got, want)
		}
		// A CRLF second source does not make the result CRLF.
		got, err = merge(context.Background(), c.target, []Source{src("a/one"+filepath.Ext(c.target), c.a), src("a/two"+filepath.Ext(c.target), crlf(c.b))}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, lf) {
			t.Errorf("%s: CRLF second source:\ngot  %q\nwant %q", c.target, got, lf)
		}
	}
}

// TestTypeScriptCompiles merges TS modules that import each other and runs
// tsc --noEmit on the result and a caller.
func TestTypeScriptCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("tsc is slow")
	}
	tsc := testtool.Find(t, "tsc", "RELAYOUT_TSC")
	srcs := []Source{
		src("src/auth/tokens.ts", `import { Session, now } from './auth';
import type { User } from './auth.js';
import { join } from './util';

export function issue(u: User): string {
  return join(u.name, String(now()), new Session().kind);
}
`),
		src("src/auth/sessions.ts", `import { join } from './util';
import * as auth from './auth';

export interface User { name: string }

export class Session {
  kind = join('cookie');
}

export function now(): number {
  return 42;
}

export default Session;
`),
	}
	got, err := TypeScript(context.Background(), "src/auth/auth.ts", srcs, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"tsconfig.json":    `{"compilerOptions": {"strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "noUnusedLocals": true}, "include": ["src"]}`,
		"src/auth/auth.ts": string(got),
		"src/auth/util.ts": "export function join(...s: string[]): string { return s.join(':'); }\n",
		"src/caller.ts":    "import Session, { issue, now, type User } from './auth/auth.js';\nconst u: User = { name: 'a' };\nexport const s = [issue(u), now(), new Session()];\n",
	}
	testtool.WriteTree(t, dir, files)
	cmd := exec.Command(tsc, "-p", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s\nmerged module:\n%s", err, out, got)
	}
}

func TestTopLevelNames(t *testing.T) {
	ctx := context.Background()
	names, err := TopLevelNames(ctx, parsers.Python, "a/x.py", []byte(`import os.path
from lib import a as b
def f(): pass
class C: pass
x, (y, *z) = 1, (2, 3)
if os.name:
    w = 1
def g():
    local = 1
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range names {
		got = append(got, n.Name+":"+string(n.Kind)+":"+n.Origin)
	}
	want := "os:import:os b:import:lib.a f:function: C:class: x:variable: y:variable: z:variable: w:variable: g:function:"
	if strings.Join(got, " ") != want {
		t.Errorf("python names:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}

	names, err = TopLevelNames(ctx, parsers.TypeScript, "a/x.ts", []byte(`import D, { a as b } from './m';
export const { p, q: [r] } = obj;
function f() {}
export default class K {}
export { f as g };
export * from './all';
export { h } from './h';
declare module 'ambient' {}
namespace N {}
`))
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, n := range names {
		s := n.Name + ":" + string(n.Kind)
		if n.Exported {
			s += ":exported"
		}
		got = append(got, s)
	}
	want = "D:import b:import p:variable:exported r:variable:exported f:function K:class default:export:exported g:export:exported h:export:exported N:namespace"
	if strings.Join(got, " ") != want {
		t.Errorf("ts names:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}

	if _, err := TopLevelNames(ctx, parsers.Python, "a/bad.py", []byte("def (:\n")); err == nil {
		t.Error("broken source gave names")
	} else if se := (*SyntaxError)(nil); !errors.As(err, &se) || se.Path != "a/bad.py" || se.Line != 1 {
		t.Errorf("broken source: %v", err)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	if err := Check(ctx, "api/x.py", []Source{src("a.py", "def f(): pass\n"), src("b.py", "def g(): pass\n")}, nil); err != nil {
		t.Errorf("clean merge: %v", err)
	}
	err := Check(ctx, "api/x.py", []Source{src("a.py", "def f(): pass\n"), src("b.py", "f = 1\n")}, nil)
	var clash *Clash
	if !errors.As(err, &clash) || len(clash.Conflicts) != 1 || clash.Target != "api/x.py" {
		t.Fatalf("clash: %#v", err)
	}
	if got := clash.Conflicts[0].Sites; len(got) != 2 || got[0] != (Site{Path: "a.py", Line: 1, What: "def f"}) || got[1].Path != "b.py" {
		t.Errorf("sites: %+v", got)
	}
	if err := Check(ctx, "api/x.txt", []Source{src("a.txt", "")}, nil); err == nil {
		t.Error("unsupported target accepted")
	}
	if err := Check(ctx, "api/x.py", nil, nil); err == nil {
		t.Error("no sources accepted")
	}
	if err := Check(ctx, "api/x.py", []Source{src("a.py", ""), src("a.py", "")}, nil); err == nil {
		t.Error("a source listed twice accepted")
	}
	// Several broken sources: every one is reported and each is a *SyntaxError.
	err = Check(ctx, "api/x.ts", []Source{src("a.ts", "let = ;\n"), src("b.ts", "export {\n")}, nil)
	if err == nil || !strings.Contains(err.Error(), "a.ts:1:") || !strings.Contains(err.Error(), "b.ts:") {
		t.Errorf("two broken sources: %v", err)
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("joined syntax errors are not *SyntaxError: %v", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, target := range []string{"api/x.py", "api/x.ts"} {
		_, err := mergeFn(target)(ctx, target, []Source{src("a"+filepath.Ext(target), "")}, nil)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled merge gave %v", target, err)
		}
	}
}

// TestEmptyAndSingle checks the degenerate merges: empty sources give an
// empty module, one source gives its own content back in the merged form.
func TestEmptyAndSingle(t *testing.T) {
	ctx := context.Background()
	got, err := Python(ctx, "api/x.py", []Source{src("a.py", ""), src("b.py", "\n\n")}, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("empty: %q %v", got, err)
	}
	got, err = Python(ctx, "api/x.py", []Source{src("a.py", "import os\n\n\nX = os.sep\n")}, nil)
	if want := "import os\n\n\n# --- merged from a.py ---\nX = os.sep\n"; err != nil || string(got) != want {
		t.Errorf("single: %q %v", got, err)
	}
}
