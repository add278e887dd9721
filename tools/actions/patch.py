"""patch_resource: an allow-listed strategic-merge patch, and the check that each field it sets is in place."""
from __future__ import annotations

import copy
from typing import Any

from tools.actions.allowlist import check_patch_allowed
from tools.actions.base import Mutation, Target
from tools.actions.kube import PatchType
from tools.actions.params import quantity

_QUANTITY_KEYS = frozenset({"limits", "requests", "capacity", "storage"})
_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})


def _same(have: Any, want: Any, *, qty: bool) -> bool:
    if have == want:
        return True
    return qty and quantity(have) is not None and quantity(have) == quantity(want)


def patch_holds(have: Any, want: Any, *, qty: bool = False) -> bool:
    """Whether `have` shows every field `want` (a strategic-merge patch) sets; list items match by content."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return not want
        for key, value in want.items():
            if key.startswith("$"):
                continue  # directives ($patch, $setElementOrder/...) are instructions, not fields
            if value is None:
                if have.get(key) is not None:
                    return False
            elif not patch_holds(have.get(key), value, qty=qty or key in _QUANTITY_KEYS):
                return False
        return True
    if isinstance(want, list) and want and all(isinstance(i, dict) for i in want) and isinstance(have, list):
        return all(any(patch_holds(h, w, qty=qty) for h in have) for w in want)
    return _same(have, want, qty=qty)


def build_patch(t: Target) -> Mutation:
    patch: dict[str, Any] = copy.deepcopy(t.params.patch)
    leaves = check_patch_allowed(t.ref.kind, patch, t.settings)
    fields = ", ".join(dict.fromkeys(leaves))
    return Mutation(
        ref=t.ref, patch_type=PatchType.STRATEGIC, body=patch,
        summary=f"patched {t.where} ({fields})",
        holds=lambda obj: obj is not None and patch_holds(obj, patch), expect="patched fields in place",
        readiness_ref=t.ref if t.ref.kind in _WORKLOADS else None, details={"fields": leaves})
