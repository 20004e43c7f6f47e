//go:build unix

package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// The hostile-input suite (issue 8): each row is a workspace holding some
// input relayout must survive, one run of the real CLI entry point, and
// what must come of it: the exit code, a message on stdout or stderr, and
// the whole tree afterwards — byte-identical (including .git, ignored and
// special files) unless the row names the exact changes.
//
// Rows marked "already handled" pin behaviour that was right before the
// issue; the others failed before it.

// gone marks a path the row expects to be removed.
const gone = "\x00gone"

type hostileRow struct {
	name  string
	files map[string]string
	// setup adds what a map of contents cannot hold: symlinks, pipes,
	// huge files. Paths are relative to the workspace.
	setup  func(t *testing.T, dir string)
	args   []string
	code   int
	stdout string // regexp that must match stdout ("" = not checked)
	stderr string // regexp that must match stderr ("" = not checked)
	// changes lists the exact differences of the tree afterwards: a path's
	// new content (symlinks as "-> target"), or gone. nil = byte-identical.
	changes map[string]string
}

func symlink(target, link string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		full := filepath.Join(dir, link)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
}

func fifo(p string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(full, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sparse makes a file of size bytes (a hole: cheap on disk).
func sparse(p string, size int64) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		f, err := os.Create(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func all(fs ...func(*testing.T, string)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		for _, f := range fs {
			f(t, dir)
		}
	}
}

// snapshot records every entry under dir without following symlinks or
// opening special files: regular files by content (huge ones by hash),
// symlinks by target, directories and pipes by kind.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == ".cache" || strings.HasPrefix(rel, ".cache/") {
			return nil
		}
		switch typ := d.Type(); {
		case typ&fs.ModeSymlink != 0:
			tg, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "-> " + tg
		case typ.IsDir():
			out[rel+"/"] = "dir"
		case typ.IsRegular():
			st, err := d.Info()
			if err != nil {
				return err
			}
			if st.Size() > 1<<20 {
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				h := sha256.New()
				_, err = f.WriteTo(h)
				f.Close()
				if err != nil {
					return err
				}
				out[rel] = fmt.Sprintf("%d bytes, sha256 %x", st.Size(), h.Sum(nil))
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(data)
		default:
			out[rel] = "special " + typ.String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTrees(want, got map[string]string) string {
	var keys []string
	seen := map[string]bool{}
	for k := range want {
		keys, seen[k] = append(keys, k), true
	}
	for k := range got {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !gok:
			fmt.Fprintf(&b, "missing %s\n", k)
		case !wok:
			fmt.Fprintf(&b, "extra %s: %q\n", k, g)
		case w != g:
			fmt.Fprintf(&b, "%s: want %q, got %q\n", k, w, g)
		}
	}
	return b.String()
}

// The TSX grammar loops forever on this (issue 8.6).
var tsxHang = "(" + strings.Repeat("\n", 27) + "]"

func utf16le(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, c := range s {
		b = append(b, byte(c), 0)
	}
	return string(b)
}

// pyPkg is a small Python workspace: src/app is a package imported by
// src/main.py.
func pyPkg(extra map[string]string) map[string]string {
	m := map[string]string{
		".git/HEAD":             "ref: refs/heads/main\n",
		"src/app/__init__.py":   "",
		"src/app/util.py":       "X = 1\n",
		"src/main.py":           "from app import util\n",
		"src/other/__init__.py": "",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var hostileRows = []hostileRow{
	// Issue 8.3: targets are checked against the disk.
	{name: "target in the journal directory", files: pyPkg(nil),
		args: []string{"move", "src/app", ".relayout-journal/app"}, code: ExitFindings,
		stderr: `nothing changed: cannot move src/app to \.relayout-journal/app: \.relayout-journal is reserved`},
	{name: "target in .git", files: pyPkg(nil),
		args: []string{"move", "src/app/util.py", ".git/hooks/util.py"}, code: ExitFindings,
		stderr: `cannot move src/app/util.py to \.git/hooks/util.py: \.git is reserved`},
	{name: "target gitignored and existing, --force", files: pyPkg(map[string]string{".gitignore": "local.py\n", "src/app/local.py": "SECRET = 1\n"}),
		args: []string{"move", "--force", "src/app/util.py", "src/app/local.py"}, code: ExitFindings,
		stderr: `cannot move src/app/util.py to src/app/local.py: src/app/local.py is excluded`},
	{name: "target in node_modules", files: pyPkg(map[string]string{"node_modules/x/util.py": "KEEP = 1\n"}),
		args: []string{"move", "--force", "src/app/util.py", "node_modules/x/util.py"}, code: ExitFindings,
		stderr: `node_modules is excluded`},
	{name: "second move of the call refused", files: pyPkg(map[string]string{".gitignore": "/build-cache/\n", "build-cache/u.py": "KEEP = 1\n", "src/app/b.py": "B = 1\n"}),
		args: []string{"move", "--force", "src/app/b.py", "src/app/c.py", "src/app/util.py", "build-cache/u.py"}, code: ExitFindings,
		stderr: `build-cache is excluded`},
	{name: "target a dangling symlink, --force", files: pyPkg(nil), setup: symlink("missing.py", "src/app/taken.py"),
		args: []string{"move", "--force", "src/app/util.py", "src/app/taken.py"}, code: ExitFindings,
		stderr: `a symlink exists on disk but is not part of the workspace`},
	{name: "target a pipe", files: pyPkg(nil), setup: fifo("src/app/pipe.py"),
		args: []string{"move", "--force", "src/app/util.py", "src/app/pipe.py"}, code: ExitFindings,
		stderr: `a named pipe exists on disk but is not part of the workspace`},
	{name: "already handled: existing listed target", files: pyPkg(map[string]string{"src/app/b.py": "B = 1\n"}),
		args: []string{"move", "src/app/util.py", "src/app/b.py"}, code: ExitFindings,
		stderr: `target src/app/b.py already exists \(use --force to overwrite\)`},
	{name: "already handled: target escapes through a symlinked directory", files: pyPkg(nil), setup: symlink("/tmp", "out"),
		args: []string{"move", "src/app/util.py", "out/util.py"}, code: ExitUsage,
		stderr: `out/util\.py is outside the workspace root`},
	{name: "already handled: target outside the root", files: pyPkg(nil),
		args: []string{"move", "src/app/util.py", "../util.py"}, code: ExitUsage,
		stderr: `outside the workspace`},
	{name: "already handled: plan escaping the root", files: pyPkg(map[string]string{"relayout.toml": "[[move]]\nfrom = \"src/app/util.py\"\nto = \"../util.py\"\n"}),
		args: []string{"apply"}, code: ExitFindings,
		stderr: `target \.\./util\.py is outside the workspace root`},

	{name: "plan --check: target in the journal directory", files: pyPkg(map[string]string{"relayout.toml": "[[move]]\nfrom = \"src/app\"\nto = \".relayout-journal/app\"\n"}),
		args: []string{"plan", "--check"}, code: ExitFindings,
		stdout: `relayout\.toml:1: cannot move src/app to \.relayout-journal/app: \.relayout-journal is reserved`},
	{name: "apply: plan target in the journal directory", files: pyPkg(map[string]string{"relayout.toml": "[[move]]\nfrom = \"src/app\"\nto = \".relayout-journal/app\"\n"}),
		args: []string{"apply"}, code: ExitFindings, stderr: `\.relayout-journal is reserved`},
	{name: "apply: plan target in an ignored directory", files: pyPkg(map[string]string{".gitignore": "/generated/\n", "generated/util.py": "KEEP = 1\n",
		"relayout.toml": "[[move]]\nfrom = \"src/app/util.py\"\nto = \"generated/util.py\"\n"}),
		args: []string{"apply"}, code: ExitFindings, stderr: `generated is excluded`},

	// Issue 8.4: bounded, regular-file-only reads.
	{name: "relayout.toml is a pipe", files: pyPkg(nil), setup: fifo("relayout.toml"),
		args: []string{"check"}, code: ExitUsage, stderr: `relayout\.toml: not a regular file \(a named pipe\)`},
	{name: "relayout.toml is /dev/zero", files: pyPkg(nil), setup: symlink("/dev/zero", "relayout.toml"),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitUsage, stderr: `relayout\.toml: not a regular file \(a device\)`},
	{name: "relayout.toml is huge", files: pyPkg(nil), setup: sparse("relayout.toml", 100<<20),
		args: []string{"check"}, code: ExitUsage, stderr: `relayout\.toml: file too large`},
	{name: ".gitignore is a pipe", files: pyPkg(nil), setup: fifo(".gitignore"),
		args: []string{"check"}, code: ExitUsage, stderr: `\.gitignore: not a regular file \(a named pipe\)`},
	{name: "nested .gitignore is /dev/zero", files: pyPkg(nil), setup: symlink("/dev/zero", "src/.gitignore"),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitUsage, stderr: `src/\.gitignore: not a regular file \(a device\)`},
	{name: ".git/info/exclude is a pipe", files: pyPkg(nil), setup: fifo(".git/info/exclude"),
		args: []string{"check"}, code: ExitUsage, stderr: `exclude: not a regular file \(a named pipe\)`},
	{name: "tsconfig.json links to a pipe", files: map[string]string{"src/a.ts": "import {b} from './b';\n", "src/b.ts": "export const b = 1;\n"},
		setup: all(fifo("pipe.json"), symlink("pipe.json", "tsconfig.json")),
		args:  []string{"check", "--imports"}, code: ExitOK, stderr: `tsconfig\.json: symlink to a special file`},
	{name: "already handled: pyproject.toml links out of the root to /dev/zero", files: pyPkg(nil), setup: symlink("/dev/zero", "pyproject.toml"),
		args: []string{"check", "--imports"}, code: ExitOK, stderr: `pyproject\.toml: symlink leaves the workspace root`},
	{name: "setup.cfg links to a pipe", files: pyPkg(nil), setup: all(fifo("cfg.pipe"), symlink("cfg.pipe", "setup.cfg")),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK, stdout: `moved 1 file, rewrote 1 reference in 1 file`,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "from app import u as util\n"}},
	{name: "already handled: a source file is a pipe", files: pyPkg(nil), setup: fifo("src/app/fifo.py"),
		args: []string{"check", "--imports"}, code: ExitOK},
	{name: "plan file is a pipe", files: pyPkg(nil), setup: fifo("plan.toml"),
		args: []string{"apply", "--plan", "plan.toml"}, code: ExitUsage, stderr: `plan\.toml: not a regular file \(a named pipe\)`},
	{name: "markdown plan is /dev/zero", files: pyPkg(nil),
		args: []string{"plan", "--from-markdown", "/dev/zero"}, code: ExitUsage, stderr: `/dev/zero: not a regular file \(a device\)`},

	// Issue 8.6: files that cannot be parsed are warned about.
	{name: "importer with a NUL byte", files: pyPkg(map[string]string{"src/nul.py": "from app import util\x00\n"}),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK,
		stderr:  `not-parsed: src/nul\.py: not parsed \(binary file\) but may reference a moved file`,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "from app import u as util\n"}},
	{name: "UTF-16 importer", files: pyPkg(map[string]string{"src/wide.py": utf16le("from app import util\n")}),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK,
		stderr:  `not-parsed: src/wide\.py: not parsed \(UTF-16 text`,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "from app import u as util\n"}},
	{name: "importer over max_file_size", files: pyPkg(map[string]string{"relayout.toml": "[workspace]\nmax_file_size = 100\n", "src/big.py": "from app import util\n" + strings.Repeat("# pad\n", 30)}),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK,
		stderr:  `not-parsed: src/big\.py: not parsed \(file too large\)`,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "from app import u as util\n"}},
	{name: "already handled: unrelated binary file is not warned about", files: pyPkg(map[string]string{"src/blob.py": "import os\x00\n"}),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK, stdout: `; 0 warnings`,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "from app import u as util\n"}},
	{name: "TSX parser hang", files: map[string]string{"src/util.ts": "export const u = 1;\n", "src/view.tsx": "import {u} from './util';\n" + tsxHang, "src/main.ts": "import {u} from './util';\n"},
		args: []string{"move", "src/util.ts", "src/lib/util.ts"}, code: ExitOK,
		stderr:  `not-parsed: src/view\.tsx: not parsed \(parse tsx: context deadline exceeded: gave up after`,
		changes: map[string]string{"src/util.ts": gone, "src/lib/": "dir", "src/lib/util.ts": "export const u = 1;\n", "src/main.ts": "import {u} from './lib/util';\n"}},
	{name: "already handled: TSX parser hang in check --imports (bounded by its budget now, not the 5 s timeout)", files: map[string]string{"src/view.tsx": tsxHang},
		args: []string{"check", "--imports"}, code: ExitOK, stderr: `src/view\.tsx: not parsed: not parsed: parse tsx: context deadline exceeded`},
	{name: "already handled: huge source file (no longer read whole)", files: pyPkg(nil), setup: sparse("src/app/huge.py", 100<<20),
		args: []string{"check", "--imports"}, code: ExitOK, stderr: `src/app/huge\.py: not parsed: file too large`},

	// Issue 8.9: symlinks behave like mv.
	{name: "moving a symlinked file renames the link", files: pyPkg(nil), setup: symlink("util.py", "src/app/alias.py"),
		args: []string{"move", "src/app/alias.py", "src/app/alias2.py"}, code: ExitOK,
		changes: map[string]string{"src/app/alias.py": gone, "src/app/alias2.py": "-> util.py"}},
	{name: "relative symlink in a moved directory", files: pyPkg(map[string]string{"shared/s.py": "S = 1\n"}), setup: symlink("../../shared/s.py", "src/app/s.py"),
		args: []string{"move", "src/app", "app"}, code: ExitOK,
		stderr: `symlink: app/s\.py: the moved symlink's target "\.\./\.\./shared/s\.py" no longer reaches shared/s\.py from its new place; run: ln -sfn \.\./shared/s\.py app/s\.py`,
		changes: map[string]string{"src/app/": gone, "src/app/__init__.py": gone, "src/app/util.py": gone, "src/app/s.py": gone,
			"app/": "dir", "app/__init__.py": "", "app/util.py": "X = 1\n", "app/s.py": "-> ../../shared/s.py"}},
	{name: "moving a directory symlink is refused", files: pyPkg(nil), setup: symlink("app", "src/lnk"),
		args: []string{"move", "src/lnk", "lib/lnk"}, code: ExitFindings, stderr: `cannot move src/lnk: it is a symlink to a directory`},
	{name: "already handled: symlink loop", files: pyPkg(nil), setup: symlink("..", "src/app/loop"),
		args: []string{"check"}, code: ExitOK, stderr: `src/app/loop: symlink loop skipped`},
	{name: "source is a symlink out of the root", files: pyPkg(nil), setup: symlink("/etc/hostname", "src/app/host.py"),
		args: []string{"move", "src/app/host.py", "src/app/h.py"}, code: ExitFindings, stderr: `source src/app/host\.py does not exist \(or is ignored\)`},

	// Already handled: bytes are kept, config oddities are data.
	{name: "already handled: CRLF, BOM and latin-1 bytes kept", files: pyPkg(map[string]string{"src/main.py": "\ufeff# caf\xe9\r\nfrom app import util\r\nprint(util.X)  # \xff\r\n"}),
		args: []string{"move", "src/app/util.py", "src/app/u.py"}, code: ExitOK,
		changes: map[string]string{"src/app/util.py": gone, "src/app/u.py": "X = 1\n", "src/main.py": "\ufeff# caf\xe9\r\nfrom app import u as util\r\nprint(util.X)  # \xff\r\n"}},
	{name: "already handled: JSONC tsconfig with comments, trailing commas and a BOM",
		files: map[string]string{
			"tsconfig.json":    "\ufeff{\n  // paths\n  \"compilerOptions\": {\n    /* base */ \"baseUrl\": \".\",\n    \"paths\": { \"@lib/*\": [\"src/lib/*\",], },\n  },\n}\n",
			"src/lib/util.ts":  "export const u = 1;\n",
			"src/lib/other.ts": "export const o = 1;\n",
			"src/main.ts":      "import {u} from '@lib/util';\nimport {o} from '@lib/other';\n",
		},
		args: []string{"move", "src/lib/util.ts", "src/lib/core/util.ts"}, code: ExitOK,
		changes: map[string]string{"src/lib/util.ts": gone, "src/lib/core/": "dir", "src/lib/core/util.ts": "export const u = 1;\n", "src/main.ts": "import {u} from '@lib/core/util';\nimport {o} from '@lib/other';\n"}},
	{name: "already handled: malformed tsconfig is a note", files: map[string]string{"tsconfig.json": "{ \"compilerOptions\": { \n", "src/a.ts": "export const a = 1;\n"},
		args: []string{"check", "--imports"}, code: ExitOK, stderr: `tsconfig\.json:\d+: malformed JSON`},
	{name: "already handled: malformed relayout.toml", files: pyPkg(map[string]string{"relayout.toml": "[depth]\nmax = \"deep\"\n"}),
		args: []string{"check"}, code: ExitUsage, stderr: `relayout\.toml: toml: line 2`},
}

func TestHostileInputs(t *testing.T) {
	for _, row := range hostileRows {
		t.Run(strings.ReplaceAll(row.name, " ", "_"), func(t *testing.T) {
			dir := t.TempDir()
			testtool.WriteTree(t, dir, row.files)
			if row.setup != nil {
				row.setup(t, dir)
			}
			t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, ".cache"))
			t.Chdir(dir)
			before := snapshot(t, dir)
			var stdout, stderr bytes.Buffer
			code := Main(append([]string(nil), row.args...), strings.NewReader(""), &stdout, &stderr)
			if code != row.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, row.code, stdout.String(), stderr.String())
			}
			if row.stdout != "" && !regexp.MustCompile(row.stdout).MatchString(stdout.String()) {
				t.Errorf("stdout does not match %q:\n%s", row.stdout, stdout.String())
			}
			if row.stderr != "" && !regexp.MustCompile(row.stderr).MatchString(stderr.String()) {
				t.Errorf("stderr does not match %q:\n%s", row.stderr, stderr.String())
			}
			want := before
			if row.changes != nil {
				want = map[string]string{}
				for k, v := range before {
					want[k] = v
				}
				for k, v := range row.changes {
					if v == gone {
						delete(want, k)
					} else {
						want[k] = v
					}
				}
			}
			if d := diffTrees(want, snapshot(t, dir)); d != "" {
				t.Errorf("tree afterwards:\n%s", d)
			}
		})
	}
}
