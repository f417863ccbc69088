"""Seeded fake data: the same world seed gives byte-identical names and histories."""
from __future__ import annotations

import hashlib
import random
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker


def stable_seed(*parts: object) -> int:
    """A seed from any parts that does not change between runs (``hash()`` does)."""
    h = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8)
    return int.from_bytes(h.digest(), "big")


@lru_cache(maxsize=4)
def _faker(locale: str) -> "Faker":
    from faker import Faker  # 0.1 s of imports (its locale scan): only once a world needs names

    return Faker(locale)


def faker_for(*parts: object, locale: str = "ru_RU") -> "Faker":
    """The shared Faker for ``locale``, re-seeded from ``parts`` (e.g. world seed, slug,
    tenant). Use it at once: the next call re-seeds it."""
    fake = _faker(locale)
    fake.seed_instance(stable_seed(*parts))
    return fake


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_seed(*parts))
