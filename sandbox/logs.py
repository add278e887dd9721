"""Pod logs as the kubelet serves them: blocks expanded, timed, filtered, tailed, capped."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sandbox.scenario import parse_duration, parse_time, resolve_time
from sandbox.status import ApiError, not_found
from sandbox.world import World

Obj = dict[str, Any]
Params = dict[str, list[str]]

_LEADING_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))(?=\s|$)")
_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}


def param(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def bool_param(params: Params, name: str) -> bool:
    value = param(params, name)
    if value is None or value == "":
        return False
    if value not in _TRUE | _FALSE:
        raise ApiError(400, f'invalid value for {name}: strconv.ParseBool: parsing "{value}": invalid syntax')
    return value in _TRUE


def int_param(params: Params, name: str) -> int | None:
    value = param(params, name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, f'invalid value for {name}: strconv.ParseInt: parsing "{value}": invalid syntax') from exc


def pick_container(pod: Obj, wanted: str | None) -> str:
    """The container a log request means, or the API server's 400 when it is ambiguous."""
    spec, name = pod.get("spec") or {}, pod["metadata"]["name"]
    names = [c.get("name") for c in spec.get("containers") or []]
    inits = [c.get("name") for c in spec.get("initContainers") or []]
    if wanted:
        if wanted not in names + inits:
            raise ApiError(400, f"container {wanted} is not valid for pod {name}")
        return wanted
    if len(names) == 1:
        return str(names[0])
    message = f"a container name must be specified for pod {name}, choose one of: [{' '.join(map(str, names))}]"
    if inits:
        message += f" or one of the init containers: [{' '.join(map(str, inits))}]"
    raise ApiError(400, message)


def container_status(pod: Obj, container: str) -> Obj:
    status = pod.get("status") or {}
    for cs in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if cs.get("name") == container:
            return dict(cs)
    return {}


def block_container(world: World, block: Obj) -> str | None:
    """The container a log block belongs to: its own, or its pod's first."""
    if block.get("container"):
        return str(block["container"])
    pod = world.get("Pod", block.get("namespace"), str(block.get("pod")))
    containers = ((pod or {}).get("spec") or {}).get("containers") or [{}]
    name = containers[0].get("name")
    return str(name) if name is not None else None


def find_blocks(world: World, pod: Obj, container: str, *, previous: bool) -> list[Obj]:
    meta = pod["metadata"]
    return [b for b in world.logs
            if b.get("namespace") == meta.get("namespace") and b.get("pod") == meta["name"]
            and bool(b.get("previous")) == previous and block_container(world, b) == container]


def start_time(pod: Obj, cs: Obj, *, previous: bool, now: datetime) -> datetime:
    """When the container (or its previous run) started: the default time of untimed lines."""
    state = (cs.get("lastState") if previous else cs.get("state")) or {}
    run = state.get("running") or state.get("terminated") or {}
    status = pod.get("status") or {}
    for value in (run.get("startedAt"), status.get("startTime"), pod["metadata"].get("creationTimestamp")):
        if value:
            return parse_time(value)
    return now


def expand(blocks: list[Obj], default_start: datetime, now: datetime) -> list[tuple[datetime, str]]:
    """Every line with its kubelet timestamp: its own leading time, else at/every, else start."""
    out: list[tuple[datetime, str]] = []
    for block in blocks:
        lines = [str(x) for x in block.get("lines") or []] * max(int(block.get("repeat") or 1), 1)
        at = resolve_time(block["at"], now) if block.get("at") is not None else default_start
        every = parse_duration(block["every"]) if block.get("every") else timedelta(0)
        for i, line in enumerate(lines):
            m = _LEADING_TIME.match(line)
            out.append((parse_time(m.group(1).replace(" ", "T")) if m else at + every * i, line))
    return out


def _choose(world: World, pod: Obj, container: str, previous: bool) -> tuple[list[Obj], bool]:
    """The blocks to serve and whether they are a previous run's, or the kubelet's 400."""
    name, cs = pod["metadata"]["name"], container_status(pod, container)
    blocks = find_blocks(world, pod, container, previous=previous)
    terminated_before = bool((cs.get("lastState") or {}).get("terminated"))
    if previous:
        if not blocks and not terminated_before:
            raise ApiError(400, f'previous terminated container "{container}" in pod "{name}" not found')
        return blocks, True
    waiting = (cs.get("state") or {}).get("waiting")
    never_started = not cs and (pod.get("status") or {}).get("phase", "Pending") == "Pending"
    if blocks or not (waiting is not None or never_started):
        return blocks, False
    earlier = find_blocks(world, pod, container, previous=True)
    if earlier or terminated_before or int(cs.get("restartCount") or 0) > 0:
        return earlier, True
    reason = (waiting or {}).get("reason") or "ContainerCreating"
    raise ApiError(400, f'container "{container}" in pod "{name}" is waiting to start: {reason}')


def pod_log(world: World, namespace: str, name: str, params: Params) -> bytes:
    """The body of GET .../pods/NAME/log for these query parameters."""
    with world.lock:
        pod = world.get("Pod", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        container = pick_container(pod, param(params, "container"))
        blocks, previous = _choose(world, pod, container, bool_param(params, "previous"))
        start = start_time(pod, container_status(pod, container), previous=previous, now=world.now)
        lines = expand(blocks, start, world.now)
        return render(lines, params, now=world.now)


def render(lines: list[tuple[datetime, str]], params: Params, *, now: datetime) -> bytes:
    since_s, since_t = int_param(params, "sinceSeconds"), param(params, "sinceTime")
    if since_s is not None and since_t:
        raise ApiError(422, "at most one of `sinceTime` or `sinceSeconds` may be specified")
    if since_s is not None and since_s < 1:
        raise ApiError(422, "sinceSeconds: Invalid value: must be greater than 0")
    since = now - timedelta(seconds=since_s) if since_s is not None else None
    if since_t:
        try:
            since = parse_time(since_t)
        except ValueError as exc:
            raise ApiError(400, f"sinceTime: not an RFC 3339 time: {since_t!r}") from exc
    if since is not None:
        lines = [(t, line) for t, line in lines if t >= since]
    tail = int_param(params, "tailLines")
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    stamp = bool_param(params, "timestamps")
    text = "".join(f"{_kubelet_time(t)} {line}\n" if stamp else f"{line}\n" for t, line in lines)
    data = text.encode()
    limit = int_param(params, "limitBytes")
    if limit is not None:
        if limit < 1:
            raise ApiError(422, "limitBytes: Invalid value: must be greater than 0")
        data = data[:limit]
    return data


def _kubelet_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond * 1000:09d}Z"
