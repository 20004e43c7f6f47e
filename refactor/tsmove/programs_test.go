package tsmove

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

func TestLeavingPrograms(t *testing.T) {
	files := map[string][]byte{
		"web/tsconfig.json":       []byte(`{"include": ["src"]}`),
		"web/src/deep/x/a.ts":     nil,
		"web/src/b.ts":            nil,
		"lib/tsconfig.json":       []byte(`{"include": ["src"]}`),
		"lib/src/c.ts":            nil,
		"next/tsconfig.json":      []byte(`{"include": ["../old/src"]}`),
		"old/src/d.ts":            nil,
		"scripts/tool.ts":         nil,
		"backend/app/deep/m.py":   nil,
		"backend/app/__init__.py": nil,
	}
	fs := workspace.NewMemSet(files)
	for _, tc := range []struct {
		name  string
		moves map[string]string
		want  []ProgramChange
	}{
		{"out of every project", map[string]string{"web/src/deep/x/a.ts": "shared/a.ts"},
			[]ProgramChange{{Path: "web/src/deep/x/a.ts", To: "shared/a.ts", Before: "web/tsconfig.json"}}},
		{"out of include, the include follows", map[string]string{"web/src/deep/x/a.ts": "web/a.ts"}, nil},
		{"within include", map[string]string{"web/src/deep/x/a.ts": "web/src/a.ts"}, nil},
		{"into another project", map[string]string{"web/src/b.ts": "lib/src/b.ts"},
			[]ProgramChange{{Path: "web/src/b.ts", To: "lib/src/b.ts", Before: "web/tsconfig.json", After: "lib/tsconfig.json"}}},
		{"followed by the config it moves under", map[string]string{"old/src/d.ts": "next/src/d.ts"}, nil},
		{"never in a program", map[string]string{"scripts/tool.ts": "tool.ts"}, nil},
		{"python only", map[string]string{"backend/app/deep/m.py": "backend/app/m.py"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LeavingPrograms(fs, tc.moves); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("LeavingPrograms = %v, want %v", got, tc.want)
			}
		})
	}
}
