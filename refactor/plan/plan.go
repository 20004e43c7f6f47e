// Package plan owns relayout's restructuring plans: the plan model loaded
// from relayout.toml ([[move]] and [[merge]] tables) or a plan file of the
// same format, its validation (every problem at once, each with its plan
// line, phase by phase against the tree as it will be after the earlier
// phases), the import of seed-style Markdown plans, the generation of plans
// that bring a workspace within the depth limit (as TOML or as a Markdown
// document in the seed's shape), and the report of an apply (Report,
// PhaseResult). Applying a plan needs a workspace and the move pipeline, so
// it lives above this package, in the façade (refactor.ApplyPlan).
//
// Paths in a plan are slash-separated and relative to the workspace root.
// The functions read the tree through a workspace.FileSet and write
// nothing.
//
// The package must not import server, cmd, go.lsp.dev or zap, nor the
// refactor façade (which imports plan).
package plan

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/relayout/relayout/refactor/config"
	"github.com/relayout/relayout/refactor/move"
	"github.com/relayout/relayout/refactor/workspace"
)

// Move is one [[move]] entry: a file or directory and its new path.
type Move struct {
	From string
	To   string
	// Phase is the entry's phase (≥ 1; an omitted phase is 1).
	Phase int
	Note  string
	// Line is the 1-based line of the entry's [[move]] header (0 when the
	// entry was not read from a file).
	Line int
}

// Merge is one [[merge]] entry: several modules become the module To.
type Merge struct {
	From  []string
	To    string
	Phase int
	Note  string
	// Line is the 1-based line of the entry's [[merge]] header.
	Line int
}

// Plan is a restructuring plan.
type Plan struct {
	// File names where the plan came from, as printed in problems
	// ("relayout.toml", "plan.toml"); "" for a plan built in memory.
	File   string
	Moves  []Move
	Merges []Merge
}

// Phase is the set of entries that apply together: moves in one phase are
// simultaneous (every source names a path of the tree as it is before the
// phase), phases apply in increasing order.
type Phase struct {
	N      int
	Moves  []Move
	Merges []Merge
}

// Requests returns the phase's moves and merges as the move engine takes
// them.
func (ph Phase) Requests() ([]move.Move, []move.Merge) {
	moves := make([]move.Move, len(ph.Moves))
	for j, m := range ph.Moves {
		moves[j] = move.Move{From: m.From, To: m.To}
	}
	var merges []move.Merge
	for _, m := range ph.Merges {
		merges = append(merges, move.Merge{From: m.From, To: m.To})
	}
	return moves, merges
}

// FromConfig returns the plan held by a parsed relayout.toml. File is the
// configuration's base name (or "relayout.toml" for defaults).
func FromConfig(cfg *config.Config) *Plan {
	p := &Plan{File: config.FileName}
	if cfg.Path != "" {
		p.File = path.Base(strings.ReplaceAll(cfg.Path, "\\", "/"))
	}
	for _, m := range cfg.Moves {
		p.Moves = append(p.Moves, Move{From: m.From, To: m.To, Phase: phaseOf(m.Phase), Note: m.Note, Line: m.Line})
	}
	for _, m := range cfg.Merges {
		p.Merges = append(p.Merges, Merge{From: append([]string(nil), m.From...), To: m.To, Phase: phaseOf(m.Phase), Note: m.Note, Line: m.Line})
	}
	return p
}

// phaseOf maps an omitted phase (0) to 1 and keeps everything else, so
// that a negative phase can be reported.
func phaseOf(n int) int {
	if n == 0 {
		return 1
	}
	return n
}

// Load reads a plan file in relayout.toml's format; display is the name
// used in problems (typically the path as the user typed it). A malformed
// file is a *config.Error.
func Load(file, display string) (*Plan, error) {
	data, err := workspace.ReadRegular(file, workspace.MaxConfigSize)
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", display, err)
	}
	return Parse(display, data)
}

// Parse parses plan text in relayout.toml's format; name is used in
// problems and errors.
func Parse(name string, data []byte) (*Plan, error) {
	cfg, err := config.Parse(name, data)
	if err != nil {
		return nil, err
	}
	p := FromConfig(cfg)
	p.File = name
	return p, nil
}

// Empty reports whether the plan has no entries.
func (p *Plan) Empty() bool { return len(p.Moves) == 0 && len(p.Merges) == 0 }

// Phases returns the plan's phases in increasing order. Entries keep
// their order inside a phase.
func (p *Plan) Phases() []Phase {
	by := map[int]*Phase{}
	get := func(n int) *Phase {
		if by[n] == nil {
			by[n] = &Phase{N: n}
		}
		return by[n]
	}
	for _, m := range p.Moves {
		ph := get(m.Phase)
		ph.Moves = append(ph.Moves, m)
	}
	for _, m := range p.Merges {
		ph := get(m.Phase)
		ph.Merges = append(ph.Merges, m)
	}
	var out []Phase
	for _, ph := range by {
		out = append(out, *ph)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// Problem is one thing wrong with a plan, at a line of the plan file.
type Problem struct {
	File string
	// Line is 1-based; 0 when the problem is not about one entry.
	Line int
	Msg  string
}

// String formats the problem as file:line: message.
func (p Problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	case p.File != "":
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return p.Msg
}

// Error is returned when a plan has problems; nothing was changed.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems in the plan:\n  %s", len(lines), strings.Join(lines, "\n  "))
}
