"""Shared pieces of the scenb scenario builders: clock, deterministic ids, node flavours, container states."""
from __future__ import annotations

import copy
import hashlib
import math
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "scenarios"
ALNUM = "bcdfghjklmnpqrstvwxz2456789"
DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]

# ---------------------------------------------------------------- time and ids

_REL = re.compile(r"([+-]?)((?:\d+(?:\.\d+)?[dhms])+)$")


def parse_rel(text: str) -> timedelta:
    m = _REL.match(text)
    if not m:
        raise ValueError(f"not a relative time: {text!r}")
    total = 0.0
    for num, unit in re.findall(r"(\d+(?:\.\d+)?)([dhms])", m.group(2)):
        total += float(num) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[unit]
    return timedelta(seconds=-total if m.group(1) == "-" else total)


def ago(d: float = 0, h: float = 0, m: float = 0, s: float = 0) -> str:
    """A relative time in seconds: ago(h=17, m=21, s=40) == "-62500s"."""
    return f"-{int(d * 86400 + h * 3600 + m * 60 + s)}s"


class Clock:
    """The scenario's `now` and conversions from relative times ("-35m", "-2d3h", "+20s")."""

    def __init__(self, now: str) -> None:
        self.now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        self.now_s = now

    def dt(self, when: str | datetime) -> datetime:
        if isinstance(when, datetime):
            return when
        if when[0] in "+-" or when[0].isdigit() and when[-1] in "dhms" and "T" not in when:
            return self.now + parse_rel(when)
        return datetime.fromisoformat(when.replace("Z", "+00:00"))

    def ts(self, when: str | datetime) -> str:
        return self.dt(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ms(self, when: str | datetime) -> str:
        d = self.dt(when).astimezone(timezone.utc)
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


class Ids:
    """Deterministic uids, hashes and digests keyed by a seed."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def h(self, *parts: object) -> bytes:
        return hashlib.sha256("\x1f".join([self.seed, *map(str, parts)]).encode()).digest()

    def uid(self, *parts: object) -> str:
        return str(uuid.UUID(bytes=self.h("uid", *parts)[:16], version=4))

    def alnum(self, n: int, *parts: object) -> str:
        raw = int.from_bytes(self.h("alnum", *parts), "big")
        out = []
        for _ in range(n):
            raw, r = divmod(raw, len(ALNUM))
            out.append(ALNUM[r])
        return "".join(out)

    def hexs(self, n: int, *parts: object) -> str:
        return (self.h("hex", *parts).hex() * 2)[:n]


def image_id(image: str) -> str:
    repo = image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image
    return f"{repo}@sha256:{hashlib.sha256(('img' + image).encode()).hexdigest()}"


def deep_merge(base: dict, patch: dict) -> dict:
    """Strategic-merge flavour used by the builders: dicts merge, lists of named dicts merge by name."""
    out = copy.deepcopy(base)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list) and v and all(
                isinstance(x, dict) and "name" in x for x in v) and all(
                isinstance(x, dict) and "name" in x for x in out[k]):
            merged = [copy.deepcopy(x) for x in out[k]]
            for item in v:
                for i, old in enumerate(merged):
                    if old["name"] == item["name"]:
                        merged[i] = deep_merge(old, item)
                        break
                else:
                    merged.append(copy.deepcopy(item))
            out[k] = merged
        else:
            out[k] = copy.deepcopy(v)
    return out


# ---------------------------------------------------------------- node flavours

def mem_ki(gib: float, *, overhead_ki: int = 0) -> str:
    return f"{int(gib * 1024 * 1024) - overhead_ki}Ki"


FLAVOURS: dict[str, dict[str, Any]] = {
    "eks": {"os": "Amazon Linux 2023.6.20241121", "kernel": "6.1.115-126.197.amzn2023.x86_64",
            "runtime": "containerd://1.7.23", "kubelet": "v1.31.2-eks-94953ac"},
    "gke": {"os": "Container-Optimized OS from Google", "kernel": "6.1.100+",
            "runtime": "containerd://1.7.22", "kubelet": "v1.31.1-gke.1678000"},
    "aks": {"os": "Ubuntu 22.04.5 LTS", "kernel": "5.15.0-1074-azure",
            "runtime": "containerd://1.7.22-1", "kubelet": "v1.30.5"},
    "kubeadm": {"os": "Ubuntu 22.04.4 LTS", "kernel": "5.15.0-125-generic",
                "runtime": "containerd://1.7.21", "kubelet": "v1.30.6"},
}


# ---------------------------------------------------------------- state helpers for containers

def running(since: str, *, ready: bool = True) -> dict:
    return {"_state": "running", "since": since, "ready": ready}


def crashloop(backoff: str = "5m0s") -> dict:
    return {"_state": "crashloop", "backoff": backoff}


def waiting(reason: str, message: str | None = None) -> dict:
    return {"_state": "waiting", "reason": reason, "message": message}


def terminated(start: str, end: str, *, code: int, reason: str, message: str | None = None) -> dict:
    return {"_state": "terminated", "start": start, "end": end, "code": code, "reason": reason,
            "message": message}


def strip_private(o: Any) -> Any:
    if isinstance(o, dict):
        return {k: strip_private(v) for k, v in o.items() if not (k.startswith("_") and not k.startswith("__"))}
    if isinstance(o, list):
        return [strip_private(x) for x in o]
    return o


def strip_notes(d: dict) -> dict:
    d = copy.deepcopy(d)
    d.get("truth", {}).pop("notes", None)
    return d


def qos_class(spec: dict) -> str:
    cs = spec["containers"]
    req = [c.get("resources", {}).get("requests", {}) for c in cs]
    lim = [c.get("resources", {}).get("limits", {}) for c in cs]
    if not any(req) and not any(lim):
        return "BestEffort"
    if all(l.get("cpu") and l.get("memory") and (not r or (r.get("cpu") == l["cpu"] and r.get("memory") == l["memory"]))
           for r, l in zip(req, lim)):
        return "Guaranteed"
    return "Burstable"


def clean_num(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
            return int(v)
        return float(f"{v:.6g}") if abs(v) < 1e6 else round(v, 2)
    return v
