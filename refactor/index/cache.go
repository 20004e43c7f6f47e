package index

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/relayout/relayout/parsers"
)

// cacheVersion changes whenever the extractors' output changes.
const cacheVersion = "v2"

// Cache stores parse results on disk keyed by language and content hash.
// Concurrent use is safe: entries are written to a temp file and renamed.
type Cache struct {
	dir string
}

// OpenCache returns a cache in dir, or in the user cache directory
// (…/relayout/parse-v2) when dir is "".
func OpenCache(dir string) (*Cache, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("open parse cache: %w", err)
		}
		dir = filepath.Join(base, "relayout")
	}
	dir = filepath.Join(dir, "parse-"+cacheVersion)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open parse cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

func (c *Cache) path(lang parsers.Lang, hash string) string {
	return filepath.Join(c.dir, hash[:2], string(lang)+"-"+hash+".json")
}

// Get returns the cached result, or nil.
func (c *Cache) Get(lang parsers.Lang, hash string) *parsers.Result {
	data, err := os.ReadFile(c.path(lang, hash))
	if err != nil {
		return nil
	}
	var r parsers.Result
	if json.Unmarshal(data, &r) != nil {
		return nil
	}
	return &r
}

// Put stores a result; failures are ignored (the cache is an optimisation).
func (c *Cache) Put(lang parsers.Lang, hash string, r *parsers.Result) {
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	p := c.path(lang, hash)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), p) != nil {
		_ = os.Remove(tmp.Name())
	}
}
