"""Numbers as the real (Java, PHP, .NET) services read them: ASCII digits only.

Python's ``int()`` and ``str.isdigit()`` accept what those services refuse: ``"1_233"``, padding
spaces, Arabic-Indic (``"١"``) and full-width (``"１"``) digits, superscripts (``isdigit``). Every
provider parses a number from the wire with these helpers, and writes ``[0-9]`` (never ``\\d``, which
matches every Unicode digit in Python's ``re`` and in pydantic's Rust patterns) in its patterns.
"""
from __future__ import annotations

import re
from typing import Any, Optional

DIGITS = re.compile(r"[0-9]+")
SIGNED = re.compile(r"[+-]?[0-9]+")
MAX_DIGITS = 19  # a Java long; longer texts never reach int() (CPython's int() is quadratic)


def is_ascii_digits(text: Any) -> bool:
    """True for a non-empty ``str`` of ASCII digits only (no sign, no spaces, no underscores)."""
    return isinstance(text, str) and DIGITS.fullmatch(text) is not None


def parse_int(text: Any, *, signed: bool = False, max_digits: int = MAX_DIGITS) -> Optional[int]:
    """The integer ``text`` writes in ASCII digits (with one leading ``+``/``-`` when ``signed``),
    or None for anything else, including more than ``max_digits`` digits."""
    if not isinstance(text, str) or not (SIGNED if signed else DIGITS).fullmatch(text):
        return None
    if len(text.lstrip("+-")) > max_digits:
        return None
    return int(text)


def _strict(value: Any) -> Any:
    if isinstance(value, str) and not SIGNED.fullmatch(value):
        raise ValueError(f"'{value[:40]}' is not a number (ASCII digits only)")
    return value


def __getattr__(name: str) -> Any:
    # AsciiInt: a pydantic integer field that takes JSON numbers and ASCII-digit strings only
    # (pydantic's lax mode would otherwise take " 12 ", "1_2" and "12.0" from a string); made
    # when a provider's models first import it, so that importing this module imports no pydantic
    if name == "AsciiInt":
        from typing import Annotated

        from pydantic import BeforeValidator

        globals()["AsciiInt"] = value = Annotated[int, BeforeValidator(_strict)]
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
