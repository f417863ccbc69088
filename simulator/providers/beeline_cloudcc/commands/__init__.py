"""The 18 offline commands of part 2: api_form JSON in, answer dict out, one module per section
of the document.

Every command validates its whole input before changing anything, so a request that
fails leaves the stored state exactly as it was. The validation is by hand rather than by
pydantic models because 4.19 gives each field its own error code (404.110 for a bad
B-number, 404.105 for a bad ListID, ...), which a model's errors do not carry.
"""
from __future__ import annotations

from typing import Any

from simulator.http import FormPart as Part

from ..errors import BeelineError
from .blacklists import BlackLists
from .cdr import Statistics
from .form import COMMANDS, command_name, parse_api_form
from .premedia import PreMedia
from .recording import Recording
from .redirects import Redirects
from .timezone import TimeZone
from .voicefiles import VoiceFiles

__all__ = ["COMMANDS", "OfflineApi", "command_name", "parse_api_form"]


class OfflineApi(Redirects, PreMedia, BlackLists, Recording, Statistics, VoiceFiles, TimeZone):
    """Executes one api_form against one tenant's state."""

    def execute(self, form: dict[str, Any], files: list[Part] | None = None) -> dict[str, Any]:
        name = command_name(form)
        handler = getattr(self, "cmd_" + name.lower())
        try:
            return handler(form, files or [])
        except BeelineError as exc:
            exc.command = exc.command or name
            raise

