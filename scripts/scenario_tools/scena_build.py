"""Write helper scenA's scenarios to scenarios/, read each back, lint it and run the official checker."""
from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from scena_emit import Folded, dump, strip_comments  # noqa: E402

ROOT = HERE.parent.parent
OUT = ROOT / "scenarios"
CHECKER = Path("/work/shared/tools/check_scenario.py")
MODULES = sorted(p.stem for p in HERE.glob("scena_s_*.py"))
COUNTER = re.compile(r"(_total|_count|_sum|_bucket)$")
LOADED = re.compile(r"(^|[-_.])(bad|broken|leak|leaky|oom|test|faulty|failing)([-_.]|$)")


def served_text(doc: dict) -> str:
    parts = [json.dumps(doc["cluster"]), json.dumps(doc.get("metrics", [])), json.dumps(doc.get("traces", [])),
             json.dumps(doc["trigger"])]
    return "\n".join(parts).lower()


def lint(doc: dict) -> list[str]:
    warn: list[str] = []
    text = served_text(doc)
    for ev in doc["truth"]["evidence"]:
        if not any(alt.strip().lower() in text for alt in ev.split("|")):
            warn.append(f"evidence not findable in served data: {ev!r}")
    objs = doc["cluster"]["objects"]
    keys = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objs}
    ips: dict[str, str] = {}
    for o in objs:
        name = o["metadata"]["name"]
        if o["kind"] != "Event" and LOADED.search(name):
            warn.append(f"loaded name: {o['kind']} {name}")
        if o["kind"] == "Event":
            inv = o["involvedObject"]
            if inv["kind"] != "Node" and (inv["kind"], inv.get("namespace"), inv["name"]) not in keys:
                warn.append(f"event about a missing object: {inv['kind']} {inv['name']}")
            elif inv["kind"] == "Node" and ("Node", None, inv["name"]) not in keys:
                warn.append(f"event about a missing node: {inv['name']}")
        if o["kind"] == "Pod" and o["status"].get("podIP") and o["status"].get("phase") == "Running":
            ip = o["status"]["podIP"]
            if ip in ips:
                warn.append(f"pods {ips[ip]} and {name} share IP {ip}")
            ips[ip] = name
    for s in doc.get("metrics", []) + [m for r in doc.get("recovery", []) for m in r["apply"].get("metrics", [])]:
        if COUNTER.search(s["labels"]["__name__"]):
            vals = [v for v in s["values"] if v is not None]
            for a, b in zip(vals, vals[1:]):
                if b < a and b > 0.2 * a:
                    warn.append(f"counter goes down without a reset: {s['labels']}")
                    break
    return warn


def build_all(only: set[str]) -> int:
    OUT.mkdir(exist_ok=True)
    written = []
    for mod in MODULES:
        m = importlib.import_module(mod)
        for fn in m.SCENARIOS:
            doc = fn()
            if only and doc["id"] not in only:
                continue
            text = dump(doc)
            back = yaml.safe_load(text)
            want = strip_comments(doc)
            back["truth"]["notes"] = " ".join(back["truth"]["notes"].split())
            want["truth"]["notes"] = " ".join(str(want["truth"]["notes"]).split())
            if back != want:
                print(f"{doc['id']}: YAML round trip differs", file=sys.stderr)
                return 2
            path = OUT / f"{doc['id']}.yaml"
            path.write_text(text)
            written.append(path)
            for w in lint(back):
                print(f"{doc['id']}: WARN {w}")
            print(f"{doc['id']}: {len(text.splitlines())} lines, {doc['truth']['category']}, "
                  f"{'alert' if 'alert' in doc['trigger'] else 'command'}")
    r = subprocess.run([sys.executable, str(CHECKER), *map(str, written)], capture_output=True, text=True)
    print("\n".join(ln for ln in r.stdout.splitlines() if not ln.endswith(": ok")))
    return r.returncode


if __name__ == "__main__":
    sys.exit(build_all(set(sys.argv[1:])))
