"""A read-only view over an Inventory: owners, pods of a workload, events of an object, revisions."""
from __future__ import annotations

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
        ns = workload.get("metadata", {}).get("namespace")
        target = key(workload)
        return [p for p in self.objects("Pod", ns) if key(self.workload_of(p)) == target]

    def replicasets_of(self, deployment: Obj) -> list[Obj]:
        """ReplicaSets owned by the Deployment, newest revision first."""
        ns = deployment["metadata"].get("namespace")
        name = deployment["metadata"]["name"]
        rss = [rs for rs in self.objects("ReplicaSet", ns)
               if any(o.get("kind") == "Deployment" and o.get("name") == name
                      for o in rs["metadata"].get("ownerReferences") or [])]
        return sorted(rss, key=revision, reverse=True)

    def events_for(self, obj: Obj, *, include_children: bool = True) -> list[Obj]:
        """Events about the object (and its ReplicaSets and Pods), newest first."""
        names = {(obj.get("kind"), obj["metadata"].get("name"))}
        if include_children and obj.get("kind") in WORKLOAD_KINDS:
            names |= {("Pod", p["metadata"]["name"]) for p in self.pods_of(obj)}
            if obj.get("kind") == "Deployment":
                names |= {("ReplicaSet", rs["metadata"]["name"]) for rs in self.replicasets_of(obj)}
        ns = obj["metadata"].get("namespace")
        evs = [e for e in self.objects("Event", ns)
               if (e.get("involvedObject", {}).get("kind"), e.get("involvedObject", {}).get("name")) in names]
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
