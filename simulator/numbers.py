"""Phone number normalisation shared by the core (party lookups) and providers."""
from __future__ import annotations


def digits(number: str | int | None) -> str:
    """Digits only: '+7 (495) 123-45-67' -> '74951234567'; a Russian 11-digit number
    starting with 8 becomes 7...; a 10-digit Russian number gets its 7."""
    if number is None:
        return ""
    s = str(number)
    plain = s[1:] if s[:1] == "+" else s
    if plain.isascii() and plain.isdigit():
        d = plain  # the usual "+7916..." or "7916...": no per-character pass
    else:
        d = "".join(ch for ch in s if ch.isdigit())
    if len(d) == 11 and d[0] == "8":
        d = "7" + d[1:]
    elif len(d) == 10 and d[0] in "3489":
        d = "7" + d
    return d
