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
	// Regression inputs found by fuzzing (kept here rather than under
	// testdata/fuzz, whose fixed path is deeper than the 4-level rule).
	// absolute
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"backups\":[{\"path\":\"/etc/passwd\",\"file\":\"0\",\"mode\":420}]}"))
	// backup-name
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"backups\":[{\"path\":\"a.txt\",\"file\":\"../../x\",\"mode\":420}]}"))
	// committed
	f.Add([]byte("{\"version\":1,\"state\":\"committed\",\"backups\":[],\"written\":[],\"createdDirs\":[],\"removedDirs\":[]}"))
	// dotdot
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"written\":[\"../outside/victim.txt\"]}"))
	// journal-path
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"written\":[\".relayout-journal/backup/0\"]}"))
	// leading-zero
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"backups\":[{\"path\":\"a.txt\",\"file\":\"007\",\"mode\":420}]}"))
	// nul
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"written\":[\"a\\u0000b\"]}"))
	// prepared
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"backups\":[{\"path\":\"src/app/x.py\",\"file\":\"0\",\"mode\":420},{\"path\":\"src/app/y.py\",\"file\":\"1\",\"mode\":493}],\"written\":[\"src/x.py\",\"src/y.py\"],\"createdDirs\":[\"src\"],\"removedDirs\":[\"src/app\"]}"))
	// rolled-back
	f.Add([]byte("{\"version\":1,\"state\":\"rolled-back\",\"backups\":[{\"path\":\"a\",\"file\":\"12\",\"mode\":384}]}"))
	// trailing
	f.Add([]byte("{\"version\":1,\"state\":\"committed\"} {}"))
	// truncated
	f.Add([]byte("{\"version\":1,\"state\":\"prep"))
	// unknown-field
	f.Add([]byte("{\"version\":1,\"state\":\"prepared\",\"run\":\"rm -rf /\"}"))
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
