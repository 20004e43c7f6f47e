package parsers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// HashFiles returns the hex SHA-256 of the files of fsys matching pattern
// (fs.Glob syntax), names and contents, in name order. Extractors use it to
// version their embedded queries: a cache of extraction results keyed on it
// cannot outlive a query change.
func HashFiles(fsys fs.FS, pattern string) (string, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", err
		}
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashOnce returns a function computing HashFiles(fsys, pattern) once, for
// embedded files (which are always readable: failing is a bug).
func HashOnce(fsys fs.FS, pattern string) func() string {
	return sync.OnceValue(func() string {
		h, err := HashFiles(fsys, pattern)
		if err != nil {
			panic(fmt.Sprintf("hash embedded %s: %v", pattern, err))
		}
		return h
	})
}
