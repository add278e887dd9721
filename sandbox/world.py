"""The mutable served state of one scenario: objects, logs, metrics, traces, versions."""
from __future__ import annotations

import json
import builtins
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sandbox import kinds
from sandbox.defaults import apply_defaults
from sandbox.scenario import Scenario, format_time, parse_time

Key = tuple[str, "str | None", str]
Obj = dict[str, Any]


def object_key(obj: Obj) -> Key:
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace") if kinds.is_namespaced(str(obj.get("kind"))) else None
    return str(obj.get("kind")), ns, str(meta.get("name"))


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data; far faster than copy.deepcopy for thousands of objects."""
    return json.loads(json.dumps(value))


def stable_uid(key: Key) -> str:
    """A deterministic uid for objects the scenario gave none (or the sandbox derived)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"debugbot-sandbox/{key[0]}/{key[1] or ''}/{key[2]}"))


class World:
    """Everything the APIs serve, guarded by one RLock; `version` bumps on every change.

    Objects handed out by get/list are the stored dicts: callers copy before changing them.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.now = scenario.now
        self.lock = threading.RLock()
        self.version = 0
        self.applied_recoveries: list[int] = []
        self.metrics: list[dict[str, Any]] = clone(scenario.metrics)
        self.traces: list[dict[str, Any]] = clone(scenario.traces)
        self.logs: list[dict[str, Any]] = clone(scenario.logs)
        self.simulated: set[Key] = set()  # ReplicaSets made by the rollout simulation
        self._store: dict[str, dict[tuple[str | None, str], Obj]] = {}
        self._encoded: dict[tuple[str, str, str | None, str], tuple[str, bytes]] = {}
        self._rv = 1000
        self._load(clone(scenario.objects))

    # ---- reading -------------------------------------------------------------------
    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        ns = namespace if kinds.is_namespaced(kind) else None
        with self.lock:
            return self._store.get(kind, {}).get((ns, name))

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        """Objects of a kind, in one namespace or all, sorted as etcd keys are."""
        with self.lock:
            items = self._store.get(kind, {})
            keys = sorted(k for k in items if namespace is None or k[0] == namespace)
            return [items[k] for k in keys]

    @property
    def resource_version(self) -> str:
        return str(self._rv)

    def encoded(self, obj: Obj, *, tag: str = "",
                transform: Callable[[Obj], Obj] | None = None) -> bytes:
        """The object's JSON (or a view of it: `tag` names the view), cached per resourceVersion."""
        key = (tag, *object_key(obj))
        rv = str((obj.get("metadata") or {}).get("resourceVersion", ""))
        with self.lock:
            stored = self.get(*key[1:]) is obj
            hit = self._encoded.get(key)
            if stored and hit is not None and hit[0] == rv:
                return hit[1]
            data = json.dumps(transform(obj) if transform else obj, separators=(",", ":")).encode()
            if stored:
                self._encoded[key] = (rv, data)
            return data

    # ---- writing -------------------------------------------------------------------
    def next_rv(self) -> str:
        with self.lock:
            self._rv += 1
            return str(self._rv)

    def put(self, obj: Obj) -> Obj:
        """Store (create or replace) an object with a fresh resourceVersion; bumps `version`."""
        with self.lock:
            meta = obj.setdefault("metadata", {})
            key = object_key(obj)
            old = self.get(*key)
            meta.setdefault("uid", (old or {}).get("metadata", {}).get("uid") or stable_uid(key))
            meta.setdefault("creationTimestamp", format_time(self.now))
            meta["resourceVersion"] = self.next_rv()
            self._store.setdefault(key[0], {})[(key[1], key[2])] = apply_defaults(obj)
            self.version += 1
            return obj

    def remove(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        with self.lock:
            ns = namespace if kinds.is_namespaced(kind) else None
            gone = self._store.get(kind, {}).pop((ns, name), None)
            if gone is not None:
                self.simulated.discard((kind, ns, name))
                self.next_rv()
                self.version += 1
            return gone

    def touch(self) -> None:
        """Record a change that is not an object write (logs, metrics)."""
        with self.lock:
            self.version += 1

    # ---- loading -------------------------------------------------------------------
    def _load(self, objects: builtins.list[Obj]) -> None:
        given = [int(rv) for o in objects
                 if str(rv := (o.get("metadata") or {}).get("resourceVersion", "")).isdigit()]
        self._rv = max([self._rv, *given])
        for obj in objects:
            self._insert(obj)
        self._derive_namespaces()
        self._link_references()
        self.version = 0

    def _insert(self, obj: Obj) -> None:
        """Store as loaded: keep a scenario's numeric resourceVersion, else assign one."""
        meta = obj.setdefault("metadata", {})
        key = object_key(obj)
        if not meta.get("uid"):
            meta["uid"] = stable_uid(key)
        meta.setdefault("creationTimestamp", format_time(self.now))
        if not str(meta.get("resourceVersion", "")).isdigit():
            meta["resourceVersion"] = self.next_rv()
        self._store.setdefault(key[0], {})[(key[1], key[2])] = apply_defaults(obj)

    def _derive_namespaces(self) -> None:
        """Every namespace used (and `default`) exists as a Namespace object, as in a cluster."""
        born: dict[str, str] = {}
        for items in self._store.values():
            for (ns, _), obj in items.items():
                created = str(obj["metadata"].get("creationTimestamp"))
                for name in (ns, "default"):  # `default` is as old as the oldest object
                    if name is not None and (name not in born or parse_time(created) < parse_time(born[name])):
                        born[name] = created
        for ns, created in sorted(born.items()):
            if self.get("Namespace", None, ns) is None:
                self._insert({"apiVersion": "v1", "kind": "Namespace", "metadata": {
                    "name": ns, "creationTimestamp": created,
                    "labels": {"kubernetes.io/metadata.name": ns}},
                    "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})

    def _link_references(self) -> None:
        for items in self._store.values():
            for obj in items.values():
                self.link(obj)

    def link(self, obj: Obj) -> None:
        """Owner references carry their owner's uid and events their object's uid, as in a cluster."""
        ns = obj["metadata"].get("namespace")
        for ref in obj["metadata"].get("ownerReferences") or []:
            owner = self.get(str(ref.get("kind")), ns, str(ref.get("name")))
            if owner is not None:
                ref["uid"] = owner["metadata"]["uid"]
        involved = obj.get("involvedObject") if obj.get("kind") == "Event" else None
        if isinstance(involved, dict) and not involved.get("uid"):
            target = self.get(str(involved.get("kind")), involved.get("namespace"), str(involved.get("name")))
            if target is not None:
                involved["uid"] = target["metadata"]["uid"]
