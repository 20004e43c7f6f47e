package depth

import "testing"

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		root, rel string
		want      int
		ok        bool
	}{
		{".", "x.py", 0, true},
		{".", "src/a/b/c/x.py", 4, true},
		{"", "src/use_cases/fine_tuning/api/main.py", 4, true},
		{".", "src/use_cases/fine_tuning_studio/frontend/app/experiments/new/page.tsx", 7, true},
		{"src", "src/a/b/c/x.py", 3, true},
		{"./src/", "src/a/x.py", 1, true},
		{"src", "srcx/a.py", 0, false},
		{"src", "lib/a.py", 0, false},
	} {
		got, ok := Level(tc.root, tc.rel)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Level(%q, %q) = %d, %v; want %d, %v", tc.root, tc.rel, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	r := Rule{Max: 2, Root: ".", Exclude: []string{"vendor", "**/*.snap"}}
	files := []string{"a.py", "a/b/c.py", "a/b/c/d.py", "vendor/x/y/z/w.go", "a/b/c/d/e.snap", "a/b/c/d/e.txt"}
	got := r.Check(files)
	want := []Violation{{"a/b/c/d.py", 3, 2}, {"a/b/c/d/e.txt", 4, 2}}
	if len(got) != len(want) {
		t.Fatalf("Check = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("violation %d = %v, want %v", i, got[i], want[i])
		}
	}
}
