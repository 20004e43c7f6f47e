"""Every import statement form, at module top level."""
import a
import a.b.c
import a.b.c as x
import a, b.c as z, d.e
import os.path; import sys
from a.b import c, d as e
from a.b import (
    f,  # a comment after f
    g as h,
    # a comment on its own line
    i,
)
from . import x
from .. import y as yy
from ..a import b
from .a.b import *
from ... import three
from .... import four
from . a . b import spaced
from pkg.sub \
    import continued
import pkg.mod \
    as cont
from __future__ import annotations
import  a . b
