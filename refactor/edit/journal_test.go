package edit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

// crash is the panic value of a simulated kill.
type crash struct{ step string }

// steps runs fn with the failpoint recording every step name.
func steps(fn func()) []string {
	var out []string
	failpoint = func(s string) { out = append(out, s) }
	defer func() { failpoint = nil }()
	fn()
	return out
}

// killAt runs fn with the failpoint panicking at the n-th step (0-based),
// like a SIGKILL there: nothing after it runs, no cleanup. It reports
// whether the step was reached.
func killAt(n int, fn func()) (killed bool) {
	i := 0
	failpoint = func(s string) {
		if i == n {
			panic(crash{s})
		}
		i++
	}
	defer func() {
		failpoint = nil
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			killed = true
		}
	}()
	fn()
	return false
}

// leftovers lists temp files in the tree.
func leftovers(tr map[string]string) []string {
	var out []string
	for p := range tr {
		if strings.Contains(p, tmpPrefix) {
			out = append(out, p)
		}
	}
	return out
}

// reference applies sample() to initial and returns the trees before and
// after, and the names of the apply's steps.
func reference(t *testing.T) (before, after map[string]string, applySteps []string) {
	t.Helper()
	base := t.TempDir()
	testtool.WriteTree(t, base, initial)
	before = tree(t, base)
	applySteps = steps(func() {
		if _, err := Apply(t.Context(), base, diskSet(t, base), sample(), ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	return before, tree(t, base), applySteps
}

// checkOldOrNew fails unless got is exactly the tree before or after the
// apply, with no temp files and no journal.
func checkOldOrNew(t *testing.T, what string, got, before, after map[string]string) {
	t.Helper()
	if l := leftovers(got); len(l) > 0 {
		t.Errorf("%s: temp files left: %v", what, l)
	}
	if !reflect.DeepEqual(got, before) && !reflect.DeepEqual(got, after) {
		t.Errorf("%s: tree is neither the old nor the new one:\n%v\nold\n%v\nnew\n%v", what, got, before, after)
	}
}

// TestKillAtEveryStep stops Apply at each of its steps (including the
// steps inside journal writes and temp files, and the journal's removal),
// runs Recover; for the first apply step of each kind, it also stops that
// Recover at each of its steps and runs Recover again; each time it checks that the tree is byte-identical to the old tree or to
// the complete new one, with no temp file and no journal left, and that a
// third Recover has nothing to do.
func TestKillAtEveryStep(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	before, after, applySteps := reference(t)
	if len(applySteps) < 30 {
		t.Fatalf("only %d apply steps: %v", len(applySteps), applySteps)
	}
	kills := 0
	kinds := map[string]bool{}
	for n, name := range applySteps {
		fresh := func() string {
			dir := t.TempDir()
			testtool.WriteTree(t, dir, initial)
			fs := diskSet(t, dir)
			if !killAt(n, func() { _, _ = Apply(t.Context(), dir, fs, sample(), ApplyOptions{}) }) {
				t.Fatalf("apply step %d (%s) not reached", n, name)
			}
			kills++
			return dir
		}
		// Recover after the kill.
		dir := fresh()
		recSteps := steps(func() {
			if _, err := Recover(dir); err != nil {
				t.Fatalf("kill at %q: recover: %v", name, err)
			}
		})
		checkOldOrNew(t, fmt.Sprintf("kill at %q, recover", name), tree(t, dir), before, after)
		if ok, err := Recover(dir); ok || err != nil {
			t.Errorf("kill at %q: recover of a recover = %v, %v; want a no-op", name, ok, err)
		}
		// Kill that recover at each of its steps, then recover again. The
		// recover's steps depend on the state the apply left, not on its
		// exact step, so this runs for the first step of each kind (write,
		// temp file, remove, commit, ...).
		kind := strings.Fields(name)[0]
		if strings.HasSuffix(name, " tmp") {
			kind += " tmp"
		}
		if kinds[kind] {
			continue
		}
		kinds[kind] = true
		for m, rname := range recSteps {
			dir := fresh()
			if !killAt(m, func() { _, _ = Recover(dir) }) {
				t.Fatalf("kill at %q: recover step %d (%s) not reached", name, m, rname)
			}
			kills++
			if _, err := Recover(dir); err != nil {
				t.Fatalf("kill at %q then at recover step %q: recover: %v", name, rname, err)
			}
			checkOldOrNew(t, fmt.Sprintf("kill at %q then at recover step %q", name, rname), tree(t, dir), before, after)
			if ok, err := Recover(dir); ok || err != nil {
				t.Errorf("kill at %q then %q: third recover = %v, %v", name, rname, ok, err)
			}
		}
	}
	t.Logf("%d apply steps, %d kill points", len(applySteps), kills)
}

// killEnv names the environment variables with which TestKillProcess
// re-executes this test binary as a child that SIGKILLs itself.
const (
	killDirEnv  = "RELAYOUT_EDIT_TEST_KILL_DIR"
	killStepEnv = "RELAYOUT_EDIT_TEST_KILL_STEP"
)

// TestKillChild is the child of TestKillProcess; it does nothing unless
// re-executed with killDirEnv set.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(killDirEnv)
	if dir == "" {
		t.Skip("only run as TestKillProcess's child")
	}
	n, _ := strconv.Atoi(os.Getenv(killStepEnv))
	i := 0
	failpoint = func(string) {
		if i == n {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		i++
	}
	_, _ = Apply(context.Background(), dir, diskSet(t, dir), sample(), ApplyOptions{})
	os.Exit(3) // the step was not reached
}

// TestKillProcess is TestKillAtEveryStep with a real SIGKILL: for each
// step of Apply, a child process applies and kills itself at that step;
// Recover must then restore the old or the complete new tree.
func TestKillProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per step")
	}
	before, after, applySteps := reference(t)
	for n, name := range applySteps {
		dir := t.TempDir()
		testtool.WriteTree(t, dir, initial)
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killDirEnv+"="+dir, killStepEnv+"="+strconv.Itoa(n))
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("step %d (%s): child was not killed: %v\n%s", n, name, err, out)
		}
		if _, err := Recover(dir); err != nil {
			t.Fatalf("kill at %q: recover: %v", name, err)
		}
		checkOldOrNew(t, fmt.Sprintf("SIGKILL at %q", name), tree(t, dir), before, after)
	}
	t.Logf("%d processes killed, one per apply step", len(applySteps))
}

// TestRecoverListingOrder is the loss of issue 8.2: a recover killed
// while removing the journal, after some backups are gone, must not be
// taken for a prepared journal by the next recover.
func TestRecoverListingOrder(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	before := tree(t, dir)
	killAt(0, func() {
		failpoint = func(s string) {
			if s == "commit" {
				panic(crash{s})
			}
		}
		_, _ = Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{})
	})
	// Kill the recover after it removed the first backup.
	killAt(0, func() {
		failpoint = func(s string) {
			if s == "remove backup 1" {
				panic(crash{s})
			}
		}
		_, _ = Recover(dir)
	})
	if _, err := os.Stat(filepath.Join(dir, JournalDir, "backup", "0")); err == nil {
		t.Fatal("backup 0 still there: the kill point was not reached")
	}
	if _, err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("files lost:\n%v\nwant\n%v", got, before)
	}
}

// TestRecoverRefusesMissingBackup: a prepared journal whose backups are
// gone (removed by hand, or by an older relayout) is refused instead of
// deleting the written files it lists.
func TestRecoverRefusesMissingBackup(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	killAt(0, func() {
		failpoint = func(s string) {
			if s == "commit" {
				panic(crash{s})
			}
		}
		_, _ = Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{})
	})
	if err := os.Remove(filepath.Join(dir, JournalDir, "backup", "0")); err != nil {
		t.Fatal(err)
	}
	mid := tree(t, dir)
	_, err := Recover(dir)
	var ie *InvalidJournalError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("err = %v, want an InvalidJournalError about a missing backup", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, mid) {
		t.Errorf("recover changed the tree although it refused")
	}
}

// TestRecoverRefusesHostileJournal commits journals whose entries point
// outside the root (or through symlinks) and checks that Recover refuses
// each with a clear error and touches nothing, inside the root or out.
func TestRecoverRefusesHostileJournal(t *testing.T) {
	type setup func(t *testing.T, root, outside string)
	journalJSON := func(state, body string) string {
		return `{"version":1,"state":"` + state + `",` + body + `}`
	}
	cases := []struct {
		name, journal string
		backups       map[string]string // backup file → content
		setup         setup
		want          string
	}{
		{name: "written ../x", journal: journalJSON("prepared", `"written":["../outside/victim.txt"]`), want: `climbs out with ".."`},
		{name: "written absolute", journal: journalJSON("prepared", `"written":["/etc/passwd"]`), want: "absolute"},
		{name: "written not clean", journal: journalJSON("prepared", `"written":["a/../../outside/victim.txt"]`), want: `".."`},
		{name: "backup path ../x", journal: journalJSON("prepared", `"backups":[{"path":"../outside/victim.txt","file":"0","mode":420}]`), backups: map[string]string{"0": "pwned"}, want: `climbs out`},
		{name: "backup file elsewhere", journal: journalJSON("prepared", `"backups":[{"path":"a.txt","file":"../../outside/victim.txt","mode":420}]`), want: "not one the journal makes"},
		{name: "backup file absolute", journal: journalJSON("prepared", `"backups":[{"path":"a.txt","file":"/etc/passwd","mode":420}]`), want: "not one the journal makes"},
		{name: "created dir ..", journal: journalJSON("prepared", `"createdDirs":[".."]`), want: `climbs out`},
		{name: "removed dir absolute", journal: journalJSON("prepared", `"removedDirs":["/tmp/relayout-hostile"]`), want: "absolute"},
		{name: "path in the journal", journal: journalJSON("prepared", `"written":[".relayout-journal/journal.json"]`), want: "inside the journal"},
		{name: "setuid mode", journal: journalJSON("prepared", `"backups":[{"path":"a.txt","file":"0","mode":2147486189}]`), backups: map[string]string{"0": "x"}, want: "not a permission"},
		{name: "unknown field", journal: journalJSON("prepared", `"exec":["rm -rf /"]`), want: "corrupt"},
		{name: "unknown state", journal: journalJSON("half", `"written":[]`), want: "unknown journal state"},
		{name: "not json", journal: "\x00\x01", want: "corrupt"},
		{
			name:    "symlinked parent",
			journal: journalJSON("prepared", `"written":["link/victim.txt"],"backups":[{"path":"link/victim.txt","file":"0","mode":420}]`),
			backups: map[string]string{"0": "pwned"},
			setup: func(t *testing.T, root, outside string) {
				if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
					t.Fatal(err)
				}
			},
			want: "symlinked directory link",
		},
		{
			name:    "symlinked backup",
			journal: journalJSON("prepared", `"backups":[{"path":"a.txt","file":"0","mode":420}]`),
			setup: func(t *testing.T, root, outside string) {
				if err := os.Symlink(filepath.Join(outside, "victim.txt"), filepath.Join(root, JournalDir, "backup", "0")); err != nil {
					t.Fatal(err)
				}
				// a symlink backup is restored as a link, never followed
			},
		},
		{
			name:    "symlinked backup dir",
			journal: journalJSON("prepared", `"backups":[{"path":"a.txt","file":"0","mode":420}]`),
			setup: func(t *testing.T, root, outside string) {
				b := filepath.Join(root, JournalDir, "backup")
				if err := os.RemoveAll(b); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(outside, b); err != nil {
					t.Fatal(err)
				}
			},
			want: "not a directory",
		},
		{
			name:    "symlinked journal dir",
			journal: "",
			setup: func(t *testing.T, root, outside string) {
				j := filepath.Join(outside, "j")
				if err := os.MkdirAll(filepath.Join(j, "backup"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(j, "journal.json"), []byte(`{"version":1,"state":"prepared","written":["a.txt"]}`), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.RemoveAll(filepath.Join(root, JournalDir)); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(j, filepath.Join(root, JournalDir)); err != nil {
					t.Fatal(err)
				}
			},
			want: "not a directory",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			top := t.TempDir()
			root, outside := filepath.Join(top, "root"), filepath.Join(top, "outside")
			testtool.WriteTree(t, root, map[string]string{"a.txt": "mine", JournalDir + "/backup/.keep": ""})
			testtool.WriteTree(t, outside, map[string]string{"victim.txt": "precious"})
			if c.journal != "" {
				testtool.WriteTree(t, root, map[string]string{JournalDir + "/journal.json": c.journal})
			}
			for f, content := range c.backups {
				testtool.WriteTree(t, root, map[string]string{JournalDir + "/backup/" + f: content})
			}
			if c.setup != nil {
				c.setup(t, root, outside)
			}
			beforeAll := tree(t, top)
			_, err := Recover(root)
			if c.want == "" {
				// Accepted: the link is put back as a link.
				if err != nil {
					t.Fatalf("recover: %v", err)
				}
				if got, _ := os.Readlink(filepath.Join(root, "a.txt")); got != filepath.Join(outside, "victim.txt") {
					t.Errorf("a.txt is not the restored link: %q", got)
				}
				if got := tree(t, outside); got["victim.txt"] != "precious" {
					t.Errorf("outside changed: %v", got)
				}
				return
			}
			var ie *InvalidJournalError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want an InvalidJournalError containing %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("message does not say nothing changed: %v", err)
			}
			if got := tree(t, top); !reflect.DeepEqual(got, beforeAll) {
				t.Errorf("recover touched the tree:\n%v\nwant\n%v", got, beforeAll)
			}
		})
	}
}

// TestApplyRefusesSymlinkedDir: Apply never writes through a symlinked
// directory; it refuses before writing anything.
func TestApplyRefusesSymlinkedDir(t *testing.T) {
	top := t.TempDir()
	root, outside := filepath.Join(top, "root"), filepath.Join(top, "outside")
	testtool.WriteTree(t, root, initial)
	testtool.WriteTree(t, outside, map[string]string{"victim.txt": "precious"})
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, top)
	cs := NewChangeSet()
	cs.Creates = []Create{{Path: "link/new.py", Content: []byte("x")}}
	_, err := Apply(t.Context(), root, diskSet(t, root), cs, ApplyOptions{})
	if err == nil || !strings.Contains(err.Error(), "symlinked directory link") {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, top); !reflect.DeepEqual(got, before) {
		t.Errorf("tree changed")
	}
}

// TestApplyUmask: created files and directories honour the umask.
func TestApplyUmask(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	defer syscall.Umask(syscall.Umask(0o077))
	if _, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{"n/__init__.py": 0o600, "n/m": 0o700, "c/keep.py": 0o644} {
		st, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, st.Mode().Perm(), want)
		}
	}
}

// TestApplyCancelled: a cancelled context writes nothing; a context
// cancelled in the middle of the apply rolls it back.
func TestApplyCancelled(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	before := tree(t, dir)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Apply(ctx, dir, diskSet(t, dir), sample(), ApplyOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("a cancelled apply wrote")
	}
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	_, err := Apply(ctx, dir, diskSet(t, dir), sample(), ApplyOptions{Hook: func(s string) error {
		if strings.HasPrefix(s, "remove ") {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if got := tree(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("an apply cancelled midway was not rolled back:\n%v", got)
	}
}

// TestRollbackError: when the rollback fails too, Apply returns a
// *RollbackError that wraps the cause and keeps the journal.
func TestRollbackError(t *testing.T) {
	dir := t.TempDir()
	testtool.WriteTree(t, dir, initial)
	boom := errors.New("injected")
	_, err := Apply(t.Context(), dir, diskSet(t, dir), sample(), ApplyOptions{Hook: func(s string) error {
		if s == "commit" {
			// Make restoring c/keep.py fail: a directory is in its way.
			if err := os.Remove(filepath.Join(dir, "c", "keep.py")); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, "c", "keep.py"), 0o755); err != nil {
				t.Fatal(err)
			}
			return boom
		}
		return nil
	}})
	var re *RollbackError
	if !errors.As(err, &re) || !errors.Is(err, boom) || re.Rollback == nil {
		t.Fatalf("err = %v, want a RollbackError wrapping the cause", err)
	}
	if _, err := os.Stat(filepath.Join(dir, JournalDir, "journal.json")); err != nil {
		t.Errorf("journal not kept: %v", err)
	}
}
