package cli

import (
	"encoding/json"
	"testing"

	"github.com/relayout/relayout/refactor"
)

// TestSARIF checks the SARIF log's shape: rule indexes match the rules,
// severities map to SARIF levels, a zero column is omitted and paths are
// relative to %SRCROOT%.
func TestSARIF(t *testing.T) {
	rep := refactor.CheckReport{
		Root: "/w", Severity: "information",
		Violations: []refactor.ViolationReport{{Path: "a/b/c/d/e/f.py", Level: 5, Max: 4}},
		Unresolved: []refactor.UnresolvedReport{{Path: "x.py", Line: 3, Column: 8, Module: "gone"}},
		Stale:      []refactor.StaleReport{{Path: "Procfile", Line: 1, Column: 15, Name: "app.old", Replacements: []string{"app.new"}}},
	}
	data, err := json.Marshal(toSARIF(rep, "v1"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
					Rules   []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			OriginalURIBaseIDs map[string]struct {
				URI string `json:"uri"`
			} `json:"originalUriBaseIds"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region map[string]int `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "2.1.0" || len(got.Runs) != 1 {
		t.Fatalf("version %q, %d runs", got.Version, len(got.Runs))
	}
	run := got.Runs[0]
	if run.Tool.Driver.Version != "v1" || run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///w/" {
		t.Errorf("driver version %q, base %v", run.Tool.Driver.Version, run.OriginalURIBaseIDs)
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3", len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d (%s)", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if r.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("%s: uriBaseId %q", r.RuleID, r.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID)
		}
	}
	deep, unresolved, stale := run.Results[0], run.Results[1], run.Results[2]
	if stale.RuleID != "stale-reference" || stale.Level != "warning" {
		t.Errorf("stale reference result %s %s", stale.RuleID, stale.Level)
	}
	if deep.Level != "note" || unresolved.Level != "error" {
		t.Errorf("levels %q %q, want note (information) and error", deep.Level, unresolved.Level)
	}
	if _, ok := deep.Locations[0].PhysicalLocation.Region["startColumn"]; ok {
		t.Errorf("a zero column must be omitted: %v", deep.Locations[0].PhysicalLocation.Region)
	}
	if r := unresolved.Locations[0].PhysicalLocation.Region; r["startLine"] != 3 || r["startColumn"] != 8 {
		t.Errorf("unresolved region %v, want line 3 column 8", r)
	}
}
