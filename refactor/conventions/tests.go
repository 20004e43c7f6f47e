package conventions

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Test discovery. Python: pytest collects files matching python_files
// (default test_*.py and *_test.py) below testpaths (default: everywhere
// below the rootdir) outside norecursedirs; unittest discovery collects
// test*.py; both are honoured, and pytest's settings are read from
// pytest.ini, pyproject.toml ([tool.pytest.ini_options]), tox.ini
// ([pytest]) or setup.cfg ([tool:pytest]) at the top of the tree.
// conftest.py files apply to the tests below their folder. JS/TS: Jest and
// Vitest collect *.test.* and *.spec.* files and scripts in __tests__/.
// Data read by path beside tests (cassettes/, vcr_cassettes/, snapshots/,
// __snapshots__/, fixtures/, testdata/, test_data/, data/ in a folder
// holding tests) forms a group with the tests of that folder.

// testDataNames are folders of data read by path from the tests beside
// them.
var testDataNames = map[string]bool{"cassettes": true, "vcr_cassettes": true, "snapshots": true, "__snapshots__": true,
	"fixtures": true, "testdata": true, "test_data": true, "data": true}

// defaultNoRecurse are pytest's default norecursedirs.
var defaultNoRecurse = []string{".*", "build", "dist", "CVS", "_darcs", "{arch}", "*.egg", "venv", "node_modules"}

var jsTestExt = regexp.MustCompile(`\.(test|spec)\.[cm]?[jt]sx?$`)

// testConfig is the test discovery configuration of a tree.
type testConfig struct {
	// patterns are pytest's python_files globs (unittest's test*.py is
	// added when pytest's are the defaults).
	patterns  []string
	testpaths []string // workspace-relative; nil = everywhere
	noRecurse []string
	source    string // the file the settings come from ("" = defaults)
}

// collected reports whether a file at p is collected as a test module.
func (c *testConfig) collected(p string) bool {
	base := path.Base(p)
	if isJSTest(p) {
		return true
	}
	if !strings.HasSuffix(base, ".py") || base == "conftest.py" || base == "__init__.py" {
		return false
	}
	match := false
	for _, pat := range c.patterns {
		if ok, _ := path.Match(pat, base); ok {
			match = true
			break
		}
	}
	if !match {
		return false
	}
	if c.testpaths != nil {
		in := false
		for _, tp := range c.testpaths {
			if p == tp || isUnder(p, tp) {
				in = true
			}
		}
		if !in {
			return false
		}
	}
	for _, seg := range strings.Split(dirOf(p), "/") {
		for _, pat := range c.noRecurse {
			if ok, _ := path.Match(pat, seg); ok && seg != "" {
				return false
			}
		}
	}
	return true
}

func isJSTest(p string) bool {
	if jsTestExt.MatchString(p) {
		return true
	}
	if !strings.Contains(p, "__tests__/") {
		return false
	}
	switch path.Ext(p) {
	case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts":
		return true
	}
	return false
}

// why explains how a collected file is found.
func (c *testConfig) why(p string) string {
	if isJSTest(p) {
		return "Jest/Vitest collect *.test.*, *.spec.* and __tests__/ files by name"
	}
	src := "default"
	if c.source != "" {
		src = c.source
	}
	return fmt.Sprintf("pytest/unittest collect it by its name (%s; settings: %s)", strings.Join(c.patterns, ", "), src)
}

// readTestConfig reads pytest's settings from the shallowest config file.
func (m *Model) readTestConfig() *testConfig {
	c := &testConfig{patterns: []string{"test_*.py", "*_test.py", "test*.py"}, noRecurse: defaultNoRecurse}
	type cand struct{ file, section string }
	var cands []cand
	for _, d := range []string{""} {
		cands = append(cands, cand{join(d, "pytest.ini"), "pytest"}, cand{join(d, "pyproject.toml"), "tool.pytest.ini_options"},
			cand{join(d, "tox.ini"), "pytest"}, cand{join(d, "setup.cfg"), "tool:pytest"})
	}
	for _, cd := range cands {
		if !m.fs.HasFile(cd.file) {
			continue
		}
		data, err := m.fs.ReadFile(cd.file)
		if err != nil {
			continue
		}
		vals, found := iniSection(data, cd.section)
		if !found {
			continue
		}
		c.source = cd.file
		if v := vals["python_files"]; len(v) > 0 {
			c.patterns = v
		}
		if v := vals["testpaths"]; len(v) > 0 {
			for _, tp := range v {
				c.testpaths = append(c.testpaths, strings.Trim(path.Clean(tp), "/"))
			}
		}
		if v := vals["norecursedirs"]; len(v) > 0 {
			c.noRecurse = v
		}
		break
	}
	return c
}

var tokenRe = regexp.MustCompile(`[^\s,"'\[\]=]+`)

// iniSection returns the whitespace/list-separated values of the keys of
// one [section] of an ini or TOML file (continuation lines included).
func iniSection(data []byte, section string) (map[string][]string, bool) {
	out := map[string][]string{}
	in, found := false, false
	key := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") && !strings.ContainsAny(t, "\"'=") {
			in = strings.Trim(t, "[] ") == section
			found = found || in
			key = ""
			continue
		}
		if !in {
			continue
		}
		if k, v, ok := strings.Cut(t, "="); ok && line[0] != ' ' && line[0] != '\t' {
			key = strings.TrimSpace(k)
			out[key] = tokenRe.FindAllString(v, -1)
			continue
		}
		if key != "" {
			out[key] = append(out[key], tokenRe.FindAllString(t, -1)...)
		}
	}
	return out, found
}

// detectTests reads the discovery settings and groups test data with the
// tests beside it (Jest snapshots with their test files).
func (m *Model) detectTests() {
	m.tests = m.readTestConfig()
	for _, d := range m.dirs.dirs {
		name := path.Base(d)
		if !testDataNames[name] || d == "" {
			continue
		}
		owner := dirOf(d)
		var tests []string
		for _, f := range m.dirs.direct[owner] {
			if m.tests.collected(f) || path.Base(f) == "conftest.py" {
				tests = append(tests, f)
			}
		}
		ob := path.Base(owner)
		if len(tests) == 0 && ob != "tests" && ob != "test" && ob != "__tests__" && name != "__snapshots__" && name != "cassettes" && name != "vcr_cassettes" {
			continue
		}
		if len(tests) == 0 {
			// Read by path from tests further down: the data stays with
			// its folder.
			for _, f := range m.dirs.under(owner) {
				if m.tests.collected(f) && !isUnder(f, d) {
					tests = append(tests, f)
					break
				}
			}
		}
		if len(tests) == 0 {
			continue
		}
		g := Group{Kind: KindTestData, Anchor: owner, Members: append(append([]string(nil), m.dirs.under(d)...), tests...),
			Why: fmt.Sprintf("the tests in %s read %s by a path relative to themselves", orDot(owner)+"/", name+"/")}
		m.addGroup(g)
	}
}

// conftestChain returns the conftest.py files that apply to the test p.
func (m *Model) conftestChain(p string) []string {
	return m.conftestsAbove(dirOf(p))
}

// diffTests compares the collected tests and their conftest.py chains.
func diffTests(mb, ma *Model, files []string, moves map[string]string, newOf, origOf func(string) string) []Change {
	// Unmoved files keep their collection unless the settings or a
	// conftest.py move.
	all := mb.tests.source != "" && newOf(mb.tests.source) != mb.tests.source
	for f := range moves {
		all = all || path.Base(f) == "conftest.py"
	}
	if !all {
		files = sortedKeys(moves)
	}
	var out []Change
	for _, f := range files {
		n := newOf(f)
		was, is := mb.tests.collected(f), ma.tests.collected(n)
		switch {
		case was && !is:
			out = append(out, Change{Kind: KindTest, Path: f, To: n, Msg: fmt.Sprintf("test no longer collected: %s is not a name or place the test runner looks at", n)})
			continue
		case !was && is:
			out = append(out, Change{Kind: KindTest, Path: f, To: n, Msg: fmt.Sprintf("file becomes a collected test at %s", n)})
			continue
		case path.Base(f) == "conftest.py" && path.Base(n) != "conftest.py":
			out = append(out, Change{Kind: KindTest, Path: f, To: n, Msg: "conftest.py renamed: pytest no longer loads its fixtures and hooks"})
			continue
		case !was || !strings.HasSuffix(f, ".py"):
			continue
		}
		if n == f && !anyMoved(mb.conftestChain(f), newOf) {
			continue
		}
		var b, a []string
		b = mb.conftestChain(f)
		for _, c := range ma.conftestChain(n) {
			a = append(a, origOf(c))
		}
		sort.Strings(b)
		sort.Strings(a)
		if strings.Join(a, ",") != strings.Join(b, ",") {
			out = append(out, Change{Kind: KindTest, Path: f, To: n,
				Msg: fmt.Sprintf("the conftest.py fixtures that apply change (before: %s; after: %s)", listOrNone(b), listOrNone(a))})
		}
	}
	return out
}

func anyMoved(files []string, newOf func(string) string) bool {
	for _, f := range files {
		if newOf(f) != f {
			return true
		}
	}
	return false
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
