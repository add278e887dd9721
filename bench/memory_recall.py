"""Proof of recall: investigate every scenario of some folders once (remembering), then again (recalling).

For each second-run investigation, the relevant past incidents are its own first run (its twin) and
the first runs of the other scenarios of the same true category (its near-variants); every other
stored incident is unrelated. Prints precision and recall of what is recalled (top-k above the
threshold) at the configured threshold and a few around it, and how fast recall was.

    .venv/bin/python bench/memory_recall.py [scenarios ../shared/scenarios] [--k 3] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from langgraph.checkpoint.memory import InMemorySaver

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent import api  # noqa: E402
from agent.graph import build_graph  # noqa: E402
from tools.memory import LongTermMemory  # noqa: E402
from tools.memory.embed import HashedEmbedder  # noqa: E402
from tools.memory.store import MemoryStore  # noqa: E402
from agent.reasoners import make_reasoner  # noqa: E402
from cli.local_redis import local_redis  # noqa: E402
from cli.session import sandbox_session, trigger_of  # noqa: E402
from tools.report import ProgressEvent  # noqa: E402
from tools.settings import Settings  # noqa: E402

THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


class RecallOnly(LongTermMemory):
    """The second pass recalls and stores nothing, so it never finds itself."""

    def remember(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Run:
    key: str
    category: str
    recalled: list[tuple[str, float]] = field(default_factory=list)  # (first-run key, similarity)
    seconds: float = 0.0


def investigate(path: Path, *, memory: LongTermMemory, incident: str) -> tuple[str, list[ProgressEvent]]:
    events: list[ProgressEvent] = []
    with sandbox_session(path) as s:
        graph = build_graph(make_reasoner(s.settings), s.toolbox, InMemorySaver(), settings=s.settings,
                            memory=memory)
        result = api.investigate(graph, incident_id=incident, trigger=trigger_of(s.scenario),
                                 on_event=events.append, recursion_limit=s.settings.recursion_limit)
        if result.awaiting_approval:  # approve the first proposed mutation, as the eval does
            api.resume(graph, incident_id=incident, decision="approve", user="bench", on_event=events.append,
                       recursion_limit=s.settings.recursion_limit)
        return str(s.scenario.truth.get("category") or ""), events


def key_of(path: Path) -> str:
    return f"{path.parent.name}.{path.stem}"


def two_passes(files: list[Path], *, client: redis.Redis, k: int, low: float) -> list[Run]:
    store = MemoryStore(client, retention_days=3650)
    first = LongTermMemory(store, HashedEmbedder())
    for path in files:
        investigate(path, memory=first, incident=f"first-{key_of(path)}")
    print(f"pass 1: {store.count()} of {len(files)} investigations remembered", file=sys.stderr)
    second = RecallOnly(store, HashedEmbedder(), threshold=low, top_k=k)
    runs = []
    for path in files:
        t0 = time.perf_counter()
        category, events = investigate(path, memory=second, incident=f"second-{key_of(path)}")
        recalled = [(str(e.data["incident_id"]).removeprefix("first-"), float(e.data["similarity"]))
                    for e in events if e.kind == "recall"]
        runs.append(Run(key_of(path), category, recalled, time.perf_counter() - t0))
    return runs


def score(runs: list[Run], threshold: float) -> dict[str, float]:
    cat = {r.key: r.category for r in runs}
    got = rel_got = twins = variants_got = variants_all = unrelated_q = with_family = found_family = 0
    for r in runs:
        hits = [key for key, sim in r.recalled if sim >= threshold]
        relevant = [key for key in hits if key == r.key or cat.get(key) == r.category]
        got += len(hits)
        rel_got += len(relevant)
        twins += r.key in hits
        family = [key for key, c in cat.items() if c == r.category and key != r.key]
        variants_all += len(family)
        variants_got += len([key for key in hits if key in family])
        with_family += bool(family)
        found_family += any(key in family for key in hits)
        unrelated_q += len(hits) > len(relevant)
    n = max(1, len(runs))
    return {"threshold": threshold, "precision": rel_got / got if got else 1.0, "twin_recall": twins / n,
            "variant_recall": variants_got / variants_all if variants_all else 1.0,
            "any_variant": found_family / with_family if with_family else 1.0,
            "queries_with_unrelated": unrelated_q / n, "recalled_per_query": got / n}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="*", default=[str(ROOT / "scenarios"), str(ROOT.parent / "shared" / "scenarios")])
    p.add_argument("--k", type=int, default=3, help="matches recalled per investigation")
    p.add_argument("--json", dest="json_path")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    files = [f for raw in args.paths for f in (sorted(Path(raw).glob("*.yaml")) if Path(raw).is_dir() else [Path(raw)])]
    chosen = Settings().memory_threshold
    with local_redis() as local:
        client = redis.Redis.from_url(local.url)
        runs = two_passes(files, client=client, k=args.k, low=min(THRESHOLDS))
    rows = [score(runs, t) for t in sorted({*THRESHOLDS, chosen})]
    print(f"{len(runs)} scenarios, k={args.k}; relevant = the twin (same scenario) + near-variants (same category)")
    print(f"{'threshold':>9} {'precision':>9} {'twin_rec':>8} {'var_rec':>8} {'any_var':>8} {'q_unrel':>8} "
          f"{'per_q':>6}")
    for row in rows:
        mark = "  <- DEBUGBOT_MEMORY_THRESHOLD" if row["threshold"] == chosen else ""
        print(f"{row['threshold']:9.2f} {row['precision']:9.3f} {row['twin_recall']:8.3f} "
              f"{row['variant_recall']:8.3f} {row['any_variant']:8.3f} "
              f"{row['queries_with_unrelated']:8.3f} {row['recalled_per_query']:6.2f}{mark}")
    print(f"seconds per second-run investigation: p50 {statistics.median(r.seconds for r in runs):.2f}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"rows": rows, "runs": [r.__dict__ for r in runs]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
