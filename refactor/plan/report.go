package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/relayout/relayout/refactor/conventions"
	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/index"
	"github.com/relayout/relayout/refactor/workspace"
)

// MarkdownOptions configures Markdown.
type MarkdownOptions struct {
	// Title names the workspace in the document's heading.
	Title string
	// Rule is the depth rule the proposal satisfies.
	Rule depth.Rule
	// Index is the import graph of the current tree, for the impact
	// assessment (nil leaves the import table out).
	Index *index.Index
	// DryRun is Apply's dry run of the proposal's plan: when set, the
	// counts of moved files, rewritten references and non-code references
	// are the ones apply then makes.
	DryRun *Report
}

// Markdown renders a proposal as a document in the seed plan's shape and
// about its length: current and proposed trees with levels and ❌ marks
// (one per level over the limit; folders with nothing to show folded into
// one line with a count), the moves by phase as "Move `X` → `Y`" bullets
// relative to the trees' root (ImportMarkdown reads them back), the
// proposed [depth] excludes with their reasons, the file movement
// summary, the Next.js route table and collected tests before and after
// (refactor/conventions), and an impact assessment whose risk comes from
// what changes for users.
func Markdown(fs workspace.FileSet, pr *Proposal, opts MarkdownOptions) []byte {
	var b strings.Builder
	title := opts.Title
	if title == "" {
		title = "Workspace"
	}
	max := opts.Rule.Max
	files := fs.Files()
	finalOf := func(f string) string {
		if n, ok := pr.Final[f]; ok {
			return n
		}
		return f
	}
	final := make([]string, 0, len(files))
	for _, f := range files {
		final = append(final, finalOf(f))
	}
	sort.Strings(final)
	// The trees' root: the deepest directory holding every moved file,
	// before and after.
	var touched []string
	for o, n := range pr.Final {
		touched = append(touched, o, n)
	}
	for _, x := range pr.Excludes {
		touched = append(touched, x.Files...)
	}
	root := commonDirOf(touched)

	fmt.Fprintf(&b, "# %s Directory Restructuring Plan\n\n", title)
	b.WriteString("## Current Issues\n")
	deepest, over := 0, 0
	for _, f := range files {
		if l, ok := depth.Level(opts.Rule.Root, f); ok && opts.Rule.Applies(f) {
			deepest = maxInt(deepest, l)
			if l > max {
				over++
			}
		}
	}
	if over == 0 {
		fmt.Fprintf(&b, "- Maximum nesting depth: %d levels (within the %d-level limit): nothing to do\n", deepest, max)
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "- Maximum nesting depth: %d levels (exceeds the %d-level limit)\n", deepest, max)
	fmt.Fprintf(&b, "- %d files deeper than %d levels\n", over, max)
	if n := excludedCount(pr); n > 0 {
		fmt.Fprintf(&b, "- %d of them stay where they are: a convention pins them (see Proposed Excludes)\n", n)
	}
	if len(pr.Unresolved) > 0 {
		fmt.Fprintf(&b, "- %d files cannot be brought within the limit automatically: %s\n", len(pr.Unresolved), backticks(pr.Unresolved, 5))
	}
	moved := map[string]bool{}
	for _, n := range pr.Final {
		moved[n] = true
	}
	mark := func(marked map[string]bool) func(string, int) string {
		return func(f string, lvl int) string {
			if _, bad := opts.Rule.CheckFile(f); bad {
				return " " + strings.Repeat("❌", lvl-max)
			}
			if marked[f] {
				return " ✅"
			}
			return ""
		}
	}
	fromDirs, toDirs := map[string]bool{}, map[string]bool{}
	dirs := dirsOf(files)
	for _, m := range pr.Plan.Moves {
		if dirs[m.From] {
			fromDirs[m.From], toDirs[m.To] = true, true
		}
	}
	b.WriteString("\n## Current Structure\n```\n")
	writeTree(&b, root, under(files, root), opts.Rule, fromDirs, mark(nil))
	b.WriteString("```\n")
	fmt.Fprintf(&b, "\n## Proposed Structure (Max %d levels)\n```\n", max)
	writeTree(&b, root, under(final, root), pr.RuleWith(opts.Rule), toDirs, mark(moved))
	b.WriteString("```\n")

	if len(pr.Plan.Moves) > 0 {
		b.WriteString("\n## Migration Strategy\n")
		for _, ph := range pr.Plan.Phases() {
			fmt.Fprintf(&b, "\n### Phase %d: %s\n", ph.N, pr.Titles[ph.N])
			for _, m := range ph.Moves {
				fmt.Fprintf(&b, "- Move `%s` → `%s`", relToRoot(root, m.From, m.To), relToRoot(root, m.To, m.From))
				if m.Note != "" {
					fmt.Fprintf(&b, ": %s", m.Note)
				}
				b.WriteString("\n")
			}
		}
	}
	if len(pr.Excludes) > 0 {
		b.WriteString("\n## Proposed Excludes\n")
		b.WriteString("Add these to `[depth] exclude` in relayout.toml; moving them would change what the program does:\n")
		for _, x := range pr.Excludes {
			fmt.Fprintf(&b, "- `%s` (%d files): %s\n", x.Pattern, len(x.Files), x.Reason)
		}
	}

	b.WriteString("\n## File Movement Summary\n")
	before, after := dirsOf(files), dirsOf(final)
	var created, removed []string
	// The outermost folders created and removed (their subfolders go
	// with them).
	for d := range after {
		if !before[d] && (parentDir(d) == "" || before[parentDir(d)]) {
			created = append(created, d+"/")
		}
	}
	for d := range before {
		if !after[d] && (parentDir(d) == "" || after[parentDir(d)]) {
			removed = append(removed, d+"/")
		}
	}
	sort.Strings(created)
	sort.Strings(removed)
	nfiles, refs, reffiles := len(pr.Final), -1, 0
	ncreated, nremoved := len(created), len(removed)
	if opts.DryRun != nil {
		nfiles, refs, reffiles = dryRunCounts(opts.DryRun)
		_, _, c, r := opts.DryRun.Totals()
		ncreated, nremoved = len(c), len(r)
	}
	if refs >= 0 {
		fmt.Fprintf(&b, "- %d moves, %d references rewritten in %d files\n", len(pr.Plan.Moves), refs, reffiles)
	} else {
		fmt.Fprintf(&b, "- %d moves\n", len(pr.Plan.Moves))
	}
	fmt.Fprintf(&b, "- %d files to be moved\n", nfiles)
	fmt.Fprintf(&b, "- %d new directories created%s\n", ncreated, paren(created))
	fmt.Fprintf(&b, "- %d old directories removed%s\n", nremoved, paren(removed))

	writeConventions(&b, fs, pr)
	writeImpact(&b, fs, opts, pr, root)
	return []byte(b.String())
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func excludedCount(pr *Proposal) int {
	n := 0
	for _, x := range pr.Excludes {
		n += len(x.Files)
	}
	return n
}

// dryRunCounts returns the files moved, the references rewritten and the
// files they are in, as Apply's dry run computed them.
func dryRunCounts(r *Report) (files, refs, inFiles int) {
	for _, ph := range r.Phases {
		files += ph.FilesMoved
		if ph.Changes == nil {
			continue
		}
		for _, es := range ph.Changes.Edits {
			refs += len(es)
			inFiles++
		}
	}
	return files, refs, inFiles
}

// writeConventions renders the route table and the collected tests
// before and after, compared by original path.
func writeConventions(b *strings.Builder, fs workspace.FileSet, pr *Proposal) {
	mb := conventions.Detect(fs)
	changes := conventions.Diff(fs, pr.Final)
	routes := mb.Routes()
	tests := mb.Tests()
	if len(routes) == 0 && len(tests) == 0 && len(changes) == 0 {
		return
	}
	changed := map[string]bool{}
	for _, c := range changes {
		changed[c.Path] = true
	}
	b.WriteString("\n## Routes and Tests\n")
	if len(routes) > 0 {
		kept := 0
		for _, r := range routes {
			if !changed[r.File] {
				kept++
			}
		}
		fmt.Fprintf(b, "- Next.js routes: %d before, %d served by the same files after", len(routes), kept)
		if kept == len(routes) {
			b.WriteString(" (route table identical)")
		}
		b.WriteString("\n\n| route | served by | after the plan |\n| --- | --- | --- |\n")
		for i, r := range routes {
			if i == 25 {
				fmt.Fprintf(b, "| … %d more | | |\n", len(routes)-25)
				break
			}
			n := r.File
			if to, ok := pr.Final[r.File]; ok {
				n = to
			}
			state := "`" + n + "`"
			if changed[r.File] {
				state += " ⚠ changes"
			}
			fmt.Fprintf(b, "| %s `%s` | `%s` | %s |\n", r.Role, r.URL, r.File, state)
		}
		b.WriteString("\n")
	}
	if len(tests) > 0 {
		lost := 0
		for _, c := range changes {
			if c.Kind == conventions.KindTest {
				lost++
			}
		}
		fmt.Fprintf(b, "- Collected test modules: %d before, %d after\n", len(tests), len(tests)-lost)
	}
	for i, c := range changes {
		if i == 10 {
			fmt.Fprintf(b, "- … and %d more changes\n", len(changes)-10)
			break
		}
		fmt.Fprintf(b, "- ⚠ `%s`: %s\n", c.Path, c.Msg)
	}
}

func paren(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return " (" + backticks(list, 8) + ")"
}

func backticks(list []string, max int) string {
	var parts []string
	for i, s := range list {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(list)-max))
			break
		}
		parts = append(parts, "`"+s+"`")
	}
	return strings.Join(parts, ", ")
}

// writeImpact rates the risk from what changes for users (routes, tests,
// convention folders, entry points and other non-code references) and
// lists the modules with the most importers.
func writeImpact(b *strings.Builder, fs workspace.FileSet, opts MarkdownOptions, pr *Proposal, root string) {
	b.WriteString("\n## Impact Assessment\n")
	changes := conventions.Diff(fs, pr.Final)
	var nonCode []string
	if opts.DryRun != nil {
		for _, ph := range opts.DryRun.Phases {
			if ph.Changes == nil {
				continue
			}
			for _, w := range ph.Changes.Warnings {
				if w.Code == "possible-reference" {
					nonCode = append(nonCode, w.String())
				}
			}
		}
	}
	outside := map[string]bool{}
	refs := 0
	type row struct {
		mod                string
		importers, outside int
	}
	var rows []row
	if opts.Index != nil {
		for _, o := range sortedKeys(pr.Final) {
			imps := opts.Index.Importers(o)
			r := row{mod: o, importers: len(imps)}
			for _, f := range imps {
				refs++
				if root != "" && !strings.HasPrefix(f, root+"/") {
					outside[f] = true
					r.outside++
				}
			}
			if r.importers > 0 {
				rows = append(rows, r)
			}
		}
	}
	switch {
	case len(changes) > 0:
		fmt.Fprintf(b, "- **High Risk**: %d routes, tests or convention folders change meaning (listed above); review before applying\n", len(changes))
	case len(nonCode) > 0 || len(outside) > 0:
		fmt.Fprintf(b, "- **Medium Risk**: %d references in non-code files (scripts, configs, Procfile, Dockerfile) name moved modules; %d files outside `%s` import moved modules\n", len(nonCode), len(outside), orDot(root))
	default:
		b.WriteString("- **Low Risk**: routes, collected tests and convention folders are unchanged; no non-code file names a moved module\n")
	}
	if opts.DryRun != nil {
		_, n, in := dryRunCounts(opts.DryRun)
		fmt.Fprintf(b, "- **Edits**: %d moves, %d references rewritten in %d files (what `relayout apply` does)\n", len(pr.Plan.Moves), n, in)
	} else if opts.Index != nil {
		fmt.Fprintf(b, "- **Imports to rewrite**: %d module references to moved files (from the import index)\n", refs)
	}
	for i, w := range nonCode {
		if i == 5 {
			fmt.Fprintf(b, "- … and %d more non-code references\n", len(nonCode)-5)
			break
		}
		fmt.Fprintf(b, "- Non-code reference: %s\n", w)
	}
	if len(pr.Excludes) > 0 {
		fmt.Fprintf(b, "- **Excluded**: %d files stay deeper than the limit under the proposed excludes\n", excludedCount(pr))
	}
	if len(rows) > 0 {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].importers > rows[j].importers })
		b.WriteString("\n| moved module | importing files | from outside the moved tree |\n| --- | ---: | ---: |\n")
		for i, r := range rows {
			if i == 10 {
				fmt.Fprintf(b, "| … %d more | | |\n", len(rows)-10)
				break
			}
			fmt.Fprintf(b, "| `%s` | %d | %d |\n", r.mod, r.importers, r.outside)
		}
	}
}

// relToRoot names p relative to root, or workspace-relative with a
// leading "/" when it lies outside.
func relToRoot(root, p, _ string) string {
	if root == "" {
		return p
	}
	if strings.HasPrefix(p, root+"/") {
		return p[len(root)+1:]
	}
	return "/" + p
}

// commonDirOf returns the deepest directory holding every path.
func commonDirOf(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	common := path.Dir(paths[0])
	for _, p := range paths[1:] {
		for common != "." && !strings.HasPrefix(p, common+"/") {
			common = path.Dir(common)
		}
	}
	if common == "." {
		return ""
	}
	return common
}

func under(files []string, root string) []string {
	var out []string
	for _, f := range files {
		if root == "" || strings.HasPrefix(f, root+"/") {
			out = append(out, f)
		}
	}
	return out
}

// node is a directory of a rendered tree.
type node struct {
	name  string
	dirs  map[string]*node
	files []string // full paths
}

// writeTree renders files below root as a box-drawing tree with a
// "# Level N" column; mark adds marks after a file's level.
func writeTree(b *strings.Builder, root string, files []string, rule depth.Rule, whole map[string]bool, mark func(f string, lvl int) string) {
	top := &node{dirs: map[string]*node{}}
	for _, f := range files {
		rel := f
		if root != "" {
			rel = f[len(root)+1:]
		}
		parts := strings.Split(rel, "/")
		n := top
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = &node{name: d, dirs: map[string]*node{}}
			}
			n = n.dirs[d]
		}
		n.files = append(n.files, f)
	}
	dirLevel := func(d string) int {
		l, _ := depth.Level(rule.Root, d+"/x")
		return l
	}
	label := root + "/"
	if root == "" {
		label = "./"
	}
	rootLevel := 0
	if root != "" {
		rootLevel = dirLevel(root)
	}
	line(b, label, fmt.Sprintf("# Level %d", rootLevel))
	// marked and count fold what has nothing to show: a folder without
	// marks is one line with its file count; beyond a few, files and
	// folders are summarised.
	markOf := func(f string) string {
		lvl, _ := depth.Level(rule.Root, f)
		return mark(f, lvl)
	}
	var count func(n *node) (files int, marked bool)
	memo := map[*node][2]int{}
	count = func(n *node) (int, bool) {
		if v, ok := memo[n]; ok {
			return v[0], v[1] == 1
		}
		c, m := len(n.files), false
		for _, f := range n.files {
			m = m || markOf(f) != ""
		}
		for _, d := range n.dirs {
			dc, dm := count(d)
			c, m = c+dc, m || dm
		}
		v := [2]int{c, 0}
		if m {
			v[1] = 1
		}
		memo[n] = v
		return c, m
	}
	const show = 4
	var walk func(n *node, dir, prefix string)
	walk = func(n *node, dir, prefix string) {
		type item struct {
			name    string
			dir     *node
			file    string
			summary string // a folded line
			comment string
		}
		var items []item
		var quiet []string
		var loud []*node
		for _, name := range sortedKeys(n.dirs) {
			d := n.dirs[name]
			if c, m := count(d); !m {
				quiet = append(quiet, fmt.Sprintf("%s/ (%s)", name, plural(c, "file")))
				continue
			}
			loud = append(loud, d)
		}
		for i, d := range loud {
			if i == 2*show && len(loud) > 2*show+1 {
				files, deepest, marks := 0, 0, ""
				for _, r := range loud[i:] {
					c, _ := count(r)
					files += c
				}
				for _, r := range loud[i:] {
					for _, f := range filesBelow(r) {
						if lvl, _ := depth.Level(rule.Root, f); lvl > deepest {
							deepest, marks = lvl, markOf(f)
						}
					}
				}
				items = append(items, item{summary: fmt.Sprintf("… %d more folders (%d files)", len(loud)-i, files), comment: fmt.Sprintf("# Level ≤ %d%s", deepest, marks)})
				break
			}
			items = append(items, item{name: d.name, dir: d})
		}
		if len(quiet) > show {
			total := 0
			for _, d := range n.dirs {
				if c, m := count(d); !m {
					total += c
				}
			}
			items = append(items, item{summary: fmt.Sprintf("%d more folders (%d files)", len(quiet), total)})
		} else {
			for _, q := range quiet {
				items = append(items, item{summary: q})
			}
		}
		var plain, flagged []string
		for _, f := range n.files {
			if markOf(f) != "" {
				flagged = append(flagged, f)
			} else {
				plain = append(plain, f)
			}
		}
		for i, f := range flagged {
			if i == show && len(flagged) > show+1 {
				deepest, marks := 0, ""
				for _, g := range flagged[i:] {
					if lvl, _ := depth.Level(rule.Root, g); lvl >= deepest {
						deepest, marks = lvl, markOf(g)
					}
				}
				items = append(items, item{summary: fmt.Sprintf("… %d more files", len(flagged)-i), comment: fmt.Sprintf("# Level %d%s", deepest, marks)})
				break
			}
			items = append(items, item{name: path.Base(f), file: f})
		}
		if len(plain) > show {
			items = append(items, item{summary: fmt.Sprintf("%d files", len(plain))})
		} else {
			for _, f := range plain {
				items = append(items, item{name: path.Base(f), file: f})
			}
		}
		for i, it := range items {
			branch, next := "├── ", "│   "
			if i == len(items)-1 {
				branch, next = "└── ", "    "
			}
			switch {
			case it.summary != "":
				if it.comment != "" {
					line(b, prefix+branch+it.summary, it.comment)
				} else {
					b.WriteString(prefix + branch + it.summary + "\n")
				}
				continue
			case it.dir == nil:
				lvl, _ := depth.Level(rule.Root, it.file)
				line(b, prefix+branch+it.name, fmt.Sprintf("# Level %d%s", lvl, mark(it.file, lvl)))
				continue
			}
			name, d, full := it.name, it.dir, path.Join(dir, it.name)
			if whole[full] {
				// A folder that moves whole: one line, its deepest file's
				// level and marks.
				fs := filesBelow(d)
				deepest, marks := 0, ""
				for _, f := range fs {
					if lvl, _ := depth.Level(rule.Root, f); lvl >= deepest {
						deepest, marks = lvl, markOf(f)
					}
				}
				if strings.Contains(marks, "✅") || marks == "" {
					marks = mark(fs[0], deepest)
				}
				line(b, prefix+branch+name+fmt.Sprintf("/ (%d files, moved whole)", len(fs)), fmt.Sprintf("# Level %d, deepest %d%s", dirLevel(full), deepest, marks))
				continue
			}
			// Compress chains of single-entry directories: "api/main.py".
			for len(d.files) == 0 && len(d.dirs) == 1 {
				k := sortedKeys(d.dirs)[0]
				name, d, full = name+"/"+k, d.dirs[k], path.Join(full, k)
			}
			if len(d.dirs) == 0 && len(d.files) == 1 {
				f := d.files[0]
				lvl, _ := depth.Level(rule.Root, f)
				line(b, prefix+branch+name+"/"+path.Base(f), fmt.Sprintf("# Level %d%s", lvl, mark(f, lvl)))
				continue
			}
			line(b, prefix+branch+name+"/", fmt.Sprintf("# Level %d", dirLevel(full)))
			walk(d, full, prefix+next)
		}
	}
	walk(top, root, "")
}

// filesBelow returns the files of n and its subfolders.
func filesBelow(n *node) []string {
	out := append([]string(nil), n.files...)
	for _, d := range n.dirs {
		out = append(out, filesBelow(d)...)
	}
	return out
}

// line writes text padded to a comment column, then the comment.
func line(b *strings.Builder, text, comment string) {
	const col = 62
	pad := col - utf8.RuneCountInString(text)
	if pad < 1 {
		pad = 1
	}
	b.WriteString(text + strings.Repeat(" ", pad) + comment + "\n")
}
