"""The namespaced Role behind a workload's ServiceAccount: the object to fix when the API server refuses a verb.

A chart upgrade or an edit that trims a Role's verbs leaves the pods Running and Ready; their logs say
"User system:serviceaccount:NS:SA cannot VERB resource RES in API group G". When the Role bound to that
ServiceAccount is readable and grants no such verb, the fix is that Role's rules (a human edits RBAC),
not a rollback or a restart of the workload: its pod template never carried the permission.
"""
from __future__ import annotations

import re
from typing import Any

from agent.cluster import ClusterView, Obj, ref
from agent.evidence import log_signals
from agent.findings import Finding
from tools.models import ActionName, ObjectRef, ProposedAction

_CANNOT = re.compile(r'serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)\\*"?\s+cannot\s+(\w+)\s+resource\s+\\*"?'
                     r'([\w./-]+)\\*"?\s+in\s+API\s+group\s+\\*"?([\w.-]*)', re.I)
HINT = 0.1  # nothing until a log line shows the refusal


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        for wl in view.objects(kind):
            out += _bound_roles(view, wl)
    return out


def _bound_roles(view: ClusterView, wl: Obj) -> list[Finding]:
    ns = wl["metadata"].get("namespace")
    spec = ((wl.get("spec") or {}).get("template") or {}).get("spec") or {}
    sa = spec.get("serviceAccountName") or "default"
    out = []
    for rb in view.objects("RoleBinding", ns):
        role_ref = rb.get("roleRef") or {}
        bound = any(s.get("kind") == "ServiceAccount" and s.get("name") == sa
                    and s.get("namespace", ns) == ns for s in rb.get("subjects") or [])
        role = view.get("Role", ns, str(role_ref.get("name", ""))) if role_ref.get("kind") == "Role" else None
        if not bound or role is None:
            continue
        out.append(Finding("rbac.role", "access_denied", ref(role), HINT,
                           f"Role {ns}/{role['metadata']['name']} (bound to ServiceAccount {sa}) lacks a permission "
                           f"{wl['metadata']['name']} uses", [], affected=ref(wl),
                           action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(role),
                                                 rationale="grant the refused verb in this Role"),
                           data={"service_account": sa, "rules": role.get("rules") or []}))
    return out


def grants(rules: list[dict[str, Any]], *, verb: str, resource: str, group: str) -> bool:
    return any((group in (r.get("apiGroups") or []) or "*" in (r.get("apiGroups") or []))
               and (resource in (r.get("resources") or []) or "*" in (r.get("resources") or []))
               and (verb in (r.get("verbs") or []) or "*" in (r.get("verbs") or [])) for r in rules)


def confirm(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the workload's pods log a refusal for its ServiceAccount that the Role does not grant."""
    if f.affected is None or f.resource is None:
        return
    for sig in log_signals(observations, pod_prefix=f.affected.name + "-"):
        m = _CANNOT.search(sig.line)
        if sig.category != "access_denied" or not m or (m.group(1), m.group(2)) != (f.affected.namespace,
                                                                                      f.data.get("service_account")):
            continue
        verb, resource, group = m.group(3), m.group(4), m.group(5)
        if grants(list(f.data.get("rules") or []), verb=verb, resource=resource, group=group):
            continue
        _confirmed(f, f.resource, sig.line, verb=verb, resource=resource, group=group)
        return


def _confirmed(f: Finding, role: ObjectRef, line: str, *, verb: str, resource: str, group: str) -> None:
    where = f"{resource} in API group '{group}'" if group else f"{resource} in the core API group"
    f.score = 0.92
    f.summary = (f"Role {role.namespace}/{role.name} does not let ServiceAccount {f.data.get('service_account')} "
                 f"{verb} {resource}: {f.affected.name if f.affected else 'the workload'} is refused")
    f.facts += [f"{f.affected.name if f.affected else ''} logs: {line}",
                f"Role {role.name} rules grant no '{verb}' on {where}: "
                + "; ".join(f"{r.get('apiGroups')}/{r.get('resources')}: {r.get('verbs')}"
                            for r in f.data.get("rules") or [])[:400]]
    f.action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=role, rationale=(
        f"add '{verb}' to the verbs on {where} in Role {role.namespace}/{role.name} (in the chart that renders it); "
        f"a rollback or restart of {f.affected.name if f.affected else 'the workload'} changes nothing, the pod "
        f"template never carried the permission"))
