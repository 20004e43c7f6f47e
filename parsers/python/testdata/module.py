#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Module docstring."""
from __future__ import annotations

import os, sys as system
from typing import TYPE_CHECKING

try:
    import ujson as json
except ImportError:  # optional
    import json

if TYPE_CHECKING:
    # only for types
    from app.models import User
    pass

__all__ = ['helper', "Config"]

CONSTANT: int = 1
a = b = compute(os.sep)
x, (y, *rest) = 1, (2, 3)
_ = "ignored by merges, reported here"


@decorator(default=os.name)
def helper(arg: User = CONSTANT, *args, key=lambda v: v + unused, **kw) -> Result:
    import inner
    return arg + local_only


class Config(Base, metaclass=Meta):
    field: Annotated = DEFAULT
    def method(self):
        return body_only


type Alias[T] = list[T]

for item in items:
    loop_var = item
else:
    done = True

with open(path) as fh, lock:
    content = fh.read()

if sys.version_info >= (3, 11):
    from tomllib import loads
else:
    from tomli import loads

__all__ += ["late"]
"just a string later"
