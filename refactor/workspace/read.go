package workspace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// DefaultMaxFileSize is the size above which files are not parsed.
const DefaultMaxFileSize = 1 << 20

// SkipReason says why a file's content is not parsed ("" when it is).
type SkipReason string

// Reasons for not parsing a file.
const (
	SkipNone     SkipReason = ""
	SkipBinary   SkipReason = "binary file"
	SkipTooLarge SkipReason = "file too large"
	SkipMinified SkipReason = "minified or generated bundle"
)

// ReadSource reads a file for parsing. It returns the bytes, or a reason
// the file should not be parsed: over maxSize bytes (0 = default), binary
// (a NUL byte in the first 8 KiB) or a minified bundle (a line longer than
// 5,000 bytes with few line breaks).
func ReadSource(root, rel string, maxSize int64) ([]byte, SkipReason, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	st, err := os.Stat(full)
	if err != nil {
		return nil, SkipNone, fmt.Errorf("read %s: %w", rel, err)
	}
	if st.Size() > maxSize {
		return nil, SkipTooLarge, nil
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, SkipNone, fmt.Errorf("read %s: %w", rel, err)
	}
	return data, Classify(data), nil
}

// Classify reports whether data looks binary or minified (SkipNone
// otherwise).
func Classify(data []byte) SkipReason {
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return SkipBinary
	}
	if len(data) > 20000 {
		lines := bytes.Count(data, []byte{'\n'}) + 1
		if len(data)/lines > 5000 {
			return SkipMinified
		}
	}
	return SkipNone
}
