"""A kubeconfig that points kubectl and the official client at a sandbox (plain HTTP, dummy token)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CONTEXT = "debugbot-sandbox"
TOKEN = "debugbot-sandbox-token"


def kubeconfig(url: str, *, namespace: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"name": CONTEXT, "cluster": {"server": url}}],
        "users": [{"name": CONTEXT, "user": {"token": TOKEN}}],
        "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT, "namespace": namespace}}],
        "current-context": CONTEXT,
    }


def write_kubeconfig(url: str, path: str | Path, *, namespace: str = "default") -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(yaml.safe_dump(kubeconfig(url, namespace=namespace), sort_keys=False))
    p.chmod(0o600)
    return p
