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

from .conftest import AUTH, NO_RATE_LIMIT, basic

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


# MTT Telecom: the SMS and smart-call REST APIs and the REST parts of the JSON-RPC hosts (SMD, record
# links, prompt uploads, downloads). openapi-callcontrol.yaml has no paths (only the events the
# simulator sends, checked against it by the journal check); the JSON-RPC methods are openrpc*.yaml's,
# fuzzed by tests/hardening/test_parsers.py's OpenRPC test.
telecom_sms = schema_of(CONTRACTS / "mtt-telecom" / "openapi-sms.yaml")
telecom_smartcalls = schema_of(CONTRACTS / "mtt-telecom" / "openapi-smartcalls.yaml")
telecom_rest = schema_of(CONTRACTS / "mtt-telecom" / "openapi.yaml")
SMS_SID, SMS_TOKEN = "accefd5c385-f2aa-3dd4-9c0b-01abf00ccfe", "7c1e9a2b4d6f48a0b3c5d7e9f1a2b3c4"
TELECOM_AUTH = {"webapicommon": AUTH["mtt-telecom"], "rc": {"Authorization": basic("romashka-rc", "Gnezdo-Rc-2026")},
                "sb": {"Authorization": basic("romashka-sb", "Gnezdo-Sb-2026")},
                "msapi": {"Authorization": basic(SMS_SID, SMS_TOKEN)}}


def telecom_headers(case) -> dict[str, str]:
    schemes = [name for requirement in case.operation.definition.raw.get("security",
               case.operation.schema.raw_schema.get("security", [])) for name in requirement]
    return TELECOM_AUTH[schemes[0]] if schemes else {}


@telecom_sms.parametrize()
@BOUND
def test_mtt_telecom_sms(case, server):
    if "accountSID" in (case.path_parameters or {}):
        case.path_parameters["accountSID"] = SMS_SID  # the others' answer is the 401 every request gets
    check(case, case.call(base_url=server.url("mtt-telecom"), headers=telecom_headers(case)))


@telecom_smartcalls.parametrize()
@BOUND
def test_mtt_telecom_smartcalls(case, server):
    check(case, case.call(base_url=server.url("mtt-telecom"), headers=TELECOM_AUTH["sb"]))


@telecom_rest.parametrize()
@BOUND
def test_mtt_telecom_rest(case, server):
    check(case, case.call(base_url=server.url("mtt-telecom"), headers=telecom_headers(case)))
