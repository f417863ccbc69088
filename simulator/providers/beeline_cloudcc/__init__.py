"""Beeline cloud contact centre (cloudcc.beeline.ru): online XML operations and offline commands."""

from .provider import BeelineCloudccProvider

__all__ = ["BeelineCloudccProvider"]
