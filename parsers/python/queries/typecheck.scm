; Bodies of `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (and the same
; as an elif). Imports inside @typecheck.block are TypeOnly. The else
; branch is an `alternative`, not the consequence, so it never matches.

(if_statement
  condition: (identifier) @_cond
  consequence: (block) @typecheck.block
  (#eq? @_cond "TYPE_CHECKING"))

(if_statement
  condition: (attribute
    object: (identifier)
    attribute: (identifier) @_cond)
  consequence: (block) @typecheck.block
  (#eq? @_cond "TYPE_CHECKING"))

(elif_clause
  condition: (identifier) @_cond
  consequence: (block) @typecheck.block
  (#eq? @_cond "TYPE_CHECKING"))

(elif_clause
  condition: (attribute
    object: (identifier)
    attribute: (identifier) @_cond)
  consequence: (block) @typecheck.block
  (#eq? @_cond "TYPE_CHECKING"))
