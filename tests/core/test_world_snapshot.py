"""The default world's JSON snapshot: exactly the YAML's data, and never used once stale."""
import json
from datetime import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from simulator.world import DEFAULT_WORLD, load_world, read_world_file, validate_world
from simulator.world import loader
from simulator.world.snapshot import load_snapshot, snapshot_text


def same(a, b) -> bool:
    """Equal with the same types and key order all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k, l) for k, l in zip(a, b)) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def parse_yaml(source: bytes):
    return yaml.load(source.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_the_snapshot_is_exactly_the_yaml_data():
    source = DEFAULT_WORLD.read_bytes()
    data = load_snapshot(source)
    assert data is not None, "default.snapshot.json is stale: run python -m simulator.contracts"
    assert same(data, parse_yaml(source))


def test_the_default_world_is_read_from_the_snapshot_and_equals_the_parsed_yaml(monkeypatch):
    from_snapshot = read_world_file(DEFAULT_WORLD)
    monkeypatch.setattr(loader, "_default_world_snapshot", lambda: None)
    from_yaml = read_world_file(DEFAULT_WORLD)
    assert same(from_snapshot, from_yaml)
    assert validate_world(from_snapshot) == validate_world(from_yaml)


def test_each_read_is_a_fresh_copy():
    first = read_world_file(DEFAULT_WORLD)
    first["seed"] = -1
    first["providers"].clear()
    assert load_world()[1].seed != -1 and read_world_file(DEFAULT_WORLD)["providers"]


def test_a_snapshot_of_other_bytes_is_never_used(tmp_path):
    source = DEFAULT_WORLD.read_bytes()
    assert load_snapshot(source + b"\n# edited\n") is None
    assert load_snapshot(source.replace(b"seed: 20261123", b"seed: 1")) is None
    path = tmp_path / "snap.json"
    for text in ("", "{not json", json.dumps({"format": 99, "source_sha256": "x", "data": {}}), "[]"):
        path.write_text(text)
        assert load_snapshot(source, path) is None
    assert load_snapshot(source, tmp_path / "missing.json") is None


def test_an_edited_default_world_is_parsed_from_its_yaml(tmp_path, monkeypatch):
    edited = tmp_path / "default.yaml"
    edited.write_bytes(DEFAULT_WORLD.read_bytes().replace(b"seed: 20261123", b"seed: 77"))
    monkeypatch.setattr(loader, "DEFAULT_WORLD", edited)
    assert read_world_file(edited)["seed"] == 77
    assert load_world()[1].seed == 77


def test_a_value_json_cannot_keep_is_refused_when_writing():
    with pytest.raises(TypeError, match="quote it"):
        snapshot_text(b"x", {"clock": {"start": datetime(2026, 1, 1)}})


yaml_keys = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(),
                      st.floats(allow_nan=False))
yaml_scalars = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(),
                         st.floats(allow_nan=False))
yaml_data = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(yaml_keys, inner, max_size=4)),
    max_leaves=30)


@pytest.fixture(scope="module")
def snapshot_path(tmp_path_factory):
    return tmp_path_factory.mktemp("snapshot") / "snap.json"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=yaml_data)
def test_any_yaml_data_comes_back_exactly(snapshot_path, data):
    snapshot_path.write_text(snapshot_text(b"source", data), encoding="utf-8")
    assert same(load_snapshot(b"source", snapshot_path), data)
    assert load_snapshot(b"other source", snapshot_path) is None
