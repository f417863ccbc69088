"""The telsim command: serve, clean Ctrl-C, one-line errors."""
import json
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from simulator.cli import main


def telsim(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "simulator.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_providers_answers_and_stops_cleanly_on_ctrl_c():
    port = free_port()
    proc = telsim("serve", "--port", str(port), "--manual-clock", "--quiet")
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("telsim serving") and "manual" in lines[0]
        assert any(f"http://127.0.0.1:{port}/" in l for l in lines[1:])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sim/clock", timeout=10) as resp:
            assert json.load(resp)["mode"] == "manual"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "stopping" in out and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("args,needle", [
    (["serve", "--world", "/nonexistent/world.yaml"], "cannot read"),
    (["world", "validate", "/nonexistent/world.yaml"], "cannot read"),
    (["replay", "/nonexistent/scenario.yaml"], "cannot read"),
])
def test_errors_are_one_line_and_non_zero(args, needle):
    proc = telsim(*args)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert err.startswith("telsim: ") and needle in err and err.strip().count("\n") == 0


def test_port_in_use_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = telsim("serve", "--port", str(port), "--quiet")
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_speed_and_manual_clock_are_exclusive():
    proc = telsim("serve", "--speed", "10", "--manual-clock")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "not allowed with" in err


@pytest.mark.parametrize("args,env,needle", [
    (["serve", "--speed", "0"], {}, "--speed: must be above 0"),
    (["serve", "--speed", "fast"], {}, "--speed: not a number"),
    (["serve", "--port", "70000"], {}, "--port: not a port number"),
    (["serve", "--bogus"], {}, "unrecognized arguments: --bogus"),
    ([], {}, "required: command"),
    (["serve"], {"SIM_PORT": "http"}, "SIM_PORT='http' is not an integer"),
    (["serve"], {"SIM_SPEED": "-3"}, "SIM_SPEED=-3 is out of range"),
])
def test_bad_options_are_one_line_errors(args, env, needle, monkeypatch, capsys):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("telsim") and needle in err and err.count("\n") == 1, err
