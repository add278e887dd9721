"""The real investigation graph, SIGKILLed while it waits for approval, resumed by a fresh process.

Each process wires the product as a worker does: the sandbox's cluster over HTTP through the
official client, the RedisSaver checkpointer, the approval store and audit log on a real redis-server.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import redis

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from tests.conftest import ROOT, SHARED_SCENARIOS
from tools.approvals import ApprovalStore
from tools.audit import AuditLog

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"

PROCESS = textwrap.dedent('''
    import json, os, sys, time
    from datetime import datetime
    import redis
    from agent import api
    from agent.checkpoint import RedisSaver
    from agent.graph import build_graph
    from agent.live import LiveToolbox
    from agent.reasoners import make_reasoner
    from tools.approvals import ApprovalStore
    from tools.audit import AuditLog
    from tools.context import build_context
    from tools.settings import load_settings

    mode, incident = sys.argv[1], sys.argv[2]
    settings = load_settings()
    now = datetime.fromisoformat(os.environ["SCENARIO_NOW"])
    client = redis.Redis.from_url(settings.redis_url)
    audit = AuditLog(client)
    toolbox = LiveToolbox(build_context(settings, now=lambda: now), approvals=ApprovalStore(client, ttl_s=600, audit=audit),
                          audit=audit)
    graph = build_graph(make_reasoner(settings), toolbox, RedisSaver(client), settings=settings)
    if mode == "start":
        result = api.investigate(graph, incident_id=incident, trigger={"text": "payment timeouts"})
        print(json.dumps({"pid": os.getpid(), "interrupt": result.interrupt}, default=str), flush=True)
        time.sleep(600)  # a worker that hangs here until it is killed
    else:
        result = api.resume(graph, incident_id=incident, decision="approve", user="U-ONCALL")
        print(json.dumps({"pid": os.getpid(), "status": result.report.status.value,
                          "summary": result.report.summary}), flush=True)
''')


def _spawn(script: Path, mode: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(script), mode, "inc-kill-1"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_process_waiting_for_approval_is_resumed_by_another_and_the_fix_runs_once(
        redis_url: str, tmp_path: Path) -> None:
    scenario = load_scenario(PAYMENT)
    script = tmp_path / "investigation_process.py"
    script.write_text(PROCESS)
    with SandboxServer(scenario) as server:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SCENARIO_NOW": scenario.now.isoformat(),
               "DEBUGBOT_REDIS_URL": redis_url, "DEBUGBOT_VERIFY_TIMEOUT_S": "3",
               "DEBUGBOT_KUBECONFIG": str(server.write_kubeconfig(tmp_path / "kubeconfig")),
               "DEBUGBOT_PROMETHEUS_URL": server.prometheus_url, "DEBUGBOT_JAEGER_URL": server.jaeger_url}
        first = _spawn(script, "start", env)
        assert first.stdout is not None
        line = first.stdout.readline()
        assert line, first.stderr.read() if first.stderr else ""
        stopped = json.loads(line)
        os.kill(stopped["pid"], signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL

        approval = stopped["interrupt"]["approval"]
        assert stopped["interrupt"]["proposal"]["action"] == "rollback_deployment"
        client = redis.Redis.from_url(redis_url)
        audit = AuditLog(client)
        assert ApprovalStore(client, ttl_s=600, audit=audit).consume(approval["id"], user_id="U-ONCALL",
                                                          decision="approve").decision == "approve"
        image_before = _image(server)

        second = _spawn(script, "resume", env)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        done = json.loads(out.strip().splitlines()[-1])
        assert done["pid"] != stopped["pid"]
        assert done["status"] == "resolved", done["summary"]
        assert _image(server) != image_before  # the rollback really changed the served Deployment
        executed = [e for e in audit.for_incident("inc-kill-1") if e.event.value == "executed"]
        assert len(executed) == 1


def _image(server: SandboxServer) -> str:
    deployment = server.world.get("Deployment", "prod", "payment")
    assert deployment is not None
    return str(deployment["spec"]["template"]["spec"]["containers"][0]["image"])
