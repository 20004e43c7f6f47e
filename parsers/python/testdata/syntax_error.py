import before.one
from before.two import thing

# A missing ")" (a MISSING node): the function and its import survive.
def broken(:
    import inside.broken_def

# A stray token inside an expression: a small ERROR node.
x = = 1

# An unclosed "(": tree-sitter folds everything up to the next stray ")"
# into ERROR nodes, so the two imports below are lost (documented).
class Half(
    pass

import swallowed.by_error
from swallowed.too import other

def g():
    return )

import after.two
from after.three import thing as other_thing
