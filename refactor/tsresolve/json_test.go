package tsresolve

import (
	"strings"
	"testing"

	"github.com/tailscale/hujson"
)

// TestParseJSONCError: a syntax error gives its 1-based line (after a BOM
// too) and hujson's message without the position prefix.
func TestParseJSONCError(t *testing.T) {
	for _, data := range []string{"{\n  \"a\": 1,\n  x\n}\n", "\xef\xbb\xbf{\n  \"a\": 1,\n  x\n}\n"} {
		v, line, msg := parseJSONC([]byte(data))
		if v != nil || line != 3 || msg == "" || strings.Contains(msg, "line ") {
			t.Errorf("parseJSONC(%q) = %v, %d, %q; want nil, line 3, a message without the position", data, v, line, msg)
		}
	}
}

// TestLiteralString: the fast path for plain strings agrees with hujson's
// decoding for escapes, invalid UTF-8 and non-strings.
func TestLiteralString(t *testing.T) {
	for _, lit := range []string{`"plain"`, `""`, `"a\"b"`, `"\u00e9\n"`, "\"\xff\"", `"é"`, `12.5`, `true`, `null`} {
		if got, want := literalString(hujson.Literal(lit)), hujson.Literal(lit).String(); got != want {
			t.Errorf("literalString(%s) = %q, want %q", lit, got, want)
		}
	}
}

// TestJSONCModel reads members in source order, the last of repeated keys,
// arrays and offsets through the hujson tree.
func TestJSONCModel(t *testing.T) {
	v, _, _ := parseJSONC([]byte("{\"b\": [1, \"x\"], // c\n \"a\": null, \"b\": {\"k\": true},}"))
	var keys []string
	for _, m := range v.members() {
		keys = append(keys, m.key)
	}
	if strings.Join(keys, ",") != "b,a" || v.get("b").kind() != '{' || v.get("b").get("k").kind() != 't' || v.get("a").kind() != 'n' {
		t.Fatalf("members %q, b %c", keys, v.get("b").kind())
	}
	first := v.rawMembers()[0].val.arr()
	if len(first) != 2 || first[1].str() != "x" || first[0].str() != "1" || first[1].off() != 10 {
		t.Fatalf("array %v", first)
	}
	if o := object(".", first[1]); o.get(".").str() != "x" || o.off() != 10 {
		t.Fatalf("object(.) = %v", o)
	}
}
