package index

import (
	"encoding/binary"
	"unsafe"

	"github.com/relayout/relayout/parsers"
	"github.com/relayout/relayout/refactor/workspace"
)

// An index keeps each file's resolved imports packed into one byte slice
// (varints, offsets relative to the previous one, strings inline) rather
// than as []Import: about a fifth of the memory. Index.File unpacks them;
// strings of the unpacked imports point into the packed bytes, which are
// never modified once written.

// kinds numbers the reference kinds; a kind not listed is written out.
var kinds = []parsers.Kind{"", parsers.PyImport, parsers.PyFrom, parsers.PyAttribute, parsers.PyString,
	parsers.TSImport, parsers.TSExport, parsers.TSImportEquals, parsers.TSRequire, parsers.TSDynamicImport,
	parsers.TSMock, parsers.TSReferencePath}

// Flag bits of a packed import.
const (
	flagTypeOnly = 1 << iota
	flagNested
	flagMatchedModule // Matched == Module
	flagPackage       // Package is set (import_module's package argument)
)

type packer struct {
	b    []byte
	last int // the previous offset written
}

func (p *packer) uint(v int)   { p.b = binary.AppendUvarint(p.b, uint64(v)) }
func (p *packer) str(s string) { p.uint(len(s)); p.b = append(p.b, s...) }
func (p *packer) off(v int)    { p.b = binary.AppendVarint(p.b, int64(v-p.last)); p.last = v }
func (p *packer) span(s parsers.Span) {
	p.off(s.Start)
	p.off(s.End)
}

// count writes a slice length, distinguishing nil (0) from empty (1).
func (p *packer) count(n int, isNil bool) {
	if isNil {
		p.uint(0)
		return
	}
	p.uint(n + 1)
}

func (p *packer) target(t workspace.Target) {
	p.uint(int(t.Status))
	p.str(t.Path)
	dir := 0
	if t.Dir {
		dir = 1
	}
	p.uint(dir)
}

// packImports returns imps packed (nil for none).
func packImports(imps []Import) []byte {
	if len(imps) == 0 {
		return nil
	}
	p := &packer{b: make([]byte, 0, 64*len(imps))}
	p.uint(len(imps))
	for i := range imps {
		imp := &imps[i]
		k := 0
		for j, kk := range kinds {
			if kk == imp.Kind {
				k = j
			}
		}
		p.uint(k)
		if k == 0 {
			p.str(string(imp.Kind))
		}
		p.str(imp.Module)
		p.uint(imp.Level)
		p.span(imp.Span)
		p.count(len(imp.Parts), imp.Parts == nil)
		for _, s := range imp.Parts {
			p.span(s)
		}
		p.span(imp.Stmt)
		p.count(len(imp.Names), imp.Names == nil)
		for _, n := range imp.Names {
			p.str(n.Name)
			p.span(n.NameSpan)
			p.str(n.Alias)
			p.span(n.AliasSpan)
		}
		p.str(imp.Alias)
		p.span(imp.AliasSpan)
		p.uint(int(imp.Quote))
		flags := 0
		if imp.TypeOnly {
			flags |= flagTypeOnly
		}
		if imp.Nested {
			flags |= flagNested
		}
		if imp.Matched == imp.Module {
			flags |= flagMatchedModule
		}
		if imp.Package != "" {
			flags |= flagPackage
		}
		p.uint(flags)
		if flags&flagMatchedModule == 0 {
			p.str(imp.Matched)
		}
		if flags&flagPackage != 0 {
			p.str(imp.Package)
		}
		p.target(imp.Target)
		p.count(len(imp.NameTargets), imp.NameTargets == nil)
		for _, t := range imp.NameTargets {
			p.target(t)
		}
		p.uint(imp.Pos.Line)
		p.uint(imp.Pos.Col)
	}
	return p.b
}

type unpacker struct {
	b    []byte
	last int
}

func (u *unpacker) uint() int {
	v, n := binary.Uvarint(u.b)
	u.b = u.b[n:]
	return int(v)
}

// str returns a string sharing the packed bytes (never modified).
func (u *unpacker) str() string {
	n := u.uint()
	if n == 0 {
		return ""
	}
	s := unsafe.String(&u.b[0], n)
	u.b = u.b[n:]
	return s
}

func (u *unpacker) off() int {
	v, n := binary.Varint(u.b)
	u.b = u.b[n:]
	u.last += int(v)
	return u.last
}

func (u *unpacker) span() parsers.Span {
	start := u.off()
	return parsers.Span{Start: start, End: u.off()}
}

// count reads a slice length written by packer.count: -1 for nil.
func (u *unpacker) count() int { return u.uint() - 1 }

func (u *unpacker) target() workspace.Target {
	t := workspace.Target{Status: workspace.Status(u.uint()), Path: u.str()}
	t.Dir = u.uint() == 1
	return t
}

// slab hands out sub-slices of one allocation, so that unpacking a file
// costs a few allocations rather than three per import.
type slab[T any] struct {
	buf  []T
	size int // allocation size
}

func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return []T{} // empty, not nil, as packed
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, max(n, s.size))
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l+n : l+n]
}

// unpackImports reverses packImports.
func unpackImports(b []byte) []Import {
	if len(b) == 0 {
		return nil
	}
	u := &unpacker{b: b}
	imps := make([]Import, u.uint())
	spans := slab[parsers.Span]{size: 2 * len(imps)}
	names := slab[parsers.Name]{size: len(imps)}
	targets := slab[workspace.Target]{size: len(imps) / 2}
	for i := range imps {
		imp := &imps[i]
		if k := u.uint(); k == 0 {
			imp.Kind = parsers.Kind(u.str())
		} else {
			imp.Kind = kinds[k]
		}
		imp.Module = u.str()
		imp.Level = u.uint()
		imp.Span = u.span()
		if n := u.count(); n >= 0 {
			imp.Parts = spans.take(n)
			for j := range imp.Parts {
				imp.Parts[j] = u.span()
			}
		}
		imp.Stmt = u.span()
		if n := u.count(); n >= 0 {
			imp.Names = names.take(n)
			for j := range imp.Names {
				nm := &imp.Names[j]
				nm.Name = u.str()
				nm.NameSpan = u.span()
				nm.Alias = u.str()
				nm.AliasSpan = u.span()
			}
		}
		imp.Alias = u.str()
		imp.AliasSpan = u.span()
		imp.Quote = byte(u.uint())
		flags := u.uint()
		imp.TypeOnly = flags&flagTypeOnly != 0
		imp.Nested = flags&flagNested != 0
		if flags&flagMatchedModule != 0 {
			imp.Matched = imp.Module
		} else {
			imp.Matched = u.str()
		}
		if flags&flagPackage != 0 {
			imp.Package = u.str()
		}
		imp.Target = u.target()
		if n := u.count(); n >= 0 {
			imp.NameTargets = targets.take(n)
			for j := range imp.NameTargets {
				imp.NameTargets[j] = u.target()
			}
		}
		imp.Pos.Line = u.uint()
		imp.Pos.Col = u.uint()
	}
	return imps
}
