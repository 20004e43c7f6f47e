package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

type lspPosition struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspTextEdit struct {
	Range struct {
		Start lspPosition `json:"start"`
		End   lspPosition `json:"end"`
	} `json:"range"`
	NewText string `json:"newText"`
}

// applyWorkspaceEdit applies the text edits of a WorkspaceEdit (changes or
// documentChanges; resource operations are ignored) to the files on disk
// under root, in memory, and returns each edited file's new content by
// root-relative slash path. Positions are UTF-16, the LSP default.
func applyWorkspaceEdit(root string, raw json.RawMessage) (map[string]string, error) {
	var we struct {
		Changes         map[string][]lspTextEdit `json:"changes"`
		DocumentChanges []struct {
			Kind         string `json:"kind"`
			TextDocument struct {
				URI string `json:"uri"`
			} `json:"textDocument"`
			Edits []lspTextEdit `json:"edits"`
		} `json:"documentChanges"`
	}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &we); err != nil {
			return nil, fmt.Errorf("decode WorkspaceEdit: %w", err)
		}
	}
	byURI := map[string][]lspTextEdit{}
	for u, es := range we.Changes {
		byURI[u] = append(byURI[u], es...)
	}
	for _, dc := range we.DocumentChanges {
		if dc.Kind == "" {
			byURI[dc.TextDocument.URI] = append(byURI[dc.TextDocument.URI], dc.Edits...)
		}
	}
	out := map[string]string{}
	for u, es := range byURI {
		p, err := uriPath(u)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read edited file: %w", err)
		}
		text, err := applyEdits(string(data), es)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		if text != string(data) {
			out[filepath.ToSlash(rel)] = text
		}
	}
	return out, nil
}

// applyEdits applies LSP text edits (UTF-16 positions) to text.
func applyEdits(text string, edits []lspTextEdit) (string, error) {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	offset := func(p lspPosition) (int, error) {
		if p.Line >= len(starts) {
			if p.Line == len(starts) && p.Character == 0 {
				return len(text), nil
			}
			return 0, fmt.Errorf("line %d beyond the end", p.Line)
		}
		i, units := starts[p.Line], 0
		for units < p.Character && i < len(text) && text[i] != '\n' {
			r, n := utf8.DecodeRuneInString(text[i:])
			i += n
			units++
			if r >= 0x10000 {
				units++
			}
		}
		return i, nil
	}
	type span struct {
		start, end int
		text       string
	}
	spans := make([]span, 0, len(edits))
	for _, e := range edits {
		s, err := offset(e.Range.Start)
		if err != nil {
			return "", err
		}
		t, err := offset(e.Range.End)
		if err != nil {
			return "", err
		}
		spans = append(spans, span{s, t, e.NewText})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	for _, s := range spans {
		if s.end < s.start || s.end > len(text) {
			return "", fmt.Errorf("bad range %d-%d", s.start, s.end)
		}
		text = text[:s.start] + s.text + text[s.end:]
	}
	return text, nil
}

var (
	quoted     = regexp.MustCompile(`(['"` + "`" + `])([^'"` + "`" + `\n]+)(['"` + "`" + `])`)
	pyFrom     = regexp.MustCompile(`(?m)^\s*from\s+([.\w]+)\s+import\b`)
	pyImport   = regexp.MustCompile(`(?m)^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)`)
	pyAsSuffix = regexp.MustCompile(`\s+as\s+\w+$`)
)

// Specifiers returns the module specifiers written by an edit of one file,
// sorted: those on the lines that new has and old has not (as a multiset),
// as string literals (TS/JS specifiers, Python strings) and Python
// from/import module paths.
func Specifiers(old, new string) []string {
	have := map[string]int{}
	for _, l := range strings.Split(old, "\n") {
		have[strings.TrimSpace(l)]++
	}
	var added []string
	for _, l := range strings.Split(new, "\n") {
		t := strings.TrimSpace(l)
		if have[t] > 0 {
			have[t]--
			continue
		}
		added = append(added, t)
	}
	var out []string
	for _, l := range added {
		for _, m := range quoted.FindAllStringSubmatch(l, -1) {
			if m[1] == m[3] {
				out = append(out, m[2])
			}
		}
		if m := pyFrom.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		} else if m := pyImport.FindStringSubmatch(l); m != nil {
			for _, part := range strings.Split(m[1], ",") {
				out = append(out, pyAsSuffix.ReplaceAllString(strings.TrimSpace(part), ""))
			}
		}
	}
	slices.Sort(out)
	return out
}

// moduleNames returns the last name of each specifier (without an
// extension), sorted: "@/lib/util.js" and "../../lib/util" both name util.
func moduleNames(specs []string) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		if j := strings.LastIndexByte(s, '/'); j >= 0 {
			s = s[j+1:]
			if k := strings.IndexByte(s, '.'); k > 0 {
				s = s[:k]
			}
		} else {
			s = s[strings.LastIndexByte(s, '.')+1:]
		}
		out[i] = s
	}
	slices.Sort(out)
	return out
}

// Agreement compares two tools' edits of the same move.
type Agreement struct {
	Agree    int      // files both edited, writing the same specifiers
	Spelling int      // files both edited, naming the same modules in another spelling
	Disagree int      // files both edited, writing different specifiers
	OnlyA    int      // files only the first tool edited
	OnlyB    int      // files only the second tool edited
	Examples []string // a few files that differ, with what each wrote
}

// String is "agree N, disagree N, only relayout N, only peer N".
func (a Agreement) String() string {
	return fmt.Sprintf("agree %d, spelling %d, disagree %d, only relayout %d, only peer %d", a.Agree, a.Spelling, a.Disagree, a.OnlyA, a.OnlyB)
}

// Compare compares the new contents two tools produce for one move (by
// relative path) against the files under root.
func Compare(root string, a, b map[string]string) Agreement {
	var ag Agreement
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	slices.Sort(sorted)
	example := func(format string, args ...any) {
		if len(ag.Examples) < 5 {
			ag.Examples = append(ag.Examples, fmt.Sprintf(format, args...))
		}
	}
	for _, p := range sorted {
		na, inA := a[p]
		nb, inB := b[p]
		switch {
		case inA && !inB:
			ag.OnlyA++
			example("%s: only relayout edits it", p)
		case inB && !inA:
			ag.OnlyB++
			example("%s: only the peer edits it", p)
		default:
			old, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
			sa, sb := Specifiers(string(old), na), Specifiers(string(old), nb)
			switch {
			case slices.Equal(sa, sb):
				ag.Agree++
			case slices.Equal(moduleNames(sa), moduleNames(sb)):
				ag.Spelling++
				example("%s: relayout writes %q, the peer %q", p, sa, sb)
			default:
				ag.Disagree++
				example("%s: relayout writes %q, the peer %q", p, sa, sb)
			}
		}
	}
	return ag
}
