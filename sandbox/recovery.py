"""A scenario's `recovery`: after a mutation, the first due item changes the world once."""
from __future__ import annotations

import copy
from typing import Any

from sandbox.checks import all_hold
from sandbox.controllers import owned_by
from sandbox.logs import block_container
from sandbox.world import World, object_key

Obj = dict[str, Any]


def apply_due_recovery(world: World) -> int | None:
    """Apply the first not-yet-applied item whose `when` checks all hold; its index, or None."""
    with world.lock:
        for index, item in enumerate(world.scenario.recovery):
            if index in world.applied_recoveries:
                continue
            if all_hold(list(item.get("when") or []), world):
                apply_item(world, item.get("apply") or {})
                world.applied_recoveries.append(index)
                return index
        return None


def apply_item(world: World, apply: dict[str, Any]) -> None:
    """Upserts, then deletes, then log blocks and metric series replaced by identity."""
    for obj in apply.get("upsert") or []:
        _upsert(world, copy.deepcopy(obj))
    for ref in apply.get("delete") or []:
        world.remove(str(ref["kind"]), ref.get("namespace"), str(ref["name"]))
    for block in apply.get("logs") or []:
        _replace_log(world, copy.deepcopy(block))
    for series in apply.get("metrics") or []:
        _replace_series(world, copy.deepcopy(series))
    world.touch()


def _upsert(world: World, obj: Obj) -> None:
    """Replace same kind/namespace/name; a recovered ReplicaSet supersedes simulated ones."""
    if obj.get("kind") == "ReplicaSet":
        for ref in obj["metadata"].get("ownerReferences") or []:
            owner = world.get(str(ref.get("kind")), obj["metadata"].get("namespace"), str(ref.get("name")))
            if owner is None:
                continue
            for rs in owned_by(world, "ReplicaSet", owner):
                if object_key(rs) in world.simulated:
                    world.remove(*object_key(rs))
    old = world.get(*object_key(obj))
    if old is not None and "uid" not in obj["metadata"]:
        obj["metadata"]["uid"] = old["metadata"].get("uid")
    obj["metadata"].pop("resourceVersion", None)
    world.link(obj)
    world.put(obj)


def _log_identity(world: World, block: Obj) -> tuple[Any, Any, Any, bool]:
    return block.get("namespace"), block.get("pod"), block_container(world, block), bool(block.get("previous"))


def _replace_log(world: World, block: Obj) -> None:
    ident = _log_identity(world, block)
    kept = [b for b in world.logs if _log_identity(world, b) != ident]
    position = next((i for i, b in enumerate(world.logs) if _log_identity(world, b) == ident), len(kept))
    kept.insert(min(position, len(kept)), block)
    world.logs = kept


def _labels(series: Obj) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in (series.get("labels") or {}).items()))


def _replace_series(world: World, series: Obj) -> None:
    ident = _labels(series)
    for i, existing in enumerate(world.metrics):
        if _labels(existing) == ident:
            world.metrics[i] = series
            return
    world.metrics.append(series)
