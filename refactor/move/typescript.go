package move

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/tsmove"
)

func (e *engine) tsContext() *tsmove.Context {
	if e.tsCtx == nil {
		e.tsCtx = &tsmove.Context{Old: e.ix.TS, New: e.tsNew, OldFS: e.fs, NewFS: e.after,
			NewPath: e.newPath, NewDir: e.newDir, Specifiers: e.cfg.TypeScript.Specifiers}
	}
	return e.tsCtx
}

// rewriteTSFiles updates the TS/JS references of files on all cores and
// records the results in the files' order.
func (e *engine) rewriteTSFiles(files []*index.File) {
	type result struct {
		edits []edit.TextEdit
		warns []edit.Warning
	}
	c := e.tsContext()
	out := make([]result, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(files) || e.ctx.Err() != nil {
					return
				}
				src, _ := e.ix.Source(files[i].Path) // nil unless kept: Rewrite then reads only what it edits
				out[i].edits, out[i].warns = tsmove.Rewrite(c, files[i], src)
			}
		}()
	}
	wg.Wait()
	for i, f := range files {
		if len(out[i].edits) > 0 {
			e.edited[f.Path] = append(e.edited[f.Path], out[i].edits...)
		}
		e.cs.Warnings = append(e.cs.Warnings, out[i].warns...)
	}
}

// rewriteTSConfigs updates tsconfig/jsconfig files and reports route and
// include warnings.
func (e *engine) rewriteTSConfigs() {
	edits, warns := tsmove.RewriteConfigs(e.tsContext(), e.fileMap)
	for p, es := range edits {
		e.edited[p] = append(e.edited[p], es...)
	}
	e.cs.Warnings = append(e.cs.Warnings, warns...)
}
