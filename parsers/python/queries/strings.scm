; Calls whose first argument is a single string literal. The Go side keeps
; only the callees it knows (import_module, __import__, patch, ...): doing
; that with #match? would compile a regexp per match in go-tree-sitter.
; Concatenated strings are a different node type and never match.
(call
  function: [(identifier) (attribute)] @call.func
  arguments: (argument_list
    .
    (string) @call.arg)) @call.expr

; patch(target="a.b.c") and the like: the keyword form of the same
; argument.
(call
  function: [(identifier) (attribute)] @call.func
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @_kw
      value: (string) @call.arg)
    (#eq? @_kw "target"))) @call.expr
