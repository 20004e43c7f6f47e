package tsresolve

import (
	"bytes"
	"errors"
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/tailscale/hujson"
)

// jval is a parsed JSONC value: hujson's tree, the same one tsmove edits,
// read through accessors that keep object members in source order (tsc and
// Node give `paths` and export conditions meaning by order). StartOffset
// is where the value starts (for Problem lines).
type jval hujson.Value

type jmember struct {
	key string
	val *jval
}

// kind returns 'n' null, 't' true, 'f' false, '"' string, '0' number,
// '{' object or '[' array (0 for nil).
func (j *jval) kind() byte {
	if j == nil {
		return 0
	}
	switch t := j.Value.(type) {
	case hujson.Literal:
		return byte(t.Kind())
	case *hujson.Object:
		return '{'
	case *hujson.Array:
		return '['
	}
	return 0
}

// str returns a string's value (any other literal as written; "" for an
// object or array).
func (j *jval) str() string {
	if lit, ok := j.Value.(hujson.Literal); ok {
		return literalString(lit)
	}
	return ""
}

// literalString is lit.String() without a JSON decode for the usual
// string: valid UTF-8 with no escapes.
func literalString(lit hujson.Literal) string {
	if n := len(lit); n >= 2 && lit[0] == '"' && lit[n-1] == '"' {
		if body := lit[1 : n-1]; bytes.IndexByte(body, '\\') < 0 && bytes.IndexByte(body, '"') < 0 && utf8.Valid(body) {
			return string(body)
		}
	}
	return lit.String()
}

// arr returns an array's elements, or nil.
func (j *jval) arr() []*jval {
	a, ok := j.Value.(*hujson.Array)
	if !ok {
		return nil
	}
	out := make([]*jval, len(a.Elements))
	for i := range a.Elements {
		out[i] = (*jval)(&a.Elements[i])
	}
	return out
}

// off returns the byte offset the value starts at.
func (j *jval) off() int { return j.StartOffset }

// rawMembers returns an object's members as written, repeated keys
// included, or nil.
func (j *jval) rawMembers() []jmember {
	if j == nil {
		return nil
	}
	o, ok := j.Value.(*hujson.Object)
	if !ok {
		return nil
	}
	out := make([]jmember, len(o.Members))
	for i := range o.Members {
		m := &o.Members[i]
		name := ""
		if lit, ok := m.Name.Value.(hujson.Literal); ok {
			name = literalString(lit)
		}
		out[i] = jmember{key: name, val: (*jval)(&m.Value)}
	}
	return out
}

// get returns the value of key in an object (the last one when a key is
// repeated, as JSON.parse does), or nil.
func (j *jval) get(key string) *jval {
	var v *jval
	for _, m := range j.rawMembers() {
		if m.key == key {
			v = m.val
		}
	}
	return v
}

// members returns an object's members with repeated keys collapsed to their
// last value, in the order of first appearance.
func (j *jval) members() []jmember {
	idx := map[string]int{}
	var out []jmember
	for _, m := range j.rawMembers() {
		if i, ok := idx[m.key]; ok {
			out[i].val = m.val
			continue
		}
		idx[m.key] = len(out)
		out = append(out, m)
	}
	return out
}

// object returns an object of one member key: val.
func object(key string, val *jval) *jval {
	return &jval{StartOffset: val.StartOffset, Value: &hujson.Object{Members: []hujson.ObjectMember{
		{Name: hujson.Value{Value: hujson.String(key)}, Value: hujson.Value(*val)},
	}}}
}

var bom = []byte("\xef\xbb\xbf")

// hujsonPosRe matches the position hujson puts before a syntax error; it
// offers the position in no other form.
var hujsonPosRe = regexp.MustCompile(`^hujson: line (\d+), column \d+: `)

// parseJSONC parses JSON with comments and trailing commas. On a syntax
// error it returns the 1-based line (0 when unknown) and a message.
func parseJSONC(data []byte) (v *jval, line int, msg string) {
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return &jval{Value: &hujson.Object{}}, 0, ""
	}
	hv, err := hujson.Parse(data)
	if err != nil {
		msg = err.Error()
		if m := hujsonPosRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			if inner := errors.Unwrap(err); inner != nil {
				msg = inner.Error()
			} else {
				msg = msg[len(m[0]):]
			}
		}
		return nil, line, msg
	}
	return (*jval)(&hv), 0, ""
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
