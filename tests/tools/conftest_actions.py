"""Helpers for the action tests: a scenario served by the sandbox and a ToolContext pointed at it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sandbox.server import SandboxServer
from tests.conftest import SHARED_SCENARIOS
from tools.context import ToolContext, build_context
from tools.models import ActionName, ObjectRef, ProposedAction
from tools.settings import load_settings


def scenario(scenario_id: str) -> Path:
    return SHARED_SCENARIOS / f"{scenario_id}.yaml"


@contextmanager
def served(scenario_id: str, tmp_path: Path, **settings: Any) -> Iterator[tuple[SandboxServer, ToolContext]]:
    """The scenario on a loopback port, and a context whose kubeconfig points at it."""
    with SandboxServer(scenario(scenario_id)) as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        options: dict[str, Any] = {"kubeconfig": str(kubeconfig), "verify_timeout_s": 2.0, "k8s_timeout_s": 2.0}
        options.update(settings)
        yield server, build_context(load_settings(**options))


def proposal(action: str, kind: str, namespace: str | None, name: str, **params: Any) -> ProposedAction:
    return ProposedAction(action=ActionName(action), target=ObjectRef(kind=kind, namespace=namespace, name=name),
                          params=params)


def stored(server: SandboxServer, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
    """The object as the sandbox holds it now (bypassing the API), to check what really changed."""
    import copy

    obj = server.world.get(kind, namespace, name)
    return copy.deepcopy(obj) if obj is not None else None


def someone_edits(ctx: ToolContext, kind: str, namespace: str, name: str) -> None:
    """Another client changes the object (an annotation), so its resourceVersion moves on."""
    from tools.actions.kube import Kube, PatchType

    Kube(ctx.k8s, 5.0).patch(ObjectRef(kind=kind, namespace=namespace, name=name),
                             {"metadata": {"annotations": {"edited-by": "someone-else"}}},
                             patch_type=PatchType.MERGE, dry_run=False)
