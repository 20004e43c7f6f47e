// Package index builds relayout's import graph: every module reference of
// every Python and TypeScript/JavaScript file in a workspace, resolved to a
// workspace file, "external" or "unresolved", plus the reverse index (file
// → files that reference it). Parsing runs in parallel on all cores and is
// cached on disk by content hash.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/parsers/python"
	"github.com/relayout/relayout/parsers/typescript"
	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/pyresolve"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// ParseTimeout bounds the parse of one file.
const ParseTimeout = 5 * time.Second

// Import is one module reference with what it resolves to.
type Import struct {
	parsers.Ref
	// Target is what Ref.Module resolves to. For a Python string reference
	// (mock.patch("a.b.f")) it is the longest dotted prefix that names a
	// workspace module; Matched holds that prefix.
	Target workspace.Target
	// Matched is the part of Module that resolved (Python string
	// references only; equal to Module otherwise).
	Matched string
	// NameTargets parallels Ref.Names for Python from-imports: the
	// submodule a name imports, or a zero Target (Unresolved, "") when the
	// name is an attribute.
	NameTargets []workspace.Target
	// Pos is the 0-based line and byte column of Ref.Span.Start.
	Pos parsers.Position
}

// File is one indexed file.
type File struct {
	Path string
	Lang parsers.Lang
	// Hash is the hex SHA-256 of the content that was parsed.
	Hash    string
	Imports []Import
	// Errors are syntax error ranges (the file was still indexed).
	Errors []parsers.Span
	// Skip says why the file was not parsed ("" when it was).
	Skip workspace.SkipReason

	src []byte // the parsed content, with Options.KeepSources
}

// Index is the import graph of one workspace snapshot. It is safe for
// concurrent reads once built.
type Index struct {
	FS     workspace.FileSet
	Python *pyresolve.Resolver
	TS     *tsresolve.Resolver
	// Problems found while reading tsconfig/jsconfig/package.json files.
	Problems []tsresolve.Problem

	files     map[string]*File
	importers map[string][]string
}

// Options configures Build.
type Options struct {
	// Only restricts parsing to these files (nil = every source file).
	Only []string
	// Progress, when set, is called as files are parsed.
	Progress func(done, total int)
	// Cache, when set, stores and reuses parse results by content hash.
	Cache *Cache
	// MaxFileSize: larger files are not parsed (0 = default).
	MaxFileSize int64
	// Jobs is the number of parallel parsers (0 = GOMAXPROCS).
	Jobs int
	// KeepSources keeps every parsed file's content in the index
	// (Index.Source), so that a move computed from the index reads the
	// very bytes its byte ranges refer to without touching the disk again.
	KeepSources bool
}

// Build parses and resolves the source files of fs.
func Build(ctx context.Context, fs workspace.FileSet, cfg *config.Config, opts Options) (*Index, error) {
	if cfg == nil {
		cfg = config.Default()
	}
	ix := &Index{FS: fs, Python: pyresolve.New(fs, cfg.Python.Roots), files: map[string]*File{}, importers: map[string][]string{}}
	ix.TS, ix.Problems = tsresolve.New(fs)
	files := opts.Only
	if files == nil {
		files = fs.Files()
	}
	var todo []string
	for _, f := range files {
		if _, ok := parsers.LangOf(f); ok {
			todo = append(todo, f)
		}
	}
	if err := ix.parseAll(ctx, todo, opts); err != nil {
		return nil, err
	}
	ix.link()
	return ix, nil
}

func (ix *Index) parseAll(ctx context.Context, todo []string, opts Options) error {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	ch := make(chan string)
	results := make([]*File, len(todo))
	pos := make(map[string]int, len(todo))
	for i, f := range todo {
		pos[f] = i
	}
	var done atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range ch {
				file, err := ix.parseFile(ctx, f, opts)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					continue
				}
				results[pos[f]] = file
				n := done.Add(1)
				if opts.Progress != nil {
					opts.Progress(int(n), len(todo))
				}
			}
		}()
	}
	for _, f := range todo {
		if ctx.Err() != nil {
			break
		}
		ch <- f
	}
	close(ch)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	for _, f := range results {
		if f != nil {
			ix.files[f.Path] = f
		}
	}
	return nil
}

// Extract runs the extractor for lang on src.
func Extract(ctx context.Context, lang parsers.Lang, src []byte) (*parsers.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, ParseTimeout)
	defer cancel()
	if lang == parsers.Python {
		return python.Extract(ctx, src)
	}
	return typescript.Extract(ctx, lang, src)
}

func (ix *Index) parseFile(ctx context.Context, rel string, opts Options) (*File, error) {
	lang, _ := parsers.LangOf(rel)
	file := &File{Path: rel, Lang: lang}
	src, err := ix.FS.ReadFile(rel)
	if errors.Is(err, workspace.ErrTooLarge) {
		file.Skip = workspace.SkipTooLarge
		return file, nil
	}
	if err != nil {
		file.Skip = workspace.SkipReason(fmt.Sprintf("unreadable: %v", err))
		return file, nil
	}
	max := opts.MaxFileSize
	if max <= 0 {
		max = workspace.DefaultMaxFileSize
	}
	if int64(len(src)) > max {
		file.Skip = workspace.SkipTooLarge
		return file, nil
	}
	if r := workspace.Classify(src); r != workspace.SkipNone {
		file.Skip = r
		return file, nil
	}
	sum := sha256.Sum256(src)
	file.Hash = hex.EncodeToString(sum[:])
	if opts.KeepSources {
		file.src = src
	}
	var res *parsers.Result
	if opts.Cache != nil {
		res = opts.Cache.Get(lang, file.Hash)
	}
	if res == nil {
		res, err = Extract(ctx, lang, src)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			file.Skip = workspace.SkipReason(fmt.Sprintf("not parsed: %v", err))
			return file, nil
		}
		if opts.Cache != nil {
			opts.Cache.Put(lang, file.Hash, res)
		}
	}
	file.Errors = res.Errors
	lines := parsers.NewLines(src)
	file.Imports = make([]Import, len(res.Refs))
	for i, ref := range res.Refs {
		file.Imports[i] = Import{Ref: ref, Matched: ref.Module, Pos: lines.Position(ref.Span.Start, parsers.UTF8)}
	}
	return file, nil
}

// link resolves every import and builds the reverse index.
func (ix *Index) link() {
	for _, f := range ix.files {
		ix.ResolveFile(f)
		seen := map[string]bool{}
		for _, imp := range f.Imports {
			for _, t := range append([]workspace.Target{imp.Target}, imp.NameTargets...) {
				if t.Status == workspace.Internal && !seen[t.Path] {
					seen[t.Path] = true
					ix.importers[t.Path] = append(ix.importers[t.Path], f.Path)
				}
			}
		}
	}
	for k := range ix.importers {
		sort.Strings(ix.importers[k])
	}
}

// ResolveFile (re)computes the targets of every import of f against the
// index's file set.
func (ix *Index) ResolveFile(f *File) {
	for i := range f.Imports {
		imp := &f.Imports[i]
		imp.Target, imp.Matched, imp.NameTargets = ix.Resolve(f.Path, imp.Ref)
	}
}

// Resolve resolves one reference made by file from.
func (ix *Index) Resolve(from string, ref parsers.Ref) (workspace.Target, string, []workspace.Target) {
	switch ref.Kind {
	case parsers.PyImport, parsers.PyAttribute:
		return ix.Python.Resolve(from, ref.Module, ref.Level), ref.Module, nil
	case parsers.PyFrom:
		t := ix.Python.Resolve(from, ref.Module, ref.Level)
		var names []workspace.Target
		if t.Status == workspace.Internal {
			names = make([]workspace.Target, len(ref.Names))
			for j, n := range ref.Names {
				if nt, ok := ix.Python.ResolveName(from, ref.Module, ref.Level, n.Name); ok {
					names[j] = nt
				}
			}
		}
		return t, ref.Module, names
	case parsers.PyString:
		mod, base := ref.Module, ""
		if strings.HasPrefix(mod, ".") {
			// import_module(".sub.mod", "pkg"): resolved in the package;
			// Matched stays in the written (relative) form.
			abs, ok := pyresolve.AbsoluteName(mod, ref.Package)
			if !ok {
				return workspace.Target{Status: workspace.External}, ref.Module, nil
			}
			base = strings.TrimSuffix(abs, strings.TrimLeft(mod, "."))
			mod = abs
		}
		for p := mod; p != "" && len(p) >= len(base); {
			if t := ix.Python.Resolve(from, p, 0); t.Status == workspace.Internal {
				if base != "" {
					return t, ref.Module[:len(ref.Module)-(len(mod)-len(p))], nil
				}
				return t, p, nil
			}
			i := strings.LastIndexByte(p, '.')
			if i < 0 {
				break
			}
			p = p[:i]
		}
		return workspace.Target{Status: workspace.External}, ref.Module, nil
	default:
		if ref.Kind == parsers.TSReferencePath && !strings.HasPrefix(ref.Module, ".") && !strings.HasPrefix(ref.Module, "/") {
			return ix.TS.Resolve(from, "./"+ref.Module), ref.Module, nil
		}
		return ix.TS.Resolve(from, ref.Module), ref.Module, nil
	}
}

// Source returns the content a file was parsed from when the index keeps
// sources (Options.KeepSources), and false otherwise.
func (ix *Index) Source(rel string) ([]byte, bool) {
	if f := ix.files[rel]; f != nil && f.src != nil {
		return f.src, true
	}
	return nil, false
}

// File returns the indexed file, or nil.
func (ix *Index) File(rel string) *File { return ix.files[rel] }

// Files returns the indexed file paths, sorted.
func (ix *Index) Files() []string {
	out := make([]string, 0, len(ix.files))
	for p := range ix.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Importers returns the files that reference target (a file path, or a
// namespace package directory), sorted.
func (ix *Index) Importers(target string) []string { return ix.importers[target] }

// Unresolved is a workspace-internal looking reference that names no file.
type Unresolved struct {
	Path   string
	Pos    parsers.Position // 0-based line, byte column
	Module string
	Kind   parsers.Kind
}

// Unresolved lists every unresolved reference, sorted by file and offset.
// String references (mock.patch, importlib) are not included.
func (ix *Index) Unresolved() []Unresolved {
	var out []Unresolved
	for _, p := range ix.Files() {
		f := ix.files[p]
		for _, imp := range f.Imports {
			if imp.Target.Status != workspace.Unresolved || imp.Kind == parsers.PyString || imp.Kind == parsers.PyAttribute {
				continue
			}
			mod := imp.Module
			if imp.Level > 0 {
				mod = strings.Repeat(".", imp.Level) + mod
			}
			out = append(out, Unresolved{Path: p, Pos: imp.Pos, Module: mod, Kind: imp.Kind})
		}
	}
	return out
}
