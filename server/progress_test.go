package server

import (
	"strings"
	"testing"

	"github.com/relayout/relayout/internal/testtool"
)

func TestProgressWhileOpening(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a.py": "", "a/b/c/d/e/f.py": ""})
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.awaitEnds(1)
	st := e.snapshot()
	// The first token is the open's; the import index has its own (see
	// TestIndexProgress).
	if len(st.created) == 0 {
		t.Fatalf("no progress token created")
	}
	var events []progressEvent
	for _, ev := range st.progress {
		if ev.token == st.created[0] {
			events = append(events, ev)
		}
	}
	if len(events) != 2 {
		t.Fatalf("progress on the open's token %+v; want begin and end", events)
	}
	begin, end := events[0], events[1]
	if begin.kind != "begin" || !strings.Contains(begin.title, "opening") || end.kind != "end" {
		t.Errorf("progress = %+v", st.progress)
	}
	if end.message != "2 files, 1 too deep" {
		t.Errorf("end message = %q", end.message)
	}
}

func TestProgressReportHook(t *testing.T) {
	cfg := editorConfig{}
	e := newEditor(t, cfg)
	e.initialize(cfg, t.TempDir())
	e.awaitEnds(1)

	// What the import-index build does with its progress callback.
	p := e.srv.beginProgress(e.ctx(), "relayout: test progress")
	var report progressFunc = p.Report
	report(1, 4)
	report(1, 4) // unchanged percentage: not sent again
	report(3, 4)
	p.End("done")
	p.End("twice")
	report(4, 4) // after end: dropped
	e.await("test progress end", func(st *editorState) bool { return st.endsOf("relayout: test progress") >= 1 })

	st := e.snapshot()
	token := ""
	for _, ev := range st.progress {
		if ev.kind == "begin" && ev.title == "relayout: test progress" {
			token = ev.token
		}
	}
	var got []progressEvent
	for _, ev := range st.progress {
		if ev.token == token {
			got = append(got, ev)
		}
	}
	want := []progressEvent{
		{kind: "begin", title: "relayout: test progress", pct: -1},
		{kind: "report", message: "1/4", pct: 25},
		{kind: "report", message: "3/4", pct: 75},
		{kind: "end", message: "done", pct: -1},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	for i := range want {
		want[i].token = got[i].token
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestNoProgressWithoutClientSupport(t *testing.T) {
	root := t.TempDir()
	testtool.WriteTree(t, root, map[string]string{"a/b/c/d/e/f.py": ""})
	cfg := editorConfig{noProgress: true}
	e := newEditor(t, cfg)
	e.initialize(cfg, root)
	e.await("diagnostic", func(st *editorState) bool { return len(st.flagged()) == 1 })
	p := e.srv.beginProgress(e.ctx(), "x")
	p.Report(1, 2)
	p.End("")
	if st := e.snapshot(); len(st.created) != 0 || len(st.progress) != 0 {
		t.Errorf("progress sent without client support: %v %+v", st.created, st.progress)
	}
}
