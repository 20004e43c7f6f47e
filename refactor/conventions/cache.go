package conventions

// cache.go: what Diff derives from the whole tree, kept per tree snapshot.
// A server computes many moves on one snapshot (every willRenameFiles, the
// quick fixes it lists): the scoped part of the tree, the model of the
// tree before the moves and, for a set of moves seen before, the whole
// answer are kept for the last few snapshots. A snapshot is known by the
// identity of its file list (FileSet.Files returns the same slice for the
// same snapshot; overlays forward it), and an entry is used only while
// every file its detection read still holds the same bytes, so an unsaved
// package.json or an edited pytest.ini is never answered from the cache.

import (
	"bytes"
	"maps"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/relayout/relayout/refactor/workspace"
)

// cacheSize bounds the entries of each kind kept (a few snapshots: a
// server's current one and the trees a plan's phases compute on).
const cacheSize = 8

// treeID identifies a file list by its backing array and length.
type treeID struct {
	first *string
	n     int
}

func idOf(files []string) treeID {
	return treeID{unsafe.SliceData(files), len(files)}
}

// read is one file read during a detection: its bytes, or that it failed.
type read struct {
	data   []byte
	failed bool
}

// recorder is a FileSet recording what is read through it.
type recorder struct {
	workspace.FileSet
	mu    sync.Mutex
	reads map[string]read
}

func newRecorder(fs workspace.FileSet) *recorder {
	return &recorder{FileSet: fs, reads: map[string]read{}}
}

// ReadFile implements workspace.FileSet.
func (r *recorder) ReadFile(rel string) ([]byte, error) {
	data, err := r.FileSet.ReadFile(rel)
	r.mu.Lock()
	r.reads[rel] = read{data: data, failed: err != nil}
	r.mu.Unlock()
	return data, err
}

// same reports whether every recorded read gives the same result in fs.
func same(reads map[string]read, fs workspace.FileSet) bool {
	for p, was := range reads {
		data, err := fs.ReadFile(p)
		if (err != nil) != was.failed || !bytes.Equal(data, was.data) {
			return false
		}
	}
	return true
}

// cacheEntry is one cached derivation of a tree.
type cacheEntry struct {
	tree  treeID
	key   string
	paths *workspace.DiskSet // scoped: the paths of the part examined (nil = all)
	model *Model             // before: the model of the scoped tree
	diff  []Change           // diff: the answer
	reads map[string]read
}

// treeCache holds the most recent entries, newest first.
type treeCache struct {
	mu      sync.Mutex
	entries []*cacheEntry
}

var scopedCache, modelCache, diffCache treeCache

// get returns the entry for (tree, key) whose reads still hold in fs.
func (c *treeCache) get(tree treeID, key string, fs workspace.FileSet) *cacheEntry {
	c.mu.Lock()
	var hit *cacheEntry
	for _, e := range c.entries {
		if e.tree == tree && e.key == key {
			hit = e
			break
		}
	}
	c.mu.Unlock()
	if hit == nil || (fs != nil && !same(hit.reads, fs)) {
		return nil
	}
	return hit
}

// put adds e, dropping the oldest entry beyond cacheSize.
func (c *treeCache) put(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append([]*cacheEntry{e}, c.entries...)
	if len(c.entries) > cacheSize {
		c.entries = c.entries[:cacheSize]
	}
}

// areasKey is the sorted top-level areas moves leave or enter.
func areasKey(moves map[string]string) string {
	areas := map[string]bool{}
	for from, to := range moves {
		areas[topOf(from)] = true
		areas[topOf(to)] = true
	}
	keys := make([]string, 0, len(areas))
	for a := range areas {
		keys = append(keys, a)
	}
	sort.Strings(keys)
	return strings.Join(keys, "\x00")
}

// movesKey spells moves in a canonical order.
func movesKey(moves map[string]string) string {
	keys := make([]string, 0, len(moves))
	for from := range moves {
		keys = append(keys, from)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(moves[k])
		b.WriteByte(0)
	}
	return b.String()
}

// scopedCached is scoped, with the scoped paths kept per tree and areas.
func scopedCached(fs workspace.FileSet, moves map[string]string) workspace.FileSet {
	tree, key := idOf(fs.Files()), areasKey(moves)
	if e := scopedCache.get(tree, key, nil); e != nil {
		if e.paths == nil {
			return fs
		}
		return &mapped{DiskSet: e.paths, base: fs}
	}
	s := scoped(fs, moves)
	e := &cacheEntry{tree: tree, key: key}
	if m, ok := s.(*mapped); ok {
		e.paths = m.DiskSet
	}
	scopedCache.put(e)
	return s
}

// detectCached is Detect of the scoped tree before (of the tree all), kept
// per tree and areas while the files it read are unchanged.
func detectCached(all workspace.FileSet, before workspace.FileSet, moves map[string]string) *Model {
	tree, key := idOf(all.Files()), areasKey(moves)
	if e := modelCache.get(tree, key, before); e != nil {
		return e.model
	}
	rec := newRecorder(before)
	m := Detect(rec)
	m.fs = before // detection is done reading; later questions are about paths
	modelCache.put(&cacheEntry{tree: tree, key: key, model: m, reads: rec.snapshot()})
	return m
}

// snapshot returns a copy of the reads so far.
func (r *recorder) snapshot() map[string]read {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.reads)
}
