"""Network detectors: at perceive over the cluster view, and later over the tools' observations."""
from __future__ import annotations

from typing import Any

from agent.cluster import ClusterView
from agent.findings import Finding
from agent.state import Observation


def analyze(view: ClusterView) -> list[Finding]:
    return []


def observe(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    return []
