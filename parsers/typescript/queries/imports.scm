; Static module syntax: import/export declarations and TS import-equals.
;
; Capture names are roles (see roleOf in grammar.go): @source is the string
; literal of the specifier, the other non-underscore capture names the form
; and its node is the Ref's Stmt. Captures starting with "_" only feed
; predicates (applied in Go with QueryCursor.FilterPredicates).

; import x from 's'; import {a, b as c} from 's'; import * as ns from 's';
; import type {T} from 's'; import 's'; import x from 's' with {type: 'json'}
(import_statement
  source: (string) @source) @import

; import x = require('s'); import type x = require('s')
(import_statement
  (import_require_clause
    source: (string) @source)) @import_equals

; export * from 's'; export * as ns from 's'; export {a, b as c} from 's';
; export type {T} from 's'
(export_statement
  source: (string) @source) @export

; export import x = require('s')
; Grammar gap: tree-sitter-typescript 0.21 parses this as an import_alias
; ending in `require` (with a MISSING ";") followed by an expression statement
; holding the parenthesized string. Go checks the alias has no real ";".
((export_statement
   declaration: (import_alias
     (identifier) @_require .) @export_import_alias) @export_import_equals
 .
 (expression_statement
   .
   (parenthesized_expression . (string) @source .)) @export_import_tail
 (#eq? @_require "require"))
