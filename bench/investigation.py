"""Investigation speed: time to first hypothesis and total, per scenario and as the cluster grows.

    .venv/bin/python bench/investigation.py [--repeat 3] [--sizes 100,1000,5000]

Part 1 runs every scenario of ../shared/scenarios (and scenarios/ with --own) through the
rules reasoner against the sandbox, up to the approval gate, `--repeat` times, and prints
medians. Part 2 hides the payment incident in a cluster of N healthy generated pods (4 events
each, 25 namespaces) and prints how both times grow. Scenario loading and serving are not
counted: they are the simulator, not the product.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from agent import api  # noqa: E402
from cli.session import sandbox_session, trigger_of  # noqa: E402

SHARED = ROOT.parent / "shared" / "scenarios"
_TS = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"')


def time_one(path: Path, repeat: int) -> tuple[float, float, str]:
    firsts, totals = [], []
    category = ""
    with sandbox_session(path) as s:
        for i in range(repeat):
            t0 = time.perf_counter()
            result = api.investigate(s.graph, incident_id=f"bench-{i}", trigger=trigger_of(s.scenario))
            totals.append(time.perf_counter() - t0)
            firsts.append(result.report.usage.first_hypothesis_s or totals[-1])
            category = str(result.report.category)
    return statistics.median(firsts), statistics.median(totals), category


def _shift(text: str, delta: timedelta) -> str:
    def move(m: re.Match[str]) -> str:
        t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) + delta
        return f'"{t:%Y-%m-%dT%H:%M:%SZ}"'
    return _TS.sub(move, text)


def scaled(pods: int, out: Path) -> Path:
    """payment-bad-rollout plus `pods` healthy pods elsewhere, on the payment scenario's clock."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_scenario", ROOT / "bench" / "gen_scenario.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    build = gen.build
    base = yaml.safe_load((SHARED / "payment-bad-rollout.yaml").read_text())
    noise = build(pods=pods, events=pods * 4, namespaces=25)
    delta = datetime.fromisoformat(str(base["now"]).replace("Z", "+00:00")) - \
        datetime.fromisoformat(str(noise["now"]).replace("Z", "+00:00"))
    extra = json.loads(_shift(json.dumps(noise["cluster"]["objects"]), delta))
    base["cluster"]["objects"] += [o for o in extra if o["kind"] != "Node"]
    base["id"] = f"bench-payment-{pods}"
    path = out / f"{base['id']}.yaml"
    path.write_text(json.dumps(base))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--own", action="store_true", help="also time scenarios/")
    args = parser.parse_args()
    files = sorted(SHARED.glob("*.yaml")) + (sorted((ROOT / "scenarios").glob("*.yaml")) if args.own else [])
    print(f"{'scenario':46} {'first hyp (s)':>13} {'total (s)':>10}  category")
    rows = []
    for f in files:
        first, total, cat = time_one(f, args.repeat)
        rows.append((first, total))
        print(f"{f.stem[:46]:46} {first:13.3f} {total:10.3f}  {cat}", flush=True)
    print(f"{'median of ' + str(len(rows)) + ' scenarios':46} {statistics.median(r[0] for r in rows):13.3f} "
          f"{statistics.median(r[1] for r in rows):10.3f}")
    print(f"\n{'cluster size (pods)':>20} {'first hyp (s)':>13} {'total (s)':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",") if x):
            first, total, cat = time_one(scaled(n, Path(tmp)), max(1, args.repeat - 1))
            print(f"{n:>20} {first:13.3f} {total:10.3f}  {cat}", flush=True)


if __name__ == "__main__":
    main()
