"""Planning: validate, read the target, build the write, dry-run it on the server, diff it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tools.actions.allowlist import canonical_target, check_scope
from tools.actions.base import Mutation, Obj, Target, meta
from tools.actions.diff import object_diff
from tools.actions.kube import Kube
from tools.actions.params import parse_params
from tools.actions.patch import build_patch
from tools.actions.resources import build_resources
from tools.actions.results import NO_CHANGE, ActionPlanResult
from tools.actions.rollback import build_rollback
from tools.actions.workload import build_delete_pod, build_restart, build_scale, scale_view
from tools.context import ToolContext
from tools.errors import ToolError, UpstreamError
from tools.models import ActionName, ProposedAction

BUILDERS: dict[ActionName, Callable[[Target], Mutation]] = {
    ActionName.ROLLBACK_DEPLOYMENT: build_rollback,
    ActionName.RESTART_WORKLOAD: build_restart,
    ActionName.SCALE_WORKLOAD: build_scale,
    ActionName.DELETE_POD: build_delete_pod,
    ActionName.SET_RESOURCES: build_resources,
    ActionName.PATCH_RESOURCE: build_patch,
}
MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


@dataclass
class Prepared:
    kube: Kube
    live: Obj
    mutation: Mutation

    @property
    def resource_version(self) -> str | None:
        rv = meta(self.live).get("resourceVersion")
        return str(rv) if rv else None


def prepare(action: ProposedAction, ctx: ToolContext) -> Prepared:
    """Everything short of a write: params, policy, the live target, the mutation built from it."""
    params = parse_params(action.action, action.params)
    ref = canonical_target(action.action, action.target)
    check_scope(ref, ctx.settings)
    kube = Kube(ctx.k8s, ctx.settings.k8s_timeout_s)
    live = kube.read(ref)
    target = Target(ref=ref, live=live, params=params, kube=kube, settings=ctx.settings, now=ctx.now)
    return Prepared(kube, live, BUILDERS[action.action](target))


def send(p: Prepared, *, dry_run: bool, resource_version: str | None) -> Obj:
    """The mutation's one request, with the resourceVersion as precondition."""
    m = p.mutation
    if m.patch_type is None:
        return p.kube.delete(m.ref, dry_run=dry_run, resource_version=resource_version,
                             uid=meta(p.live).get("uid"))
    return p.kube.patch(m.ref, m.body_with_precondition(resource_version), patch_type=m.patch_type,
                        dry_run=dry_run, subresource=m.subresource)


def _diff_lines(p: Prepared, dry: Obj) -> list[str]:
    m = p.mutation
    if m.patch_type is None:
        return [f"{m.ref.label()}: deleted"]
    if m.subresource == "scale":
        return object_diff(scale_view(p.live), scale_view(dry))
    return object_diff(p.live, dry)


def _failed(action: ProposedAction, error: str, *, rv: str | None = None, noop: bool = False) -> ActionPlanResult:
    return ActionPlanResult(ok=False, action=action, diff="", resource_version=rv, error=error, noop=noop)


def plan_action(action: ProposedAction, ctx: ToolContext) -> ActionPlanResult:
    """Validate and dry-run one action; every failure is ok=False with a message a human can act on."""
    if not action.mutating:
        return ActionPlanResult(ok=True, action=action, diff=NO_CHANGE, resource_version=None)
    try:
        p = prepare(action, ctx)
        m = p.mutation
        if m.noop:
            return _failed(action, f"no change: {m.noop}", rv=p.resource_version, noop=True)
        dry = send(p, dry_run=True, resource_version=p.resource_version)
        lines = _diff_lines(p, dry)
    except ToolError as exc:
        return _failed(action, str(exc))
    except MALFORMED as exc:
        return _failed(action, str(UpstreamError(f"unexpected object shape: {type(exc).__name__}: {exc}")))
    if not lines:
        return _failed(action, f"no change: the server-side dry run shows {m.ref.label()} would stay as it is",
                       rv=p.resource_version, noop=True)
    diff = "\n".join(lines + ([f"({m.note})"] if m.note else []))
    return ActionPlanResult(ok=True, action=action, diff=diff, resource_version=p.resource_version,
                            dry_run_object=dry)


def describe(action: ProposedAction) -> dict[str, Any]:
    return {"action": action.action.value, "target": action.target.label() if action.target else None}
