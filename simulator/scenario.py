"""Scripted scenario replay: a YAML script of calls, clock moves, requests and expectations
played against an in-process simulator on the manual clock, with a report at the end.

    name: an example
    # world: my-world.yaml           # optional, relative to this file (default: the default world)
    patch:                            # optional JSON merge patch applied to the world first
      providers: {mts-vpbx: {enterprises: {X214: {webhook: {active: true, callbackUrl: "http://127.0.0.1:9/hook"}}}}}
    steps:
      - call: {provider: mts-vpbx, from: "+79161234567", to: "+79160001735", as: first}
      - advance: 30
      - request: {provider: mts-vpbx, method: GET, path: /api/abonents,
                  headers: {X-AUTH-TOKEN: 215ef687-e898-419d-810c-2864efc0b1d0},
                  expect: {status: 200, content_type: application/json}}
      - expect: {journal: {provider: mts-vpbx, direction: out, operation: CALL_RECEIVED, min: 1}}
      - patch: {providers: {mts-vpbx: {enterprises: {X214: {webhook: {active: false}}}}}}
      - advance: 600
      - expect: {call: first, state: ended}

``expect.json`` matches as a subset: dicts by the keys given, lists element by element;
``expect.content_type`` (a prefix) and ``expect.min_bytes`` check binary answers.
``expect.journal`` counts entries by the journal's filters (provider, direction, operation
(the catalogue name; ``kind`` is its older name), tenant, call_id) with ``min``, ``max`` or
``count``.

A ``traffic:`` step plays a span of generated calls and periodic requests (simulator/traffic.py).
The string ``{sink}`` in the ``patch`` is the base URL of a callback sink, the application the
callbacks go to: the replay serves a ``CallbackSink`` on loopback in the same process unless the
caller names one (``run_scenario(..., sink_url=...)``, the bench's sink in its own process); the
report's last line then counts what that sink received.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from pydantic import ValidationError

from .providers.base import CallRequest
from .testing.sink import CallbackSink
from .testing.harness import SimulatorHarness
from .traffic import Traffic, run_traffic
from .world import WorldError
from .world.loader import describe_errors

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in


JOURNAL_FILTERS = frozenset({"provider", "direction", "kind", "operation", "tenant", "call_id"})


class ScenarioError(Exception):
    pass


@dataclass
class StepResult:
    index: int
    kind: str
    ok: bool
    detail: str = ""
    data: Any = None


@dataclass
class Report:
    name: str
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.ok for s in self.steps)

    def text(self) -> str:
        lines = [f"scenario: {self.name}"]
        for s in self.steps:
            lines.append(f"  {'ok  ' if s.ok else 'FAIL'} {s.index:>3} {s.kind:<8} {s.detail}")
        total = len(self.steps)
        failed = sum(1 for s in self.steps if not s.ok)
        lines.append(f"{total - failed} passed, {failed} failed")
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"name": self.name, "passed": self.passed,
                "steps": [{"index": s.index, "kind": s.kind, "ok": s.ok, "detail": s.detail,
                           "data": s.data} for s in self.steps]}


def subset_mismatch(expected: Any, actual: Any, where: str = "$") -> str | None:
    """None when ``expected`` is a subset of ``actual``, else where they differ."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {type(actual).__name__}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}.{key}: missing"
            miss = subset_mismatch(value, actual[key], f"{where}.{key}")
            if miss:
                return miss
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {type(actual).__name__}"
        if len(expected) != len(actual):
            return f"{where}: expected {len(expected)} items, got {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            miss = subset_mismatch(e, a, f"{where}[{i}]")
            if miss:
                return miss
        return None
    if expected != actual:
        return f"{where}: expected {expected!r}, got {actual!r}"
    return None


STEP_KINDS = ("advance", "call", "expect", "patch", "request", "traffic")
SINK = "{sink}"
WORLD_KEYS = {"providers", "parties", "clock", "callbacks", "seed"}


def load_scenario(path: Path) -> dict:
    """Read and check the whole file (every step) before anything runs."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    if isinstance(data, dict) and "steps" not in data and WORLD_KEYS & set(data):
        raise ScenarioError(
            f"{path}: this is a world file ({', '.join(sorted(WORLD_KEYS & set(data)))}), not a scenario: "
            f"serve it with `telsim serve --world {path}` or name it as `world:` in a scenario")
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise ScenarioError(f"{path}: a scenario is a mapping with a non-empty list of steps")
    problems = validate_steps(data["steps"])
    if problems:
        shown = "\n  ".join(problems[:20])
        raise ScenarioError(f"{path}: {len(problems)} problem(s), nothing was run:\n  {shown}")
    return data


def validate_steps(steps: list) -> list[str]:
    """Every problem of the steps, as "step N: ..." lines (empty when they can run)."""
    from .providers.registry import listings
    from .sim import UnknownProvider

    known = listings()  # the slugs; no provider is imported to check a name
    problems = []
    for i, step in enumerate(steps, 1):
        if not isinstance(step, dict) or len(step) != 1:
            problems.append(f"step {i}: a step is a mapping with one key, one of {', '.join(STEP_KINDS)}")
            continue
        kind, arg = next(iter(step.items()))
        if kind not in STEP_KINDS:
            problems.append(f"step {i}: unknown step {kind!r}; valid steps: {', '.join(STEP_KINDS)}")
            continue
        problem = _step_problem(kind, arg)
        provider = arg.get("provider") if isinstance(arg, dict) and kind in ("call", "request") else None
        if problem is None and provider is not None and provider not in known:
            problem = str(UnknownProvider(provider, known))
        if problem is None and kind == "traffic":
            wrong = [m["provider"] for m in arg["mix"] if m["provider"] not in known] + \
                [e["request"]["provider"] for e in arg.get("requests") or ()
                 if e["request"].get("provider") not in (None, *known)]
            problem = str(UnknownProvider(wrong[0], known)) if wrong else None
        if problem:
            problems.append(f"step {i} ({kind}): {problem}")
    return problems


def _step_problem(kind: str, arg: Any) -> str | None:
    if kind == "advance":
        ok = isinstance(arg, (int, float)) and not isinstance(arg, bool) and arg >= 0
        return None if ok else f"give simulated seconds (a number >= 0), not {arg!r}"
    if not isinstance(arg, dict):
        return f"give a mapping, not {type(arg).__name__}"
    if kind == "call":
        try:
            CallRequest.model_validate({k: v for k, v in arg.items() if k != "as"})
        except ValidationError as exc:
            return describe_errors(exc)
    if kind == "traffic":
        try:
            Traffic.model_validate(arg)
        except ValidationError as exc:
            return describe_errors(exc)
    if kind == "request" and not isinstance(arg.get("path"), str):
        return "a request needs a path"
    if kind == "expect" and not ({"call", "journal", "live_calls"} & set(arg)):
        return "expect call, journal or live_calls"
    return None


async def run_scenario_file(path: Path, world: Path | None = None) -> Report:
    data = load_scenario(path)
    world_path = world or (path.parent / data["world"] if data.get("world") else None)
    try:
        return await run_scenario(data, world_path, name=data.get("name") or path.stem)
    except WorldError as exc:
        raise ScenarioError(str(exc)) from None


async def run_scenario(data: dict, world_path: Path | None = None, name: str = "scenario",
                       sink_url: str | None = None) -> Report:
    """``sink_url``: what ``{sink}`` in the patch names (default: a CallbackSink started here)."""
    patch = data.get("patch")
    sink = None
    if patch and sink_url is None and SINK in json.dumps(patch):
        sink = await CallbackSink().start()
        sink_url = sink.base_url
    if patch and sink_url is not None:
        patch = json.loads(json.dumps(patch).replace(SINK, sink_url))
    report = Report(name)
    try:
        harness = await SimulatorHarness(world_path, patch).start()
        calls: dict[str, str] = {}
        try:
            for i, step in enumerate(data["steps"], 1):
                report.steps.append(await _run_step(i, step, harness, calls))
        finally:
            await harness.stop()
        if sink is not None:
            report.steps.append(StepResult(len(report.steps) + 1, "sink", True,
                                           f"{len(sink.requests)} callbacks received at {sink_url}",
                                           len(sink.requests)))
    finally:
        if sink is not None:
            await sink.stop()
    return report


async def _run_step(i: int, step: Any, harness, calls: dict[str, str]) -> StepResult:
    if not isinstance(step, dict) or len(step) != 1:
        return StepResult(i, "?", False, "a step is a mapping with one key")
    kind, arg = next(iter(step.items()))
    sim = harness.sim
    try:
        if kind == "advance":
            fired = await sim.clock.advance(float(arg))
            return StepResult(i, kind, True, f"{arg} s ({fired} timers)")
        if kind == "patch":
            sim.patch_world(arg)
            return StepResult(i, kind, True, "world patched")
        if kind == "call":
            arg = dict(arg)
            alias = arg.pop("as", None)
            call = await sim.start_call(CallRequest.model_validate(arg))
            await sim.clock.settle()
            if alias:
                calls[alias] = call.id
            return StepResult(i, kind, True, f"{call.id} {call.from_} -> {call.to}", call.id)
        if kind == "request":
            return await _request_step(i, arg, harness.session, harness.base_url)
        if kind == "traffic":
            return await _traffic_step(i, arg, harness)
        if kind == "expect":
            return _expect_step(i, arg, sim, calls)
    except Exception as exc:  # a bad step fails the step, not the run
        return StepResult(i, kind, False, f"{type(exc).__name__}: {exc}")
    return StepResult(i, kind, False, f"unknown step {kind!r}")


async def _request_step(i: int, arg: dict, http: aiohttp.ClientSession, base: str) -> StepResult:
    url = f"{base}/{arg['provider']}{arg['path']}" if arg.get("provider") else f"{base}{arg['path']}"
    kw: dict[str, Any] = {"headers": arg.get("headers") or {}, "params": arg.get("params")}
    if "json" in arg:
        kw["json"] = arg["json"]
    elif "body" in arg:
        kw["data"] = arg["body"]
    async with http.request(arg.get("method", "GET"), url, **kw) as resp:
        raw = await resp.read()
        status = resp.status
        content_type = resp.headers.get("Content-Type", "")
    try:
        body: Any = json.loads(raw)
    except ValueError:
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = {"binary": len(raw)}
    expect = arg.get("expect") or {}
    problems = []
    if "status" in expect and expect["status"] != status:
        problems.append(f"status {status}, expected {expect['status']}")
    if "content_type" in expect and not content_type.startswith(expect["content_type"]):
        problems.append(f"Content-Type {content_type}, expected {expect['content_type']}")
    if "min_bytes" in expect and len(raw) < expect["min_bytes"]:
        problems.append(f"{len(raw)} bytes, expected at least {expect['min_bytes']}")
    if "json" in expect:
        miss = subset_mismatch(expect["json"], body)
        if miss:
            problems.append(miss)
    detail = f"{arg.get('method', 'GET')} {arg['path']} -> {status}"
    return StepResult(i, "request", not problems, detail + ("; " + "; ".join(problems) if problems else ""), body)


async def _traffic_step(i: int, arg: dict, harness) -> StepResult:
    async def request(spec: dict) -> tuple[bool, str]:
        r = await _request_step(0, spec, harness.session, harness.base_url)
        return r.ok, r.detail

    out = await run_traffic(Traffic.model_validate(arg), harness.sim, request)
    o = out["outcomes"]
    detail = (f"{out['calls']} calls over {out['simulated_s'] / 3600:g} h "
              f"({o['answered']} answered, {o['no_answer']} not answered, {o['busy']} busy, "
              f"{o['scripted']} scripted), {out['requests']} requests, "
              f"{out['callbacks_sent']} callbacks sent, in {out['wall_s']:.2f} s")
    if out["still_live"]:
        detail += f"; {out['still_live']} calls still live after the drain"
    if out["request_failures"]:
        detail += f"; {out['request_failures']} requests failed, first {out['failures'][0]}"
    return StepResult(i, "traffic", out["ok"], detail, out)


def _expect_step(i: int, arg: dict, sim, calls: dict[str, str]) -> StepResult:
    problems = []
    if "call" in arg:
        call = sim.engine.get(calls.get(arg["call"], arg["call"]))
        for key in ("state", "cause"):
            if key in arg and getattr(call, key) != arg[key]:
                problems.append(f"call {call.id} {key} {getattr(call, key)!r}, expected {arg[key]!r}")
    if "journal" in arg:
        spec = dict(arg["journal"])
        low, high = spec.pop("min", None), spec.pop("max", None)
        count = spec.pop("count", None)
        unknown = sorted(set(spec) - JOURNAL_FILTERS)
        if unknown:
            return StepResult(i, "expect", False, f"journal: unknown filter {unknown[0]!r} "
                                                  f"(one of {', '.join(sorted(JOURNAL_FILTERS))})")
        n = len(sim.journal.query(**spec))
        if count is not None and n != count:
            problems.append(f"journal {spec}: {n} entries, expected {count}")
        if low is not None and n < low:
            problems.append(f"journal {spec}: {n} entries, expected at least {low}")
        if high is not None and n > high:
            problems.append(f"journal {spec}: {n} entries, expected at most {high}")
    if "live_calls" in arg and len(sim.engine.calls) != arg["live_calls"]:
        problems.append(f"{len(sim.engine.calls)} live calls, expected {arg['live_calls']}")
    return StepResult(i, "expect", not problems, "; ".join(problems) or "met")
