package pyresolve

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

func memset(paths ...string) *workspace.MemSet {
	m := map[string][]byte{}
	for _, p := range paths {
		m[p] = nil
	}
	return workspace.NewMemSet(m)
}

func TestDetectRoots(t *testing.T) {
	fs := workspace.NewMemSet(map[string][]byte{
		"pyproject.toml":             []byte("[tool.setuptools.packages.find]\nwhere = [\"lib\"]\n"),
		"lib/pkg/__init__.py":        nil,
		"src/app/__init__.py":        nil,
		"src/app/core/__init__.py":   nil,
		"tools/x/y/__init__.py":      nil,
		"tools/x/y/z.py":             nil,
		"backend/svc/ns/mod.py":      nil, // namespace package: no root of its own
		"sub/setup.cfg":              []byte("[options]\npackage_dir =\n    =code\n"),
		"sub/code/thing/__init__.py": nil,
	})
	got := DetectRoots(fs, nil)
	want := []string{"sub/code", "tools/x", "lib", "src", ""}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DetectRoots = %q, want %q", got, want)
	}
	if got := DetectRoots(fs, []string{"./backend/"}); !reflect.DeepEqual(got, []string{"backend", ""}) {
		t.Fatalf("configured roots = %q", got)
	}
}

func TestResolve(t *testing.T) {
	fs := memset(
		"src/app/__init__.py", "src/app/main.py", "src/app/api/__init__.py", "src/app/api/routes.py",
		"src/app/stubs.pyi", "src/app/both.py", "src/app/both.pyi",
		"src/ns/inner/mod.py", // namespace packages ns and ns.inner
		"tests/test_main.py",
	)
	r := New(fs, nil)
	in := func(p string) workspace.Target { return workspace.Target{Status: workspace.Internal, Path: p} }
	for _, tc := range []struct {
		from, module string
		level        int
		want         workspace.Target
	}{
		{"tests/test_main.py", "app.main", 0, in("src/app/main.py")},
		{"tests/test_main.py", "app", 0, in("src/app/__init__.py")},
		{"tests/test_main.py", "app.api.routes", 0, in("src/app/api/routes.py")},
		{"tests/test_main.py", "app.stubs", 0, in("src/app/stubs.pyi")},
		{"tests/test_main.py", "app.both", 0, in("src/app/both.py")},
		{"tests/test_main.py", "ns.inner", 0, workspace.Target{Status: workspace.Internal, Path: "src/ns/inner", Dir: true}},
		{"tests/test_main.py", "ns.inner.mod", 0, in("src/ns/inner/mod.py")},
		{"tests/test_main.py", "app.missing", 0, workspace.Target{Status: workspace.Unresolved}},
		{"tests/test_main.py", "os.path", 0, workspace.Target{Status: workspace.External}},
		{"src/app/api/routes.py", "", 1, in("src/app/api/__init__.py")},
		{"src/app/api/routes.py", "main", 2, in("src/app/main.py")},
		{"src/app/api/__init__.py", "routes", 1, in("src/app/api/routes.py")},
		{"src/app/api/routes.py", "", 2, in("src/app/__init__.py")},
		{"src/app/api/routes.py", "x", 9, workspace.Target{Status: workspace.Unresolved}},
		{"src/app/main.py", "nothere", 1, workspace.Target{Status: workspace.Unresolved}},
	} {
		if got := r.Resolve(tc.from, tc.module, tc.level); got != tc.want {
			t.Errorf("Resolve(%s, %q, %d) = %+v, want %+v", tc.from, tc.module, tc.level, got, tc.want)
		}
	}
	if tg, ok := r.ResolveName("tests/test_main.py", "app", 0, "main"); !ok || tg.Path != "src/app/main.py" {
		t.Errorf("ResolveName(app, main) = %+v %v", tg, ok)
	}
	if _, ok := r.ResolveName("tests/test_main.py", "app.main", 0, "create_app"); ok {
		t.Errorf("ResolveName of an attribute reported a module")
	}
	for file, want := range map[string]string{"src/app/api/__init__.py": "app.api", "src/app/main.py": "app.main", "tests/test_main.py": "tests.test_main"} {
		if got, ok := r.ModuleOf(file); !ok || got != want {
			t.Errorf("ModuleOf(%s) = %q, %v; want %q", file, got, ok, want)
		}
	}
	if _, ok := r.ModuleOf("src/app/my-dir/x.py"); ok {
		t.Errorf("ModuleOf accepted a non-identifier component")
	}
}

func TestAbsoluteName(t *testing.T) {
	for _, tc := range []struct {
		rel, pkg, want string
		ok             bool
	}{
		{".sub.mod", "pkg", "pkg.sub.mod", true},
		{"..x", "pkg.sub", "pkg.x", true},
		{".", "pkg", "pkg", true},
		{"..x", "pkg", "", false},
		{"abs", "pkg", "", false},
		{".x", "", "", false},
	} {
		got, ok := AbsoluteName(tc.rel, tc.pkg)
		if got != tc.want || ok != tc.ok {
			t.Errorf("AbsoluteName(%q, %q) = %q, %v; want %q, %v", tc.rel, tc.pkg, got, ok, tc.want, tc.ok)
		}
	}
}
