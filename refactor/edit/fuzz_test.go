package edit

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzParseJournal feeds arbitrary bytes to the journal reader: it must
// never panic, and a journal it accepts holds only paths inside the root
// (relative, clean, no "..", outside the journal) and backup names of the
// journal's own form, and survives a write/read round trip unchanged.
// Seeds: testdata/fuzz/FuzzParseJournal.
func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"version":1,"state":"prepared","backups":[{"path":"a/b.py","file":"0","mode":420}],"written":["n/b.py"],"createdDirs":["n"],"removedDirs":["a"]}`))
	f.Add([]byte(`{"version":1,"state":"committed","backups":null,"written":null,"createdDirs":null,"removedDirs":null}`))
	f.Add([]byte(`{"version":1,"state":"prepared","written":["../x"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := parseJournal(data)
		if err != nil {
			if j != nil {
				t.Fatalf("journal and error: %v", err)
			}
			return
		}
		paths := slices.Concat(j.Written, j.CreatedDirs, j.RemovedDirs, pathsOf(j.Backups))
		for _, p := range paths {
			if p == "" || strings.HasPrefix(p, "/") || slices.Contains(strings.Split(p, "/"), "..") || strings.HasPrefix(p, JournalDir) {
				t.Fatalf("accepted path %q", p)
			}
		}
		for _, b := range j.Backups {
			if strings.ContainsAny(b.File, "/.\\") || b.File == "" {
				t.Fatalf("accepted backup file %q", b.File)
			}
		}
		again, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		j2, err := parseJournal(again)
		if err != nil || !reflect.DeepEqual(j, j2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, j, j2)
		}
	})
}
