; Module structure for Defs (compiled on its own, not with the reference
; queries; grammar.go leaves this file out of them).

; Code that does not run while the module evaluates.
[
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (generator_function)
  (arrow_function)
  (method_definition)
] @defs.function

; The clause of an ES import statement: what it binds, as written.
(import_statement (import_clause) @defs.import.clause) @defs.import
(import_statement (import_clause (identifier) @defs.import.default)) @defs.import
(import_statement (import_clause (namespace_import (identifier) @defs.import.namespace))) @defs.import
(import_statement (import_clause (named_imports (import_specifier) @defs.import.named))) @defs.import
(import_statement (import_attribute) @defs.import.attrs) @defs.import
(import_statement (import_require_clause) @defs.import.require) @defs.import
