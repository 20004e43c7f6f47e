package tsmove_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/edit"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/tsmove"
	"github.com/relayout/relayout/refactor/tsresolve"
	"github.com/relayout/relayout/refactor/workspace"
)

// benchWorkspace writes a generated TS workspace of about 10,000 files:
// 49 packages of 200 modules, each importing its predecessor (relative),
// react, and, for one module in ten, src/core/util.ts (half through the
// "@/*" alias, half relative); plus src/feature/, a folder of 200 modules
// that import each other, imported by 200 modules outside it.
func benchWorkspace(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	write := func(rel, content string) {
		full := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("tsconfig.json", `{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } }, "include": ["src"] }`+"\n")
	write("src/core/util.ts", "export const util = 1;\n")
	n := 0
	for p := range 49 {
		for m := range 200 {
			src := "import React from 'react';\n"
			if m > 0 {
				src += fmt.Sprintf("import { v%d } from './m%03d';\n", m-1, m-1)
			}
			switch {
			case n%10 == 0 && n%20 == 0:
				src += "import { util } from '@/core/util';\n"
			case n%10 == 0:
				src += "import { util } from '../core/util';\n"
			}
			if n%49 == 0 {
				src += fmt.Sprintf("import { f%d } from '../feature/f%03d';\n", m, m)
			}
			src += fmt.Sprintf("export const v%d = %d;\n", m, n)
			write(fmt.Sprintf("src/p%02d/m%03d.ts", p, m), src)
			n++
		}
	}
	for m := range 200 {
		src := ""
		if m > 0 {
			src += fmt.Sprintf("import { f%d } from './f%03d';\n", m-1, m-1)
		}
		src += "import { util } from '../core/util';\n"
		src += fmt.Sprintf("export const f%d = %d;\n", m, m)
		write(fmt.Sprintf("src/feature/f%03d.ts", m), src)
	}
	return dir
}

// BenchmarkTSMove times move.Compute (after indexing) on a 10k-file TS
// workspace: a module imported by 1,000 files, and a folder of 200 files.
func BenchmarkTSMove(b *testing.B) {
	dir := benchWorkspace(b)
	ctx := b.Context()
	l, err := workspace.Walk(ctx, dir, workspace.Options{})
	if err != nil {
		b.Fatal(err)
	}
	fs := workspace.NewDiskSet(l)
	ix, err := index.Build(ctx, fs, config.Default(), index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if got := len(ix.Importers("src/core/util.ts")); got < 1000 {
		b.Fatalf("src/core/util.ts has %d importers, want ≥ 1000", got)
	}
	for _, bc := range []struct {
		name  string
		moves []move.Move
		edits int // files edited
	}{
		// 980 importers among the packages + the 200 feature modules.
		{"module-1000-importers", []move.Move{{From: "src/core/util.ts", To: "src/shared/lib/util.ts"}}, 1180},
		// The 200 moved modules' ../core/util + their 200 importers.
		{"folder-200-files", []move.Move{{From: "src/feature", To: "src/features/feature"}}, 400},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var cs *edit.ChangeSet
			for b.Loop() {
				cs, err = move.Compute(ctx, ix, bc.moves, move.Options{Root: l.Root})
				if err != nil {
					b.Fatal(err)
				}
			}
			if got := len(cs.EditedFiles()); got != bc.edits {
				b.Fatalf("%d files edited, want %d", got, bc.edits)
			}
		})
		// The TypeScript rewriter alone (what Compute costs beyond the
		// engine's own work), given no sources: it reads only the files
		// it edits.
		b.Run(bc.name+"/tsmove-only", func(b *testing.B) {
			fileMap, err := move.Targets(fs, bc.moves)
			if err != nil {
				b.Fatal(err)
			}
			newPath := func(p string) string {
				if n, ok := fileMap[p]; ok {
					return n
				}
				return p
			}
			var after []string
			for _, f := range fs.Files() {
				after = append(after, newPath(f))
			}
			newFS := workspace.NewMemSetPaths(l.Root, after)
			newR, _ := tsresolve.New(newFS)
			files := ix.Files()
			edited := 0
			for b.Loop() {
				c := &tsmove.Context{Old: ix.TS, New: newR, OldFS: fs, NewFS: newFS, NewPath: newPath,
					NewDir: func(d string) string { return d }, Specifiers: tsmove.Preserve}
				edited = 0
				for _, p := range files {
					if es, _ := tsmove.Rewrite(c, ix.File(p), nil); len(es) > 0 {
						edited++
					}
				}
				tsmove.RewriteConfigs(c, fileMap)
			}
			if edited != bc.edits {
				b.Fatalf("%d files edited, want %d", edited, bc.edits)
			}
		})
	}
}
