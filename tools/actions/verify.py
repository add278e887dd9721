"""Look again after a write: poll until the change shows (bounded), then report readiness."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tools.actions.base import Mutation, Obj, dig, meta
from tools.actions.kube import Kube
from tools.errors import NotFound, ToolError
from tools.models import ObjectRef

POLL_S = 0.5


@dataclass
class Verification:
    verified: bool
    text: str  # "template in place, 2/2 ready" or why not
    readiness: str | None = None
    resource_version: str | None = None


def _read(kube: Kube, ref: ObjectRef) -> Obj | None:
    try:
        return kube.read(ref)
    except NotFound:
        return None


def readiness(obj: Obj | None) -> str | None:
    """"2/2 ready" for a workload (with "rollout in progress" while the controller catches up)."""
    if not obj:
        return None
    status = obj.get("status") or {}
    if obj.get("kind") == "DaemonSet":
        ready, desired = status.get("numberReady") or 0, status.get("desiredNumberScheduled") or 0
    else:
        ready, desired = status.get("readyReplicas") or 0, dig(obj, "spec", "replicas")
        desired = 1 if desired is None else desired
    text = f"{ready}/{desired} ready"
    observed, generation = status.get("observedGeneration"), meta(obj).get("generation")
    if observed is not None and generation is not None and int(observed) < int(generation):
        text += " (rollout in progress)"
    return text


def verify(m: Mutation, kube: Kube, *, timeout_s: float, sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic) -> Verification:
    """Re-read the target every POLL_S until `m.holds` or timeout_s; a read error is retried, then reported."""
    deadline = clock() + timeout_s
    last_error = ""
    while True:
        try:
            obj = _read(kube, m.ref)
            if m.holds(obj):
                return _landed(m, kube, obj)
            last_error = ""
        except ToolError as exc:
            last_error = str(exc)
        if clock() >= deadline:
            why = f"could not look again: {last_error}" if last_error else \
                f"{m.expect} not seen within {timeout_s:g}s"
            return Verification(False, f"not verified: {why}")
        sleep(min(POLL_S, max(0.0, deadline - clock())))


def _landed(m: Mutation, kube: Kube, obj: Obj | None) -> Verification:
    ready = None
    if m.readiness_ref is not None:
        try:
            ready = readiness(obj if m.readiness_ref == m.ref else _read(kube, m.readiness_ref))
        except ToolError:
            ready = None
    text = m.expect + (f", {ready}" if ready else "")
    return Verification(True, text, ready, meta(obj).get("resourceVersion") if obj else None)
