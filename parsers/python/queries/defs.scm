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

; Identifier uses (Module.Idents): every identifier outside the skipped
; regions: imports, and an attribute or keyword argument but for its
; object or value (Defs also skips @defs.error nodes that are children of
; attributes and keyword arguments: a query cannot place ERROR there).
(identifier) @defs.use
[
  (import_statement)
  (import_from_statement)
  (future_import_statement)
] @defs.skip
(attribute attribute: (_) @defs.skip)
(ERROR) @defs.error
(keyword_argument name: (_) @defs.skip)

; Code that does not run while the module is imported: lambdas, function
; names, type parameters and bodies (not their default values,
; annotations or return types), parameter names, class names and type
; parameters (not their bases or bodies).
(lambda) @defs.deferred
(function_definition name: (_) @defs.deferred)
(function_definition type_parameters: (_) @defs.deferred)
(function_definition body: (_) @defs.deferred)
(parameters [
  (identifier)
  (list_splat_pattern)
  (dictionary_splat_pattern)
  (tuple_pattern)
] @defs.deferred)
(typed_parameter [
  (identifier)
  (list_splat_pattern)
  (dictionary_splat_pattern)
] @defs.deferred)
(default_parameter name: (_) @defs.deferred)
(typed_default_parameter name: (_) @defs.deferred)
(class_definition name: (_) @defs.deferred)
(class_definition type_parameters: (_) @defs.deferred)

; Type annotations.
(type) @defs.annotation
