from typing import Any, overload
from collections.abc import Iterator
import app.base as base
import app.types

__all__ = ["Client"]

class Client(base.Base):
    timeout: float
    def __init__(self, url: str, *, retries: int = ...) -> None: ...
    @overload
    def get(self, key: str) -> app.types.Value: ...
    @overload
    def get(self, key: int) -> Any: ...
    def __iter__(self) -> Iterator[str]: ...

def connect(url: str) -> Client: ...
