// Package index builds relayout's import graph: every module reference of
// every Python and TypeScript/JavaScript file in a workspace, resolved to a
// workspace file, "external" or "unresolved", plus the reverse index (file
// → files that reference it). Parsing runs in parallel on all cores and is
// cached on disk (Cache); an Index is an immutable snapshot that Update
// derives the next one from.
//
// The package must not import server, cmd, go.lsp.dev or zap.
package index

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	iofs "io/fs"
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

// ParseTimeout bounds the parse of one file in wall-clock time: a last
// resort. The parsers bound their own work in CPU time (the TS/TSX budget
// of 0.5 s + 4 µs per byte), which a loaded machine stretches in wall time,
// so this is generous enough that a valid file is never skipped because
// the machine was busy.
const ParseTimeout = 30 * time.Second

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

// File is one indexed file. It is immutable once its index is built.
type File struct {
	Path string
	Lang parsers.Lang
	// Hash is the SHA-256 of the content that was parsed (zero when the
	// file was not read).
	Hash    [sha256.Size]byte
	Imports []Import
	// Errors are syntax error ranges (the file was still indexed).
	Errors []parsers.Span
	// Skip says why the file was not parsed ("" when it was).
	Skip workspace.SkipReason

	src    []byte // the parsed content, with Options.KeepSources
	packed []byte // Imports packed (packImports) in an index's own files
	words  []byte // Bloom filter of the content's words (words.go)
	// size and mtime (Unix ns) of the file on disk when read; mtime is 0
	// when unknown or too recent to trust (Refresh then checks the hash).
	size, mtime int64
}

// Index is an immutable snapshot of the import graph of one workspace:
// safe for concurrent reads. Update derives the next snapshot from it.
type Index struct {
	FS     workspace.FileSet
	Python *pyresolve.Resolver
	TS     *tsresolve.Resolver
	// Problems found while reading tsconfig/jsconfig/package.json files.
	Problems []tsresolve.Problem

	cfg       *config.Config
	partial   bool // built with Options.Only
	files     map[string]*File
	importers map[string][]string
}

// Options configures Build and Update.
type Options struct {
	// Only restricts parsing to these files (nil = every source file).
	Only []string
	// Progress, when set, is called as files are parsed.
	Progress func(done, total int)
	// Cache, when set, stores and reuses parse results (see Cache).
	Cache *Cache
	// MaxFileSize: larger files are not parsed (0 = default).
	MaxFileSize int64
	// Jobs is the number of parallel parsers (0 = GOMAXPROCS).
	Jobs int
	// KeepSources keeps every parsed file's content in the index
	// (Index.Source), so that a move computed from the index reads the
	// very bytes its byte ranges refer to without touching the disk again.
	// Without it Source reads the file back and checks its hash.
	KeepSources bool
}

// Build parses and resolves the source files of fs.
func Build(ctx context.Context, fs workspace.FileSet, cfg *config.Config, opts Options) (*Index, error) {
	if cfg == nil {
		cfg = config.Default()
	}
	ix := &Index{FS: fs, cfg: cfg, partial: opts.Only != nil, files: map[string]*File{}}
	ix.newResolvers()
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
	parsed, err := parseAll(ctx, fs, todo, opts, !ix.partial)
	if err != nil {
		return nil, err
	}
	for _, f := range parsed {
		ix.files[f.Path] = f
	}
	ix.link()
	return ix, nil
}

// newResolvers builds the Python and TS resolvers over ix.FS.
func (ix *Index) newResolvers() {
	ix.Python = pyresolve.New(ix.FS, ix.cfg.Python.Roots)
	ix.TS, ix.Problems = tsresolve.New(ix.FS)
}

// parseAll parses todo on opts.Jobs workers through the cache; complete
// says todo is every source file of fs (the cache then forgets others).
func parseAll(ctx context.Context, fs workspace.FileSet, todo []string, opts Options, complete bool) ([]*File, error) {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	p := &parser{fs: fs, opts: opts}
	if d, ok := fs.(workspace.DiskFiles); ok {
		p.disk = d
	}
	if opts.Cache != nil {
		root := ""
		if p.disk != nil {
			root = p.disk.Root()
		}
		p.pack = opts.Cache.load(root)
	}
	results := make([]*File, len(todo))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(todo) {
					return
				}
				file, err := p.parse(ctx, todo[i])
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					continue
				}
				results[i] = file
				n := done.Add(1)
				if opts.Progress != nil {
					opts.Progress(int(n), len(todo))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if p.pack != nil {
		p.pack.save(complete)
	}
	out := results[:0]
	for _, f := range results {
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
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

// parser parses the files of one build.
type parser struct {
	fs   workspace.FileSet
	disk workspace.DiskFiles // nil when fs is not on disk
	opts Options
	pack *pack // nil without a cache
}

// parse indexes one file: from the cache when its entry matches the file's
// size and mtime (without reading it) or its content hash, else by
// extracting it.
func (p *parser) parse(ctx context.Context, rel string) (*File, error) {
	lang, _ := parsers.LangOf(rel)
	file := &File{Path: rel, Lang: lang}
	max := p.opts.MaxFileSize
	if max <= 0 {
		max = workspace.DefaultMaxFileSize
	}
	// Stat before reading: a change after the stat then shows as an mtime
	// mismatch next time, never as a stale entry that looks current.
	var info iofs.FileInfo
	if p.disk != nil {
		info, _ = p.disk.Stat(rel)
	}
	if info != nil && info.Size() > max {
		file.Skip = workspace.SkipTooLarge
		if time.Since(info.ModTime()) > racyWindow {
			file.size, file.mtime = info.Size(), info.ModTime().UnixNano()
		}
		return file, nil
	}
	var cached *entry
	if p.pack != nil {
		cached = p.pack.get(rel)
	}
	if cached != nil && info != nil && !p.opts.KeepSources && cached.ModTime != 0 &&
		cached.Size == info.Size() && cached.ModTime == info.ModTime().UnixNano() {
		file.size, file.mtime = cached.Size, cached.ModTime
		return fromEntry(file, cached), nil
	}
	src, err := p.fs.ReadFile(rel)
	if errors.Is(err, workspace.ErrTooLarge) {
		file.Skip = workspace.SkipTooLarge
		return file, nil
	}
	if err != nil {
		file.Skip = workspace.SkipReason(fmt.Sprintf("unreadable: %v", err))
		return file, nil
	}
	if int64(len(src)) > max {
		file.Skip = workspace.SkipTooLarge
		return file, nil
	}
	e := &entry{Path: rel, Size: int64(len(src)), Hash: sha256.Sum256(src)}
	if info != nil && info.Size() == e.Size && time.Since(info.ModTime()) > racyWindow {
		e.ModTime = info.ModTime().UnixNano()
	}
	file.size, file.mtime = e.Size, e.ModTime
	if p.opts.KeepSources {
		file.src = src
	}
	if cached != nil && cached.Hash == e.Hash {
		if cached.ModTime != e.ModTime || cached.Size != e.Size || cached.Words == nil && cached.Skip == "" {
			e.Skip, e.Imports, e.Errors, e.Words = cached.Skip, cached.Imports, cached.Errors, cached.Words
			if e.Words == nil && e.Skip == "" {
				e.Words = wordFilter(src)
			}
			p.pack.put(e)
			return fromEntry(file, e), nil
		}
		return fromEntry(file, cached), nil
	}
	if r := workspace.Classify(src); r != workspace.SkipNone {
		e.Skip = string(r)
	} else {
		e.Words = wordFilter(src)
		res, err := Extract(ctx, lang, src)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			file.Skip = workspace.SkipReason(fmt.Sprintf("not parsed: %v", err))
			return file, nil
		}
		lines := parsers.NewLines(src)
		imps := make([]Import, len(res.Refs))
		for i, ref := range res.Refs {
			imps[i] = Import{Ref: ref, Matched: ref.Module, Pos: lines.Position(ref.Span.Start, parsers.UTF8)}
		}
		e.Imports, e.Errors = packImports(imps), res.Errors
	}
	if p.pack != nil {
		p.pack.put(e)
	}
	return fromEntry(file, e), nil
}

// fromEntry fills file from a parse result; its imports stay packed
// until resolved (Index.seal).
func fromEntry(file *File, e *entry) *File {
	file.Hash, file.Skip = e.Hash, workspace.SkipReason(e.Skip)
	file.packed, file.Errors, file.words = e.Imports, e.Errors, e.Words
	return file
}

// link resolves every import of every file on all cores, packs the
// imports and builds the reverse index. ix.files must be ix's own (fresh
// or cloned) files.
func (ix *Index) link() {
	files := make([]*File, 0, len(ix.files))
	for _, f := range ix.files {
		files = append(files, f)
	}
	targets := make([][]string, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(files); i = int(next.Add(1)) - 1 {
				targets[i] = ix.seal(files[i])
			}
		}()
	}
	wg.Wait()
	ix.importers = map[string][]string{}
	for i, f := range files {
		for _, t := range targets[i] {
			ix.importers[t] = append(ix.importers[t], f.Path)
		}
	}
	for k := range ix.importers {
		sort.Strings(ix.importers[k])
	}
}

// seal resolves the imports of f (unpacking them first when packed),
// packs them and returns the distinct workspace targets they reference.
func (ix *Index) seal(f *File) []string {
	if f.Imports == nil && f.packed != nil {
		f.Imports = unpackImports(f.packed)
	}
	ix.ResolveFile(f)
	targets := targetsOf(f.Imports)
	f.packed, f.Imports = packImports(f.Imports), nil
	return targets
}

// targetsOf returns the distinct workspace targets of imps.
func targetsOf(imps []Import) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t workspace.Target) {
		if t.Status == workspace.Internal && !seen[t.Path] {
			seen[t.Path] = true
			out = append(out, t.Path)
		}
	}
	for _, imp := range imps {
		add(imp.Target)
		for _, t := range imp.NameTargets {
			add(t)
		}
	}
	return out
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

// Source returns the content a file was parsed from: the kept bytes
// (Options.KeepSources), else the file read back from the index's file set
// when its hash still matches. It returns false when the file is not
// indexed or changed since (Verify then yields a snapshot that parsed the
// current content).
func (ix *Index) Source(rel string) ([]byte, bool) {
	f := ix.files[rel]
	if f == nil {
		return nil, false
	}
	if f.src != nil {
		return f.src, true
	}
	src, err := ix.FS.ReadFile(rel)
	if err != nil || sha256.Sum256(src) != f.Hash {
		return nil, false
	}
	return src, true
}

// File returns the indexed file, or nil. Each call unpacks the file's
// imports into a new File the caller may keep.
func (ix *Index) File(rel string) *File {
	f := ix.files[rel]
	if f == nil {
		return nil
	}
	c := *f
	c.Imports, c.packed = unpackImports(f.packed), nil
	return &c
}

// Files returns the indexed file paths, sorted.
func (ix *Index) Files() []string {
	out := make([]string, 0, len(ix.files))
	for p := range ix.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Skipped returns the indexed files that were not parsed (File.Skip is
// set), sorted, without unpacking any file's imports.
func (ix *Index) Skipped() []string {
	var out []string
	for p, f := range ix.files {
		if f.Skip != "" {
			out = append(out, p)
		}
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
		for _, imp := range unpackImports(ix.files[p].packed) {
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
