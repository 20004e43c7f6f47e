; The innermost link of every attribute chain rooted at a plain name:
; for `a.b.c.f()` this is `a.b` with @attr.root = `a`. The Go side keeps
; only roots bound by a plain `import a...` and walks up the chain.
(attribute
  object: (identifier) @attr.root) @attr.expr
