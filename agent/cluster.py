"""A read-only view over an Inventory: owners, pods of a workload, events of an object, revisions."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tools.inventory import Inventory
from tools.models import ObjectRef

Obj = dict[str, Any]
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job")


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return None


def ref(obj: Obj) -> ObjectRef:
    meta = obj.get("metadata", {})
    return ObjectRef(kind=obj.get("kind", ""), namespace=meta.get("namespace"), name=meta.get("name", ""))


def key(obj: Obj) -> tuple[str, str | None, str]:
    meta = obj.get("metadata", {})
    return obj.get("kind", ""), meta.get("namespace"), meta.get("name", "")


def revision(obj: Obj) -> int:
    ann = obj.get("metadata", {}).get("annotations") or {}
    try:
        return int(ann.get("deployment.kubernetes.io/revision", "0"))
    except ValueError:
        return 0


@dataclass
class ClusterView:
    inv: Inventory
    now: datetime
    _owner_cache: dict[tuple[str, str | None, str], Obj | None] = field(default_factory=dict)
    # built on first use: analyzers ask for the pods and events of every workload, and a scan of all
    # pods or events per question is quadratic in a 5,000-pod cluster
    _groups: dict[str, dict[Hashable, list[Obj]]] = field(default_factory=dict)

    def _grouped(self, name: str, objs: Callable[[], Iterable[Obj]],
                 keys: Callable[[Obj], Iterable[Hashable]]) -> dict[Hashable, list[Obj]]:
        if name not in self._groups:
            groups: dict[Hashable, list[Obj]] = {}
            for obj in objs():
                for k in keys(obj):
                    groups.setdefault(k, []).append(obj)
            self._groups[name] = groups
        return self._groups[name]

    def objects(self, kind: str, namespace: str | None = None) -> list[Obj]:
        return self.inv.of(kind, namespace)

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        return self.inv.get(kind, namespace, name)

    def owner(self, obj: Obj) -> Obj | None:
        """The controlling owner (one level)."""
        ns = obj.get("metadata", {}).get("namespace")
        for ref_ in obj.get("metadata", {}).get("ownerReferences") or []:
            if ref_.get("controller", True):
                return self.get(ref_.get("kind", ""), ns, ref_.get("name", ""))
        return None

    def workload_of(self, obj: Obj) -> Obj:
        """Walk owners up to the top workload (Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob)."""
        k = key(obj)
        if k in self._owner_cache:
            return self._owner_cache[k] or obj
        top, seen = obj, 0
        while seen < 4:
            parent = self.owner(top)
            if parent is None:
                break
            top, seen = parent, seen + 1
        self._owner_cache[k] = top
        return top

    def pods_of(self, workload: Obj) -> list[Obj]:
        by_workload = self._grouped("pods", lambda: self.objects("Pod"), lambda p: [key(self.workload_of(p))])
        return list(by_workload.get(key(workload), []))

    def replicasets_of(self, deployment: Obj) -> list[Obj]:
        """ReplicaSets owned by the Deployment, newest revision first."""
        by_owner = self._grouped("replicasets", lambda: self.objects("ReplicaSet"), lambda rs: [
            (rs["metadata"].get("namespace"), o.get("name")) for o in rs["metadata"].get("ownerReferences") or []
            if o.get("kind") == "Deployment"])
        rss = by_owner.get((deployment["metadata"].get("namespace"), deployment["metadata"]["name"]), [])
        return sorted(rss, key=revision, reverse=True)

    def events_for(self, obj: Obj, *, include_children: bool = True) -> list[Obj]:
        """Events about the object (and its ReplicaSets and Pods), newest first."""
        names = {(obj.get("kind"), obj["metadata"].get("name"))}
        if include_children and obj.get("kind") in WORKLOAD_KINDS:
            names |= {("Pod", p["metadata"]["name"]) for p in self.pods_of(obj)}
            if obj.get("kind") == "Deployment":
                names |= {("ReplicaSet", rs["metadata"]["name"]) for rs in self.replicasets_of(obj)}
        ns = obj["metadata"].get("namespace")
        by_object = self._grouped("events", lambda: self.objects("Event"), lambda e: [(
            e.get("involvedObject", {}).get("kind"), e.get("involvedObject", {}).get("name"))])
        evs = [e for k in names for e in by_object.get(k, [])
               if ns is None or e.get("metadata", {}).get("namespace") == ns]  # a Node's events: any namespace
        return sorted(evs, key=event_last_seen, reverse=True)

    def age_minutes(self, when: datetime | None) -> float | None:
        return None if when is None else (self.now - when).total_seconds() / 60.0


def event_last_seen(ev: Obj) -> datetime:
    t = (parse_time(ev.get("lastTimestamp")) or parse_time(ev.get("eventTime"))
         or parse_time(ev.get("firstTimestamp")) or parse_time(ev.get("metadata", {}).get("creationTimestamp")))
    return t or datetime(1970, 1, 1, tzinfo=timezone.utc)


def event_first_seen(ev: Obj) -> datetime:
    return (parse_time(ev.get("firstTimestamp")) or parse_time(ev.get("eventTime"))
            or event_last_seen(ev))
