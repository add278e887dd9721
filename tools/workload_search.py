"""Free text to workloads: token matching on names, labels and namespaces, with namespace hints."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tools.errors import UpstreamError
from tools.k8s_client import Kube
from tools.k8s_common import Obj, labels_of, meta, name_of
from tools.k8s_kinds import kind_info

if TYPE_CHECKING:
    from tools.context import ToolContext

SEARCH_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Service")
_KIND_RANK = {k: i for i, k in enumerate(SEARCH_KINDS)}
_LABEL_KEYS = ("app", "app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of",
               "component", "team", "tier", "k8s-app")
_STOP = frozenset({"the", "a", "an", "in", "on", "of", "for", "is", "are", "and", "to", "at", "with", "from",
                   "namespace", "ns", "pod", "pods", "service", "svc", "deployment", "app", "why", "what", "my"})
MAX_HITS = 10


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", text.lower()) if t and t not in _STOP]


def _token_score(t: str, name: str, name_tokens: list[str], label_tokens: set[str], ns: str) -> float:
    score = 0.0
    if t == name:
        score += 6
    elif t in name_tokens:
        score += 4
    elif len(t) >= 4 and any(len(n) >= 4 and (n.startswith(t) or t.startswith(n)) for n in name_tokens):
        score += 2
    elif t in label_tokens:
        score += 1.5
    if t == ns or t in ns.split("-"):
        score += 1
    return score


def _status(kind: str, obj: Obj) -> str:
    st, spec = obj.get("status") or {}, obj.get("spec") or {}
    if kind in ("Deployment", "StatefulSet"):
        return f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)} ready"
    if kind == "DaemonSet":
        return f"{st.get('numberReady', 0)}/{st.get('desiredNumberScheduled', 0)} ready"
    if kind == "Job":
        return f"active {st.get('active', 0)}, succeeded {st.get('succeeded', 0)}, failed {st.get('failed', 0)}"
    if kind == "CronJob":
        return f"schedule {spec.get('schedule')!r}, last {st.get('lastScheduleTime', '-')}"
    return f"selector {spec.get('selector') or 'none'}"


def _namespaces(kube: Kube) -> list[str]:
    try:
        return [name_of(n) for n in kube.items("/api/v1/namespaces")]
    except UpstreamError:
        return []


def _hint(query: str, known: list[str]) -> list[str]:
    words = set(re.findall(r"[a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9]", query.lower()))
    return [ns for ns in known if ns in words]


def _list(kube: Kube, kind: str, scope: list[str] | None) -> list[Obj]:
    info = kind_info(kind)
    if scope is None:
        return kube.items(info.path())
    return [o for ns in scope for o in kube.items(info.path(ns))]


def search_workloads(kube: Kube, ctx: ToolContext, query: str,
                     namespaces: list[str] | None) -> tuple[list[dict[str, Any]], str]:
    """Ranked hits and a note on the namespaces searched."""
    scope = ctx.scope(namespaces)
    hinted = _hint(query, scope if scope is not None else _namespaces(kube))
    if hinted:
        scope = hinted
    tokens = _tokens(query)
    hits: list[dict[str, Any]] = []
    for kind in SEARCH_KINDS:
        for obj in _list(kube, kind, scope):
            name, ns = name_of(obj), str(meta(obj).get("namespace", ""))
            if not ctx.namespace_allowed(ns):
                continue
            labels = labels_of(obj)
            label_tokens = {t for k in _LABEL_KEYS if k in labels for t in _tokens(labels[k])}
            score = sum(_token_score(t, name, name.split("-"), label_tokens, ns) for t in tokens)
            if hinted and not score:
                score = 0.5  # a namespace-only query lists what is in the namespace
            if score > 0:
                hits.append({"kind": kind, "namespace": ns, "name": name, "score": score,
                             "status": _status(kind, obj), "labels": labels})
    hits.sort(key=lambda h: (-h["score"], _KIND_RANK[h["kind"]], len(h["name"])))
    note = f"namespaces {', '.join(scope)}" if scope else "all namespaces"
    if hinted:
        note += " (from the query)"
    return hits[:MAX_HITS], note
