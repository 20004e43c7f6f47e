package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"go.lsp.dev/protocol"

	"github.com/relayout/relayout/internal/testtool"
)

func TestWatcherRegistration(t *testing.T) {
	t.Run("dynamic registration supported", func(t *testing.T) {
		cfg := editorConfig{}
		e := newEditor(t, cfg)
		e.initialize(cfg, t.TempDir())
		e.await("registration", func(st *editorState) bool { return len(st.registrations) > 0 })
		st := e.snapshot()
		if len(st.registrations) != 1 {
			t.Fatalf("registrations = %+v, want 1", st.registrations)
		}
		r := st.registrations[0]
		if r.Method != protocol.MethodWorkspaceDidChangeWatchedFiles {
			t.Errorf("method = %q", r.Method)
		}
		var opts struct {
			Watchers []struct {
				GlobPattern any  `json:"globPattern"`
				Kind        *int `json:"kind"`
			} `json:"watchers"`
		}
		if err := json.Unmarshal(r.RegisterOptions, &opts); err != nil {
			t.Fatalf("registerOptions %s: %v", r.RegisterOptions, err)
		}
		if len(opts.Watchers) != 1 || opts.Watchers[0].GlobPattern != "**/*" || opts.Watchers[0].Kind != nil {
			t.Errorf("watchers = %s, want one **/* for every kind", r.RegisterOptions)
		}
	})
	t.Run("not supported", func(t *testing.T) {
		cfg := editorConfig{noDynamicWatch: true}
		e := newEditor(t, cfg)
		e.initialize(cfg, t.TempDir())
		e.awaitEnds(1)
		if st := e.snapshot(); len(st.registrations) != 0 {
			t.Errorf("registered %+v without client support", st.registrations)
		}
	})
}

func TestWatchedFilesCreateAndDelete(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a.py": "", "a/b/c/d/e/old.py": ""})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	if got, want := e.snapshot().flagged(), uris(root, "a/b/c/d/e/old.py"); !equalStrings(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}

	// Create a deep file: a new diagnostic.
	testtool.WriteTree(t, root, map[string]string{"p/q/r/s/t/new.ts": ""})
	changed(e, root, protocol.FileChangeTypeCreated, "p/q/r/s/t/new.ts")
	e.awaitEnds(2)
	if got, want := e.snapshot().flagged(), uris(root, "a/b/c/d/e/old.py", "p/q/r/s/t/new.ts"); !equalStrings(got, want) {
		t.Fatalf("after create: flagged %v, want %v", got, want)
	}
	newURI := fileURI(root, "p/q/r/s/t/new.ts")
	if ds := e.snapshot().diags[newURI]; len(ds) != 1 {
		t.Fatalf("new file has %d diagnostics", len(ds))
	} else {
		checkDepthDiagnostic(t, "new.ts", ds[0], 5, 4, protocol.DiagnosticSeverityWarning)
	}

	// Delete it (the client reports the folder): an empty publish clears it.
	if err := os.RemoveAll(filepath.Join(root, "p")); err != nil {
		t.Fatal(err)
	}
	changed(e, root, protocol.FileChangeTypeDeleted, "p")
	e.awaitEnds(3)
	st := e.snapshot()
	if got, want := st.flagged(), uris(root, "a/b/c/d/e/old.py"); !equalStrings(got, want) {
		t.Fatalf("after delete: flagged %v, want %v", got, want)
	}
	last := st.publishes[len(st.publishes)-1]
	if last.URI != newURI || last.Diagnostics == nil || len(last.Diagnostics) != 0 {
		t.Errorf("last publish = %+v, want an empty list for %s", last, newURI)
	}
	// Unchanged files are not republished.
	n := 0
	for _, p := range st.publishes {
		if p.URI == fileURI(root, "a/b/c/d/e/old.py") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("old.py published %d times, want once", n)
	}
}

func TestWatchedFilesAreDebounced(t *testing.T) {
	root := t.TempDir()
	cfg := editorConfig{debounce: 500 * time.Millisecond}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	rels := []string{"a/b/c/d/e/1.py", "a/b/c/d/e/2.py", "a/b/c/d/e/3.py"}
	for _, r := range rels {
		testtool.WriteTree(t, root, map[string]string{r: ""})
		changed(e, root, protocol.FileChangeTypeCreated, r) // three notifications, well within the delay
	}
	// The first re-read after the burst waited for all of it.
	e.awaitEnds(2)
	st := e.snapshot()
	if got := st.flagged(); len(got) != 3 {
		t.Errorf("re-read after the burst flagged %v, want all three", got)
	}
	begins := 0
	for _, p := range st.progress {
		if p.kind == "begin" && strings.HasPrefix(p.title, "relayout: opening") {
			begins++
		}
	}
	if begins != 2 {
		t.Errorf("%d opens, want 2 (initial + one for the burst)", begins)
	}
}

func TestListingMayChange(t *testing.T) {
	for _, tc := range []struct {
		rel        string
		structural bool
		want       bool
	}{
		{"a/b.py", true, true},
		{"a/b.py", false, false}, // content change: paths are unchanged
		{"relayout.toml", false, true},
		{"sub/.gitignore", false, true},
		{".git/info/exclude", false, true},
		{".git/index.lock", true, false},
		{"web/node_modules/x/y.js", true, false},
		{"node_modules", true, true}, // the directory itself: re-walk is harmless
		{"dist.py", true, true},
		{"", false, true},
	} {
		if got := listingMayChange(tc.rel, tc.structural); got != tc.want {
			t.Errorf("listingMayChange(%q, %v) = %v, want %v", tc.rel, tc.structural, got, tc.want)
		}
	}
}

// TestDiskWatcherWithoutClientWatchers: a client that cannot register file
// watchers (Neovim 0.7) never reports a file moved in a shell; the server
// watches the folder itself, so a real move on disk clears the diagnostic
// of the old path and flags the new one, in a directory created after the
// folder was opened too.
func TestDiskWatcherWithoutClientWatchers(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a.py": "", "a/b/c/d/e/old.py": "", "node_modules/x/y.js": ""})
	cfg := editorConfig{noDynamicWatch: true}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	old := fileURI(root, "a/b/c/d/e/old.py")
	e.await("initial diagnostic", func(st *editorState) bool { return len(st.diags[old]) == 1 })

	// mv a/b/c/d/e/old.py shallow.py
	if err := os.Rename(filepath.Join(root, "a/b/c/d/e/old.py"), filepath.Join(root, "shallow.py")); err != nil {
		t.Fatal(err)
	}
	e.await("old path cleared after a move on disk", func(st *editorState) bool { return len(st.diags[old]) == 0 })

	// mkdir -p p/q/r/s/t && touch p/q/r/s/t/new.py: the new directories
	// are watched once the folder is re-read.
	testtool.WriteTree(t, root, map[string]string{"p/q/r/s/t/new.py": ""})
	deep := fileURI(root, "p/q/r/s/t/new.py")
	e.await("a file created in new directories is flagged", func(st *editorState) bool { return len(st.diags[deep]) == 1 })
	testtool.WriteTree(t, root, map[string]string{"p/q/r/s/t/second.py": ""})
	second := fileURI(root, "p/q/r/s/t/second.py")
	e.await("a file created in a watched new directory is flagged", func(st *editorState) bool { return len(st.diags[second]) == 1 })
}

func TestDiskWatcherSyncIsBounded(t *testing.T) {
	root := t.TempDir()
	var dirs []string
	for i := 0; i < maxWatchedDirs+5; i++ {
		d := fmt.Sprintf("d%05d", i)
		dirs = append(dirs, d)
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Skip("no file watcher:", err)
	}
	defer w.Close()
	dw := &diskWatcher{w: w, watched: map[string]bool{}}
	msg := dw.sync(root, dirs)
	if !strings.Contains(msg, "only 4096 are watched") {
		t.Errorf("message %q", msg)
	}
	if len(dw.watched) != maxWatchedDirs {
		t.Errorf("%d directories watched, want %d", len(dw.watched), maxWatchedDirs)
	}
	if again := dw.sync(root, dirs); again != "" {
		t.Errorf("the limit is reported twice: %q", again)
	}
}
