"""Imports that are not at module top level, and TYPE_CHECKING blocks."""
from typing import TYPE_CHECKING
import typing

try:
    import ujson as json
except ImportError:
    import json

if TYPE_CHECKING:
    from app.models import User
    import app.db

    if True:
        from app.deep import Deep
else:
    import app.runtime

if typing.TYPE_CHECKING:
    import app.typed

if not TYPE_CHECKING:
    import app.not_typed

if sys.version_info >= (3, 11):
    import tomllib
elif TYPE_CHECKING:
    import app.elif_typed


def f():
    import app.inner
    from .sibling import helper

    class Local:
        from app.cls import attr


class C:
    import app.in_class

    def m(self):
        with open("x") as fh:
            from app.with_ import w
        for _ in range(3):
            import app.loop
        while False:
            import app.while_


match command:
    case "x":
        import app.matched

import app.last
