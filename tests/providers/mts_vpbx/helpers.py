"""What the MTS VPBX tests share: the default world's tokens and the portal request helper."""
import json
from pathlib import Path

from simulator.conformance import OpenApiContract
from simulator.testing.http import call as send

SLUG = "mts-vpbx"
CONTRACT = Path(__file__).resolve().parents[3] / "contracts" / "mts-vpbx"
OPENAPI = OpenApiContract(CONTRACT / "openapi.yaml")
TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"          # enterprise X214
TOKEN_E30770 = "7d3c9b1e-30f7-4c70-9e77-e30770e30770"   # enterprise E30770 (the 4.5.1 example)
H = {"X-AUTH-TOKEN": TOKEN}
#: abonent 1735's schedule 1348 in the default world: the document's 4.12.1 answer
DOC_SCHEDULE = json.loads((CONTRACT / "examples" / "4.12.1-schedules-abonent.response.json").read_text("utf-8"))


def portal(simulator):
    """``await api("GET", "/api/abonents", token=..., json=...)`` -> (status, parsed JSON or raw bytes)."""
    async def api(method, path, *, token=TOKEN, headers=None, **kw):
        hdrs = {"X-AUTH-TOKEN": token} if token else {}
        hdrs.update(headers or {})
        reply = await send(simulator, SLUG, method, path, headers=hdrs, **kw)
        if reply.content_type == "application/json":
            return reply.status, reply.json()
        return reply.status, reply.body
    return api
