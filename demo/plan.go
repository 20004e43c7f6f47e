package demo

import _ "embed"

//go:embed plan.md
var planMarkdown []byte

// PlanMarkdown returns the demo's restructuring plan, plan.md: a document
// in the seed plan's style ("Move `X` → `Y`" bullets under "Phase N"
// headings, roots given by the first line of the Current and Proposed
// structure trees) that `relayout plan --from-markdown` imports and that
// brings every file of the workspace within 4 levels. The slice is the
// caller's.
func PlanMarkdown() []byte { return append([]byte(nil), planMarkdown...) }
