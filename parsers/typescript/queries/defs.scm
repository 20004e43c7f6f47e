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

; Identifier uses (Module.Idents): every identifier outside imports.
[
  (identifier)
  (shorthand_property_identifier)
] @defs.use
(import_statement) @defs.skip

; What else is not evaluated while the module evaluates (besides the
; @defs.function spans): class bodies, types and declarations of types,
; ambient declarations, and the parts of a member expression or variable
; declarator other than its object or value (Defs also defers @defs.error
; nodes that are children of those two: a query cannot place ERROR there).
[
  (class_body)
  (interface_declaration)
  (type_alias_declaration)
  (type_annotation)
  (type_arguments)
  (type_parameters)
  (type_query)
  (ambient_declaration)
  (function_signature)
] @defs.deferred
(member_expression property: (_) @defs.deferred)
(variable_declarator name: (_) @defs.deferred)
(variable_declarator type: (_) @defs.deferred)
(ERROR) @defs.error

; Export statements: an identifier's Export is the innermost one around it.
(export_statement) @defs.export
