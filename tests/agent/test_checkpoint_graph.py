"""A real LangGraph graph checkpointed in Redis: interrupted in this process, resumed in another."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import redis

from agent.checkpoint import RedisSaver
from tests.conftest import ROOT

# The graph lives in a file both processes import, as a worker's code would.
GRAPH_MODULE = textwrap.dedent('''
    """A tiny incident graph: perceive -> approve (interrupt) -> act."""
    import json
    import operator
    import os
    import sys
    from typing import Annotated, TypedDict

    import redis
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Command, interrupt

    from agent.checkpoint import RedisSaver


    class State(TypedDict, total=False):
        steps: Annotated[list[str], operator.add]
        observations: str
        decision: str
        acted_in_pid: int


    def perceive(state: State) -> dict:
        return {"steps": ["perceive"], "observations": "pod restarted " * 400}


    def approve(state: State) -> dict:
        answer = interrupt({"question": "roll back checkout-api?", "seen": len(state["observations"])})
        return {"steps": [f"approve:{answer}"], "decision": answer}


    def act(state: State) -> dict:
        return {"steps": ["act"], "acted_in_pid": os.getpid()}


    def build(url: str):
        graph = StateGraph(State)
        graph.add_node("perceive", perceive)
        graph.add_node("approve", approve)
        graph.add_node("act", act)
        graph.add_edge(START, "perceive")
        graph.add_edge("perceive", "approve")
        graph.add_edge("approve", "act")
        graph.add_edge("act", END)
        return graph.compile(checkpointer=RedisSaver(redis.Redis.from_url(url)))


    if __name__ == "__main__":
        url, thread_id, answer = sys.argv[1:4]
        app = build(url)
        final = app.invoke(Command(resume=answer), {"configurable": {"thread_id": thread_id}})
        print(json.dumps({"steps": final["steps"], "decision": final["decision"],
                          "acted_in_pid": final["acted_in_pid"]}))
''')


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("incident_graph", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resume_elsewhere(script: Path, url: str, thread_id: str, answer: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), url, thread_id, answer], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_graph_interrupted_here_is_resumed_by_a_second_process(redis_url: str, tmp_path: Path) -> None:
    script = tmp_path / "incident_graph.py"
    script.write_text(GRAPH_MODULE)
    app = _load(script).build(redis_url)
    config = {"configurable": {"thread_id": "T1-C2-1700000000_000100"}}

    first = app.invoke({"steps": []}, config)

    assert first["steps"] == ["perceive"]
    assert first["__interrupt__"][0].value == {"question": "roll back checkout-api?", "seen": 5600}
    assert app.get_state(config).next == ("approve",)

    resumed = _resume_elsewhere(script, redis_url, "T1-C2-1700000000_000100", "approve")

    assert resumed["steps"] == ["perceive", "approve:approve", "act"]
    assert resumed["decision"] == "approve"
    assert resumed["acted_in_pid"] != os.getpid()
    final = app.get_state(config)  # read back here, from Redis only
    assert final.next == ()
    assert final.values["steps"] == ["perceive", "approve:approve", "act"]
    assert final.values["acted_in_pid"] == resumed["acted_in_pid"]


def test_a_resumed_thread_leaves_other_incidents_untouched(redis_url: str, tmp_path: Path) -> None:
    script = tmp_path / "incident_graph.py"
    script.write_text(GRAPH_MODULE)
    app = _load(script).build(redis_url)
    for thread_id in ("incident-a", "incident-b"):
        app.invoke({"steps": []}, {"configurable": {"thread_id": thread_id}})

    _resume_elsewhere(script, redis_url, "incident-a", "reject")

    waiting = app.get_state({"configurable": {"thread_id": "incident-b"}})
    assert waiting.next == ("approve",)
    assert waiting.values["steps"] == ["perceive"]
    done = app.get_state({"configurable": {"thread_id": "incident-a"}})
    assert done.values["decision"] == "reject"


def test_deleting_an_incident_thread_removes_every_key_it_wrote(redis_url: str, tmp_path: Path) -> None:
    script = tmp_path / "incident_graph.py"
    script.write_text(GRAPH_MODULE)
    app = _load(script).build(redis_url)
    for thread_id in ("incident-a", "incident-b"):
        app.invoke({"steps": []}, {"configurable": {"thread_id": thread_id}})
    client = redis.Redis.from_url(redis_url)
    assert list(client.scan_iter("debugbot:ckpt:incident-a:*"))

    RedisSaver(client).delete_thread("incident-a")

    assert list(client.scan_iter("debugbot:ckpt:incident-a:*")) == []
    assert len(list(client.scan_iter("debugbot:ckpt:incident-b:*"))) >= 4
    assert app.get_state({"configurable": {"thread_id": "incident-b"}}).next == ("approve",)
