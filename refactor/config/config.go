// Package config loads relayout.toml, the workspace's settings and
// restructuring plan.
//
// A missing file means defaults; a malformed file is a *Error naming the
// file and line. The package must not import server, cmd or go.lsp.dev.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/bmatcuk/doublestar/v4"

	"github.com/relayout/relayout/refactor/workspace"
)

// FileName is the name of the configuration file at the workspace root.
const FileName = "relayout.toml"

// DefaultMaxDepth is the depth limit when none is configured.
const DefaultMaxDepth = 4

// Severities accepted by [depth] severity.
var Severities = []string{"error", "warning", "information", "hint"}

// Specifier styles accepted by [typescript] specifiers.
var SpecifierStyles = []string{"preserve", "shortest", "alias", "relative"}

// ImportStyles accepted by [python] imports.
var ImportStyles = []string{"preserve", "absolute", "relative"}

// Config is the parsed relayout.toml.
type Config struct {
	// Path is the file the configuration came from ("" for defaults).
	Path       string     `toml:"-"`
	Workspace  Workspace  `toml:"workspace"`
	Depth      Depth      `toml:"depth"`
	Python     Python     `toml:"python"`
	TypeScript TypeScript `toml:"typescript"`
	// MoveSettings is the [moves] table: how moves are made, for the CLI
	// and the editor alike.
	MoveSettings MoveSettings `toml:"moves"`
	// Moves and Merges form the restructuring plan.
	Moves  []Move  `toml:"move"`
	Merges []Merge `toml:"merge"`
}

// Workspace holds settings for walking the workspace.
type Workspace struct {
	// Exclude lists extra glob patterns (doublestar syntax, slash-separated,
	// relative to the workspace root) whose files and directories are
	// ignored, on top of .gitignore and the built-in defaults.
	Exclude []string `toml:"exclude"`
	// MaxFileSize is the size in bytes above which a file is not parsed
	// (it still counts for the depth rule). 0 means the default.
	MaxFileSize int64 `toml:"max_file_size"`
}

// Depth configures the depth rule.
type Depth struct {
	// Max is the deepest allowed level (directories between Root and a file).
	Max int `toml:"max"`
	// Root is the directory levels are counted from, relative to the
	// workspace root.
	Root string `toml:"root"`
	// Exclude lists glob patterns (relative to the workspace root) of files
	// the depth rule ignores.
	Exclude []string `toml:"exclude"`
	// Severity of a violation: error, warning, information or hint.
	Severity string `toml:"severity"`
}

// Python configures Python module resolution.
type Python struct {
	// Roots are the source roots (import roots), relative to the workspace
	// root. Empty means detect them.
	Roots []string `toml:"roots"`
	// Imports is the style of rewritten imports: preserve (relative stays
	// relative unless it would climb more than two levels and the file
	// does not already do that; absolute stays absolute), absolute, or
	// relative (within a top-level package).
	Imports string `toml:"imports"`
}

// TypeScript configures TypeScript/JavaScript specifier rewriting.
type TypeScript struct {
	// Specifiers is the style of rewritten specifiers: preserve, shortest,
	// alias or relative.
	Specifiers string `toml:"specifiers"`
}

// MoveSettings configures every move (the [moves] table; TOML cannot hold
// a [move] table beside the plan's [[move]] entries).
type MoveSettings struct {
	// UpdateStrings rewrites possible references (dotted module paths in
	// strings and non-code files) with the imports; nil means the default,
	// true. See UpdateStrings.
	UpdateStrings *bool `toml:"update_strings"`
}

// UpdateStrings reports whether moves rewrite possible references: the
// [moves] update_strings setting, true when unset. A leftover module path
// in a Procfile, an entry point or a mock.patch target breaks the program
// only when it runs; the rewrite is exact (the whole dotted name of a
// moved module), and a user who turns it off gets a stale-reference
// warning for every leftover instead.
func (c *Config) UpdateStrings() bool {
	return c.MoveSettings.UpdateStrings == nil || *c.MoveSettings.UpdateStrings
}

// Move is one [[move]] entry of the plan.
type Move struct {
	From  string `toml:"from"`
	To    string `toml:"to"`
	Phase int    `toml:"phase"`
	Note  string `toml:"note"`
	// Line is the line of the entry's [[move]] header (1-based).
	Line int `toml:"-"`
}

// Merge is one [[merge]] entry of the plan: several modules become one.
type Merge struct {
	From  []string `toml:"from"`
	To    string   `toml:"to"`
	Phase int      `toml:"phase"`
	Note  string   `toml:"note"`
	// Line is the line of the entry's [[merge]] header (1-based).
	Line int `toml:"-"`
}

// Error is a problem in a configuration file, with its position.
type Error struct {
	Path string
	Line int // 1-based; 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Default returns the configuration used when there is no relayout.toml.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Depth.Max == 0 {
		c.Depth.Max = DefaultMaxDepth
	}
	if c.Depth.Root == "" {
		c.Depth.Root = "."
	}
	if c.Depth.Severity == "" {
		c.Depth.Severity = "warning"
	}
	if c.TypeScript.Specifiers == "" {
		c.TypeScript.Specifiers = "preserve"
	}
	if c.Python.Imports == "" {
		c.Python.Imports = "preserve"
	}
}

// Load reads relayout.toml from the workspace root dir. A missing file
// yields Default(); a malformed one, or one that is not a regular file of
// at most workspace.MaxConfigSize bytes, an *Error.
func Load(dir string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	data, err := workspace.ReadRegular(path, workspace.MaxConfigSize)
	if errors.Is(err, os.ErrNotExist) {
		return Default(), nil
	}
	if errors.Is(err, workspace.ErrNotRegular) || errors.Is(err, workspace.ErrTooLarge) {
		return nil, &Error{Path: path, Msg: strings.TrimPrefix(err.Error(), "read "+path+": ")}
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses the contents of a relayout.toml; path is used in errors.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path}
	md, err := toml.Decode(string(data), c)
	if err != nil && len(headerLines(data, "[move]")) > 0 {
		return nil, &Error{Path: path, Line: headerLines(data, "[move]")[0],
			Msg: "[move] is the plan's [[move]] entries; move settings go in [moves] (e.g. [moves] update_strings = false)"}
	}
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Path: path, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		return nil, &Error{Path: path, Line: lineOfKey(data, und[0]), Msg: fmt.Sprintf("unknown key %q", key)}
	}
	moveLines := headerLines(data, "[[move]]")
	for i := range c.Moves {
		if i < len(moveLines) {
			c.Moves[i].Line = moveLines[i]
		}
	}
	mergeLines := headerLines(data, "[[merge]]")
	for i := range c.Merges {
		if i < len(mergeLines) {
			c.Merges[i].Line = mergeLines[i]
		}
	}
	if err := c.validate(data); err != nil {
		return nil, err
	}
	c.applyDefaults()
	return c, nil
}

func (c *Config) validate(data []byte) error {
	bad := func(key, msg string) error {
		return &Error{Path: c.Path, Line: lineOfKey(data, toml.Key{key}), Msg: msg}
	}
	if c.Depth.Max < 0 {
		return bad("max", fmt.Sprintf("[depth] max must be positive, got %d", c.Depth.Max))
	}
	if c.Depth.Severity != "" && !contains(Severities, c.Depth.Severity) {
		return bad("severity", fmt.Sprintf("[depth] severity %q is not one of %s", c.Depth.Severity, strings.Join(Severities, ", ")))
	}
	if c.TypeScript.Specifiers != "" && !contains(SpecifierStyles, c.TypeScript.Specifiers) {
		return bad("specifiers", fmt.Sprintf("[typescript] specifiers %q is not one of %s", c.TypeScript.Specifiers, strings.Join(SpecifierStyles, ", ")))
	}
	if c.Python.Imports != "" && !contains(ImportStyles, c.Python.Imports) {
		return bad("imports", fmt.Sprintf("[python] imports %q is not one of %s", c.Python.Imports, strings.Join(ImportStyles, ", ")))
	}
	for _, list := range [][]string{c.Workspace.Exclude, c.Depth.Exclude} {
		for _, g := range list {
			if !doublestar.ValidatePattern(g) {
				return bad("exclude", fmt.Sprintf("invalid glob %q", g))
			}
		}
	}
	if c.Depth.Root != "" && escapes(c.Depth.Root) {
		return bad("root", fmt.Sprintf("[depth] root %q is outside the workspace", c.Depth.Root))
	}
	for _, r := range c.Python.Roots {
		if escapes(r) {
			return bad("roots", fmt.Sprintf("[python] root %q is outside the workspace", r))
		}
	}
	return nil
}

func escapes(p string) bool {
	if filepath.IsAbs(p) {
		return true
	}
	clean := filepath.ToSlash(filepath.Clean(p))
	return clean == ".." || strings.HasPrefix(clean, "../")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// headerLines returns the 1-based lines of every line whose trimmed text
// starts with header (e.g. "[[move]]").
func headerLines(data []byte, header string) []int {
	var out []int
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), header) {
			out = append(out, i+1)
		}
	}
	return out
}

// lineOfKey finds the first line assigning the last component of key, or 0.
func lineOfKey(data []byte, key toml.Key) int {
	if len(key) == 0 {
		return 0
	}
	last := key[len(key)-1]
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, last) {
			rest := strings.TrimSpace(strings.TrimPrefix(t, last))
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") {
				return i + 1
			}
		}
		if t == "["+key.String()+"]" {
			return i + 1
		}
	}
	return 0
}
