"""Nothing a scenario plants as a credential reaches the reasoner's state, the thread or the report."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agent import api
from cli.session import sandbox_session, trigger_of
from tests.conftest import own_scenarios, shared_scenarios

_SECRETISH = re.compile(r"pass|secret|token|api_?key|credential|private", re.I)


def planted(doc: dict[str, Any]) -> set[str]:
    """Secret data values and secret-looking env values of the scenario's objects."""
    values: set[str] = set()
    for obj in doc.get("cluster", {}).get("objects", []):
        if obj.get("kind") == "Secret":
            for v in (obj.get("data") or {}).values():
                values.add(base64.b64decode(str(v)).decode("utf-8", "replace"))
            values |= {str(v) for v in (obj.get("stringData") or {}).values()}
        text = json.dumps(obj)
        for m in re.finditer(r'"name": "([^"]+)", "value": "([^"]+)"', text):
            if _SECRETISH.search(m.group(1)):
                values.add(m.group(2))
    return {v.strip() for v in values if len(v.strip()) >= 8}


def _with_secrets() -> list[Path]:
    import yaml

    return [p for p in shared_scenarios() + own_scenarios()[:12] if planted(yaml.safe_load(p.read_text()))]


@pytest.mark.parametrize("path", _with_secrets(), ids=lambda p: p.stem)
def test_planted_credentials_never_reach_state_thread_or_report(path: Path) -> None:
    import yaml

    secrets = planted(yaml.safe_load(path.read_text()))
    events: list[str] = []
    with sandbox_session(path) as s:
        result = api.investigate(s.graph, incident_id="leak", trigger=trigger_of(s.scenario),
                                 on_event=lambda e: events.append(e.model_dump_json()))
        state = json.dumps(s.graph.get_state({"configurable": {"thread_id": "leak"}}).values, default=str)
    seen = "\n".join([state, result.report.model_dump_json(), *events])
    leaked = [v for v in secrets if v in seen]
    assert not leaked, f"{len(leaked)} planted value(s) leaked, e.g. {leaked[0][:4]}…"
