package pyresolve

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// TestSetupCfgRoots reads the forms of setup.cfg that setuptools accepts:
// both separators, values on continuation lines, several package_dir
// entries, comments, and options in the wrong section.
func TestSetupCfgRoots(t *testing.T) {
	for _, tc := range []struct {
		name, cfg string
		want      []string
	}{
		{"inline", "[options]\npackage_dir = =src\n", []string{"src"}},
		{"continuation", "[options]\npackage_dir =\n    =code\n", []string{"code"}},
		{"root entry not first", "[options]\npackage_dir =\n    tools = scripts\n    =lib\n", []string{"lib"}},
		{"comma list", "[options]\npackage_dir = tools=scripts, =lib\n", []string{"lib"}},
		{"colon separator", "[options]\npackage_dir:\n  =src\n", []string{"src"}},
		{"where continuation", "[options]\npackages = find:\n\n[options.packages.find]\nwhere =\n    src\nexclude =\n    tests\n", []string{"src"}},
		{"where colon", "[options.packages.find]\nwhere: lib\n", []string{"lib"}},
		{"comments", "# package_dir = =no\n[options]\n; package_dir = =nope\n# where = x\npackage_dir = =src\n", []string{"src"}},
		{"other section", "[metadata]\nname = x\nwhere = nope\npackage_dir = =nope\n", nil},
		{"garbage", "package_dir = =src\n[[[\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := workspace.NewMemSet(map[string][]byte{"setup.cfg": []byte(tc.cfg)})
			if got := setupCfgRoots(fs, "setup.cfg"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("setupCfgRoots(%q) = %q, want %q", tc.cfg, got, tc.want)
			}
		})
	}
}
