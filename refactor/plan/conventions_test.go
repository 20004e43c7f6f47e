package plan

import (
	"strings"
	"testing"

	"github.com/relayout/relayout/refactor/depth"
)

// TestValidateConventions: plan --check reports, on the entry's line,
// a Next.js route merged into a file name, a test renamed out of
// collection, a Django locale/ moved out of its app and a package moved
// beside a module of its name; a plan that moves the app root whole has
// no such problem.
func TestValidateConventions(t *testing.T) {
	fs := memFS(map[string]string{
		"web/next.config.mjs":                         "",
		"web/app/layout.tsx":                          "",
		"web/app/users/[id]/page.tsx":                 "",
		"tests/unit/test_api.py":                      "",
		"manage.py":                                   "",
		"shop/orders/__init__.py":                     "",
		"shop/orders/apps.py":                         "",
		"shop/orders/locale/de/LC_MESSAGES/django.po": "",
		"lib/utils.py":                                "",
		"lib/core/utils/__init__.py":                  "",
	})
	p, err := Parse("plan.toml", []byte(`
[[move]]
from = "web/app/users/[id]/page.tsx"
to = "web/app/users/[id]-page.tsx"

[[move]]
from = "tests/unit/test_api.py"
to = "tests/unit-api.py"

[[move]]
from = "shop/orders/locale"
to = "locale"

[[move]]
from = "lib/core/utils"
to = "lib/utils"
`))
	if err != nil {
		t.Fatal(err)
	}
	probs := Validate(fs, p, ValidateOptions{Rule: depth.Rule{Max: 8, Root: "."}})
	want := map[int]string{2: "Next.js route disappears", 6: "test no longer collected", 10: "Django finds locale/", 14: "both the module lib.utils"}
	for line, w := range want {
		found := false
		for _, pr := range probs {
			if pr.Line == line && strings.Contains(pr.Msg, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("line %d: want %q among %v", line, w, probs)
		}
	}
	ok, err := Parse("plan.toml", []byte("[[move]]\nfrom = \"web\"\nto = \"apps/web\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if probs := Validate(fs, ok, ValidateOptions{Rule: depth.Rule{Max: 8, Root: "."}}); len(probs) > 0 {
		t.Errorf("moving the app root whole: %v", probs)
	}
}
