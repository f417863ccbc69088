import pytest

from simulator.providers.beeline_cloudcc import wav
from simulator.providers.beeline_cloudcc.backend import Backend, Limits, TenantState
from simulator.providers.beeline_cloudcc.commands import OfflineApi

NUMBERS = ["74957850000", "74957850001", "74957850002", "74957850003"]


class Clock:
    def __init__(self, t: float = 1_710_000_000.0) -> None:
        self.t = t

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def backend(clock):
    return Backend(now=clock.now)


@pytest.fixture
def tenant(backend):
    return backend.add_tenant(TenantState(
        login="cloudcc-demo", password="cloudcc-demo-pass",
        numbers={n: n for n in NUMBERS}, limits=Limits(),
    ))


@pytest.fixture
def api(backend, tenant):
    return OfflineApi(tenant, now=backend.now, new_cdrid=backend.new_cdrid,
                      base_url="https://cloudcc.beeline.ru")


@pytest.fixture
def ready_files(api, tenant, clock):
    """hello.wav and goodbye.wav uploaded and processed."""
    from simulator.providers.beeline_cloudcc.multipart import file_part as Part
    for name in ("hello.wav", "goodbye.wav"):
        api.execute({"Command": "VFILE", "Comment": name}, [Part("vfile", wav.make(0.5), filename=name)])
    clock.advance(tenant.limits.vfile_pending_delay + 1)
    return ["hello.wav", "goodbye.wav"]
