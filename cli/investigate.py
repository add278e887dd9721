"""Run one investigation without Slack and print its progress and report."""
from __future__ import annotations

import argparse
import uuid

from langgraph.checkpoint.memory import InMemorySaver

from agent import api
from agent.graph import build_graph
from agent.live import LiveToolbox
from cli.render import render_event, render_report
from cli.session import make_reasoner, sandbox_session, trigger_of
from tools.context import build_context
from tools.settings import SettingsError, load_settings


def add_arguments(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--scenario", help="a scenario file, served by the sandbox")
    where.add_argument("--kubeconfig", help="a real cluster's kubeconfig")
    p.add_argument("--context", help="kubeconfig context")
    p.add_argument("--prometheus-url")
    p.add_argument("--reasoner", choices=["rules", "llm"], default=None)
    p.add_argument("text", nargs="?", default="", help="what to investigate (default: the scenario's trigger)")


def run(args: argparse.Namespace) -> int:
    overrides = {"reasoner": args.reasoner} if args.reasoner else {}
    incident = f"cli-{uuid.uuid4().hex[:8]}"
    if args.scenario:
        with sandbox_session(args.scenario, **overrides) as s:
            trigger = {"text": args.text} if args.text else trigger_of(s.scenario)
            result = api.investigate(s.graph, incident_id=incident, trigger=trigger, on_event=render_event)
    else:
        try:
            settings = load_settings(kubeconfig=args.kubeconfig, kube_context=args.context,
                                     prometheus_url=args.prometheus_url, **overrides)
        except SettingsError as exc:
            print(f"debugbot: {exc}")
            return 2
        graph = build_graph(make_reasoner(settings), LiveToolbox(build_context(settings)), InMemorySaver(),
                            settings=settings)
        result = api.investigate(graph, incident_id=incident, trigger={"text": args.text}, on_event=render_event)
    render_report(result.report)
    if result.awaiting_approval:
        print("\n(stopped at the approval gate: `debugbot investigate` never mutates; use Slack or the demo)")
    return 0
