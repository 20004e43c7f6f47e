package conventions

import (
	"fmt"
	"testing"

	"github.com/relayout/relayout/refactor/workspace"
)

// benchTree is n files in folders 1–7 levels deep: Python packages with
// tests, a Next.js app and a Django app.
func benchTree(n int) workspace.FileSet {
	files := map[string][]byte{
		"manage.py":               nil,
		"web/package.json":        []byte(`{"dependencies":{"next":"15"}}`),
		"svc/shop/orders/apps.py": nil,
		"svc/shop/orders/locale/de/LC_MESSAGES/django.po": nil,
	}
	for i := 0; len(files) < n; i++ {
		d := fmt.Sprintf("svc/p%d/m%d/q%d/r%d/s%d", i%7, i%53, i%211, i%997, i%3)
		switch i % 4 {
		case 0:
			files[fmt.Sprintf("svc/p%d/m%d/q%d/mod%d.py", i%7, i%53, i%211, i)] = nil
		case 1:
			files[fmt.Sprintf("svc/p%d/tests/test_m%d.py", i%7, i)] = nil
		case 2:
			files[fmt.Sprintf("web/app/s%d/x%d/page.tsx", i%31, i)] = nil
		default:
			files[d+fmt.Sprintf("/f%d.ts", i)] = nil
		}
	}
	return workspace.NewMemSet(files)
}

// BenchmarkDetect measures detection on 10,000 files.
func BenchmarkDetect(b *testing.B) {
	fs := benchTree(10000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Detect(fs)
	}
}

// BenchmarkDiff measures Diff of a one-file move on 10,000 files (what
// the move engine adds to every move).
func BenchmarkDiff(b *testing.B) {
	fs := benchTree(10000)
	mv := map[string]string{fs.Files()[10]: "moved/x.py"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Diff(fs, mv)
	}
}

// BenchmarkDiffEachMove measures Diff of a different one-file move each
// time on one 10,000-file tree (the model of the tree before the moves
// comes from the per-snapshot cache; the tree after is detected again).
func BenchmarkDiffEachMove(b *testing.B) {
	fs := benchTree(10000)
	files := fs.Files()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Diff(fs, map[string]string{files[i%len(files)]: fmt.Sprintf("moved/x%d.py", i)})
	}
}
