"""MTT Telecom API — registered so its slug and hosts route; its API is not built yet."""
from ..base import Provider
from ..registry import register
from .world import MttTelecomWorld


@register
class MttTelecomProvider(Provider):
    slug = "mtt-telecom"
    title = "MTT Telecom API"
    hosts = ("webapicommon.mtt.ru", "gapi.mtt.ru", "sb-api.mtt.ru", "msapi.mtt.ru", "rc.mtt.ru", "api.mtt.ru", )
    section_model = MttTelecomWorld
