package plan

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/relayout/relayout/parsers"
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

// ImportMarkdown reads a plan written in the seed's style: "Move `X` →
// `Y`" bullets (→ or ->) under "Phase N" headings; X is relative to the
// root of the "Current Structure" code-block tree and Y to the root of the
// "Proposed … Structure" tree (the first line of each tree), unless opts
// overrides them; a path starting with "/" is relative to the workspace
// root. name is used in notes.
//
// The document is read as CommonMark: only paragraphs and list items are
// plan steps (code blocks, HTML blocks and code spans never are), a step
// may span several lines, and headings may be ATX or setext.
func ImportMarkdown(name string, data []byte, opts ImportOptions) (*Imported, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("import %s: not UTF-8 text", name)
	}
	src := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	r := &mdReader{src: src, lines: parsers.NewLines(src)}
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	if err := ast.Walk(doc, r.visit); err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	im := &Imported{Unmapped: r.unmapped}
	if err := im.setRoots(name, r.oldRoot, r.newRoot, opts); err != nil {
		return nil, err
	}
	im.addMoves(name, r.moves)
	return im, nil
}

var (
	phaseRE = regexp.MustCompile(`(?i)\bphase\s+(\d+)\s*[:.\-–—]?\s*(.*)$`)
	moveRE  = regexp.MustCompile(`(?i)^move\s`)
	arrowRE = regexp.MustCompile(`^\s*(?:→|->|=>|⟶|➜)\s*$`)
	levelRE = regexp.MustCompile(`(?i)#\s*level\b.*$`)
)

// mdMove is one "`X` → `Y`" pair as written.
type mdMove struct {
	from, to string
	line     int
	phase    int
	title    string
}

// mdReader collects the plan steps, trees and phases of a Markdown
// document while walking its syntax tree.
type mdReader struct {
	src              []byte
	lines            *parsers.Lines
	heading          string // text of the last heading
	phase, phaseLvl  int
	phaseTitle       string
	oldRoot, newRoot *string
	moves            []mdMove
	unmapped         []Unmapped
}

// visit handles the blocks that matter: headings (phases, tree
// captions), fenced code blocks (trees) and text blocks (steps).
func (r *mdReader) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	switch n := n.(type) {
	case *ast.Heading:
		r.onHeading(n)
		return ast.WalkSkipChildren, nil
	case *ast.FencedCodeBlock:
		r.onFence(n)
		return ast.WalkSkipChildren, nil
	case *ast.Paragraph, *ast.TextBlock:
		r.onStep(n)
		return ast.WalkSkipChildren, nil
	case *ast.CodeBlock, *ast.HTMLBlock:
		return ast.WalkSkipChildren, nil
	}
	return ast.WalkContinue, nil
}

// onHeading starts a phase on a "Phase N" heading and ends it on a
// heading of the same or a higher level.
func (r *mdReader) onHeading(h *ast.Heading) {
	r.heading = strings.TrimSpace(string(h.Lines().Value(r.src)))
	if pm := phaseRE.FindStringSubmatch(r.heading); pm != nil {
		r.phase, _ = strconv.Atoi(pm[1])
		r.phaseLvl = h.Level
		r.phaseTitle = r.heading
	} else if r.phase != 0 && h.Level <= r.phaseLvl {
		r.phase, r.phaseLvl, r.phaseTitle = 0, 0, ""
	}
}

// onFence takes the first line of a code block under a "Current" or
// "Proposed"/"New"/"Target" heading as that tree's root.
func (r *mdReader) onFence(f *ast.FencedCodeBlock) {
	lines := f.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		first := strings.TrimSpace(string(seg.Value(r.src)))
		if first == "" {
			continue
		}
		root, ok := treeRoot(first)
		if !ok {
			return
		}
		h := strings.ToLower(r.heading)
		switch {
		case strings.Contains(h, "current") && r.oldRoot == nil:
			r.oldRoot = &root
		case (strings.Contains(h, "proposed") || strings.Contains(h, "new") || strings.Contains(h, "target")) && r.newRoot == nil:
			r.newRoot = &root
		}
		return
	}
}

// onStep turns a paragraph or list item text into moves, or reports its
// lines as not mapped when it is a step of a phase or a move without
// "`X` → `Y`" pairs.
func (r *mdReader) onStep(n ast.Node) {
	plain, pairs := r.inlines(n)
	isMove := moveRE.MatchString(plain)
	if isMove && len(pairs) > 0 {
		for _, p := range pairs {
			p.phase, p.title = r.phase, r.phaseTitle
			r.moves = append(r.moves, p)
		}
		return
	}
	if r.phase == 0 && !isMove {
		return
	}
	lines := n.Lines()
	for i := range lines.Len() {
		line := r.line(lines.At(i).Start)
		r.unmapped = append(r.unmapped, Unmapped{Line: line, Text: r.sourceLine(line)})
	}
}

// mdToken is a code span or the text between two code spans.
type mdToken struct {
	code bool
	text string
	pos  int
}

// inlines returns the plain text of a text block (emphasis markers and
// code span backticks left out) and its "`X` → `Y`" pairs: two code spans
// with only an arrow between them.
func (r *mdReader) inlines(n ast.Node) (string, []mdMove) {
	var plain strings.Builder
	var toks []mdToken
	addText := func(s string, pos int) {
		plain.WriteString(s)
		if len(toks) > 0 && !toks[len(toks)-1].code {
			toks[len(toks)-1].text += s
			return
		}
		toks = append(toks, mdToken{text: s, pos: pos})
	}
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.CodeSpan:
			code, pos := r.codeText(c)
			plain.WriteString(code)
			toks = append(toks, mdToken{code: true, text: code, pos: pos})
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			s := string(c.Segment.Value(r.src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				s += " "
			}
			addText(s, c.Segment.Start)
		case *ast.String:
			addText(string(c.Value), -1)
		}
		return ast.WalkContinue, nil
	})
	var pairs []mdMove
	for i := 0; i+2 < len(toks); i++ {
		a, arrow, b := toks[i], toks[i+1], toks[i+2]
		if a.code && !arrow.code && b.code && arrowRE.MatchString(arrow.text) {
			pairs = append(pairs, mdMove{from: a.text, to: b.text, line: r.line(a.pos)})
			i += 2
		}
	}
	return strings.TrimSpace(plain.String()), pairs
}

// codeText returns a code span's content and its offset.
func (r *mdReader) codeText(c *ast.CodeSpan) (string, int) {
	var b strings.Builder
	pos := -1
	for t := c.FirstChild(); t != nil; t = t.NextSibling() {
		if t, ok := t.(*ast.Text); ok {
			if pos < 0 {
				pos = t.Segment.Start
			}
			b.Write(t.Segment.Value(r.src))
		}
	}
	return b.String(), pos
}

// line returns the 1-based line of offset.
func (r *mdReader) line(offset int) int {
	return r.lines.Position(max(offset, 0), parsers.UTF8).Line + 1
}

// sourceLine returns the text of 1-based line n, trimmed.
func (r *mdReader) sourceLine(n int) string {
	start := r.lines.Offset(parsers.Position{Line: n - 1}, parsers.UTF8)
	end := bytes.IndexByte(r.src[start:], '\n')
	if end < 0 {
		end = len(r.src) - start
	}
	return strings.TrimSpace(string(r.src[start : start+end]))
}

// setRoots decides the old and new roots from opts and the trees found.
func (im *Imported) setRoots(name string, oldRoot, newRoot *string, opts ImportOptions) error {
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
			return fmt.Errorf("import %s: root %s is outside the workspace", name, *r)
		}
		*r = c
	}
	return nil
}

// addMoves resolves the pairs against the roots; a pair outside the
// workspace is reported as not mapped.
func (im *Imported) addMoves(name string, raw []mdMove) {
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
		im.Moves = append(im.Moves, Move{From: from, To: to, Phase: max(m.phase, 1), Note: note, Line: m.line})
	}
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
