"""Module paths in string arguments."""
import importlib
from importlib import import_module
from unittest import mock
from unittest.mock import patch
import unittest.mock

m1 = importlib.import_module("app.plugins.alpha")
m2 = import_module('app.plugins.beta')
m3 = __import__("app.plugins.gamma")
m4 = importlib.import_module(".relative", package="app")
m5 = importlib.import_module(r"app.raw")
m6 = import_module("""app.triple""")
m7 = import_module(u'app.unicode_prefix')

# Not module paths, or not plain strings: skipped.
s1 = import_module(f"app.{name}")
s2 = import_module("app." "concat")
s3 = import_module(b"app.bytes")
s4 = import_module("app\x2eescaped")
s5 = import_module("not a module")
s6 = import_module("")
s7 = import_module(name)
s8 = import_module(package="app", name="app.kw")
s9 = other.import_module("app.other")
s10 = mock.patch.object(Target, "attr")
s11 = mock.patch.dict("os.environ", {"A": "1"})
s12 = mocker.patch("app.mocker")
s13 = import_module("app..double")
s14 = import_module("app.trailing.")


@patch("app.service.client")
@mock.patch("app.service.other", autospec=True)
@unittest.mock.patch('app.service.third')
def test_it(m_third, m_other, m_client):
    with patch("app.ctx.manager") as p:
        pass
    patcher = mock.patch("app.started")


# pytest-mock, patch.multiple, target=, monkeypatch, import_module with a package.
def test_more(mocker, monkeypatch):
    mocker.patch("app.pm.one")
    mocker.patch.multiple("app.pm.multi", a=1)
    patch.multiple("app.pm.multi2", b=2)
    patch(target="app.pm.kw")
    mock.patch(new=1, target="app.pm.kw2")
    monkeypatch.setattr("app.pm.attr", 1)
    monkeypatch.delattr("app.pm.gone")
    monkeypatch.setattr(obj, "not.this", 1)
    importlib.import_module(".sub.mod", "app.pkg")
    import_module("..up", package="app.pkg.inner")
    mocker.patch.object(obj, "not.this.either")
