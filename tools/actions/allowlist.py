"""Policy decided in code before any write: which kinds each action fits, namespaces, the patch allow-list."""
from __future__ import annotations

from typing import Any

from tools.actions.kube import write_kind
from tools.errors import InvalidArgs, NotAllowed
from tools.models import ActionName, ObjectRef
from tools.settings import Settings

ACTION_KINDS: dict[ActionName, tuple[str, ...]] = {
    ActionName.ROLLBACK_DEPLOYMENT: ("Deployment",),
    ActionName.RESTART_WORKLOAD: ("Deployment", "StatefulSet", "DaemonSet"),
    ActionName.SCALE_WORKLOAD: ("Deployment", "StatefulSet", "ReplicaSet"),
    ActionName.DELETE_POD: ("Pod",),
    ActionName.SET_RESOURCES: ("Deployment", "StatefulSet", "DaemonSet"),
}
SENSITIVE_KINDS = frozenset({"Secret", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
                             "ServiceAccount"})
MERGE_KEYS = frozenset({"name"})  # list items' identity in a strategic-merge patch, not a change


def canonical_target(action: ActionName, target: ObjectRef | None) -> ObjectRef:
    """The target with its kind spelled as the API spells it; refused when the action does not fit it."""
    if target is None:
        raise InvalidArgs(f"{action.value} needs a target {{kind, namespace, name}}")
    kind = write_kind(target.kind)
    fits = ACTION_KINDS.get(action)
    if fits is not None and kind.kind not in fits:
        raise NotAllowed(f"{action.value} works on {' / '.join(fits)} only, not on {kind.kind}")
    if kind.namespaced and not target.namespace:
        raise InvalidArgs(f"{kind.kind} is namespaced: the target needs a namespace")
    return ObjectRef(kind=kind.kind, namespace=target.namespace if kind.namespaced else None, name=target.name)


def check_scope(ref: ObjectRef, settings: Settings) -> None:
    """Refuse a namespace outside DEBUGBOT_ALLOWED_NAMESPACES (and cluster-scoped kinds when it is set)."""
    allowed = settings.allowed_namespaces
    if not allowed:
        return
    if ref.namespace is None:
        raise NotAllowed(f"{ref.kind} is cluster-scoped and DEBUGBOT_ALLOWED_NAMESPACES limits debugbot "
                         f"to {', '.join(allowed)}")
    if ref.namespace not in allowed:
        raise NotAllowed(f"namespace {ref.namespace!r} is not in DEBUGBOT_ALLOWED_NAMESPACES "
                         f"({', '.join(allowed)}): debugbot may not change anything there")


def check_sensitive(kind: str, settings: Settings) -> None:
    if kind in SENSITIVE_KINDS and not settings.allow_secret_and_rbac_patches:
        raise NotAllowed(f"patching a {kind} is refused: Secrets and RBAC objects are off limits unless an "
                         "operator sets DEBUGBOT_ALLOW_SECRET_AND_RBAC_PATCHES=true")


def patch_leaves(value: Any, path: str = "") -> list[str]:
    """The dotted paths a strategic-merge patch writes; list items add "<list>.<field>" paths."""
    if isinstance(value, dict) and value:
        out: list[str] = []
        for key, sub in value.items():
            out += patch_leaves(sub, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
        out = []
        for item in value:
            for key, sub in item.items():
                if key not in MERGE_KEYS:
                    out += patch_leaves(sub, f"{path}.{key}")
        return out
    return [path]


def allowed_prefixes(kind: str, settings: Settings) -> list[str]:
    prefixes = []
    for entry in settings.patch_allowlist:
        entry_kind, _, prefix = entry.partition(":")
        if entry_kind.strip().lower() == kind.lower() and prefix.strip():
            prefixes.append(prefix.strip())
    return prefixes


def check_patch_allowed(kind: str, patch: dict[str, Any], settings: Settings) -> list[str]:
    """The patch's leaf paths, or NotAllowed naming the first one outside the allow-list for the kind."""
    check_sensitive(kind, settings)
    prefixes = allowed_prefixes(kind, settings)
    leaves = patch_leaves(patch)
    for leaf in leaves:
        if not any(leaf == p or leaf.startswith(p + ".") for p in prefixes):
            allowed = ", ".join(prefixes) if prefixes else "nothing"
            raise NotAllowed(f"patch_resource refused: {leaf} is not in the patch allow-list for {kind} "
                             f"(DEBUGBOT_PATCH_ALLOWLIST allows {allowed} for {kind})")
    return leaves
