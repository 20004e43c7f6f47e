"""Attribute chains that use the binding of a plain import."""
import os
import a.b
import a.b.c
import x.y as xy
from p import q

a.b.c.f()
a.b.g()
a.b.c
a.bx.c.f()
a.b.cx
a.x
print(a)
os.path.join("a", "b")
os.environ["HOME"]
xy.z()
x.y.z()
p.q.r()
q.r()
result = a.b.c.f().g.h
value = a.b.c[0].d
obj = (a.b).c
self.a.b.c


@a.b.c.decorator
def handler(arg: a.b.c.Type) -> a.b.Other:
    return a . b . c . deep
