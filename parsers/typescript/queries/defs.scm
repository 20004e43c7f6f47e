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
