package cli

// sarif.go: the SARIF 2.1.0 form of a check report (`check --format sarif`),
// built from typed structs. Output formats live at the edge, in cmd; the
// engine returns plain data (refactor.CheckReport).

import (
	"fmt"
	"strings"

	"github.com/relayout/relayout/refactor"
)

// sarifLog is the top-level SARIF 2.1.0 object.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactURI `json:"originalUriBaseIds"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactURI `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactURI struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// The rules, in the order results index them.
var sarifRules = []sarifRule{
	{ID: "too-deep", Name: "TooDeep", ShortDescription: sarifMessage{Text: "File nested deeper than the directory depth limit"}},
	{ID: "unresolved-import", Name: "UnresolvedImport", ShortDescription: sarifMessage{Text: "Workspace-internal import that names no file"}},
	{ID: "stale-reference", Name: "StaleReference", ShortDescription: sarifMessage{Text: "Module path in a string or non-code file naming a module that moved"}},
}

// sarifLevels maps a configured severity to a SARIF level.
var sarifLevels = map[string]string{"error": "error", "warning": "warning", "information": "note", "hint": "note"}

// toSARIF converts a check report to a SARIF 2.1.0 log for code scanning;
// version is relayout's.
func toSARIF(rep refactor.CheckReport, version string) sarifLog {
	level := sarifLevels[rep.Severity]
	if level == "" {
		level = "warning"
	}
	loc := func(path string, line, col int) []sarifLocation {
		return []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifactURI{URI: path, URIBaseID: "%SRCROOT%"},
			Region:           sarifRegion{StartLine: line, StartColumn: col},
		}}}
	}
	results := []sarifResult{}
	for _, v := range rep.Violations {
		results = append(results, sarifResult{
			RuleID: "too-deep", RuleIndex: 0, Level: level,
			Message:   sarifMessage{Text: fmt.Sprintf("level %d exceeds the limit of %d", v.Level, v.Max)},
			Locations: loc(v.Path, 1, 0),
		})
	}
	for _, u := range rep.Unresolved {
		results = append(results, sarifResult{
			RuleID: "unresolved-import", RuleIndex: 1, Level: "error",
			Message:   sarifMessage{Text: fmt.Sprintf("unresolved import %q", u.Module)},
			Locations: loc(u.Path, u.Line, u.Column),
		})
	}
	for _, st := range rep.Stale {
		results = append(results, sarifResult{
			RuleID: "stale-reference", RuleIndex: 2, Level: "warning",
			Message:   sarifMessage{Text: fmt.Sprintf("stale reference %q: the module moved (now %s)", st.Name, strings.Join(st.Replacements, " or "))},
			Locations: loc(st.Path, st.Line, st.Column),
		})
	}
	return sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "relayout", Version: version, InformationURI: "https://github.com/relayout/relayout",
				Rules: sarifRules,
			}},
			OriginalURIBaseIDs: map[string]sarifArtifactURI{"%SRCROOT%": {URI: "file://" + rep.Root + "/"}},
			Results:            results,
		}},
	}
}
