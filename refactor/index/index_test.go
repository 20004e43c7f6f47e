package index

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/workspace"
)

func sample() *workspace.MemSet {
	return workspace.NewMemSet(map[string][]byte{
		"pyproject.toml":      []byte("[tool.setuptools.packages.find]\nwhere = [\"src\"]\n"),
		"src/app/__init__.py": nil,
		"src/app/util.py":     []byte("X = 1\n"),
		"src/app/main.py":     []byte("import os\nfrom app import util\nfrom .missing import y\nimport app.util\nprint(app.util.X)\n"),
		"tests/test_x.py":     []byte("from unittest import mock\n\n@mock.patch(\"app.util.X\")\ndef test(x):\n    pass\n"),
		"web/tsconfig.json":   []byte("{\"compilerOptions\": {\"baseUrl\": \".\", \"paths\": {\"@/*\": [\"./*\"]}}}\n"),
		"web/a.ts":            []byte("import { b } from '@/lib/b';\nimport x from './nope';\nimport React from 'react';\n"),
		"web/lib/b.ts":        []byte("export const b = 1;\n"),
		"bin/blob.js":         []byte("\x00\x01binary"),
	})
}

func TestBuild(t *testing.T) {
	ix, err := Build(t.Context(), sample(), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.Importers("src/app/util.py"); !reflect.DeepEqual(got, []string{"src/app/main.py", "tests/test_x.py"}) {
		t.Errorf("importers of util.py = %v", got)
	}
	if got := ix.Importers("web/lib/b.ts"); !reflect.DeepEqual(got, []string{"web/a.ts"}) {
		t.Errorf("importers of b.ts = %v", got)
	}
	var unresolved []string
	for _, u := range ix.Unresolved() {
		unresolved = append(unresolved, u.Path+":"+u.Module)
	}
	if want := []string{"src/app/main.py:.missing", "web/a.ts:./nope"}; !reflect.DeepEqual(unresolved, want) {
		t.Errorf("unresolved = %v, want %v", unresolved, want)
	}
	main := ix.File("src/app/main.py")
	statuses := map[string]workspace.Status{}
	for _, imp := range main.Imports {
		statuses[string(imp.Kind)+" "+imp.Module] = imp.Target.Status
	}
	if statuses["py-import os"] != workspace.External || statuses["py-attribute app.util"] != workspace.Internal {
		t.Errorf("statuses = %v", statuses)
	}
	for _, imp := range ix.File("tests/test_x.py").Imports {
		if imp.Kind == parsers.PyString && (imp.Matched != "app.util" || imp.Target.Path != "src/app/util.py") {
			t.Errorf("string reference resolved to %q %+v", imp.Matched, imp.Target)
		}
	}
	if f := ix.File("bin/blob.js"); f == nil || f.Skip != workspace.SkipBinary {
		t.Errorf("binary file = %+v", f)
	}
}
