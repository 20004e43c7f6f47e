package index

import (
	"reflect"
	"testing"

	"github.com/relayout/relayout/parsers"
)

// fill sets every field reachable from v to a distinct non-zero value
// (slices get two elements), so that a field the packer forgets shows.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Uint8:
		v.SetUint(uint64(*n % 250))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), n)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

func TestPackImportsRoundTrip(t *testing.T) {
	var full Import
	n := 0
	fill(reflect.ValueOf(&full).Elem(), &n)
	matched := full
	matched.Matched = full.Module
	empty := Import{}
	empty.Parts = []parsers.Span{}
	for _, imps := range [][]Import{{full, matched}, {empty}, {full}} {
		got := unpackImports(packImports(imps))
		if !reflect.DeepEqual(got, imps) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, imps)
		}
	}
	if unpackImports(packImports(nil)) != nil {
		t.Error("no imports unpacked to non-nil")
	}
}
