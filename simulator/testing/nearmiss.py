"""The message of a ``wait_for_callback`` that timed out: what was asked and what came
instead (like WireMock's near misses), for the in-process harness and the HTTP client."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable, Iterable

SHOWN = 10


def describe_predicate(predicate: Callable[[dict], bool] | None) -> str | None:
    if predicate is None:
        return None
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", None) or repr(predicate)
    if code is None:
        return name
    where = f"{Path(code.co_filename).name}:{code.co_firstlineno}"
    if name == "<lambda>" or name.endswith(".<lambda>"):
        try:
            line = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            return f"a lambda at {where}"
        return f"a lambda at {where} ({line[:160]})"
    return f"{name} ({where})"


def timeout_message(predicate: Callable[[dict], bool] | None, filters: dict[str, Any],
                    timeout: float, arrived: Iterable[dict]) -> str:
    """``arrived``: every callback sent so far (the journal's outbound entries)."""
    wanted = [f"{k}={v!r}" for k, v in filters.items() if v is not None]
    named = describe_predicate(predicate)
    if named:
        wanted.append(f"predicate {named}")
    what = " and ".join(wanted) if wanted else "anything (no filters, no predicate)"
    arrived = list(arrived)
    head = f"no callback matching {what} within {timeout:g} simulated s"
    if not arrived:
        return head + "; no callback was sent at all"
    lines = [f"{head}; callbacks sent ({len(arrived)}, the last {min(len(arrived), SHOWN)} shown):"]
    for e in arrived[-SHOWN:]:
        result = e.get("status") if e.get("status") is not None else e.get("error") or "no answer"
        sent = " ".join(str(part) for part in (e.get("kind"), e.get("method"), e.get("url")) if part)
        lines.append(f"  {sent} -> {result}")
    return "\n".join(lines)
