; Calls whose first argument is a single string literal. The Go side keeps
; only the callees it knows (import_module, __import__, patch, ...): doing
; that with #match? would compile a regexp per match in go-tree-sitter.
; Concatenated strings are a different node type and never match.
(call
  function: [(identifier) (attribute)] @call.func
  arguments: (argument_list
    .
    (string) @call.arg)) @call.expr
