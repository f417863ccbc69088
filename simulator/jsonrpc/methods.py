"""Method declarations: name, parameters (order, optional flags, defaults, types), return
type and handler. One declaration feeds the dispatcher (binding by name or by position),
the service description (smd.py) and the operation catalogue."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Awaitable, Callable, Iterable, Iterator, Literal, Sequence

from ..catalogue import Operation
from .errors import invalid_params

#: parameter and return types as the service description names them (Zend_Json_Server SMD)
Type = Literal["string", "integer", "number", "boolean", "array", "object", "null", "any"]
_NO_DEFAULT = object()

MethodHandler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Param:
    name: str
    type: Type | tuple[Type, ...] = "string"
    optional: bool = False
    default: Any = _NO_DEFAULT
    description: str = ""

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT

    def value_if_missing(self) -> Any:
        return self.default if self.has_default else None


@dataclass(frozen=True)
class Method:
    name: str
    handler: MethodHandler
    params: tuple[Param, ...] = ()
    returns: Type | tuple[Type, ...] = "object"
    description: str = ""
    #: the document's heading, for the catalogue
    section: str = ""
    #: what to do with by-name parameters the declaration does not list
    extra: Literal["ignore", "forbid"] = "ignore"
    positional: bool = True
    named: bool = True

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params)

    @cached_property
    def _order(self) -> tuple[str, ...]:
        """The parameters' names in order (positional params bind to them in C)."""
        return tuple(p.name for p in self.params)

    @cached_property
    def _plan(self) -> tuple[tuple[str, bool, Any], ...]:
        """(name, optional, the value when missing) per parameter, in order, for :meth:`bind`."""
        return tuple((p.name, p.optional, p.value_if_missing()) for p in self.params)

    def bind(self, params: Any) -> dict[str, Any]:
        """The handler's keyword arguments for JSON-RPC ``params`` (an array, an object or
        absent); raises -32602 when they do not fit the declaration."""
        if params is None:
            params = {}
        if isinstance(params, list):
            if not self.positional:
                raise invalid_params("Positional parameters are not accepted")
            if len(params) > len(self.params):
                raise invalid_params(f"Too many parameters: {len(params)} given, "
                                     f"{len(self.params)} declared")
            given = dict(zip(self._order, params))
        elif isinstance(params, dict):
            if not self.named:
                raise invalid_params("Named parameters are not accepted")
            given = params
            names = self._names
            if not names.issuperset(params):   # (one pass in C over the keys)
                if self.extra == "forbid":
                    raise invalid_params(f"Unknown parameter '{next(k for k in params if k not in names)}'")
                given = {k: v for k, v in params.items() if k in names}
        else:  # the server refuses other types before binding
            raise invalid_params("params must be an array or an object")
        out: dict[str, Any] = {}
        for name, optional, missing in self._plan:
            if name in given:
                out[name] = given[name]
            elif optional:
                out[name] = missing
            else:
                raise invalid_params(f"Missing required parameter '{name}'")
        return out


class MethodSet:
    """The methods of one endpoint, declared with the :meth:`method` decorator::

        rpc = MethodSet()

        @rpc.method("getFollowme", [Param("sip_id")], returns="object", section="getFollowme")
        async def get_followme(ctx, sip_id): ...
    """

    def __init__(self, methods: Iterable[Method] = ()):
        self._by_name: dict[str, Method] = {}
        for m in methods:
            self.add(m)

    def add(self, method: Method) -> Method:
        if method.name in self._by_name:
            raise ValueError(f"JSON-RPC method {method.name!r} declared twice")
        if method.name.startswith("rpc."):
            raise ValueError("method names starting with 'rpc.' are reserved by JSON-RPC 2.0")
        self._by_name[method.name] = method
        return method

    def method(self, name: str, params: Sequence[Param] = (), returns: Type | tuple[Type, ...] = "object",
               **kw: Any) -> Callable[[MethodHandler], MethodHandler]:
        def register(fn: MethodHandler) -> MethodHandler:
            self.add(Method(name, fn, tuple(params), returns, description=kw.pop("description", fn.__doc__ or ""),
                            **kw))
            return fn
        return register

    def get(self, name: str) -> Method | None:
        return self._by_name.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Method]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    @classmethod
    def merged(cls, *sets: "MethodSet") -> "MethodSet":
        return cls(m for s in sets for m in s)

    def operations(self, *, path: str, method: str = "POST", host: str | None = None,
                   section: str | None = None, prefix: str = "") -> tuple[Operation, ...]:
        """Catalogue operations for these methods on one route (selector = method name;
        ``prefix`` tells apart the same methods served on a second route)."""
        return tuple(Operation(prefix + m.name, section or m.section or m.name, "jsonrpc", method=method, path=path,
                               selector=m.name, host=host, summary=first_line(m.description))
                     for m in self)


def first_line(text: str) -> str:
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


__all__ = ["Param", "Method", "MethodSet", "Type"]
