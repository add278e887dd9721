"""Fixtures for the read-tool tests: a scenario served by the sandbox, and a ToolContext pointed at it."""
from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.server import SandboxServer
from tools.context import ToolContext, build_context
from tools.settings import Settings
from tools.timefmt import parse_time


@dataclass
class Served:
    """A running sandbox for one scenario, the scenario document, and a context that reads it."""

    server: SandboxServer
    doc: dict[str, Any]
    ctx: ToolContext
    kubeconfig: Path

    @property
    def now(self) -> datetime:
        now = parse_time(self.doc["now"])
        assert now is not None
        return now


def planted_secrets(doc: dict[str, Any]) -> list[str]:
    """Every value held in the scenario's Secrets (decoded) long enough to be recognisable: never to be shown."""
    out = []
    for o in doc["cluster"]["objects"]:
        if o["kind"] == "Secret":
            out += [str(v) for v in (o.get("stringData") or {}).values()]
            out += [_b64(str(v)) for v in (o.get("data") or {}).values()]
    return [v for v in out if len(v) >= 8]


def _b64(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode(errors="replace")
    except ValueError:
        return value  # not base64: the scenario wrote the value in clear


def load_doc(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    return doc


def _start(path: Path, directory: Path, *, forbid_secrets: bool = False, **settings: Any) -> Served:
    doc = load_doc(path)
    server = SandboxServer(path, forbid_secrets=forbid_secrets).start()
    kubeconfig = server.write_kubeconfig(directory / f"kubeconfig-{server.port}")
    now = parse_time(doc["now"])
    assert now is not None
    st = Settings(**({"kubeconfig": str(kubeconfig), "prometheus_url": server.prometheus_url,
                      "jaeger_url": server.jaeger_url} | settings))
    return Served(server=server, doc=doc, ctx=build_context(st, now=lambda: now), kubeconfig=kubeconfig)


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """serve(path, forbid_secrets=False, **settings): a fresh sandbox (faults may be injected); stopped after."""
    started: list[Served] = []

    def _serve(path: Path, *, forbid_secrets: bool = False, **settings: Any) -> Served:
        started.append(_start(path, tmp_path, forbid_secrets=forbid_secrets, **settings))
        return started[-1]

    yield _serve
    for served in started:
        served.server.stop()


@pytest.fixture(scope="session")
def serve_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Served]]:
    """serve_shared(path): one sandbox per scenario for the whole session, for tests that only read
    (no fault injection, no mutation, default settings); big scenarios take seconds to load."""
    cache: dict[Path, Served] = {}
    directory = tmp_path_factory.mktemp("shared-sandboxes")

    def _serve(path: Path) -> Served:
        if path not in cache:
            cache[path] = _start(path, directory)
        return cache[path]

    yield _serve
    for served in cache.values():
        served.server.stop()


NOW = "2026-01-01T12:00:00Z"


def obj(kind: str, name: str, namespace: str | None = "web", *, api: str = "v1", labels: dict[str, str] | None = None,
        created: str = "2026-01-01T10:00:00Z", **body: Any) -> dict[str, Any]:
    """A Kubernetes object in API form, for hand-made test scenarios."""
    meta: dict[str, Any] = {"name": name, "uid": f"uid-{kind.lower()}-{name}", "creationTimestamp": created}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    meta |= body.pop("metadata", {})
    return {"apiVersion": api, "kind": kind, "metadata": meta, **body}


def write_scenario(directory: Path, name: str, objects: list[dict[str, Any]], *,
                   logs: list[dict[str, Any]] | None = None, metrics: list[dict[str, Any]] | None = None) -> Path:
    """A valid scenario file (FORMAT.md) holding just these objects, logs and metrics."""
    doc = {"format": 1, "id": name, "title": "hand-made test scenario", "now": NOW,
           "trigger": {"command": "test"},
           "cluster": {"objects": objects, "logs": logs or []},
           "metrics": metrics or [],
           "truth": {"category": "no_fault", "resource": None, "evidence": ["test"],
                     "remediation": {"accepted": [{"action": "recommend_only"}], "checks": [], "forbidden": []}}}
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
