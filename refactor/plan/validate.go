package plan

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/depth"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// SplitNotePrefix starts the note of an entry that splits a Python package
// from its __init__.py on purpose (see docs/plan-format.md).
const SplitNotePrefix = "split:"

// ValidateOptions configures Validate.
type ValidateOptions struct {
	// Rule is the depth rule targets must satisfy.
	Rule depth.Rule
	// Root is the absolute workspace root on disk, used to refuse targets
	// that leave it through a symlink ("" skips that check).
	Root string
	// CheckMerge validates one [[merge]] entry against the tree as it is
	// before the entry's phase (e.g. that its modules do not define the
	// same top-level name) and returns problems, without position; nil
	// means MergeCheck.
	CheckMerge func(m Merge, fs workspace.FileSet) []string
}

// Status is what Check decided about a plan.
type Status struct {
	// Phases are the plan's phases, in order.
	Phases []Phase
	// Applied[i] reports whether Phases[i] is already applied. Applied
	// phases are always a prefix of Phases.
	Applied []bool
	// Pending are the phases still to apply, in order.
	Pending []Phase
	// Problems are the problems of the pending phases, each validated
	// against the tree the earlier pending phases leave, ordered by line.
	Problems []Problem
}

// IsApplied reports whether phase n is already applied.
func (s *Status) IsApplied(n int) bool {
	for i, ph := range s.Phases {
		if ph.N == n {
			return s.Applied[i]
		}
	}
	return false
}

// Check decides what of the plan is still to do and whether it is valid;
// `relayout plan --check`, `relayout apply` (and its dry run) and the
// server all ask it. The leading phases that are already applied (see
// Applied) are done; every later phase is pending, and the pending phases
// are validated in order against fs. Phases apply in order, so a phase
// that merely looks applied after a pending one is pending too: a plan
// whose later phase undoes an earlier one (a → c, then c → a) is validated
// as a whole and refused, instead of half-applied.
func Check(fs workspace.FileSet, p *Plan, opts ValidateOptions) *Status {
	st := &Status{Phases: p.Phases()}
	st.Applied = Applied(fs, st.Phases)
	k := 0
	for k < len(st.Applied) && st.Applied[k] {
		k++
	}
	for i := k; i < len(st.Applied); i++ {
		st.Applied[i] = false
	}
	st.Pending = st.Phases[k:]
	st.Problems = ValidatePhases(fs, p.File, st.Pending, opts)
	return st
}

// Validate checks every phase of p against fs (the workspace as it is),
// each phase against the tree as it will be after the earlier phases, and
// returns every problem found, ordered by line.
func Validate(fs workspace.FileSet, p *Plan, opts ValidateOptions) []Problem {
	return ValidatePhases(fs, p.File, p.Phases(), opts)
}

// ValidatePhases is Validate for some phases of a plan read from file.
func ValidatePhases(fs workspace.FileSet, file string, phases []Phase, opts ValidateOptions) []Problem {
	t := newTree(fs)
	var out []Problem
	for _, ph := range phases {
		v := &validator{t: t, file: file, opts: opts, ph: ph}
		v.run()
		out = append(out, v.problems...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

type claim struct {
	from string
	line int
}

type validator struct {
	t        *tree
	file     string
	opts     ValidateOptions
	ph       Phase
	problems []Problem

	fileMap  map[string]string // current file → new path
	lineOf   map[string]int    // current file → line of the entry moving it
	explicit map[string]bool   // moved by a file entry
	claimed  map[string]claim  // new path → source
}

func (v *validator) add(line int, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

type entry struct {
	from, to string
	line     int
	note     string
	isDir    bool
}

func (v *validator) run() {
	v.fileMap, v.lineOf, v.explicit, v.claimed = map[string]string{}, map[string]int{}, map[string]bool{}, map[string]claim{}
	var entries []entry
	for _, m := range v.ph.Moves {
		if m.Phase < 0 {
			v.add(m.Line, "phase %d: phases are numbered from 1", m.Phase)
		}
		from, ok1 := workspace.CleanRel(m.From)
		to, ok2 := workspace.CleanRel(m.To)
		switch {
		case strings.TrimSpace(m.From) == "" || strings.TrimSpace(m.To) == "":
			v.add(m.Line, "a [[move]] needs both from and to")
			continue
		case !ok1 || from == "":
			v.add(m.Line, "source %s is outside the workspace root", m.From)
			continue
		case !ok2 || to == "":
			v.add(m.Line, "target %s is outside the workspace root", m.To)
			continue
		case from == to:
			v.add(m.Line, "%s: source and target are the same", from)
			continue
		case strings.HasPrefix(to+"/", from+"/"):
			v.add(m.Line, "cannot move %s into itself (%s)", from, to)
			continue
		}
		if v.opts.Root != "" {
			if err := workspace.CheckInsideRoot(v.opts.Root, to); err != nil {
				v.add(m.Line, "%v", err)
				continue
			}
			// Reserved and excluded targets, as the move engine refuses them.
			if p := move.GuardTarget(workspace.NewGuard(v.opts.Root, workspace.Options{}), from, to, v.t.HasDir(from) && !v.t.HasFile(from)); p != "" {
				v.add(m.Line, "%s", p)
				continue
			}
		}
		switch {
		case v.t.HasFile(from):
			v.explicit[from] = true
			entries = append(entries, entry{from: from, to: to, line: m.Line, note: m.Note})
		case v.t.HasDir(from):
			entries = append(entries, entry{from: from, to: to, line: m.Line, note: m.Note, isDir: true})
		default:
			v.missing(m.Line, from)
		}
	}
	for _, e := range entries {
		v.expand(e)
	}
	v.merges()
	v.targetsExist(entries)
	v.depth(entries)
	v.cycles(entries)
	v.splits(entries)
	v.conventions()
	// Advance the tree, then look for files moved back where they started.
	v.t.apply(v.fileMap, v.lineOf)
	for _, f := range sortedKeys(v.fileMap) {
		nw := v.fileMap[f]
		if ls := v.t.movers[nw]; len(ls) >= 2 && v.t.origin[nw] == nw {
			v.add(ls[len(ls)-1], "moves %s back to where it started (line %d moved it away): the moves cancel out", v.t.origin[nw], ls[0])
		}
	}
	v.applyMerges()
}

// missing reports a source that is not in the tree, saying where an
// earlier phase put it when it did.
func (v *validator) missing(line int, from string) {
	for _, cur := range v.t.Files() {
		o := v.t.origin[cur]
		if (o == from || strings.HasPrefix(o, from+"/")) && len(v.t.movers[cur]) > 0 {
			ls := v.t.movers[cur]
			if o == from {
				v.add(line, "source %s does not exist any more: line %d (an earlier phase) moved it to %s", from, ls[len(ls)-1], cur)
			} else {
				v.add(line, "source %s does not exist any more: line %d (an earlier phase) moved its files (e.g. %s is now %s)", from, ls[len(ls)-1], o, cur)
			}
			return
		}
	}
	v.add(line, "source %s does not exist (or is ignored)", from)
}

func (v *validator) expand(e entry) {
	if !e.isDir {
		if v.t.HasDir(e.to) {
			v.add(e.line, "target %s is a directory: give the full new file path", e.to)
			return
		}
		if c, dup := v.claimed[e.to]; dup {
			v.add(e.line, "%s and %s are both moved onto %s (line %d)", c.from, e.from, e.to, c.line)
			return
		}
		v.claimed[e.to] = claim{e.from, e.line}
		v.fileMap[e.from] = e.to
		v.lineOf[e.from] = e.line
		return
	}
	if v.t.HasFile(e.to) {
		v.add(e.line, "target %s is a file: cannot move directory %s onto it", e.to, e.from)
		return
	}
	var dups []string
	for _, f := range v.t.filesUnder(e.from) {
		if v.explicit[f] {
			continue
		}
		nt := e.to + f[len(e.from):]
		if c, dup := v.claimed[nt]; dup {
			dups = append(dups, fmt.Sprintf("%s and %s onto %s (line %d)", c.from, f, nt, c.line))
			continue
		}
		v.claimed[nt] = claim{f, e.line}
		v.fileMap[f] = nt
		v.lineOf[f] = e.line
	}
	if len(dups) > 0 {
		v.add(e.line, "two files are moved onto one target: %s", strings.Join(dups, "; "))
	}
}

// targetsExist reports targets that exist and are not vacated, and
// targets below a path that stays a file.
func (v *validator) targetsExist(entries []entry) {
	byLine := map[int][]string{}
	var lines []int
	for _, to := range sortedKeys(v.claimed) {
		c := v.claimed[to]
		if v.t.HasFile(to) {
			if _, vacated := v.fileMap[to]; !vacated && !strings.EqualFold(to, c.from) {
				if byLine[c.line] == nil {
					lines = append(lines, c.line)
				}
				byLine[c.line] = append(byLine[c.line], to)
			}
		}
		for d := path.Dir(to); d != "."; d = path.Dir(d) {
			if _, isFile := v.claimed[d]; isFile {
				v.add(c.line, "%s would need %s to be a directory, but a file is moved there", to, d)
			} else if v.t.HasFile(d) {
				if _, vacated := v.fileMap[d]; !vacated {
					v.add(c.line, "%s would need %s to be a directory, but it is a file", to, d)
				}
			}
		}
	}
	v.caseCollisions()
	sort.Ints(lines)
	for _, l := range lines {
		ts := byLine[l]
		if len(ts) == 1 {
			v.add(l, "target %s already exists", ts[0])
		} else {
			v.add(l, "%d targets already exist: %s", len(ts), strings.Join(ts, ", "))
		}
	}
}

// caseCollisions reports targets whose path differs only in letter case
// from another path of the tree after the phase (a file or a directory,
// staying or moved there): a case-sensitive file system holds both, but
// the two collide in a checkout on macOS or Windows.
func (v *validator) caseCollisions() {
	final := map[string]bool{}
	for _, f := range v.t.Files() {
		if _, moved := v.fileMap[f]; !moved {
			final[f] = true
		}
	}
	for to := range v.claimed {
		final[to] = true
	}
	byLower := map[string][]string{}
	add := func(p string) {
		l := strings.ToLower(p)
		if !slices.Contains(byLower[l], p) {
			byLower[l] = append(byLower[l], p)
		}
	}
	for f := range final {
		add(f)
		for d := path.Dir(f); d != "."; d = path.Dir(d) {
			add(d)
		}
	}
	reported := map[string]bool{}
	for _, to := range sortedKeys(v.claimed) {
		c := v.claimed[to]
		for p := to; p != "."; p = path.Dir(p) {
			l := strings.ToLower(p)
			if len(byLower[l]) < 2 || reported[l] {
				continue
			}
			reported[l] = true
			others := slices.DeleteFunc(slices.Clone(byLower[l]), func(q string) bool { return q == p })
			sort.Strings(others)
			v.add(c.line, "%s differs only in letter case from %s: the two collide on case-insensitive file systems (macOS, Windows)", p, strings.Join(others, ", "))
		}
	}
}

// depth reports targets still deeper than the limit, once per entry.
func (v *validator) depth(entries []entry) {
	if v.opts.Rule.Max <= 0 {
		return
	}
	for _, e := range entries {
		var deepest depth.Violation
		n := 0
		for _, f := range sortedKeys(v.fileMap) {
			if (!e.isDir && f != e.from) || (e.isDir && (!strings.HasPrefix(f, e.from+"/") || v.explicit[f])) {
				continue
			}
			if viol, ok := v.opts.Rule.CheckFile(v.fileMap[f]); ok {
				n++
				if viol.Level > deepest.Level {
					deepest = viol
				}
			}
		}
		switch {
		case n == 0:
		case !e.isDir:
			v.add(e.line, "target %s is at level %d, deeper than the limit of %d", deepest.Path, deepest.Level, deepest.Max)
		default:
			v.add(e.line, "moving %s to %s leaves %d files deeper than the limit of %d (deepest: %s at level %d)", e.from, e.to, n, deepest.Max, deepest.Path, deepest.Level)
		}
	}
}

// cycles reports entries of one phase whose targets lead back to their
// own source (a → b, b → a): moves in a phase are simultaneous, so such a
// plan swaps or rotates files, which a flattening plan never means to do.
func (v *validator) cycles(entries []entry) {
	next := map[string]entry{}
	for _, e := range entries {
		next[e.from] = e
	}
	reported := map[string]bool{}
	for _, e := range entries {
		if reported[e.from] {
			continue
		}
		chain := []entry{e}
		seen := map[string]bool{e.from: true}
		cur := e.to
		for {
			n, ok := next[cur]
			if !ok || seen[n.from] {
				break
			}
			seen[n.from] = true
			chain = append(chain, n)
			cur = n.to
		}
		if cur != e.from {
			continue
		}
		names := []string{}
		lines := []string{}
		for _, c := range chain {
			names = append(names, c.from)
			lines = append(lines, fmt.Sprint(c.line))
			reported[c.from] = true
		}
		v.add(e.line, "moves form a cycle %s → %s (lines %s): moves in one phase happen at once, so this swaps files; go through a temporary name in a later phase if that is meant",
			strings.Join(names, " → "), e.from, strings.Join(lines, ", "))
	}
}

// splits reports moves that separate a regular Python package from its
// __init__.py without saying so (docs/plan-format.md defines the rule).
func (v *validator) splits(entries []entry) {
	noteOf := map[int]string{}
	for _, e := range entries {
		noteOf[e.line] = e.note
	}
	said := func(line int) bool {
		return strings.HasPrefix(strings.ToLower(strings.TrimSpace(noteOf[line])), SplitNotePrefix)
	}
	touched := map[string]bool{}
	for f := range v.fileMap {
		touched[path.Dir(f)] = true
	}
	for _, d := range sortedKeys(touched) {
		init := ""
		for _, n := range []string{"__init__.py", "__init__.pyi"} {
			if v.t.HasFile(d + "/" + n) {
				init = d + "/" + n
				break
			}
		}
		if init == "" {
			continue
		}
		var mods []string
		for _, f := range v.t.Files() {
			if path.Dir(f) == d && isPy(f) && !isInit(f) {
				mods = append(mods, f)
			}
		}
		dest := func(f string) string {
			if n, ok := v.fileMap[f]; ok {
				return path.Dir(n)
			}
			return d
		}
		if _, moved := v.fileMap[init]; moved && v.explicit[init] {
			var stay []string
			for _, m := range mods {
				if dest(m) != dest(init) {
					stay = append(stay, path.Base(m))
				}
			}
			if len(stay) > 0 && !said(v.lineOf[init]) {
				v.add(v.lineOf[init], "moving %s alone splits package %s from its __init__.py (%s do not go with it); move the directory %s instead, or start the entry's note with %q if that is meant",
					init, d, strings.Join(stay, ", "), d, SplitNotePrefix)
			}
			continue
		}
		if _, moved := v.fileMap[init]; moved || len(mods) == 0 {
			continue
		}
		first, anySaid := 0, false
		for _, m := range mods {
			l, moved := v.lineOf[m]
			if !moved || dest(m) == d {
				first = -1
				break
			}
			if first == 0 || l < first {
				first = l
			}
			anySaid = anySaid || said(l)
		}
		if first <= 0 || anySaid {
			continue
		}
		if data, err := v.t.ReadFile(init); err == nil && commentOnly(data) {
			continue // nothing is left behind but an empty marker
		}
		v.add(first, "this moves every module of package %s but leaves %s behind; move the directory %s (or its __init__.py with the modules) instead, or start the note with %q if that is meant",
			d, init, d, SplitNotePrefix)
	}
}

// merges validates [[merge]] entries: sources exist, the target is free,
// and (through opts.CheckMerge) the modules can be merged.
func (v *validator) merges() {
	for _, m := range v.ph.Merges {
		if m.Phase < 0 {
			v.add(m.Line, "phase %d: phases are numbered from 1", m.Phase)
		}
		to, ok := workspace.CleanRel(m.To)
		if !ok || to == "" {
			v.add(m.Line, "target %s is outside the workspace root", m.To)
			continue
		}
		if len(m.From) < 2 {
			v.add(m.Line, "a [[merge]] needs at least two modules in from")
		}
		srcs := map[string]bool{}
		for _, f := range m.From {
			c, ok := workspace.CleanRel(f)
			switch {
			case !ok || c == "":
				v.add(m.Line, "source %s is outside the workspace root", f)
			case !v.t.HasFile(c):
				v.missing(m.Line, c)
			default:
				srcs[c] = true
			}
		}
		if c, dup := v.claimed[to]; dup {
			v.add(m.Line, "%s and the merge are both moved onto %s (line %d)", c.from, to, c.line)
		} else {
			v.claimed[to] = claim{"merge", m.Line}
		}
		if v.t.HasFile(to) && !srcs[to] {
			if _, vacated := v.fileMap[to]; !vacated {
				v.add(m.Line, "target %s already exists", to)
			}
		}
		if viol, bad := v.opts.Rule.CheckFile(to); bad && v.opts.Rule.Max > 0 {
			v.add(m.Line, "target %s is at level %d, deeper than the limit of %d", to, viol.Level, viol.Max)
		}
		check := v.opts.CheckMerge
		if check == nil {
			check = MergeCheck(context.Background())
		}
		for _, msg := range check(m, v.t) {
			v.add(m.Line, "%s", msg)
		}
	}
}

// applyMerges advances the tree past this phase's merges: the sources
// disappear and the target appears (read from the first source).
func (v *validator) applyMerges() {
	changed := false
	for _, m := range v.ph.Merges {
		to, ok := workspace.CleanRel(m.To)
		if !ok || to == "" {
			continue
		}
		var first string
		for _, f := range m.From {
			if c, ok := workspace.CleanRel(f); ok {
				if o, exists := v.t.origin[c]; exists {
					if first == "" {
						first = o
					}
					delete(v.t.origin, c)
				}
			}
		}
		if first != "" {
			v.t.origin[to] = first
			v.t.movers[to] = append(v.t.movers[to], m.Line)
			changed = true
		}
	}
	if changed {
		v.t.rebuild()
	}
}

func isPy(f string) bool { return strings.HasSuffix(f, ".py") || strings.HasSuffix(f, ".pyi") }

func isInit(f string) bool {
	b := path.Base(f)
	return b == "__init__.py" || b == "__init__.pyi"
}

// commentOnly reports whether a Python file holds only blank lines and
// comments.
func commentOnly(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// Applied reports, for each of phases (in order), whether it is already
// applied to fs: none of its sources exists and each of its targets
// exists or is moved on by a later phase. A phase with no entries is not.
func Applied(fs workspace.FileSet, phases []Phase) []bool {
	exists := func(p string) bool {
		c, ok := workspace.CleanRel(p)
		return ok && c != "" && (fs.HasFile(c) || fs.HasDir(c))
	}
	movedLater := func(i int, t string) bool {
		c, _ := workspace.CleanRel(t)
		for _, ph := range phases[i+1:] {
			for _, m := range ph.Moves {
				if f, ok := workspace.CleanRel(m.From); ok && f != "" && (c == f || strings.HasPrefix(c, f+"/")) {
					return true
				}
			}
			for _, m := range ph.Merges {
				for _, from := range m.From {
					if f, ok := workspace.CleanRel(from); ok && c == f {
						return true
					}
				}
			}
		}
		return false
	}
	out := make([]bool, len(phases))
	for i, ph := range phases {
		n, ok := 0, true
		for _, m := range ph.Moves {
			if exists(m.From) || (!exists(m.To) && !movedLater(i, m.To)) {
				ok = false
			}
			n++
		}
		for _, m := range ph.Merges {
			to, _ := workspace.CleanRel(m.To)
			for _, f := range m.From {
				if c, _ := workspace.CleanRel(f); c != to && exists(f) {
					ok = false
				}
			}
			if !exists(m.To) && !movedLater(i, m.To) {
				ok = false
			}
			n++
		}
		out[i] = ok && n > 0
	}
	return out
}
