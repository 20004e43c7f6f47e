package merge

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestZZStress(t *testing.T) {
	root := os.Getenv("STRESS_ROOT")
	ext := os.Getenv("STRESS_EXT")
	if root == "" {
		t.Skip()
	}
	byDir := map[string][]string{}
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ext) && !strings.Contains(p, "node_modules/.") {
			byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], p)
		}
		return nil
	})
	out := os.Getenv("STRESS_OUT")
	os.MkdirAll(out, 0o755)
	stats := map[string]int{}
	reasons := map[string]int{}
	n := 0
	var dirs []string
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		fs := byDir[d]
		sort.Strings(fs)
		for i := 0; i+1 < len(fs); i += 2 {
			var srcs []Source
			for _, f := range fs[i : i+2] {
				b, _ := os.ReadFile(f)
				rel, _ := filepath.Rel(root, f)
				srcs = append(srcs, Source{Path: rel, Content: b})
			}
			relDir, _ := filepath.Rel(root, d)
			target := filepath.ToSlash(filepath.Join(relDir, "merged"+ext))
			got, err := mergeFn(target)(context.Background(), target, srcs, nil)
			var c *Clash
			var s *SyntaxError
			switch {
			case err == nil:
				stats["ok"]++
				n++
				os.WriteFile(filepath.Join(out, fmt.Sprintf("m%04d%s", n, ext)), got, 0o644)
			case errors.As(err, &c):
				stats["clash"]++
				for _, cf := range c.Conflicts {
					reasons[cf.Reason]++
				}
			case errors.As(err, &s):
				stats["syntax"]++
			default:
				stats["other"]++
				t.Logf("%s: %v", target, err)
			}
		}
	}
	t.Logf("%v", stats)
	for r, k := range reasons {
		t.Logf("%5d %s", k, r)
	}
}
