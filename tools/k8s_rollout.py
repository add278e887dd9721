"""Rollout history of a Deployment from its ReplicaSets, and what changed between consecutive revisions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, meta, name_of, selector_string
from tools.models import ToolResult, ToolStatus
from tools.redact import redact, redact_obj
from tools.redact_keys import key_kind
from tools.template_diff import Change, diff_templates
from tools.timefmt import when

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
MAX_REVISIONS = 6


class RolloutArgs(NamespacedArgs):
    deployment: str = Field(pattern=NAME_PATTERN, max_length=253, description="Deployment name")


def _revision(obj: Obj) -> int:
    try:
        return int((meta(obj).get("annotations") or {}).get(REVISION, 0))
    except ValueError:
        return 0


def _template(rs: Obj) -> Obj:
    return ((rs.get("spec") or {}).get("template") or {})


def _images(rs: Obj) -> str:
    return ", ".join(str(c.get("image")) for c in (_template(rs).get("spec") or {}).get("containers") or [])


def _safe_change(change: Change) -> str:
    """A diff line with secret-looking env values hidden (the fact that they changed is kept)."""
    if ".env[" in change.path:
        env_name = change.path.rsplit("[", 1)[-1].rstrip("]")
        if key_kind(env_name) is not None:
            return f"{change.path}: changed (value hidden: {key_kind(env_name)})"
        old = redact_obj({"name": env_name, "value": change.old})["value"]
        new = redact_obj({"name": env_name, "value": change.new})["value"]
        return Change(change.path, old, new).text()
    return redact(change.text())


def _revision_line(rs: Obj, current: int, now: datetime) -> str:
    rev, st = _revision(rs), rs.get("status") or {}
    ann = meta(rs).get("annotations") or {}
    cause = f' change-cause "{redact(str(ann[CHANGE_CAUSE]))}"' if ann.get(CHANGE_CAUSE) else ""
    mark = " (current)" if rev == current else ""
    return (f"revision {rev}{mark}: ReplicaSet {name_of(rs)}, created {when(meta(rs).get('creationTimestamp'), now)}, "
            f"{st.get('readyReplicas', 0)}/{(rs.get('spec') or {}).get('replicas', 0)} ready, image {_images(rs)}{cause}")


def rollout_history(args: RolloutArgs, ctx: ToolContext) -> ToolResult:
    """Revisions (from ReplicaSets: revision, change-cause, created, image) and a field-level diff between each."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    dep = kube.get(f"/apis/apps/v1/namespaces/{args.namespace}/deployments/{args.deployment}")
    sel = selector_string((dep.get("spec") or {}).get("selector"))
    uid = meta(dep).get("uid")
    rss = [rs for rs in kube.items(f"/apis/apps/v1/namespaces/{args.namespace}/replicasets", {"labelSelector": sel})
           if any(r.get("uid") == uid or (r.get("kind") == "Deployment" and r.get("name") == args.deployment)
                  for r in meta(rs).get("ownerReferences") or [])]
    rss.sort(key=_revision)
    current = _revision(dep)
    shown = rss[-MAX_REVISIONS:]
    lines = [f"Deployment {args.namespace}/{args.deployment}: current revision {current}, "
             f"{len(rss)} ReplicaSet(s) kept" + (f", last {len(shown)} shown" if len(rss) > len(shown) else "")]
    lines += [_revision_line(rs, current, now) for rs in shown]
    diffs: list[dict[str, Any]] = []
    for old, new in zip(shown, shown[1:]):
        changes = [_safe_change(c) for c in diff_templates(_template(old), _template(new))]
        lines.append(f"changes revision {_revision(old)} -> revision {_revision(new)} "
                     f"({when(meta(new).get('creationTimestamp'), now)}):")
        lines += [f"  {c}" for c in changes] or ["  no pod-template change (a restart or scale only)"]
        diffs.append({"from": _revision(old), "to": _revision(new), "changes": changes,
                      "at": str(meta(new).get("creationTimestamp"))})
    data = {"current": current, "revisions": [{"revision": _revision(rs), "replicaset": name_of(rs),
                                               "created": meta(rs).get("creationTimestamp"), "image": _images(rs),
                                               "change_cause": (meta(rs).get("annotations") or {}).get(CHANGE_CAUSE)}
                                              for rs in rss], "diffs": diffs}
    status = ToolStatus.OK if rss else ToolStatus.NO_DATA
    if not rss:
        lines.append("no ReplicaSets found for this Deployment")
    return ToolResult(status=status, invocation=kube.invocation, text="\n".join(lines), data=data)
