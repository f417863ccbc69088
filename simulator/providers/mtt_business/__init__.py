"""MTT Business virtual PBX Open API — registered so its slug and hosts route; its API is not built yet."""
from ..base import Provider
from ..registry import register
from .world import MttBusinessWorld


@register
class MttBusinessProvider(Provider):
    slug = "mtt-business"
    title = "MTT Business virtual PBX Open API"
    hosts = ("oauth.mtt.ru", "openapi.mtt.ru", "openapi-stage.mtt.ru", )
    section_model = MttBusinessWorld
