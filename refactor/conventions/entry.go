package conventions

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Entry points named in configuration: webpack's entry, Vite's
// build.rollupOptions.input and its index.html <script src>, and a
// package.json's main, module, types, source and bin. Each forms a group
// with its config file: the project moves whole, or the entry stays.

var (
	entryBlock = regexp.MustCompile(`(?s)\b(?:entry|input)\s*:\s*(\{.*?\}|\[.*?\]|['"][^'"]+['"]|[A-Za-z_.]+\([^)]*\))`)
	quoted     = regexp.MustCompile(`['"]([^'"\n]+)['"]`)
	scriptSrc  = regexp.MustCompile(`<script[^>]*\bsrc\s*=\s*["']([^"']+)["']`)
)

func isBundlerConfig(base string) bool {
	for _, p := range []string{"webpack.config.", "vite.config.", "vitest.config.", "rollup.config."} {
		if strings.HasPrefix(base, p) {
			return true
		}
	}
	return false
}

func (m *Model) detectEntries() {
	for _, f := range m.fs.Files() {
		base := path.Base(f)
		dir := dirOf(f)
		var entries []string
		switch {
		case isBundlerConfig(base):
			data, err := m.fs.ReadFile(f)
			if err != nil {
				continue
			}
			for _, blk := range entryBlock.FindAllSubmatch(data, -1) {
				for _, q := range quoted.FindAllSubmatch(blk[1], -1) {
					entries = append(entries, string(q[1]))
				}
			}
			if strings.HasPrefix(base, "vite.config.") {
				if html := join(dir, "index.html"); m.fs.HasFile(html) {
					entries = append(entries, "index.html")
					if data, err := m.fs.ReadFile(html); err == nil {
						for _, s := range scriptSrc.FindAllSubmatch(data, -1) {
							entries = append(entries, strings.TrimPrefix(string(s[1]), "/"))
						}
					}
				}
			}
		case base == "package.json":
			data, err := m.fs.ReadFile(f)
			if err != nil {
				continue
			}
			var p map[string]any
			if json.Unmarshal(data, &p) != nil {
				continue
			}
			for _, k := range []string{"main", "module", "types", "typings", "source", "browser"} {
				if s, ok := p[k].(string); ok {
					entries = append(entries, s)
				}
			}
			switch b := p["bin"].(type) {
			case string:
				entries = append(entries, b)
			case map[string]any:
				for _, v := range b {
					if s, ok := v.(string); ok {
						entries = append(entries, s)
					}
				}
			}
		default:
			continue
		}
		g := Group{Kind: KindEntry, Anchor: dir, Members: []string{f}}
		var named []string
		for _, e := range entries {
			e = path.Clean(strings.TrimPrefix(e, "./"))
			p := join(dir, e)
			if strings.HasPrefix(e, "../") || !m.fs.HasFile(p) || p == f {
				continue
			}
			g.Members = append(g.Members, p)
			named = append(named, e)
		}
		if len(named) == 0 {
			continue
		}
		g.Why = fmt.Sprintf("%s names its entry points by path (%s)", f, strings.Join(named, ", "))
		m.addGroup(g)
	}
}
