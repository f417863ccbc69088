"""The default world parsed ahead of time: the data of ``default.yaml`` as JSON, keyed by the
SHA-256 of the YAML bytes it was parsed from (``default.snapshot.json``, written by
``python -m simulator.contracts``).

Importing PyYAML and parsing the default world was about a tenth of ``telsim serve``'s start;
decoding the same data from JSON takes well under a millisecond. The snapshot is used only while
its key is the hash of the file as it is now: after any edit of ``default.yaml`` the YAML is
parsed as before (and the generated-files test says to regenerate), so it can never give a
stale world. The decoded data is exactly what the YAML parser returns, types and key order
included (a mapping whose keys are not all strings, e.g. ``0:``, is kept as key/value pairs).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).resolve().with_name("default.snapshot.json")
FORMAT = 1
_PAIRS = "\u0000pairs"  # {"\0pairs": [[key, value], ...]}: a mapping with a key that is not a string


def source_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and _PAIRS not in value:
            return {k: _encode(v) for k, v in value.items()}
        return {_PAIRS: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    # a YAML timestamp, binary, set...: JSON has no type for it; keep parsing the YAML
    raise TypeError(f"the default world holds a {type(value).__name__} ({value!r}), which JSON cannot keep: "
                    "quote it in default.yaml")


def _decode_pairs(obj: dict) -> Any:
    if len(obj) == 1 and _PAIRS in obj:
        return {k: v for k, v in obj[_PAIRS]}
    return obj


def snapshot_text(source: bytes, data: Any) -> str:
    """The snapshot of ``data``, parsed from the YAML bytes ``source``."""
    doc = {"format": FORMAT, "source_sha256": source_key(source), "data": _encode(data)}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def load_snapshot(source: bytes, path: Path = SNAPSHOT) -> Any | None:
    """The data of the YAML bytes ``source`` if the snapshot at ``path`` was made from exactly
    those bytes; None otherwise (missing, unreadable, another format or another source)."""
    try:
        doc = json.loads(path.read_bytes(), object_hook=_decode_pairs)
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("source_sha256") != source_key(source):
        return None
    return doc.get("data")


def default_snapshot_text() -> str:
    """The snapshot of default.yaml as it is now, parsed by PyYAML (for ``python -m simulator.contracts``)."""
    import yaml

    from .loader import DEFAULT_WORLD

    source = DEFAULT_WORLD.read_bytes()
    data = yaml.load(source.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return snapshot_text(source, data)
