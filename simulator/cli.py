"""The ``telsim`` command."""
from __future__ import annotations

import argparse
import gc
import json
import logging
import signal
import sys
from pathlib import Path

from .settings import Settings, parse_byte_size


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line, like every other telsim error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class _Version(argparse.Action):
    """``--version``, looked up when asked: ``importlib.metadata`` scans the installed
    distributions (~10 ms that every start paid when the parser was built)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"telsim {_version()}")
        parser.exit()


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1000000: {text}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text}")
    return value


def _byte_size(text: str) -> int:
    try:
        return parse_byte_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="telsim", description="Telephony provider simulator")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve every provider and the /_sim control API")
    serve.add_argument("--world", type=Path, help="world file (default: the packaged default world)")
    serve.add_argument("--host", default=None, help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=None, help="listen port (default 8080)")
    clock = serve.add_mutually_exclusive_group()
    clock.add_argument("--speed", type=_positive, help="clock speed factor (1 = real time)")
    clock.add_argument("--manual-clock", action="store_true",
                       help="time moves only by POST /_sim/clock {\"advance\": s}")
    serve.add_argument("--seed", type=int, help="override the world's seed")
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.add_argument("--strict", action="store_true",
                       help="flag requests that break the provider's documented format in the journal "
                            "(answered as usual; GET /_sim/journal?flagged=1)")
    serve.add_argument("--journal-bytes", type=_byte_size, default=None,
                       help="the journal's byte budget: kept bodies + 1 KiB an entry, oldest "
                            "entries dropped first (default 64M; also SIM_JOURNAL_BYTES)")

    world = sub.add_parser("world", help="world file tools")
    wsub = world.add_subparsers(dest="world_command", required=True)
    validate = wsub.add_parser("validate", help="check a world file")
    validate.add_argument("file", type=Path)
    wsub.add_parser("schema", help="print the world file's JSON Schema")

    replay = sub.add_parser("replay", help="play a scenario file and report")
    replay.add_argument("file", type=Path)
    replay.add_argument("--world", type=Path, help="world file (default: the scenario's or the default)")
    replay.add_argument("--json", action="store_true", help="print the report as JSON")

    coverage = sub.add_parser("coverage", help="per provider: the document's operations, those implemented, "
                                               "callbacks, examples (from the catalogues)")
    coverage.add_argument("provider", nargs="*", help="only these provider slugs")
    coverage.add_argument("--markdown", action="store_true", help="print docs/coverage.md")

    check = sub.add_parser("validate", help="check an application's requests against the providers' documents")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--simulator", metavar="URL", help="the journal of a running simulator (http://127.0.0.1:8080)")
    source.add_argument("--har", type=Path, metavar="FILE", help="a HAR file")
    source.add_argument("--jsonl", type=Path, metavar="FILE", help="a JSONL log, one request a line")
    check.add_argument("--format", choices=("text", "json", "junit"), default="text")
    check.add_argument("--output", "-o", type=Path, help="write the report here (default: standard output)")

    contracts = sub.add_parser("contracts", help="the contracts under contracts/")
    csub = contracts.add_subparsers(dest="contracts_command", required=True)
    report = csub.add_parser("report", help="per provider: operations, examples reproduced or accepted, "
                                            "sections covered by tests (docs/conformance.md)")
    report.add_argument("provider", nargs="*", help="only these provider slugs")
    report.add_argument("--markdown", action="store_true", help="print docs/conformance.md")
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("telephony-simulator")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve":
            return _serve(args)
        if args.command == "world":
            return _world(args)
        if args.command == "replay":
            return _replay(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "contracts":
            return _contracts(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _closed_pipe()
    return 2


def _closed_pipe() -> int:
    """The reader of our output went away (``telsim world schema | head``): stop quietly.
    stdout is pointed at devnull so that the interpreter's final flush does not complain."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def _fail(message: str, code: int = 2) -> int:
    print(f"telsim: {message}", file=sys.stderr)
    return code


def _world(args) -> int:
    from .world import WorldError, load_world, world_schema

    if args.world_command == "schema":
        print(json.dumps(world_schema(), indent=2, ensure_ascii=False))
        return 0
    try:
        _, world = load_world(args.file)
    except WorldError as exc:
        return _fail(str(exc))
    print(f"{args.file}: ok ({world.name}, seed {world.seed})")
    return 0


def _chosen_providers(args) -> dict:
    """The provider classes ``args.provider`` names (all when none); ValueError names an unknown slug."""
    from .providers.registry import discover

    providers = discover()
    unknown = [slug for slug in args.provider if slug not in providers]
    if unknown:
        raise ValueError(f"unknown provider {unknown[0]!r} (one of {', '.join(providers)})")
    if args.provider:
        providers = {slug: cls for slug, cls in providers.items() if slug in args.provider}
    return providers


def _coverage(args) -> int:
    from .coverage import coverage_markdown, coverage_text

    try:
        providers = _chosen_providers(args)
    except ValueError as exc:
        return _fail(str(exc))
    print((coverage_markdown if args.markdown else coverage_text)(providers), end="")
    return 0


def _validate(args) -> int:
    """Exit 0: every request keeps its document; 1: deviations (listed); 2: unreadable source."""
    from .conformance.traffic import TrafficError, check_requests, from_har, from_jsonl, from_simulator
    from .conformance.validate_output import FORMATS

    try:
        if args.simulator:
            requests = from_simulator(args.simulator)
        elif args.har:
            requests = from_har(args.har)
        else:
            requests = from_jsonl(args.jsonl)
    except TrafficError as exc:
        return _fail(str(exc))
    results = check_requests(requests)
    text = FORMATS[args.format](results)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 1 if any(r.deviations for r in results) else 0


def _contracts(args) -> int:
    from .conformance.report import conformance_markdown, conformance_report, conformance_text

    try:
        providers = _chosen_providers(args)
    except ValueError as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(conformance_report(providers), indent=2, ensure_ascii=False))
    else:
        print((conformance_markdown if args.markdown else conformance_text)(providers), end="")
    return 0


def _replay(args) -> int:
    import asyncio

    from .scenario import ScenarioError, run_scenario_file

    try:
        report = asyncio.run(run_scenario_file(args.file, world=args.world))
    except ScenarioError as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 0 if report.passed else 1


#: objects allocated before the cyclic collector's youngest generation is scanned (Python's
#: default is 700): a call lifecycle leaves ~20 containers, so at 700 the collector ran every
#: few dozen calls; 10,000 cut the engine's CPU per lifecycle by ~20 % (bench/run.py, calls)
#: for a young-generation pass of about a millisecond
GC_YOUNG_THRESHOLD = 10_000


def tune_collector() -> None:
    """What ``telsim serve`` does to the garbage collector once the world is built: the
    modules, schemas and the initial world live as long as the process, so they are frozen out
    of the cyclic collector's reach (a full collection under traffic then scans only what
    traffic made: one took ~60-200 ms with them, a pause in the middle of some request), and
    the youngest generation is collected less often. The collector runs from here on (the
    start keeps it off until this point)."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    gc.enable()


def _serve(args) -> int:
    # what the start imports and builds lives as long as the process and is hardly ever
    # garbage: the collector's passes over it were ~10 ms of every start, so it is off until
    # tune_collector() has frozen it all
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _start(args)
    finally:
        if collecting:
            gc.enable()


def _start(args) -> int:
    import asyncio

    from .accesslog import BufferedAccessLog
    from .app import create_app
    from .sim import Simulator
    from .transport import TransportRunner
    from .world import WorldError

    try:
        settings = Settings.from_env(world=args.world, host=args.host, port=args.port,
                                     speed=args.speed, seed=args.seed,
                                     journal_bytes=args.journal_bytes)
    except ValueError as exc:
        return _fail(str(exc))
    if args.manual_clock:
        settings.manual_clock = True
    if args.quiet:
        settings.access_log = False
    if args.strict:
        settings.strict = True
    try:
        sim = Simulator(settings)
    except WorldError as exc:
        return _fail(str(exc))
    access = BufferedAccessLog(sys.stderr)
    app = create_app(sim, access_log=access)
    app.on_cleanup.append(lambda _app: _close(access))
    runner = TransportRunner(app, sim, handle_signals=False)
    tune_collector()
    _log_off_the_loop()
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        asyncio.run(_run(sim, settings, runner))
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {reason}")
    return 0


def _log_off_the_loop() -> None:
    """Log lines are written by a thread: a slow terminal must not stall request handling."""
    import atexit
    import queue
    from logging.handlers import QueueHandler, QueueListener

    records: queue.SimpleQueue = queue.SimpleQueue()
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    listener = QueueListener(records, stream)
    listener.start()
    atexit.register(listener.stop)
    root = logging.getLogger()
    root.handlers[:] = [QueueHandler(records)]
    root.setLevel(logging.INFO)


async def _run(sim, settings: Settings, runner) -> None:
    import asyncio

    from aiohttp import web

    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port, reuse_address=True)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{shown}:{settings.port}"
    print(f"telsim serving {sim.world_store.source} on {base}  (clock: {sim.clock.mode}, "
          f"x{sim.clock.speed}{', strict' if sim.strict.enabled else ''})", flush=True)
    for slug, listing in sim.providers.listings.items():  # the providers are built on first use
        hosts = ", ".join(listing.hosts)
        print(f"  {slug:<18} {base}/{slug}/   (Host: {hosts})", flush=True)
    print(f"  {'control':<18} {base}/_sim/   (OpenAPI: {base}/_sim/openapi.json)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await stop.wait()
    finally:
        print("telsim: stopping", flush=True)
        await runner.cleanup()


async def _close(access) -> None:
    access.close()


if __name__ == "__main__":
    sys.exit(main())
