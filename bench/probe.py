"""A bench-only provider: the shortest honest stand-in for a GET provider route.

``bench-probe`` is registered only in bench processes (never in the package). It goes
through everything a real provider route goes through in the core (sub-application under
``/<slug>``, the journal/fault/access-log middleware, the provider error middleware) and
does what a real GET handler does: look the API key up by index, name the tenant for the
journal, and render JSON. ``GET /bench-probe/api/abonents`` with
``X-AUTH-TOKEN: 215ef687-e898-419d-810c-2864efc0b1d0`` mirrors the MTS VPBX call, so the
numbers stay comparable once ``/mts-vpbx/api/abonents`` exists. ``PUT
/bench-probe/api/abonents/1735`` with a small JSON body is the write twin: it parses the body
(the core's ``loads_json``, as the providers do), sets the abonent's fields and answers the
abonent: the yardstick for the core's part of a request with a body.

It is also the provider the engine benchmark places calls through: its events reach only
the bench's own subscriber, so no real provider's adapter sends callbacks of its own.
"""
from __future__ import annotations

from aiohttp import web

from simulator import http as sim_http
from simulator.providers.base import Provider
from simulator.providers.registry import register

SLUG = "bench-probe"
TOKEN = "215ef687-e898-419d-810c-2864efc0b1d0"
ROUTE = "/api/abonents"
WRITE_ROUTE = "/api/abonents/1735"
WRITE_BODY = {"name": "Иванов Иван", "email": "user0@example.ru"}  # what the bench sends


def _abonents() -> list[dict]:
    names = ["Иванов Иван", "Петрова Анна", "Сидоров Пётр", "Кузнецова Мария", "Смирнов Олег"]
    return [
        {"id": 1735 + i, "name": name, "extension": str(1735 + i),
         "phone": f"+7495123{4567 + i:04d}", "email": f"user{i}@example.ru",
         "department": "Продажи", "position": "Менеджер", "status": "ACTIVE"}
        for i, name in enumerate(names)
    ]


@register
class BenchProbeProvider(Provider):
    slug = SLUG
    title = "bench probe (not a real provider)"
    hosts = ()

    def reset(self) -> None:
        self._tenants = {TOKEN: "acme"}  # api key -> tenant, an index as the providers keep
        self._abonents = {"acme": _abonents()}

    def setup_routes(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.abonents)
        app.router.add_put(ROUTE + "/{id}", self.update_abonent)

    async def abonents(self, request: web.Request) -> web.Response:
        tenant = self._tenants.get(request.headers.get("X-AUTH-TOKEN", ""))
        if tenant is None:
            return self.json({"error": "unauthorized"}, status=401)
        sim_http.set_tenant(request, tenant)
        if hasattr(sim_http, "set_journal_kind"):
            sim_http.set_journal_kind(request, "GetAbonents")
        else:
            request["journal_kind"] = "GetAbonents"
        return self.json(self._abonents[tenant])

    async def update_abonent(self, request: web.Request) -> web.Response:
        tenant = self._tenants.get(request.headers.get("X-AUTH-TOKEN", ""))
        if tenant is None:
            return self.json({"error": "unauthorized"}, status=401)
        sim_http.set_tenant(request, tenant)
        sim_http.set_journal_kind(request, "UpdateAbonent")
        try:
            changes = sim_http.loads_json(await request.read())
        except sim_http.JsonBodyError as exc:
            return self.json({"error": str(exc)}, status=400)
        abonent = next((a for a in self._abonents[tenant]
                        if str(a["id"]) == request.match_info["id"]), None)
        if abonent is None:
            return self.json({"error": "not found"}, status=404)
        if not isinstance(changes, dict):
            return self.json({"error": "an object is expected"}, status=400)
        abonent.update({k: v for k, v in changes.items() if k in ("name", "email")})
        return self.json(abonent)
