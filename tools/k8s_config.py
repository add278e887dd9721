"""Configuration and ad-hoc reads: ConfigMaps (redacted values, who wrote them) and jq over any listable kind."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.jqfilter import jq_filter
from tools.k8s_cluster import OptionalNameArgs
from tools.k8s_common import NAME_PATTERN, Obj, meta, name_of, owner_of
from tools.k8s_kinds import kind_info
from tools.models import ToolResult, ToolStatus
from tools.redact import redact, redact_obj
from tools.timefmt import when

MAX_VALUE_CHARS = 800
MAX_LISTED = 40


class JqArgs(BaseModel):
    namespace: str | None = Field(None, pattern=NAME_PATTERN, description="namespace; omit for all/cluster-scoped")
    kind: str = Field(min_length=2, max_length=60, description="kind to list, e.g. Pod, Deployment, Node (not Secret)")
    program: str = Field(min_length=1, max_length=1000, description="a jq program run over the List, e.g. "
                         "'.items[] | {name: .metadata.name, phase: .status.phase}'")


def _writers(cm: Obj) -> str:
    """Who last wrote the object (managedFields), newest first: 'terraform Apply 18h ago'."""
    fields = sorted(meta(cm).get("managedFields") or [], key=lambda f: str(f.get("time", "")), reverse=True)
    return ", ".join(f"{f.get('manager', '?')} {f.get('operation', '')} at {f.get('time', '?')}" for f in fields[:3])


def _configmap_lines(cm: Obj, ctx: ToolContext) -> list[str]:
    data = redact_obj(cm.get("data") or {})
    lines = [f"ConfigMap {meta(cm).get('namespace')}/{name_of(cm)}: {len(data)} key(s), created "
             f"{when(meta(cm).get('creationTimestamp'), ctx.now())}"]
    writers = _writers(cm)
    if writers:
        lines.append(f"written by: {writers}")
    for key, value in sorted(data.items()):
        text = redact(str(value))
        cut = f" ... ({len(text) - MAX_VALUE_CHARS} more chars)" if len(text) > MAX_VALUE_CHARS else ""
        block = text[:MAX_VALUE_CHARS]
        lines.append(f"{key}: {block}{cut}" if "\n" not in block else f"{key}: |\n  " + block.replace("\n", "\n  ") + cut)
    for key in sorted((cm.get("binaryData") or {})):
        lines.append(f"{key}: (binary)")
    return lines


def _refs(pod: Obj, cm_name: str) -> list[str]:
    """How one pod uses the ConfigMap: 'volume config', 'env CNI_MTU<-veth_mtu', 'envFrom'."""
    spec = pod.get("spec") or {}
    out = [f"volume {v.get('name')}" for v in spec.get("volumes") or []
           if (v.get("configMap") or {}).get("name") == cm_name
           or any((s.get("configMap") or {}).get("name") == cm_name for s in (v.get("projected") or {}).get("sources") or [])]
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        for e in c.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("configMapKeyRef") or {}
            if ref.get("name") == cm_name:
                out.append(f"env {e.get('name')}<-{ref.get('key')} ({c.get('name')})")
        if any((ef.get("configMapRef") or {}).get("name") == cm_name for ef in c.get("envFrom") or []):
            out.append(f"envFrom ({c.get('name')})")
    return out


def users_of(pods: list[Obj], cm_name: str) -> tuple[list[str], list[str]]:
    """Lines grouping the pods that use a ConfigMap by owner, and the names of those pods."""
    by_owner: dict[str, tuple[list[str], set[str]]] = {}
    for pod in pods:
        refs = _refs(pod, cm_name)
        if refs:
            names, how = by_owner.setdefault(owner_of(pod) or f"Pod/{name_of(pod)}", ([], set()))
            names.append(name_of(pod))
            how.update(refs)
    lines = [f"used by {owner}: {len(names)} pod(s) ({', '.join(sorted(names)[:6])}) via {', '.join(sorted(how))}"
             for owner, (names, how) in sorted(by_owner.items())]
    return lines or ["used by no pod in the namespace"], sorted(n for names, _ in by_owner.values() for n in names)


def config_maps(args: OptionalNameArgs, ctx: ToolContext) -> ToolResult:
    """A ConfigMap's keys and (redacted) values and who last wrote it; without a name, the names and keys of all."""
    ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    base = f"/api/v1/namespaces/{args.namespace}/configmaps"
    if args.name:
        cm = kube.get(f"{base}/{args.name}")
        used_by, pod_names = users_of(kube.items(f"/api/v1/namespaces/{args.namespace}/pods"), args.name)
        lines = _configmap_lines(cm, ctx)
        lines[1:1] = used_by
        return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(lines),
                          data={"name": args.name, "data": redact_obj(cm.get("data") or {}), "used_by_pods": pod_names})
    cms = kube.items(base)
    lines = [f"{len(cms)} ConfigMap(s) in {args.namespace}:"]
    lines += [f"  {name_of(c)}: keys {', '.join(sorted(c.get('data') or {})) or 'none'}" for c in cms[:MAX_LISTED]]
    rows: list[dict[str, Any]] = [{"name": name_of(c), "keys": sorted(c.get("data") or {})} for c in cms]
    return ToolResult(status=ToolStatus.OK if cms else ToolStatus.NO_DATA, invocation=kube.invocation,
                      text="\n".join(lines), data=rows)


def k8s_jq(args: JqArgs, ctx: ToolContext) -> ToolResult:
    """Run a jq program over a redacted List of any readable kind (Secrets are never fetched)."""
    info = kind_info(args.kind)
    if args.namespace:
        ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    doc = redact_obj(kube.get(info.path(args.namespace if info.namespaced else None)))
    items = [i for i in doc.get("items") or []
             if not info.namespaced or ctx.namespace_allowed(str((i.get("metadata") or {}).get("namespace", "")))]
    for item in items:
        (item.get("metadata") or {}).pop("managedFields", None)
    doc["items"] = items
    return jq_filter(doc, args.program, max_tokens=ctx.settings.tool_output_tokens, source=kube.invocation)
