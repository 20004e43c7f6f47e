package refactor

import "fmt"

// SARIF converts a check report to a SARIF 2.1.0 log for code scanning.
func SARIF(rep CheckReport, version string) map[string]any {
	level := map[string]string{"error": "error", "warning": "warning", "information": "note", "hint": "note"}[rep.Severity]
	if level == "" {
		level = "warning"
	}
	results := []any{}
	loc := func(path string, line, col int) []any {
		region := map[string]any{"startLine": line}
		if col > 0 {
			region["startColumn"] = col
		}
		return []any{map[string]any{"physicalLocation": map[string]any{
			"artifactLocation": map[string]any{"uri": path, "uriBaseId": "%SRCROOT%"},
			"region":           region,
		}}}
	}
	for _, v := range rep.Violations {
		results = append(results, map[string]any{
			"ruleId": "too-deep", "ruleIndex": 0, "level": level,
			"message":   map[string]any{"text": fmt.Sprintf("level %d exceeds the limit of %d", v.Level, v.Max)},
			"locations": loc(v.Path, 1, 0),
		})
	}
	for _, u := range rep.Unresolved {
		results = append(results, map[string]any{
			"ruleId": "unresolved-import", "ruleIndex": 1, "level": "error",
			"message":   map[string]any{"text": fmt.Sprintf("unresolved import %q", u.Module)},
			"locations": loc(u.Path, u.Line, u.Column),
		})
	}
	for _, st := range rep.Stale {
		results = append(results, map[string]any{
			"ruleId": "stale-reference", "ruleIndex": 2, "level": "warning",
			"message":   map[string]any{"text": fmt.Sprintf("stale reference %q: the module moved (now %s)", st.Name, st.Replacements[0])},
			"locations": loc(st.Path, st.Line, st.Column),
		})
	}
	return map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "relayout", "version": version, "informationUri": "https://github.com/relayout/relayout",
				"rules": []any{
					map[string]any{"id": "too-deep", "name": "TooDeep", "shortDescription": map[string]any{"text": "File nested deeper than the directory depth limit"}},
					map[string]any{"id": "unresolved-import", "name": "UnresolvedImport", "shortDescription": map[string]any{"text": "Workspace-internal import that names no file"}},
					map[string]any{"id": "stale-reference", "name": "StaleReference", "shortDescription": map[string]any{"text": "Module path in a string or non-code file naming a module that moved"}},
				},
			}},
			"originalUriBaseIds": map[string]any{"%SRCROOT%": map[string]any{"uri": "file://" + rep.Root + "/"}},
			"results":            results,
		}},
	}
}
