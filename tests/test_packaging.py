"""Packaging: Dockerfile, docker-compose.yml and pyproject.toml agree with the code.

No Docker engine is needed: the files are parsed and checked against the CLI's parser, the
provider registry and the control API (served in-process on loopback).
"""
from __future__ import annotations

import importlib
import json
import re
import shlex
import tomllib
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from simulator.cli import build_parser
from simulator.providers.registry import discover

ROOT = Path(__file__).resolve().parents[1]

HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


# ----------------------------------------------------------------- helpers
def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _service() -> dict:
    return _compose()["services"]["telsim"]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return out


def _exec_form(args: str) -> list[str]:
    """An exec-form (JSON array) instruction argument; shell form is refused on purpose
    (a shell would be PID 1 and swallow SIGTERM, so the server would not stop cleanly)."""
    assert args.startswith("["), f"use the exec (JSON array) form, not {args!r}"
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def _option(command: list[str], name: str) -> str | None:
    for i, word in enumerate(command):
        if word == name and i + 1 < len(command):
            return command[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def _registered_hosts() -> dict[str, tuple[str, ...]]:
    return {slug: tuple(cls.hosts) for slug, cls in discover().items()}


def _aliases() -> list[str]:
    networks = _service()["networks"]
    assert isinstance(networks, dict), "networks must be a map so that aliases can be given"
    aliases: list[str] = []
    for net in networks.values():
        aliases.extend((net or {}).get("aliases", []))
    return aliases


def _check_serve_command(command: list[str], where: str) -> None:
    assert command[0] == "telsim", f"{where}: runs {command[0]!r}, not the telsim console script"
    try:
        args = build_parser().parse_args(command[1:])
    except SystemExit as exc:  # argparse reports to stderr and exits
        pytest.fail(f"{where}: {shlex.join(command)!r} is refused by the CLI (exit {exc.code})")
    assert args.command == "serve", f"{where}: not `telsim serve`"
    assert args.host == "0.0.0.0", f"{where}: must listen on 0.0.0.0 inside the container"
    assert args.port == 8080, f"{where}: must listen on 8080 (EXPOSE and the published port)"
    if args.world is not None:
        assert args.world.is_absolute(), f"{where}: --world must be a path inside the image"


# -------------------------------------------------------------- compose
def test_compose_command_parses_with_the_cli():
    command = _service()["command"]
    assert isinstance(command, list), "give the command as a list (no shell word splitting)"
    _check_serve_command(command, "docker-compose.yml")


def test_compose_publishes_8080_on_loopback_only():
    ports = _service()["ports"]
    assert ports, "the service must publish its port"
    for spec in ports:
        if isinstance(spec, dict):  # long syntax
            assert spec.get("host_ip") == "127.0.0.1", spec
            assert int(spec["target"]) == 8080 and int(spec.get("published", 8080)) > 0, spec
        else:
            host_ip, published, target = str(spec).rsplit(":", 2)
            assert host_ip == "127.0.0.1", f"{spec}: publish on the host's loopback only"
            assert target.split("/")[0] == "8080", spec


def test_every_provider_host_is_a_network_alias():
    aliases = _aliases()
    assert len(aliases) == len(set(aliases)), "an alias is listed twice"
    for alias in aliases:
        assert HOSTNAME.match(alias), f"{alias!r} is not a host name"
    hosts = _registered_hosts()
    known = {h for hs in hosts.values() for h in hs}
    missing = {slug: [h for h in hs if h not in aliases] for slug, hs in hosts.items()}
    missing = {slug: hs for slug, hs in missing.items() if hs}
    assert not missing, f"add these provider hosts to the telsim network aliases: {missing}"
    stray = sorted(set(aliases) - known)
    assert not stray, f"aliases that are no provider's host: {stray}"


def test_healthcheck_path_is_in_the_control_api():
    test = _service()["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")
    text = " ".join(test[1:])
    urls = re.findall(r"https?://[^\s'\"]+", text)
    assert urls, f"no URL in the healthcheck {test}"
    for url in urls:
        parts = urlsplit(url)
        assert parts.hostname in ("127.0.0.1", "localhost"), url
        assert parts.port == 8080, url
        assert parts.path == "/_sim/health", url
    assert test[1] == "python", "python:3.11-slim has no curl/wget: check with python"


async def test_health_route_answers(simulator):
    async with simulator.request("GET", "/_sim/health") as resp:
        assert resp.status == 200
        assert (await resp.json())["status"] == "ok"


# ------------------------------------------------------------- Dockerfile
def test_dockerfile_cmd_parses_with_the_cli():
    instructions = _dockerfile_instructions()
    cmds = [args for word, args in instructions if word == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    assert not [a for w, a in instructions if w == "ENTRYPOINT"], \
        "an ENTRYPOINT would change how CMD and the compose command are run"
    _check_serve_command(_exec_form(cmds[-1]), "Dockerfile CMD")


def test_dockerfile_base_install_user_and_port():
    instructions = _dockerfile_instructions()
    froms = [a for w, a in instructions if w == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim"
    runs = " ".join(a for w, a in instructions if w == "RUN")
    assert re.search(r"pip install /\S+", runs) and not re.search(r"pip install[^&]*(-e|--editable)", runs), \
        "install the package (not editable): the image runs what a user's pip install gives"
    users = [a for w, a in instructions if w == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "run as a non-root user"
    exposed = {p.split("/")[0] for w, a in instructions if w == "EXPOSE" for p in a.split()}
    assert "8080" in exposed
    health = [a for w, a in instructions if w == "HEALTHCHECK"]
    for h in health:
        assert "/_sim/health" in h


def test_dockerignore_keeps_local_junk_out():
    lines = {l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines()
             if l.strip() and not l.startswith("#")}
    for needed in (".venv", ".git"):
        assert needed in lines, f".dockerignore must exclude {needed}"
    for kept in ("scenarios", "simulator", "pyproject.toml", "contracts"):
        assert kept not in lines, f".dockerignore must not exclude {kept}"


# -------------------------------------------------------------- pyproject
def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _resolve(target: str):
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


def test_pyproject_console_script_and_plugin_entry_point():
    project = _pyproject()["project"]
    assert project["name"] == "telephony-simulator"
    assert project["scripts"] == {"telsim": "simulator.cli:main"}
    assert callable(_resolve(project["scripts"]["telsim"]))
    assert project["entry-points"]["pytest11"] == {"telsim": "simulator.testing.plugin"}
    plugin = _resolve(project["entry-points"]["pytest11"]["telsim"])
    assert hasattr(plugin, "simulator") and hasattr(plugin, "callback_sink")


def test_installed_metadata_matches_pyproject():
    try:
        dist = metadata.distribution("telephony-simulator")
    except metadata.PackageNotFoundError:
        pytest.skip("telephony-simulator is not installed")
    eps = {(ep.group, ep.name): ep.value for ep in dist.entry_points}
    assert eps.get(("console_scripts", "telsim")) == "simulator.cli:main", \
        "reinstall (pip install -e .): the installed console script is stale"
    assert eps.get(("pytest11", "telsim")) == "simulator.testing.plugin"


def test_every_file_the_package_reads_is_package_data():
    """A non-editable install carries only the modules and these patterns: each data file
    inside simulator/ (the default world among them) must match one."""
    from fnmatch import fnmatch

    from simulator.world import DEFAULT_WORLD

    package = ROOT / "simulator"
    assert DEFAULT_WORLD.is_relative_to(package) and DEFAULT_WORLD.is_file()
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["*"]
    data = [p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]
    assert DEFAULT_WORLD in data
    for path in data:
        assert any(fnmatch(path.name, pattern) for pattern in patterns), \
            f"{path.relative_to(ROOT)} would be missing from an installed package"
        assert (path.parent / "__init__.py").is_file(), f"{path.parent} is not a package"


def test_python_versions_and_the_spyne_shim():
    project = _pyproject()["project"]
    assert project["requires-python"] == ">=3.11"
    assert any(d.startswith("legacy-cgi") and "python_version >= '3.13'" in d
               for d in project["dependencies"]), "spyne imports cgi, gone from 3.13's standard library"
    import simulator.spyne_compat as compat
    import sys

    assert compat.SixMovesFinder in sys.meta_path
    from spyne.util.six.moves import http_cookies  # noqa: F401  (a six.moves import works)
