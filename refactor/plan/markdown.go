package plan

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/relayout/relayout/refactor/workspace"
)

// ImportOptions configures ImportMarkdown.
type ImportOptions struct {
	// OldRoot and NewRoot override the roots read from the document's
	// "Current Structure" and "Proposed … Structure" trees (workspace-
	// relative directories; "" = take them from the document).
	OldRoot, NewRoot string
}

// Imported is a Markdown plan turned into moves.
type Imported struct {
	// OldRoot and NewRoot are the directories source and target paths are
	// relative to ("" is the workspace root).
	OldRoot, NewRoot string
	// Moves have Line set to their line in the Markdown document and Note
	// to the phase heading they came from.
	Moves []Move
	// Unmapped lists plan steps that are not "Move `X` → `Y`" bullets.
	Unmapped []Unmapped
	// Notes are remarks about the import (a root that was not found).
	Notes []string
}

// Unmapped is one line of a Markdown plan that ImportMarkdown could not
// turn into a move.
type Unmapped struct {
	Line int
	Text string
}

var (
	headingRE = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	phaseRE   = regexp.MustCompile(`(?i)\bphase\s+(\d+)\s*[:.\-–—]?\s*(.*)$`)
	bulletRE  = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+(.*)$`)
	moveRE    = regexp.MustCompile(`(?i)^(?:\*\*|__)?move(?:\*\*|__)?\s`)
	pairRE    = regexp.MustCompile("`([^`]+)`\\s*(?:→|->|=>|⟶|➜)\\s*`([^`]+)`")
	levelRE   = regexp.MustCompile(`(?i)#\s*level\b.*$`)
)

// ImportMarkdown reads a plan written in the seed's style: "Move `X` →
// `Y`" bullets (→ or ->) under "Phase N" headings; X is relative to the
// root of the "Current Structure" code-block tree and Y to the root of the
// "Proposed … Structure" tree (the first line of each tree), unless opts
// overrides them; a path starting with "/" is relative to the workspace
// root. name is used in notes.
func ImportMarkdown(name string, data []byte, opts ImportOptions) (*Imported, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("import %s: not UTF-8 text", name)
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	im := &Imported{}
	var oldRoot, newRoot *string
	heading := ""
	phase, phaseLevel, phaseTitle := 0, 0, ""
	inFence := false
	fenceStart := -1
	type move struct {
		from, to string
		line     int
		phase    int
		title    string
	}
	var raw []move
	for i, line := range lines {
		n := i + 1
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			inFence = !inFence
			if inFence {
				fenceStart = i
			}
			continue
		}
		if inFence {
			if i == fenceStart+1 || (fenceStart >= 0 && strings.TrimSpace(strings.Join(lines[fenceStart+1:i], "")) == "") {
				if root, ok := treeRoot(trim); ok {
					h := strings.ToLower(heading)
					switch {
					case strings.Contains(h, "current") && oldRoot == nil:
						oldRoot = &root
					case (strings.Contains(h, "proposed") || strings.Contains(h, "new") || strings.Contains(h, "target")) && newRoot == nil:
						newRoot = &root
					}
				}
			}
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil {
			level := len(m[1])
			heading = m[2]
			if pm := phaseRE.FindStringSubmatch(heading); pm != nil {
				phase, _ = strconv.Atoi(pm[1])
				phaseLevel = level
				phaseTitle = strings.TrimSpace(heading)
			} else if phase != 0 && level <= phaseLevel {
				phase, phaseLevel, phaseTitle = 0, 0, ""
			}
			continue
		}
		if trim == "" {
			continue
		}
		text := trim
		if bm := bulletRE.FindStringSubmatch(line); bm != nil {
			text = strings.TrimSpace(bm[1])
		}
		if moveRE.MatchString(text) {
			pairs := pairRE.FindAllStringSubmatch(text, -1)
			if len(pairs) > 0 {
				for _, p := range pairs {
					raw = append(raw, move{from: p[1], to: p[2], line: n, phase: phase, title: phaseTitle})
				}
				continue
			}
		}
		if phase != 0 || moveRE.MatchString(text) {
			im.Unmapped = append(im.Unmapped, Unmapped{Line: n, Text: trim})
		}
	}
	switch {
	case opts.OldRoot != "":
		im.OldRoot = opts.OldRoot
	case oldRoot != nil:
		im.OldRoot = *oldRoot
	default:
		im.Notes = append(im.Notes, fmt.Sprintf("%s: no \"Current Structure\" tree found: source paths are taken relative to the workspace root (use --old-root)", name))
	}
	switch {
	case opts.NewRoot != "":
		im.NewRoot = opts.NewRoot
	case newRoot != nil:
		im.NewRoot = *newRoot
	case oldRoot != nil || opts.OldRoot != "":
		im.NewRoot = im.OldRoot
		im.Notes = append(im.Notes, fmt.Sprintf("%s: no \"Proposed … Structure\" tree found: target paths are taken relative to the old root %s (use --new-root)", name, orDot(im.OldRoot)))
	}
	for _, r := range []*string{&im.OldRoot, &im.NewRoot} {
		c, ok := workspace.CleanRel(strings.TrimSuffix(strings.TrimPrefix(*r, "/"), "/"))
		if !ok {
			return nil, fmt.Errorf("import %s: root %s is outside the workspace", name, *r)
		}
		*r = c
	}
	for _, m := range raw {
		from, err1 := joinRoot(im.OldRoot, m.from)
		to, err2 := joinRoot(im.NewRoot, m.to)
		if err1 != nil || err2 != nil {
			im.Unmapped = append(im.Unmapped, Unmapped{Line: m.line, Text: fmt.Sprintf("Move `%s` → `%s`: path outside the workspace", m.from, m.to)})
			continue
		}
		note := fmt.Sprintf("%s:%d", name, m.line)
		if m.title != "" {
			note = m.title + " (" + note + ")"
		}
		ph := m.phase
		if ph == 0 {
			ph = 1
		}
		im.Moves = append(im.Moves, Move{From: from, To: to, Phase: ph, Note: note, Line: m.line})
	}
	return im, nil
}

// treeRoot returns the directory named by the first line of a tree code
// block ("src/app/   # Level 3").
func treeRoot(line string) (string, bool) {
	line = strings.TrimSpace(levelRE.ReplaceAllString(line, ""))
	if i := strings.Index(line, " #"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if !strings.HasSuffix(line, "/") || strings.ContainsAny(line, "├└│ ") {
		return "", false
	}
	return strings.TrimSuffix(line, "/"), true
}

func joinRoot(root, p string) (string, error) {
	p = strings.TrimSpace(p)
	var joined string
	if strings.HasPrefix(p, "/") {
		joined = strings.TrimPrefix(p, "/")
	} else {
		joined = path.Join(root, p)
	}
	c, ok := workspace.CleanRel(strings.TrimSuffix(joined, "/"))
	if !ok || c == "" {
		return "", fmt.Errorf("%s is outside the workspace", p)
	}
	return c, nil
}

func orDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

// TOML renders moves and merges as relayout.toml [[move]] and [[merge]]
// tables, preceded by the comment lines of header (may be "").
func TOML(header string, moves []Move, merges []Merge) []byte {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(header), "\n") {
		if header != "" {
			b.WriteString("# " + strings.TrimSpace(l) + "\n")
		}
	}
	for _, m := range moves {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("[[move]]\n")
		fmt.Fprintf(&b, "from = %s\nto = %s\n", tomlString(m.From), tomlString(m.To))
		if m.Phase > 0 {
			fmt.Fprintf(&b, "phase = %d\n", m.Phase)
		}
		if m.Note != "" {
			fmt.Fprintf(&b, "note = %s\n", tomlString(m.Note))
		}
	}
	for _, m := range merges {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("[[merge]]\nfrom = [")
		for i, f := range m.From {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tomlString(f))
		}
		fmt.Fprintf(&b, "]\nto = %s\n", tomlString(m.To))
		if m.Phase > 0 {
			fmt.Fprintf(&b, "phase = %d\n", m.Phase)
		}
		if m.Note != "" {
			fmt.Fprintf(&b, "note = %s\n", tomlString(m.Note))
		}
	}
	return []byte(b.String())
}

// AppendTOML appends plan tables to the text of an existing relayout.toml,
// keeping everything it holds.
func AppendTOML(existing, tables []byte) []byte {
	out := append([]byte(nil), existing...)
	if len(out) > 0 {
		if out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, '\n')
	}
	return append(out, tables...)
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
