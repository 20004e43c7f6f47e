package tsresolve

import (
	"bytes"
	"regexp"
	"strconv"

	"github.com/tailscale/hujson"
)

// jval is a parsed JSONC value with object members kept in source order
// (tsc and Node give `paths` and export conditions meaning by order) and
// the byte offset it starts at (for Problem lines).
type jval struct {
	kind byte // 'n' null, 't' true, 'f' false, '"' string, '0' number, '{' object, '[' array
	str  string
	obj  []jmember
	arr  []*jval
	off  int
}

type jmember struct {
	key string
	val *jval
}

// get returns the value of key in an object (the last one when a key is
// repeated, as JSON.parse does), or nil.
func (j *jval) get(key string) *jval {
	if j == nil || j.kind != '{' {
		return nil
	}
	var v *jval
	for _, m := range j.obj {
		if m.key == key {
			v = m.val
		}
	}
	return v
}

// members returns an object's members with repeated keys collapsed to their
// last value, in the order of first appearance.
func (j *jval) members() []jmember {
	if j == nil || j.kind != '{' {
		return nil
	}
	idx := map[string]int{}
	var out []jmember
	for _, m := range j.obj {
		if i, ok := idx[m.key]; ok {
			out[i].val = m.val
			continue
		}
		idx[m.key] = len(out)
		out = append(out, m)
	}
	return out
}

var bom = []byte("\xef\xbb\xbf")

var hujsonErrRe = regexp.MustCompile(`line (\d+), column (\d+): (.*)$`)

// parseJSONC parses JSON with comments and trailing commas. On a syntax
// error it returns the 1-based line and a message.
func parseJSONC(data []byte) (v *jval, line int, msg string) {
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return &jval{kind: '{'}, 0, ""
	}
	hv, err := hujson.Parse(data)
	if err != nil {
		msg = err.Error()
		if m := hujsonErrRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[3]
		}
		return nil, line, msg
	}
	return fromHujson(&hv), 0, ""
}

func fromHujson(v *hujson.Value) *jval {
	j := &jval{off: v.StartOffset}
	switch t := v.Value.(type) {
	case hujson.Literal:
		j.kind = byte(t.Kind())
		j.str = t.String()
	case *hujson.Object:
		j.kind = '{'
		for i := range t.Members {
			m := &t.Members[i]
			name := ""
			if lit, ok := m.Name.Value.(hujson.Literal); ok {
				name = lit.String()
			}
			j.obj = append(j.obj, jmember{key: name, val: fromHujson(&m.Value)})
		}
	case *hujson.Array:
		j.kind = '['
		for i := range t.Elements {
			j.arr = append(j.arr, fromHujson(&t.Elements[i]))
		}
	}
	return j
}

// lineAt returns the 1-based line of byte offset off in data (which may
// start with a BOM: offsets of parsed values exclude it).
func lineAt(data []byte, off int) int {
	data = bytes.TrimPrefix(data, bom)
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
