"""Compose one investigation against the sandbox: server, settings, tool context and graph."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph

from agent.graph import build_graph
from agent.live import LiveToolbox
from agent.reasoners import make_reasoner
from sandbox.scenario import Scenario, load_scenario
from sandbox.server import SandboxServer
from tools.context import ToolContext, build_context
from tools.settings import Settings, load_settings


@dataclass
class Session:
    scenario: Scenario
    server: SandboxServer
    settings: Settings
    ctx: ToolContext
    toolbox: LiveToolbox
    graph: CompiledStateGraph[Any, Any, Any, Any]




def trigger_of(scenario: Scenario) -> dict[str, Any]:
    trig = scenario.trigger
    out: dict[str, Any] = {"alert": trig["alert"]} if "alert" in trig else {"text": trig.get("command", "")}
    out.update({k: trig[k] for k in ("channel", "user") if k in trig})
    return out


@contextmanager
def sandbox_session(path: str | Path, *, checkpointer: BaseCheckpointSaver[Any] | None = None,
                    **overrides: Any) -> Iterator[Session]:
    """Serve the scenario on loopback and wire the product against it exactly as against a real cluster."""
    scenario = load_scenario(path)
    with SandboxServer(scenario) as server, tempfile.TemporaryDirectory(prefix="debugbot-") as tmp:
        kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig")
        settings = load_settings(kubeconfig=str(kubeconfig), prometheus_url=server.prometheus_url, verify_timeout_s=3.0,
                                 jaeger_url=server.jaeger_url, **overrides)
        ctx = build_context(settings, now=lambda: scenario.now)
        toolbox = LiveToolbox(ctx)
        graph = build_graph(make_reasoner(settings), toolbox, checkpointer or InMemorySaver(), settings=settings)
        yield Session(scenario, server, settings, ctx, toolbox, graph)
