package index

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/workspace"
)

// diskSample writes sample() into a temporary directory with modification
// times old enough to be trusted, and returns its root.
func diskSample(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for _, p := range sample().Files() {
		data, _ := sample().ReadFile(p)
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// countingSet counts ReadFile calls and keeps the DiskFiles methods of the
// set it wraps.
type countingSet struct {
	*workspace.DiskSet
	reads atomic.Int64
}

func (c *countingSet) ReadFile(rel string) ([]byte, error) {
	c.reads.Add(1)
	return c.DiskSet.ReadFile(rel)
}

func openDisk(t *testing.T, root string) *countingSet {
	t.Helper()
	l, err := workspace.Walk(t.Context(), root, workspace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &countingSet{DiskSet: workspace.NewDiskSet(l)}
}

// sameIndex fails unless a and b hold the same files, references,
// resolutions and reverse index.
func sameIndex(t *testing.T, a, b *Index) {
	t.Helper()
	if !reflect.DeepEqual(a.Files(), b.Files()) {
		t.Fatalf("files differ:\n%v\n%v", a.Files(), b.Files())
	}
	for _, p := range a.Files() {
		fa, fb := *a.File(p), *b.File(p)
		fa.src, fb.src = nil, nil
		if !reflect.DeepEqual(fa, fb) {
			t.Errorf("%s differs:\n%+v\n%+v", p, fa, fb)
		}
	}
	if !reflect.DeepEqual(a.importers, b.importers) {
		t.Errorf("importers differ:\n%v\n%v", a.importers, b.importers)
	}
}

// sameAsFresh fails unless ix equals a fresh build of the tree at root.
func sameAsFresh(t *testing.T, root string, ix *Index) {
	t.Helper()
	want, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, want, ix)
}

func TestCacheRestartReadsNothing(t *testing.T) {
	root := diskSample(t)
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := openDisk(t, root)
	if _, err := Build(t.Context(), first, config.Default(), Options{Cache: c}); err != nil {
		t.Fatal(err)
	}
	if first.reads.Load() == 0 {
		t.Fatal("the first build read nothing")
	}
	second := openDisk(t, root)
	ix, err := Build(t.Context(), second, config.Default(), Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	// Only configuration files are read (by the resolvers), no source.
	if n := second.reads.Load(); n > 2 {
		t.Errorf("a restart with a warm cache read %d files", n)
	}
	sameIndex(t, fresh, ix)
}

func TestCacheNoticesChanges(t *testing.T) {
	root := diskSample(t)
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{Cache: c}); err != nil {
		t.Fatal(err)
	}
	// Same size, new mtime and content: the hash must catch it.
	main := filepath.Join(root, "src/app/main.py")
	data, _ := os.ReadFile(main)
	data = []byte(strings.Replace(string(data), "import os", "import re", 1))
	if err := os.WriteFile(main, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A new file with a recent mtime (racy: never trusted on mtime alone).
	if err := os.WriteFile(filepath.Join(root, "web/c.ts"), []byte("import { b } from './lib/b';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	sameAsFresh(t, root, got)
	if mods := got.File("src/app/main.py").Imports[0].Module; mods != "re" {
		t.Errorf("first import of main.py = %q, want re", mods)
	}
	racy := openDisk(t, root)
	if _, err := Build(t.Context(), racy, config.Default(), Options{Cache: c}); err != nil {
		t.Fatal(err)
	}
	if racy.reads.Load() == 0 {
		t.Error("recently modified files were trusted on their mtime")
	}
}

func TestCacheSurvivesCorruptPack(t *testing.T) {
	root := diskSample(t)
	dir := t.TempDir()
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	packs, _ := filepath.Glob(filepath.Join(c.dir, "*.pack"))
	if len(packs) == 0 {
		t.Fatal("no pack written")
	}
	for _, p := range packs {
		if err := os.WriteFile(p, []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Build(t.Context(), openDisk(t, root), config.Default(), Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, want, got)
	tmps, _ := filepath.Glob(filepath.Join(c.dir, "tmp-*"))
	if len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

func TestCacheKeyedOnQueriesAndBuild(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheDirEnv, dir)
	c, err := OpenCache("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "parse-"+Key()); c.dir != want {
		t.Errorf("cache dir = %s, want %s", c.dir, want)
	}
	if id := buildIdentity(); !strings.HasPrefix(id, "buildid:") {
		t.Errorf("build identity = %q, want the Go build ID", id)
	}
	// A cache of another key is pruned once unused for a week.
	stale := filepath.Join(dir, "parse-v1")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-30 * 24 * time.Hour)
	_ = os.Chtimes(stale, old, old)
	prune(dir, c.dir, time.Now().Add(-7*24*time.Hour))
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale cache kept: %v", err)
	}
	if _, err := os.Stat(c.dir); err != nil {
		t.Errorf("current cache removed: %v", err)
	}
}

func TestCacheAndOnly(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fs := sample()
	first, err := Build(context.Background(), fs, config.Default(), Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Build(context.Background(), fs, config.Default(), Options{Cache: c, Only: []string{"src/app/main.py"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Files(); !reflect.DeepEqual(got, []string{"src/app/main.py"}) {
		t.Errorf("Only: files = %v", got)
	}
	a, b := first.File("src/app/main.py"), second.File("src/app/main.py")
	if !reflect.DeepEqual(a.Imports, b.Imports) || a.Hash != b.Hash {
		t.Errorf("cached result differs:\n%+v\n%+v", a.Imports, b.Imports)
	}
}

func writeFile(root, rel, content string) error {
	return os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644)
}
