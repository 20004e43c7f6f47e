package plan

import (
	"fmt"
	"testing"

	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/workspace"
)

// deepTree returns about n files, most of them deeper than 4 levels: a
// Django app with locale/<lang>/LC_MESSAGES catalogs (the case that made
// the old generator quadratic), Python packages below wrappers, a Next.js
// app nested in a monorepo, and a pytest suite.
func deepTree(n int) workspace.FileSet {
	files := map[string][]byte{
		"manage.py":                            nil,
		"server/shop/__init__.py":              nil,
		"server/shop/orders/__init__.py":       nil,
		"server/shop/orders/apps.py":           nil,
		"apps/platform/web/package.json":       []byte(`{"dependencies":{"next":"15"}}`),
		"apps/platform/web/tsconfig.json":      []byte(`{}`),
		"apps/platform/web/src/app/layout.tsx": nil,
		"tests/conftest.py":                    nil,
	}
	for i := 0; len(files) < n; i++ {
		switch i % 5 {
		case 0:
			files[fmt.Sprintf("server/shop/orders/locale/l%d/LC_MESSAGES/django.po", i)] = nil
		case 1:
			files[fmt.Sprintf("src/group/pkg%d/sub%d/deep%d/mod%d.py", i%13, i%7, i%5, i)] = nil
			files[fmt.Sprintf("src/group/pkg%d/__init__.py", i%13)] = nil
		case 2:
			files[fmt.Sprintf("apps/platform/web/src/components/k%d/c%d/C%d.tsx", i%11, i%17, i)] = nil
		case 3:
			files[fmt.Sprintf("apps/platform/web/src/app/s%d/[id]/page.tsx", i)] = nil
		default:
			files[fmt.Sprintf("tests/integration/api/v%d/test_m%d.py", i%3, i)] = nil
		}
	}
	return workspace.NewMemSet(files)
}

// BenchmarkGenerate3000 measures plan generation on 3,000 deep files (the
// goal is at most 2 s; see docs/performance.md).
func BenchmarkGenerate3000(b *testing.B) { benchGenerate(b, 3000) }

// BenchmarkGenerate30000 shows that generation grows linearly.
func BenchmarkGenerate30000(b *testing.B) { benchGenerate(b, 30000) }

func benchGenerate(b *testing.B, n int) {
	fs := deepTree(n)
	rule := depth.Rule{Max: 4, Root: "."}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr := Generate(fs, GenerateOptions{Rule: rule})
		if len(pr.Plan.Moves) == 0 {
			b.Fatal("nothing generated")
		}
	}
}
