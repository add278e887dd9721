"""Storage: PVCs with their PersistentVolume, StorageClass, node pinning, and the pods that mount them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from tools.context import ToolContext
from tools.errors import NotFound
from tools.k8s_client import Kube
from tools.k8s_cluster import OptionalNameArgs
from tools.k8s_common import Obj, name_of
from tools.models import ToolResult, ToolStatus
from tools.timefmt import when


def _get_or_none(kube: Kube, path: str) -> Obj | None:
    try:
        return kube.get(path)
    except NotFound:
        return None


def _pv_text(pv: Obj | None) -> str:
    if pv is None:
        return "volume: not found"
    spec, st = pv.get("spec") or {}, pv.get("status") or {}
    source = next((k for k in ("local", "hostPath", "csi", "nfs", "awsElasticBlockStore", "gcePersistentDisk",
                               "azureDisk") if k in spec), "?")
    detail = spec.get(source) or {}
    where = detail.get("path") or detail.get("driver") or detail.get("volumeHandle") or ""
    pinned = []
    for term in ((spec.get("nodeAffinity") or {}).get("required") or {}).get("nodeSelectorTerms") or []:
        for expr in term.get("matchExpressions") or []:
            pinned.append(f"{expr.get('key')} {expr.get('operator')} {','.join(expr.get('values') or [])}")
    return (f"PV {name_of(pv)}: {st.get('phase', '?')}, {source} {where}, capacity "
            f"{(spec.get('capacity') or {}).get('storage', '?')}, reclaim {spec.get('persistentVolumeReclaimPolicy', '?')}"
            + (f", pinned to node ({'; '.join(pinned)})" if pinned else ""))


def _sc_text(sc: Obj | None, name: str | None) -> str:
    if sc is None:
        return f"StorageClass {name or '(default)'}: not found"
    return (f"StorageClass {name_of(sc)}: provisioner {sc.get('provisioner')}, binding "
            f"{sc.get('volumeBindingMode', 'Immediate')}, expansion {sc.get('allowVolumeExpansion', False)}")


def _users(pods: list[Obj], claim: str) -> list[str]:
    out = []
    for pod in pods:
        spec = pod.get("spec") or {}
        if any((v.get("persistentVolumeClaim") or {}).get("claimName") == claim for v in spec.get("volumes") or []):
            out.append(f"{name_of(pod)} ({(pod.get('status') or {}).get('phase', '?')} on "
                       f"{spec.get('nodeName') or 'unscheduled'})")
    return out


def _pvc_lines(kube: Kube, pvc: Obj, pods: list[Obj], now: datetime) -> tuple[list[str], dict[str, Any]]:
    spec, st = pvc.get("spec") or {}, pvc.get("status") or {}
    volume, sc_name = spec.get("volumeName"), spec.get("storageClassName")
    requested = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "?")
    lines = [f"pvc {name_of(pvc)}: {st.get('phase', '?')}, requested {requested}, capacity "
             f"{(st.get('capacity') or {}).get('storage', '-')}, access {','.join(spec.get('accessModes') or [])}, "
             f"storageClass {sc_name or '(default)'}, volume {volume or '(unbound)'}"]
    lines += [f"  condition {c}" for c in (f"{x.get('type')}={x.get('status')} {x.get('message', '')}"
                                           for x in st.get("conditions") or [])]
    pv = _get_or_none(kube, f"/api/v1/persistentvolumes/{volume}") if volume else None
    if volume:
        lines.append("  " + _pv_text(pv))
    sc = _get_or_none(kube, f"/apis/storage.k8s.io/v1/storageclasses/{sc_name}") if sc_name else None
    lines.append("  " + _sc_text(sc, sc_name))
    users = _users(pods, name_of(pvc))
    lines.append(f"  mounted by {len(users)} pod(s): {', '.join(users) or 'none'}")
    return lines, {"name": name_of(pvc), "phase": st.get("phase"), "volume": volume, "storage_class": sc_name,
                   "mounted_by": users, "created": when((pvc.get("metadata") or {}).get("creationTimestamp"), now)}


def pvc_status(args: OptionalNameArgs, ctx: ToolContext) -> ToolResult:
    """PVCs (one or all in a namespace) with their PV, StorageClass, node pinning and the pods mounting them."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    base = f"/api/v1/namespaces/{args.namespace}/persistentvolumeclaims"
    pvcs = [kube.get(f"{base}/{args.name}")] if args.name else kube.items(base)
    pods = kube.items(f"/api/v1/namespaces/{args.namespace}/pods") if pvcs else []
    lines, data = [f"{len(pvcs)} PVC(s) in {args.namespace}"], []
    for pvc in pvcs:
        more, row = _pvc_lines(kube, pvc, pods, now)
        lines += more
        data.append(row)
    return ToolResult(status=ToolStatus.OK if pvcs else ToolStatus.NO_DATA, invocation=kube.invocation,
                      text="\n".join(lines), data=data)
