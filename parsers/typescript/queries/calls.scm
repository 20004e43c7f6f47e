; Calls whose first argument is a module specifier. @source is a string or a
; template literal; Go drops template literals with substitutions.

; require('s') anywhere, including nested in functions and expressions
(call_expression
  function: (identifier) @_require
  arguments: (arguments . [(string) (template_string)] @source)
  (#eq? @_require "require")) @require

; import('s'), and import('s') in type positions: typeof import('s'),
; import('s').T (the grammar gives both as call expressions)
(call_expression
  function: (import)
  arguments: (arguments . [(string) (template_string)] @source)) @dynamic_import

; jest.mock('s'), vi.importActual('s'), require.resolve('s') ...
; Which object.method pairs count is decided in Go (mockCallees): the
; binding's FilterPredicates has no #any-of? and compiles #match? regexps on
; every match.
(call_expression
  function: (member_expression
    object: (identifier) @mock_object
    property: (property_identifier) @mock_method)
  arguments: (arguments . [(string) (template_string)] @source)) @mock

; vi.importActual<typeof import('s')>('s'), jest.requireActual<...>('s')
; Grammar gap: when the type argument is `typeof import(...)` the grammar
; reads the call as the comparisons `(callee < typeof import(...)) > ('s')`.
(binary_expression
  left: (binary_expression
    left: [
      (member_expression
        object: (identifier) @mock_object
        property: (property_identifier) @mock_method) @mock_callee
      (await_expression
        (member_expression
          object: (identifier) @mock_object
          property: (property_identifier) @mock_method) @mock_callee)
    ]
    operator: "<"
    right: (unary_expression operator: "typeof"))
  operator: ">"
  right: (parenthesized_expression . [(string) (template_string)] @source .)) @mock_generic
