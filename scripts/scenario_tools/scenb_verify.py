"""Semantic checks of scenario files beyond the official checker: do the truth's fixes really verify?

For every accepted mutation: apply it to a copy of the cluster, then all remediation.checks must hold
and (when the file has recovery) some recovery item's `when` must hold. The checks must NOT hold
before any mutation, and must not hold after any forbidden action. Also sanity-checks times, logs,
counters and Service/Endpoints consistency.

Usage: scenb_verify.py FILE_OR_DIR...
"""
from __future__ import annotations

import copy
import re
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

_TOK = re.compile(r'\.?([A-Za-z0-9_$-]+)|\[(\d+)\]|\["([^"]+)"\]')
_Q = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([A-Za-z]*)$")
_UNITS = {"": 1, "m": Decimal("0.001"), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
MISSING = object()


def quantity(v: Any) -> Decimal:
    m = _Q.match(str(v))
    if not m or m.group(2) not in _UNITS:
        raise ValueError(f"not a quantity: {v!r}")
    return Decimal(m.group(1)) * Decimal(_UNITS[m.group(2)])


def resolve(obj: Any, path: str) -> Any:
    cur = obj
    for name, idx, key in _TOK.findall(path):
        k: Any = name or key
        if idx:
            if not isinstance(cur, list) or int(idx) >= len(cur):
                return MISSING
            cur = cur[int(idx)]
        elif isinstance(cur, dict) and k in cur:
            cur = cur[k]
        else:
            return MISSING
    return cur


def holds(check: dict, objs: dict) -> bool:
    if "any_of" in check:
        return any(holds(c, objs) for c in check["any_of"])
    obj = objs.get((check["kind"], check.get("namespace"), check["name"]))
    val = MISSING if obj is None else resolve(obj, check["path"])
    if "exists" in check:
        return (val is not MISSING and val is not None) == check["exists"]
    if val is MISSING:
        return "not_equals" in check
    if "equals" in check:
        return val == check["equals"]
    if "not_equals" in check:
        return val != check["not_equals"]
    if "matches" in check:
        return re.search(check["matches"], str(val)) is not None
    if "at_least" in check:
        return quantity(val) >= quantity(check["at_least"])
    if "at_most" in check:
        return quantity(val) <= quantity(check["at_most"])
    raise ValueError(f"unknown check {check}")


def smp(base: Any, patch: Any) -> Any:
    """Strategic merge patch, simplified: dicts merge, lists of named dicts merge by name, null deletes."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = smp(out.get(k), v)
        return out
    if isinstance(base, list) and isinstance(patch, list) and patch and all(
            isinstance(x, dict) and "name" in x for x in patch + base):
        out = copy.deepcopy(base)
        for item in patch:
            for i, old in enumerate(out):
                if old["name"] == item["name"]:
                    out[i] = smp(old, item)
                    break
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def key(o: dict) -> tuple:
    return (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"])


def apply_action(action: dict, objs: dict) -> None:
    t = action.get("target") or {}
    k = (t.get("kind"), t.get("namespace"), t.get("name"))
    obj = objs.get(k)
    a, p = action["action"], action.get("params") or {}
    if a == "recommend_only":
        return
    if obj is None:
        raise ValueError(f"target {k} not found")
    if a == "patch_resource":
        objs[k] = smp(obj, p["patch"])
    elif a == "set_resources":
        for c in obj["spec"]["template"]["spec"]["containers"]:
            if c["name"] == p["container"]:
                r = c.setdefault("resources", {})
                for part in ("limits", "requests"):
                    if part in p:
                        r.setdefault(part, {}).update(p[part])
                break
        else:
            raise ValueError(f"no container {p['container']} in {k}")
    elif a == "scale_workload":
        obj["spec"]["replicas"] = p["replicas"]
    elif a == "restart_workload":
        obj["spec"]["template"]["metadata"].setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = "2030-01-01T00:00:00Z"
    elif a == "rollback_deployment":
        cur = int(obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
        rss = [o for o in objs.values() if o["kind"] == "ReplicaSet" and any(
            r.get("uid") == obj["metadata"]["uid"] for r in o["metadata"].get("ownerReferences", []))]
        want = p.get("revision")
        cands = [r for r in rss if int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) < cur]
        if want is not None:
            cands = [r for r in rss if int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]) == int(want)]
        if not cands:
            raise ValueError(f"no revision to roll back to for {k}")
        rs = max(cands, key=lambda r: int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]))
        tmpl = copy.deepcopy(rs["spec"]["template"])
        tmpl["metadata"]["labels"].pop("pod-template-hash", None)
        obj["spec"]["template"] = tmpl
    elif a == "delete_pod":
        objs.pop(k)
    else:
        raise ValueError(f"unknown action {a}")


def verify(path: Path) -> list[str]:
    doc = yaml.safe_load(path.read_text())
    errs: list[str] = []
    objs = {key(o): o for o in doc["cluster"]["objects"]}
    truth = doc["truth"]
    rem = truth["remediation"]
    checks = rem.get("checks") or []
    recovery = doc.get("recovery") or []
    if checks and all(holds(c, objs) for c in checks):
        errs.append("remediation.checks already hold before any mutation")
    for a in rem["accepted"]:
        if a["action"] == "recommend_only":
            continue
        w = copy.deepcopy(objs)
        try:
            apply_action(a, w)
        except (ValueError, KeyError) as e:
            errs.append(f"accepted {a['action']}: cannot apply: {e}")
            continue
        bad = [c for c in checks if not holds(c, w)]
        if bad:
            errs.append(f"accepted {a['action']} {a.get('target')}: checks fail after it: {bad}")
        if recovery and not any(all(holds(c, w) for c in item["when"]) for item in recovery):
            errs.append(f"accepted {a['action']}: no recovery item applies after it")
    for a in rem.get("forbidden") or []:
        w = copy.deepcopy(objs)
        try:
            apply_action(a, w)
        except (ValueError, KeyError):
            continue
        if checks and all(holds(c, w) for c in checks):
            errs.append(f"forbidden {a['action']} {a.get('target')} makes the checks hold")
    acc = {(a["action"], str(a.get("target"))) for a in rem["accepted"]}
    for a in rem.get("forbidden") or []:
        if (a["action"], str(a.get("target"))) in acc:
            errs.append(f"{a['action']} on {a.get('target')} is both accepted and forbidden")
    errs += sanity(doc, objs)
    return errs


def t(s: str) -> datetime:
    return datetime.fromisoformat(str(s).replace("Z", "+00:00"))


def sanity(doc: dict, objs: dict) -> list[str]:
    errs = []
    now = t(doc["now"])
    for o in doc["cluster"]["objects"]:
        ct = o["metadata"].get("creationTimestamp")
        if ct and t(ct) > now:
            errs.append(f"{key(o)} created after now")
        if o["kind"] == "Event":
            if t(o["lastTimestamp"]) > now or t(o["firstTimestamp"]) > t(o["lastTimestamp"]):
                errs.append(f"event {o['metadata']['name']} times are off")
            inv = o["involvedObject"]
            ik = (inv["kind"], inv.get("namespace") if inv["kind"] != "Node" else None, inv["name"])
            if ik not in objs and inv["kind"] != "Node" and o["reason"] not in ("Killing", "SuccessfulDelete"):
                errs.append(f"event {o['metadata']['name']} is about a missing object {ik}")
        if o["kind"] == "Pod":
            for cs in o["status"].get("containerStatuses", []):
                run = (cs.get("state") or {}).get("running")
                if run and t(run["startedAt"]) < t(o["metadata"]["creationTimestamp"]):
                    errs.append(f"pod {o['metadata']['name']} container started before the pod was created")
                if run and t(run["startedAt"]) > now:
                    errs.append(f"pod {o['metadata']['name']} container starts in the future")
        if o["kind"] == "Endpoints":
            for s in o.get("subsets") or []:
                for addr in (s.get("addresses") or []) + (s.get("notReadyAddresses") or []):
                    ref = addr.get("targetRef") or {}
                    if ("Pod", ref.get("namespace"), ref.get("name")) not in objs:
                        errs.append(f"endpoints {o['metadata']['name']} points at missing pod {ref.get('name')}")
    stamp = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")
    for b in doc["cluster"].get("logs") or []:
        for line in b["lines"]:
            m = stamp.match(line)
            if m and t(m.group(1)) > now:
                errs.append(f"log line of {b['pod']} is after now: {line[:60]}")
    names = {s["labels"]["__name__"] for s in doc.get("metrics") or []}
    for s in doc.get("metrics") or []:
        name = s["labels"]["__name__"]
        summed = name.endswith("_sum") and name[:-4] + "_count" in names
        if name.endswith(("_total", "_count", "_bucket")) or summed:
            vals = [v for v in s["values"] if v is not None]
            drops = sum(1 for a, b in zip(vals, vals[1:]) if b < a)
            if drops > 2:
                errs.append(f"counter {name} {s['labels'].get('pod', '')} goes down {drops} times")
    a = (doc["trigger"].get("alert") or {}).get("startsAt")
    if a and t(a) > now:
        errs.append("alert starts after now")
    return errs


def main(argv: list[str]) -> int:
    files: list[Path] = []
    for arg in argv:
        p = Path(arg)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    bad = 0
    for f in files:
        errs = verify(f)
        print(f"{f.name}: {'ok' if not errs else f'{len(errs)} problem(s)'}")
        for e in errs:
            print(f"  - {e}")
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
