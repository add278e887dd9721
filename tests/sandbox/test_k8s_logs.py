"""Pod logs over HTTP: block expansion, kubelet timestamps, filters, and the kubelet's 400s."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from tests.sandbox.conftest import pod, running, write_scenario


def get(server: SandboxServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture()
def lab(tmp_path: Path, serve: Callable[..., SandboxServer]) -> SandboxServer:
    objects = [
        pod("web-1", containers=["web", "proxy"], status={"phase": "Running", "containerStatuses": [
            running("web", "2026-11-24T14:00:01Z"), running("proxy", "2026-11-24T14:00:02Z")]}),
        pod("pull-1", containers=["app"], status={"phase": "Pending", "containerStatuses": [
            {"name": "app", "image": "example/app:1", "imageID": "", "ready": False, "restartCount": 0,
             "state": {"waiting": {"reason": "ImagePullBackOff", "message": "back-off pulling image"}}}]}),
        pod("crash-1", containers=["app"], status={"phase": "Running", "containerStatuses": [
            {"name": "app", "image": "example/app:1", "imageID": "", "ready": False, "restartCount": 4,
             "state": {"waiting": {"reason": "CrashLoopBackOff"}},
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2026-11-24T14:30:00Z",
                                          "finishedAt": "2026-11-24T14:30:05Z"}}}]}),
        pod("init-1", containers=["app"], init=["migrate"]),
    ]
    logs = [
        {"namespace": "lab", "pod": "web-1", "container": "web", "at": "-30m", "every": "10m", "repeat": 2,
         "lines": ["tick", "tock"]},
        {"namespace": "lab", "pod": "web-1", "container": "proxy",
         "lines": ["2026-11-24T14:31:00Z proxy up", "no time here"]},
        {"namespace": "lab", "pod": "crash-1", "previous": True, "lines": ["booting", "panic: missing DB_URL"]},
    ]
    return serve(write_scenario(tmp_path, "lab", objects=objects, logs=logs))


def test_a_multi_container_pod_needs_a_container_name(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/web-1/log")
    assert status == 400
    assert json.loads(body)["message"] == "a container name must be specified for pod web-1, choose one of: [web proxy]"


def test_init_containers_are_offered_in_the_400_and_accepted(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/init-1/log?container=nope")
    assert status == 400 and json.loads(body)["message"] == "container nope is not valid for pod init-1"
    assert get(lab, "/api/v1/namespaces/lab/pods/init-1/log?container=migrate")[0] == 200


def test_at_every_and_repeat_give_each_line_its_kubelet_time(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&timestamps=true")
    assert status == 200
    assert body.splitlines() == [
        "2026-11-24T14:02:00.000000000Z tick", "2026-11-24T14:12:00.000000000Z tock",
        "2026-11-24T14:22:00.000000000Z tick", "2026-11-24T14:32:00.000000000Z tock"]


def test_since_seconds_filters_by_those_times(lab: SandboxServer) -> None:
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&sinceSeconds=900")[1] == "tick\ntock\n"
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&sinceTime=2026-11-24T14:12:00Z")[1] == \
        "tock\ntick\ntock\n"


def test_a_leading_time_wins_and_untimed_lines_take_the_container_start(lab: SandboxServer) -> None:
    _, body = get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=proxy&timestamps=true")
    assert body.splitlines() == ["2026-11-24T14:31:00.000000000Z 2026-11-24T14:31:00Z proxy up",
                                 "2026-11-24T14:00:02.000000000Z no time here"]
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=proxy&sinceSeconds=120")[1] == \
        "2026-11-24T14:31:00Z proxy up\n"


def test_tail_lines_and_limit_bytes_cut_the_output(lab: SandboxServer) -> None:
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&tailLines=1")[1] == "tock\n"
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&tailLines=0")[1] == ""
    assert get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&limitBytes=7")[1] == "tick\nto"


def test_a_container_that_never_ran_is_waiting_to_start(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/pull-1/log")
    assert status == 400
    assert json.loads(body)["message"] == 'container "app" in pod "pull-1" is waiting to start: ImagePullBackOff'


def test_a_crashlooping_container_answers_its_last_run(lab: SandboxServer) -> None:
    assert get(lab, "/api/v1/namespaces/lab/pods/crash-1/log")[1] == "booting\npanic: missing DB_URL\n"
    _, stamped = get(lab, "/api/v1/namespaces/lab/pods/crash-1/log?previous=true&timestamps=true")
    assert stamped.splitlines()[0] == "2026-11-24T14:30:00.000000000Z booting"


def test_previous_without_a_terminated_run_is_refused(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/web-1/log?container=web&previous=true")
    assert status == 400
    assert json.loads(body)["message"] == 'previous terminated container "web" in pod "web-1" not found'


def test_logs_of_a_missing_pod_are_a_404(lab: SandboxServer) -> None:
    status, body = get(lab, "/api/v1/namespaces/lab/pods/ghost/log")
    assert status == 404 and json.loads(body)["message"] == 'pods "ghost" not found'


def test_bad_log_parameters_are_rejected(lab: SandboxServer) -> None:
    assert get(lab, "/api/v1/namespaces/lab/pods/crash-1/log?tailLines=abc")[0] == 400
    assert get(lab, "/api/v1/namespaces/lab/pods/crash-1/log?sinceSeconds=5&sinceTime=2026-11-24T14:00:00Z")[0] == 422
