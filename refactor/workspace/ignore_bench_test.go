package workspace

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// rootIgnore is a root .gitignore in the style of the common templates.
var rootIgnore = `# logs
*.log
logs/
npm-debug.log*
yarn-error.log*
*.pid
*.seed
*.pid.lock
lib-cov/
.nyc_output/
.grunt/
bower_components/
.lock-wscript
jspm_packages/
web_modules/
*.tsbuildinfo
.npm/
.eslintcache
.stylelintcache
*.tgz
.yarn-integrity
.env
.env.*
!.env.example
.cache/
.vuepress/dist
.serverless/
.fusebox/
.dynamodb/
.vscode-test/
*.py[cod]
*$py.class
*.so
.Python
develop-eggs/
downloads/
lib64/
parts/
sdist/
var/
wheels/
*.egg-info/
.installed.cfg
*.egg
MANIFEST
*.manifest
*.spec
pip-log.txt
htmlcov/
.coverage
.coverage.*
nosetests.xml
coverage.xml
*.cover
.hypothesis/
/tmp/
**/generated/**
`

// ignoreTree writes a tree of about files files with nested .gitignore
// files (one per package, about 90), and returns its root.
func ignoreTree(tb testing.TB, files int) string {
	tb.Helper()
	root := tb.TempDir()
	put := func(rel, content string) {
		full := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	put(".gitignore", rootIgnore)
	const pkgs = 90
	per := files / pkgs
	for p := 0; p < pkgs; p++ {
		dir := fmt.Sprintf("packages/group%d/pkg%d", p%9, p)
		put(dir+"/.gitignore", fmt.Sprintf("/out%d/\n*.snap\n!keep.snap\nfixtures/*.json\n!fixtures/main.json\ncache-%d/\n*.tmp\n/local.ts\n", p, p))
		for i := 0; i < per; i++ {
			sub := fmt.Sprintf("src/m%d/s%d", i%7, i%3)
			names := []string{"a.ts", "b.py", "c.log", "d.snap", "keep.snap", "x.tmp"}
			name := fmt.Sprintf("f%d_%s", i, names[i%len(names)])
			put(fmt.Sprintf("%s/%s/%s", dir, sub, name), "x")
			switch i % 10 {
			case 0:
				put(fmt.Sprintf("%s/out%d/o%d.ts", dir, p, i), "x")
			case 1:
				put(fmt.Sprintf("%s/fixtures/f%d.json", dir, i), "x")
			case 2:
				put(fmt.Sprintf("%s/%s/generated/g%d.ts", dir, sub, i), "x")
			case 3:
				put(fmt.Sprintf("%s/cache-%d/c%d.ts", dir, p, i), "x")
			}
		}
		put(dir+"/fixtures/main.json", "x")
		put(dir+"/local.ts", "x")
		put(dir+"/src/local.ts", "x")
	}
	return root
}

// gitListing returns what git lists as not ignored in root, or skips.
func gitListing(tb testing.TB, root string) []string {
	tb.Helper()
	testtool.Find(tb, "git", "")
	if out, err := exec.Command("git", "-C", root, "init", "-q").CombinedOutput(); err != nil {
		tb.Fatalf("git init: %v\n%s", err, out)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "--others", "--cached", "--exclude-standard").Output()
	if err != nil {
		tb.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimSpace(string(out)), "\n")
	sort.Strings(files)
	return files
}

// TestWalkMatchesGitOnNestedIgnores compares the walker with git on a tree
// of 90 nested .gitignore files (negations, anchored and directory
// patterns, ** globs).
func TestWalkMatchesGitOnNestedIgnores(t *testing.T) {
	root := ignoreTree(t, 900)
	want := gitListing(t, root)
	l, err := Walk(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(l); !reflect.DeepEqual(got, want) {
		t.Errorf("walker and git disagree: %d vs %d files\nwalker only: %v\ngit only: %v", len(got), len(want), minus(got, want), minus(want, got))
	}
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

// BenchmarkWalkNestedIgnores walks a 10k-file tree with 90 nested
// .gitignore files; the "git" case runs `git ls-files` on the same tree,
// the floor to compare with.
func BenchmarkWalkNestedIgnores(b *testing.B) {
	root := ignoreTree(b, 10000)
	b.Run("relayout", func(b *testing.B) {
		for b.Loop() {
			if _, err := Walk(context.Background(), root, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("git-ls-files", func(b *testing.B) {
		gitListing(b, root)
		for b.Loop() {
			if err := exec.Command("git", "-C", root, "ls-files", "--others", "--cached", "--exclude-standard").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestRequiredLiteral(t *testing.T) {
	for line, want := range map[string]string{
		"*.log":           ".log",
		"/build-out/":     "build-out",
		"!keep.log":       "keep.log",
		"**/foo":          "foo",
		"**/generated/**": "generated",
		"*.py[cod]":       ".py",
		"[abc]def":        "def",
		`\#notes`:         "notes",
		"a/**/bcd":        "bcd",
		"*":               "",
	} {
		if got := requiredLiteral(line); got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", line, got, want)
		}
	}
	// Every path a rule matches contains its literal: a root-level name
	// still matches a pattern spelled with a leading **/.
	dir := t.TempDir()
	testtool.WriteTree(t, dir, map[string]string{".gitignore": "**/foo\n", "foo": "", "a/foo": "", "bar": ""})
	l, err := Walk(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(l); !reflect.DeepEqual(got, []string{".gitignore", "bar"}) {
		t.Errorf("files = %v", got)
	}
}
