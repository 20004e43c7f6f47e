; Import statements. One match per imported dotted name; the Go side groups
; matches by their @*.stmt node. Capture names are the contract with
; query.go (roleByCapture): rename one, rename both.

; import a.b.c / import a, b.c
(import_statement
  name: (dotted_name) @import.module) @import.stmt

; import a.b.c as x
(import_statement
  name: (aliased_import
    name: (dotted_name) @import.module
    alias: (identifier) @import.alias)) @import.stmt

; from a.b import ... / from ..a import ... / from . import ...
; (@from.module is a dotted_name or a relative_import: dots + dotted name)
(import_from_statement
  module_name: (_) @from.module) @from.stmt

; from m import c
(import_from_statement
  name: (dotted_name) @from.name) @from.stmt

; from m import d as e
(import_from_statement
  name: (aliased_import
    name: (dotted_name) @from.name
    alias: (identifier) @from.alias)) @from.stmt

; from m import *
(import_from_statement
  (wildcard_import) @from.wildcard) @from.stmt

; from __future__ import annotations (its own node type in the grammar)
(future_import_statement
  "__future__" @from.module) @from.stmt

(future_import_statement
  name: (dotted_name) @from.name) @from.stmt

(future_import_statement
  name: (aliased_import
    name: (dotted_name) @from.name
    alias: (identifier) @from.alias)) @from.stmt
