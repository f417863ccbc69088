"""schemathesis against each provider's OpenAPI document and the control API's, on the
in-process simulator (loopback): no server error, every answer's status, content type,
headers and body as the document says, 405 with Allow for a method the document does not
list. Data-acceptance checks are left out (docs/decisions.md, core: "schemathesis").

Bounded: a few examples per operation, positive and negative (schema-violating) data."""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance,
                                               unsupported_method)

from simulator.testing.threaded import ThreadedSimulator

from .conftest import AUTH, NO_RATE_LIMIT

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance,
               response_headers_conformance, response_schema_conformance]
BOUND = settings(max_examples=3, deadline=None, derandomize=True, database=None,
                 suppress_health_check=list(HealthCheck))


def schema_of(path: Path):
    schema = schemathesis.openapi.from_path(str(path))
    # the coverage phase sends hundreds of boundary cases per operation (minutes in all)
    schema.config.phases.coverage.enabled = False
    return schema


vpbx = schema_of(CONTRACTS / "mts-vpbx" / "openapi.yaml")
autosecretary = schema_of(CONTRACTS / "mts-autosecretary" / "openapi.yaml")
business = schema_of(CONTRACTS / "mtt-business" / "openapi.yaml")
# the event stream never ends by itself; tests/core/test_control.py reads it
control = schema_of(CONTRACTS / "control" / "openapi.json").exclude(path="/_sim/events")


def check(case, response, checks=(*CONFORMANCE, unsupported_method)):
    case.validate_response(response, checks=list(checks))


@vpbx.parametrize()
@BOUND
def test_mts_vpbx(case, server):
    check(case, case.call(base_url=server.url("mts-vpbx"), headers=AUTH["mts-vpbx"]))


@autosecretary.parametrize()
@BOUND
def test_mts_autosecretary(case, server):
    check(case, case.call(base_url=server.url("mts-autosecretary"), headers=AUTH["mts-autosecretary"]))


@business.parametrize()
@BOUND
def test_mtt_business(case, server):
    check(case, case.call(base_url=server.url("mtt-business"), headers=AUTH["mtt-business"],
                          allow_redirects=False))


@pytest.fixture(scope="module")
def control_server():
    """A simulator of its own: the control API's examples reset it, add faults, move the clock."""
    with ThreadedSimulator(patch=NO_RATE_LIMIT) as running:
        yield running


@control.parametrize()
@BOUND
def test_control_api(case, control_server):
    try:
        check(case, case.call(base_url=control_server.base_url))
    finally:
        # the next example starts from the manual clock and no faults
        control_server.client.clear_faults()
        control_server.client.set_clock(mode="manual")
