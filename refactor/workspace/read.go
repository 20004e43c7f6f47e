package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
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
	SkipUTF16    SkipReason = "UTF-16 text (only UTF-8 is parsed)"
)

// MaxConfigSize caps the configuration files relayout reads itself
// (relayout.toml, .gitignore, .git/info/exclude, plan files).
const MaxConfigSize = 8 << 20

// MaxReadSize caps any file read through a DiskSet (sources, tsconfig,
// package.json, pyproject.toml, setup.cfg): sources above the configured
// max_file_size are skipped anyway, so this only bounds memory.
const MaxReadSize = 64 << 20

// ErrNotRegular is returned (wrapped) by ReadRegular for a FIFO, device,
// socket or directory.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned (wrapped) by ReadRegular for a file over the cap.
var ErrTooLarge = errors.New("file too large")

// ReadRegular reads the regular file at path (symlinks followed), at most
// max bytes. Anything else — a named pipe, /dev/zero, a socket, a
// directory — is refused without being read (a pipe is never opened in a
// blocking way), and so is a file over max bytes, also one that grows
// while it is read. Errors name path and wrap ErrNotRegular, ErrTooLarge
// or the file system's error (os.ErrNotExist for a missing file).
func ReadRegular(path string, max int64) ([]byte, error) {
	return readRegular(path, path, max)
}

// readRegular is ReadRegular naming the file name in errors.
func readRegular(path, name string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := checkRegular(name, st, max); err != nil {
		return nil, err
	}
	// O_NONBLOCK: if path was swapped for a pipe since the Stat, opening
	// it must not wait for a writer. It changes nothing for regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := checkRegular(name, st, max); err != nil {
		return nil, err
	}
	// Sized from the stat: one read fills it, a second sees the end (a
	// file that grew meanwhile still reads to the limit).
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, fmt.Errorf("read %s: %w (over %d bytes)", name, ErrTooLarge, max)
	}
	return data, nil
}

func checkRegular(name string, st os.FileInfo, max int64) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("read %s: %w (%s)", name, ErrNotRegular, Describe(st))
	}
	if st.Size() > max {
		return fmt.Errorf("read %s: %w (%d bytes, over %d)", name, ErrTooLarge, st.Size(), max)
	}
	return nil
}

// ReadSource reads a file for parsing. It returns the bytes, or a reason
// the file should not be parsed: over maxSize bytes (0 = default), binary
// (a NUL byte in the first 8 KiB) or a minified bundle (a line longer than
// 5,000 bytes with few line breaks). A file that is not regular is an
// error wrapping ErrNotRegular.
func ReadSource(root, rel string, maxSize int64) ([]byte, SkipReason, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	data, err := readRegular(filepath.Join(root, filepath.FromSlash(rel)), rel, maxSize)
	if errors.Is(err, ErrTooLarge) {
		return nil, SkipTooLarge, nil
	}
	if err != nil {
		return nil, SkipNone, err
	}
	return data, Classify(data), nil
}

// Classify reports whether data is UTF-16 (a byte order mark), looks
// binary or minified (SkipNone otherwise).
func Classify(data []byte) SkipReason {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return SkipUTF16
	}
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
