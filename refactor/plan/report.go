package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

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
	// assessment (nil leaves the assessment out).
	Index *index.Index
}

// Markdown renders a proposal as a document in the seed plan's shape:
// current tree with levels and ❌ marks (one per level over the limit),
// proposed tree (✅ on moved files), moves by phase as "Move `X` → `Y`"
// bullets relative to the trees' root (so ImportMarkdown reads it back),
// the file-movement summary and an impact assessment from the import
// index.
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
	var final []string
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
	root := commonDirOf(touched)

	fmt.Fprintf(&b, "# %s Directory Restructuring Plan\n\n", title)
	b.WriteString("## Current Issues\n")
	deepest, over := 0, 0
	for _, f := range files {
		if l, ok := depth.Level(opts.Rule.Root, f); ok && opts.Rule.Applies(f) {
			if l > deepest {
				deepest = l
			}
			if l > max {
				over++
			}
		}
	}
	if over == 0 {
		fmt.Fprintf(&b, "- Maximum nesting depth: %d levels (within the %d-level limit): nothing to do\n", deepest, max)
	} else {
		fmt.Fprintf(&b, "- Maximum nesting depth: %d levels (exceeds the %d-level limit)\n", deepest, max)
		fmt.Fprintf(&b, "- %d files deeper than %d levels\n", over, max)
	}
	if len(pr.Unresolved) > 0 {
		fmt.Fprintf(&b, "- %d files cannot be brought within the limit automatically (their Python source root or TypeScript project is too deep): %s\n",
			len(pr.Unresolved), backticks(pr.Unresolved, 5))
	}
	if len(pr.Final) == 0 {
		return []byte(b.String())
	}
	moved := map[string]bool{}
	for _, n := range pr.Final {
		moved[n] = true
	}
	b.WriteString("\n## Current Structure\n```\n")
	writeTree(&b, root, under(files, root), opts.Rule, func(f string, lvl int) string {
		if _, bad := opts.Rule.CheckFile(f); bad {
			return " " + strings.Repeat("❌", lvl-max)
		}
		return ""
	})
	b.WriteString("```\n")
	fmt.Fprintf(&b, "\n## Proposed Structure (Max %d levels)\n```\n", max)
	writeTree(&b, root, under(final, root), opts.Rule, func(f string, lvl int) string {
		if _, bad := opts.Rule.CheckFile(f); bad {
			return " " + strings.Repeat("❌", lvl-max)
		}
		if moved[f] {
			return " ✅"
		}
		return ""
	})
	b.WriteString("```\n")

	b.WriteString("\n## Migration Strategy\n")
	for _, ph := range pr.Plan.Phases() {
		fmt.Fprintf(&b, "\n### Phase %d: %s\n", ph.N, pr.Titles[ph.N])
		for _, m := range ph.Moves {
			fmt.Fprintf(&b, "- Move `%s` → `%s`\n", relToRoot(root, m.From, m.To), relToRoot(root, m.To, m.From))
		}
	}

	b.WriteString("\n## File Movement Summary\n")
	flat := map[string]bool{}
	for o, n := range pr.Final {
		if strings.Count(n, "/") < strings.Count(o, "/") {
			flat[path.Dir(o)] = true
		}
	}
	before, after := dirsOf(files), dirsOf(final)
	var created, removed []string
	for d := range after {
		if !before[d] {
			created = append(created, d+"/")
		}
	}
	for d := range before {
		if !after[d] {
			removed = append(removed, d+"/")
		}
	}
	sort.Strings(created)
	sort.Strings(removed)
	fmt.Fprintf(&b, "- %d files to be moved\n", len(pr.Final))
	fmt.Fprintf(&b, "- %d directories to be flattened\n", len(flat))
	fmt.Fprintf(&b, "- %d new directories created%s\n", len(created), paren(created))
	fmt.Fprintf(&b, "- %d old directories removed%s\n", len(removed), paren(removed))

	if opts.Index != nil {
		writeImpact(&b, opts.Index, pr, root)
	}
	return []byte(b.String())
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

func writeImpact(b *strings.Builder, ix *index.Index, pr *Proposal, root string) {
	type row struct {
		mod       string
		importers int
		outside   int
	}
	var rows []row
	importers, outside := map[string]bool{}, map[string]bool{}
	refs := 0
	for _, o := range sortedKeys(pr.Final) {
		imps := ix.Importers(o)
		r := row{mod: o, importers: len(imps)}
		for _, f := range imps {
			importers[f] = true
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
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].importers > rows[j].importers })
	movedImporters := 0
	for f := range importers {
		if _, ok := pr.Final[f]; ok {
			movedImporters++
		}
	}
	b.WriteString("\n## Impact Assessment\n")
	risk := "Low Risk"
	if len(outside) > 0 {
		risk = "Medium Risk"
	}
	if len(outside) == 0 {
		fmt.Fprintf(b, "- **%s**: No external imports found to `%s`\n", risk, orDot(root))
	} else {
		fmt.Fprintf(b, "- **%s**: %d files outside `%s` import moved modules (%s)\n", risk, len(outside), orDot(root), backticks(sortedKeys(outside), 5))
	}
	fmt.Fprintf(b, "- **Imports to rewrite**: %d module references in %d files (%d of them moved too); relayout rewrites them all\n", refs, len(importers), movedImporters)
	if len(rows) > 0 {
		b.WriteString("\n| moved module | importing files | from outside the moved tree |\n| --- | ---: | ---: |\n")
		for i, r := range rows {
			if i == 20 {
				fmt.Fprintf(b, "| … %d more | | |\n", len(rows)-20)
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
func writeTree(b *strings.Builder, root string, files []string, rule depth.Rule, mark func(f string, lvl int) string) {
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
	var walk func(n *node, dir, prefix string)
	walk = func(n *node, dir, prefix string) {
		type item struct {
			name string
			dir  *node
			file string
		}
		var items []item
		for _, name := range sortedKeys(n.dirs) {
			items = append(items, item{name: name, dir: n.dirs[name]})
		}
		for _, f := range n.files {
			items = append(items, item{name: path.Base(f), file: f})
		}
		for i, it := range items {
			branch, next := "├── ", "│   "
			if i == len(items)-1 {
				branch, next = "└── ", "    "
			}
			if it.dir == nil {
				lvl, _ := depth.Level(rule.Root, it.file)
				line(b, prefix+branch+it.name, fmt.Sprintf("# Level %d%s", lvl, mark(it.file, lvl)))
				continue
			}
			// Compress chains of single-entry directories: "api/main.py".
			name, d, full := it.name, it.dir, path.Join(dir, it.name)
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

// line writes text padded to a comment column, then the comment.
func line(b *strings.Builder, text, comment string) {
	const col = 62
	pad := col - utf8.RuneCountInString(text)
	if pad < 1 {
		pad = 1
	}
	b.WriteString(text + strings.Repeat(" ", pad) + comment + "\n")
}
