; Module structure for Defs (not one of Extract's reference queries).

; `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`; Defs keeps the
; top-level ones whose block holds only imports.
(if_statement
  condition: [
    (identifier) @_cond
    (attribute object: (identifier) attribute: (identifier) @_cond)
  ] @defs.tc.cond
  consequence: (block) @defs.tc.block
  (#eq? @_cond "TYPE_CHECKING")) @defs.tc

; Assignments to __all__ (a statement of one assignment).
(expression_statement
  .
  (assignment left: (identifier) @_all) @defs.all.assign
  .
  (#eq? @_all "__all__")) @defs.all

; A lone string statement: a docstring when it comes first.
(expression_statement
  .
  [(string) (concatenated_string)] @defs.doc.string
  .) @defs.doc
