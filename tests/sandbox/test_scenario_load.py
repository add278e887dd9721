"""Loading scenarios: every example loads; every kind of bad file is refused with file, path and reason."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.scenario import ScenarioError, load_scenario, parse_duration, resolve_time
from sandbox.server import SandboxServer
from tests.conftest import shared_scenarios
from tests.sandbox.conftest import PAYMENT

BASE: dict[str, Any] = yaml.safe_load(PAYMENT.read_text())


def write(tmp_path: Path, doc: dict[str, Any], name: str = "payment-bad-rollout") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return err.value


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_every_example_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.id == path.stem and scenario.now.tzinfo is not None
    assert scenario.objects and scenario.truth["category"]


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nid: broken\ncluster:\n  objects: [\n    {kind: Pod\n")
    err = refused(path)
    assert str(err).startswith(f"{path}: line ") and "not valid YAML" in str(err)


def test_an_unknown_kind_is_refused_with_its_path(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["cluster"]["objects"][1]["kind"] = "Deploymint"
    err = refused(write(tmp_path, doc))
    assert f"{tmp_path / 'payment-bad-rollout.yaml'}: cluster.objects[1].kind: unknown kind 'Deploymint'" in str(err)


def test_a_kind_in_the_wrong_api_version_names_the_served_one(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["cluster"]["objects"][1]["apiVersion"] = "extensions/v1beta1"
    assert "the sandbox serves Deployment as apps/v1" in str(refused(write(tmp_path, doc)))


def test_a_misspelt_field_is_refused_with_its_full_path(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    container = doc["cluster"]["objects"][4]["spec"]["containers"][0]
    container["imagee"] = container.pop("image")
    err = refused(write(tmp_path, doc))
    assert "cluster.objects[4].spec.containers[0].imagee: unknown field (misspelt?)" in str(err)


def test_duplicate_objects_are_refused(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["cluster"]["objects"].append(copy.deepcopy(doc["cluster"]["objects"][1]))
    err = refused(write(tmp_path, doc))
    assert f"cluster.objects[{len(doc['cluster']['objects']) - 1}]: duplicate Deployment prod/payment" in str(err)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["cluster"]["objects"][4]["metadata"]["ownerReferences"][0]["name"] = "gone"
    doc["cluster"]["logs"][0]["pod"] = "ghost"
    doc["metrics"][0]["values"] = ["410e6"]
    doc["truth"]["category"] = "gremlins"
    err = refused(write(tmp_path, doc))
    assert len(err.problems) == 4
    assert "cluster.objects[4].metadata.ownerReferences[0]: owner ReplicaSet gone is not among cluster.objects" in err.problems
    assert any(p.startswith("cluster.logs[0].pod: pod prod/ghost") for p in err.problems)
    assert any(p.startswith("metrics[0].values: must be numbers") for p in err.problems)
    assert "truth.category: 'gremlins' is not one of the categories" in err.problems


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    err = refused(write(tmp_path, copy.deepcopy(BASE), name="other-name"))
    assert "id: 'payment-bad-rollout' must equal the file name 'other-name'" in str(err)


def test_a_server_refuses_a_bad_scenario_before_listening(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    del doc["truth"]
    with pytest.raises(ScenarioError, match="truth: missing"):
        SandboxServer(write(tmp_path, doc))


def test_durations_and_times() -> None:
    now = datetime(2026, 11, 24, 14, 32, tzinfo=timezone.utc)
    assert parse_duration("-60m") == timedelta(minutes=-60)
    assert parse_duration("15s") == timedelta(seconds=15)
    assert parse_duration("2h") == timedelta(hours=2)
    assert resolve_time("-30m", now) == datetime(2026, 11, 24, 14, 2, tzinfo=timezone.utc)
    assert resolve_time("2026-11-24T10:00:00+02:00", now) == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_duration("-47h30m")
