package index

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/python"
	"github.com/relayout/relayout/parsers/typescript"
)

// CacheDirEnv names the environment variable that overrides the parse
// cache's base directory for OpenCache(""): tests and benchmarks point it
// at a temporary directory so they never read or write the user's cache.
const CacheDirEnv = "RELAYOUT_CACHE_DIR"

// packFormat changes whenever the pack's encoding changes.
const packFormat = "pack3"

// packShards is the number of files a workspace's pack is split into, by
// path hash: shards load in parallel and a build rewrites only the shards
// whose entries changed.
const packShards = 16

// racyWindow: a file modified less than this long before it was read may
// change again within the file system's timestamp granularity, so its
// entry is not trusted on size and mtime alone (git's "racily clean").
const racyWindow = 2 * time.Second

// Cache stores parse results on disk, one pack per workspace (sharded),
// keyed by path + size + mtime, with the content hash checked when size or
// mtime differ. The cache directory is named after a hash of the
// extractors' embedded queries and of the running build (Key), so results
// of another relayout build or query set are never served. Writes go to a
// temporary file renamed into place, so readers and other processes never
// see a partial pack; concurrent use is safe.
type Cache struct {
	dir string
}

// Key identifies the extractors whose results a cache holds: a hash of the
// embedded queries of every language and of the running executable's build
// (its Go build ID, or a hash of the executable when it has none).
func Key() string { return cacheKey() }

var cacheKey = sync.OnceValue(func() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", packFormat, python.QueriesHash(), typescript.QueriesHash(), buildIdentity())
	return hex.EncodeToString(h.Sum(nil))[:20]
})

// buildIdentity identifies the running executable: its Go build ID (a hash
// of every input of the build), else a hash of the executable file, else
// the module build information.
func buildIdentity() string {
	exe, err := os.Executable()
	if err == nil {
		if id := goBuildID(exe); id != "" {
			return "buildid:" + id
		}
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return "exe:" + hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		return "buildinfo:" + bi.String()
	}
	return "unknown"
}

// goBuildID returns the Go build ID of an executable: the .note.go.buildid
// note of an ELF file, else the "\xff Go build ID:" record the linker
// places in the first pages of Mach-O and PE files; "" when none.
func goBuildID(exe string) string {
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			// namesz, descsz, type (4 bytes each), "Go\x00\x00", desc.
			if data, err := s.Data(); err == nil && len(data) > 16 {
				n := int(f.ByteOrder.Uint32(data[4:]))
				if 16+n <= len(data) {
					return string(data[16 : 16+n])
				}
			}
		}
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const prefix = "\xff Go build ID: \""
	i := bytes.Index(head, []byte(prefix))
	if i < 0 {
		return ""
	}
	rest := head[i+len(prefix):]
	j := bytes.IndexByte(rest, '"')
	if j <= 0 {
		return ""
	}
	return string(rest[:j])
}

// OpenCache returns a cache in dir, or — when dir is "" — in
// $RELAYOUT_CACHE_DIR or else the user cache directory (…/relayout). The
// packs live in a subdirectory named after Key; subdirectories of other
// keys untouched for a week are removed in the background.
func OpenCache(dir string) (*Cache, error) {
	if dir == "" {
		dir = os.Getenv(CacheDirEnv)
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("open parse cache: %w", err)
		}
		dir = filepath.Join(base, "relayout")
	}
	sub := filepath.Join(dir, "parse-"+Key())
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return nil, fmt.Errorf("open parse cache: %w", err)
	}
	now := time.Now()
	_ = os.Chtimes(sub, now, now) // in use: keep it from being pruned
	go prune(dir, sub, now.Add(-7*24*time.Hour))
	return &Cache{dir: sub}, nil
}

// prune removes the parse caches of other keys in base not used since
// before.
func prune(base, keep string, before time.Time) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(base, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "parse-") || p == keep {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			_ = os.RemoveAll(p)
		}
	}
}

// entry is the cached parse of one file.
type entry struct {
	Path string
	// Size and ModTime (Unix nanoseconds) of the file when it was read;
	// ModTime is 0 when unknown or racy (the content hash is then checked).
	Size, ModTime int64
	Hash          [sha256.Size]byte
	// Skip is the reason a readable file was not parsed (binary,
	// minified).
	Skip string
	// Imports are the file's references, unresolved, packed
	// (packImports); Errors its syntax error ranges.
	Imports []byte
	Errors  []parsers.Span
	// Words is the Bloom filter of the file's words (words.go).
	Words []byte
}

// pack is the loaded cache of one workspace.
type pack struct {
	c       *Cache
	id      string // file name prefix of the workspace's shards
	mu      sync.Mutex
	shards  [packShards]map[string]*entry
	dirty   [packShards]bool
	touched [packShards]map[string]bool // paths seen by this build
}

// shardOf returns the shard a path lives in.
func shardOf(rel string) int {
	h := fnv.New32a()
	h.Write([]byte(rel))
	return int(h.Sum32() % packShards)
}

// load reads the pack of the workspace rooted at root ("" for file sets
// not on disk), decoding its shards in parallel. Unreadable or corrupt
// shards load empty (the cache is an optimisation).
func (c *Cache) load(root string) *pack {
	sum := sha256.Sum256([]byte(root))
	p := &pack{c: c, id: hex.EncodeToString(sum[:8])}
	var wg sync.WaitGroup
	for i := range p.shards {
		p.touched[i] = map[string]bool{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.shards[i] = readShard(p.shardPath(i))
		}()
	}
	wg.Wait()
	return p
}

func (p *pack) shardPath(i int) string {
	return filepath.Join(p.c.dir, fmt.Sprintf("%s-%02d.pack", p.id, i))
}

// readShard decodes one shard file; nil entries when missing or corrupt.
func readShard(file string) map[string]*entry {
	out := map[string]*entry{}
	f, err := os.Open(file)
	if err != nil {
		return out
	}
	defer f.Close()
	var entries []*entry
	if gob.NewDecoder(bufio.NewReaderSize(f, 256<<10)).Decode(&entries) != nil {
		return out
	}
	for _, e := range entries {
		out[e.Path] = e
	}
	return out
}

// get returns the entry of rel, or nil; it marks rel as seen.
func (p *pack) get(rel string) *entry {
	i := shardOf(rel)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.touched[i][rel] = true
	return p.shards[i][rel]
}

// put stores the entry of e.Path.
func (p *pack) put(e *entry) {
	i := shardOf(e.Path)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.touched[i][e.Path] = true
	p.shards[i][e.Path] = e
	p.dirty[i] = true
}

// save writes the shards that changed. With prune (a build of every file
// of the workspace), entries of files the build did not see are dropped.
// Failures are ignored: the cache is an optimisation.
func (p *pack) save(prune bool) {
	var wg sync.WaitGroup
	for i := range p.shards {
		if prune {
			for rel := range p.shards[i] {
				if !p.touched[i][rel] {
					delete(p.shards[i], rel)
					p.dirty[i] = true
				}
			}
		}
		if !p.dirty[i] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeShard(p.shardPath(i), p.shards[i])
		}()
	}
	wg.Wait()
}

// writeShard writes entries to file through a temporary file renamed into
// place.
func writeShard(file string, entries map[string]*entry) {
	list := make([]*entry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "tmp-*")
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(tmp, 256<<10)
	werr := gob.NewEncoder(w).Encode(list)
	if werr == nil {
		werr = w.Flush()
	}
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		_ = os.Remove(tmp.Name())
	}
}
