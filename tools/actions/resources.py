"""set_resources: one container's limits and requests on a workload's pod template."""
from __future__ import annotations

from typing import Any

from tools.actions.base import Mutation, Obj, Target, containers
from tools.actions.kube import PatchType
from tools.actions.params import quantity
from tools.errors import InvalidArgs


def _check_order(name: str, requests: dict[str, Any], limits: dict[str, Any]) -> None:
    """Refuse a request above its limit here, with names, instead of a 422 from the server."""
    for res, req in requests.items():
        lim = limits.get(res)
        rq, lq = quantity(req), quantity(lim)
        if rq is not None and lq is not None and rq > lq:
            raise InvalidArgs(f"container {name}: requests.{res} {req} would exceed limits.{res} {lim}; "
                              f"raise limits.{res} too")


def _holds(obj: Obj | None, name: str, want: dict[str, dict[str, str]]) -> bool:
    if obj is None:
        return False
    found = next((c for c in containers(obj) if c.get("name") == name), None)
    if found is None:
        return False
    have = found.get("resources") or {}
    return all(quantity((have.get(part) or {}).get(res)) == quantity(qty)
               for part, values in want.items() for res, qty in values.items())


def build_resources(t: Target) -> Mutation:
    name: str = t.params.container
    names = [str(c.get("name")) for c in containers(t.live)]
    current = next((c for c in containers(t.live) if c.get("name") == name), None)
    if current is None:
        raise InvalidArgs(f"{t.where} has no container {name!r}; its containers: {', '.join(names)}")
    want = {part: dict(v) for part, v in (("limits", t.params.limits), ("requests", t.params.requests)) if v}
    have = current.get("resources") or {}
    _check_order(name, {**(have.get("requests") or {}), **want.get("requests", {})},
                 {**(have.get("limits") or {}), **want.get("limits", {})})
    body = {"spec": {"template": {"spec": {"containers": [{"name": name, "resources": want}]}}}}
    said = ", ".join(f"{part}.{res} {qty}" for part, values in want.items() for res, qty in values.items())
    return Mutation(
        ref=t.ref, patch_type=PatchType.STRATEGIC, body=body,
        summary=f"set {said} on container {name} of {t.where}",
        holds=lambda obj: _holds(obj, name, want), expect=f"{said} in place", readiness_ref=t.ref,
        details={"container": name, **want})
