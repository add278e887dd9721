"""The whole path on one machine: the payment incident against the simulated cluster, approval at the prompt."""
from __future__ import annotations

import argparse
from pathlib import Path

from agent import api
from cli.render import render_event, render_report
from cli.session import sandbox_session, trigger_of

DEFAULT_SCENARIO = "payment-bad-rollout"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, help="a scenario id (from ../shared/scenarios or "
                   "scenarios/) or a file path")
    p.add_argument("--yes", action="store_true", help="approve the proposed fix without asking")


def _find(scenario: str) -> Path:
    p = Path(scenario)
    if p.exists():
        return p
    root = Path(__file__).resolve().parent.parent
    for folder in (root.parent / "shared" / "scenarios", root / "scenarios"):
        if (folder / f"{scenario}.yaml").exists():
            return folder / f"{scenario}.yaml"
    raise SystemExit(f"demo: no scenario {scenario!r} in ../shared/scenarios or scenarios/")


def run(args: argparse.Namespace) -> int:
    path = _find(args.scenario)
    with sandbox_session(path) as s:
        trig = trigger_of(s.scenario)
        print(f"#{str(trig.get('channel', 'incidents')).lstrip('#')}  ·  /debug "
              f"{trig.get('text') or trig['alert']['labels'].get('alertname')}\n")
        result = api.investigate(s.graph, incident_id="demo-1", trigger=trig, on_event=render_event)
        if result.awaiting_approval:
            answer = "y" if args.yes else input("\nApprove this action? [y/N] ").strip().lower()
            decision = "approve" if answer in ("y", "yes") else "reject"
            print(f"→ {decision}d by you\n")
            result = api.resume(s.graph, incident_id="demo-1", decision=decision, user="demo-user",
                                on_event=render_event)
        render_report(result.report)
    return 0
