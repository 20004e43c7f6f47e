package index

// words.go: a Bloom filter of the words of each parsed file, so that a
// scan for dotted names (the move engine's possible references) reads
// only the files that may hold them. A word is a maximal run of
// identifier bytes ([A-Za-z0-9_] and every byte of a multi-byte UTF-8
// sequence); a name segment bounded by dots on both sides in a text is a
// word of it.

import "hash/fnv"

// wordFilterBits is the number of filter bits per distinct word (before
// rounding up to a power of two); with 3 probes the false-positive rate
// stays under about 2%.
const wordFilterBits = 10

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// wordFilter returns the filter of src's words.
func wordFilter(src []byte) []byte {
	seen := map[string]struct{}{}
	for i := 0; i < len(src); {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i
		for j < len(src) && isWordByte(src[j]) {
			j++
		}
		seen[string(src[i:j])] = struct{}{}
		i = j
	}
	bits := 64
	for bits < len(seen)*wordFilterBits {
		bits *= 2
	}
	f := make([]byte, bits/8)
	for w := range seen {
		h1, h2 := wordHashes(w)
		for k := uint64(0); k < 3; k++ {
			b := (h1 + k*h2) & uint64(bits-1)
			f[b/8] |= 1 << (b % 8)
		}
	}
	return f
}

func wordHashes(w string) (uint64, uint64) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(w))
	s := h.Sum64()
	return s, s>>32 | s<<32 | 1
}

// hasWord reports whether the filter f may hold the word w.
func hasWord(f []byte, w string) bool {
	bits := uint64(len(f) * 8)
	h1, h2 := wordHashes(w)
	for k := uint64(0); k < 3; k++ {
		b := (h1 + k*h2) & (bits - 1)
		if f[b/8]&(1<<(b%8)) == 0 {
			return false
		}
	}
	return true
}

// MayContain reports whether the indexed file rel may contain one of the
// dotted names subs ("acme.billing.invoice"): false only when, for every
// name, a segment between two dots is no word of the file. Files without
// a filter (not indexed, not parsed, cached before filters existed) may.
func (ix *Index) MayContain(rel string, subs [][]byte) bool {
	f := ix.files[rel]
	if f == nil || len(f.words) == 0 {
		return true
	}
	for _, s := range subs {
		if mayContain(f.words, s) {
			return true
		}
	}
	return false
}

// mayContain is MayContain for one name.
func mayContain(f []byte, s []byte) bool {
	start := -1 // the first segment may be the tail of a longer word
	for i, c := range s {
		if c != '.' {
			continue
		}
		if start >= 0 {
			seg := s[start:i]
			inner := len(seg) > 0
			for _, b := range seg {
				inner = inner && isWordByte(b)
			}
			if inner && !hasWord(f, string(seg)) {
				return false
			}
		}
		start = i + 1
	}
	return true
}
