"""What every action builds from the live object: one write, how to verify it, and how to say it."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tools.actions.kube import Kube, PatchType
from tools.models import ObjectRef
from tools.settings import Settings

Obj = dict[str, Any]
HASH_LABEL = "pod-template-hash"


@dataclass
class Target:
    """The input of a builder: the object as read just now, its typed params, and the clients."""

    ref: ObjectRef
    live: Obj
    params: Any
    kube: Kube
    settings: Settings
    now: Callable[[], datetime]

    @property
    def where(self) -> str:
        """"deployment prod/payment", as a sentence names it."""
        ns = f"{self.ref.namespace}/" if self.ref.namespace else ""
        return f"{self.ref.kind.lower()} {ns}{self.ref.name}"


@dataclass
class Mutation:
    """One write (a PATCH, or a DELETE when patch_type is None) and the check that shows it landed."""

    ref: ObjectRef
    summary: str  # past tense, for Slack: "scaled deployment prod/api from 2 to 4 replicas"
    holds: Callable[[Obj | None], bool]  # over the re-read target (None: it is gone)
    expect: str  # what `holds` means, for the verdict: "template in place"
    patch_type: PatchType | None = None
    body: Any = None
    subresource: str | None = None
    noop: str = ""  # non-empty: nothing to do, and why
    note: str = ""  # a line the approval card shows under the diff
    readiness_ref: ObjectRef | None = None  # whose ready/desired to report after it landed
    details: dict[str, Any] = field(default_factory=dict)

    def body_with_precondition(self, resource_version: str | None) -> Any:
        """The body carrying metadata.resourceVersion, so the server answers 409 if it moved."""
        body = copy.deepcopy(self.body)
        if not resource_version:
            return body
        if self.patch_type is PatchType.JSON:
            return [*body, {"op": "replace", "path": "/metadata/resourceVersion", "value": resource_version}]
        if isinstance(body, dict):
            body.setdefault("metadata", {})["resourceVersion"] = resource_version
        return body


def meta(obj: Obj | None) -> Obj:
    return ((obj or {}).get("metadata") or {}) if isinstance(obj, dict) else {}


def dig(obj: Any, *path: str) -> Any:
    """obj[p0][p1]... or None at the first missing step."""
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def controller_of(obj: Obj) -> Obj | None:
    """The ownerReference with controller=true, if any."""
    return next((r for r in meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


def prune(value: Any) -> Any:
    """Nulls, empty maps and empty lists dropped: `resources: {}` and no key mean the same."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def template_identity(template: Any) -> Any:
    """A pod template compared as `kubectl rollout undo` does: without the pod-template-hash label."""
    t = copy.deepcopy(template) if isinstance(template, dict) else {}
    labels = dig(t, "metadata", "labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return prune(t)


def containers(obj: Obj) -> list[Obj]:
    """The pod template's containers of a workload (or a Pod's own)."""
    spec = dig(obj, "spec", "template", "spec") if obj.get("kind") != "Pod" else obj.get("spec")
    return [c for c in (spec or {}).get("containers") or [] if isinstance(c, dict)]
