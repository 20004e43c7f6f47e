package python

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/relayout/relayout/parsers"
)

// modeInputs is every testdata input plus the benchmark source, each also
// with CRLF line endings and with a BOM.
func modeInputs(t testing.TB) map[string][]byte {
	t.Helper()
	in := map[string][]byte{"bench": []byte(benchSource)}
	files, err := filepath.Glob("testdata/*.py*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".golden") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in[filepath.Base(f)] = b
	}
	for name, b := range in {
		in[name+"+crlf"] = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		in[name+"+bom"] = append([]byte("\uFEFF"), b...)
	}
	return in
}

// TestModesAgree checks that targeted extraction (anchors) finds exactly
// what one full query pass finds, on every input whose tree is clean.
func TestModesAgree(t *testing.T) {
	for name, src := range modeInputs(t) {
		t.Run(name, func(t *testing.T) { checkModesAgree(t, src) })
	}
}

func checkModesAgree(t testing.TB, src []byte) {
	t.Helper()
	full, err := extract(context.Background(), src, modeFull)
	if err != nil {
		t.Fatal(err)
	}
	targeted, err := extract(context.Background(), src, modeTargeted)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full, targeted) {
		t.Errorf("targeted extraction differs from the full pass on %q\nfull:\n%s\ntargeted:\n%s", src, dump(src, full), dump(src, targeted))
	}
}

// FuzzExtract checks, on arbitrary input, that Extract does not fail or
// panic, that every span is consistent (checkInvariants), and that both
// modes agree.
func FuzzExtract(f *testing.F) {
	for _, src := range modeInputs(f) {
		f.Add(src)
	}
	for _, s := range []string{
		"import a.b\na.b.c\n", "from . import (x,\n y)\n", "if TYPE_CHECKING:\n import a\n",
		"patch('a.b')\nmock.patch.object(a, 'b')\n", "import os\n(os\n  # c\n  .path)\n",
		// Regressions the fuzzer found (kept here rather than in
		// testdata/fuzz, which would sit deeper than the 4-level rule).
		"#00000000\nimport a#0000000000000000000000000000000000000\na\x00.A0",
		"from A import A from A import A from.import A from.import A from.#0000000\nA0000000000\"000000000000000000000000000000000000000000000000000000000000000000000000000",
		"00000000000000000000000000000000000000000000from A import 0A!.A0",
		// Hostile bytes (issue 8): BOM + CRLF + latin-1, a NUL, UTF-16.
		"\ufeff# caf\xe9\r\nfrom app import util\r\n", "from app import util\x00\n",
		"\xff\xfef\x00r\x00o\x00m\x00 \x00a\x00 \x00i\x00m\x00p\x00o\x00r\x00t\x00 \x00b\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res, err := Extract(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		if res.Lang != parsers.Python {
			t.Fatalf("Lang = %q", res.Lang)
		}
		checkInvariants(t, src, res)
		checkModesAgree(t, src)
	})
}
