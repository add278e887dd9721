"""Pod logs through the API (current or previous run), optionally grepped, then compressed into templates."""
from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.errors import InvalidArgs, UpstreamError
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, container_status_text, meta
from tools.logcompress import compress_logs
from tools.models import ToolResult, ToolStatus

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


class LogsArgs(NamespacedArgs):
    pod: str = Field(pattern=NAME_PATTERN, max_length=253, description="pod name")
    container: str | None = Field(None, pattern=NAME_PATTERN, description="container; default: the pod's default/first")
    previous: bool = Field(False, description="the last terminated run's log (kubectl logs -p)")
    tail_lines: int = Field(500, ge=1, le=5000, description="lines from the end")
    since_seconds: int | None = Field(None, ge=1, le=7 * 86400, description="only lines this recent")
    grep: str | None = Field(None, min_length=1, max_length=200, description="keep lines matching this regex "
                             "(case-insensitive), applied after fetching")


def _pick_container(pod: Obj, wanted: str | None) -> tuple[str, Obj | None]:
    """The container to read (explicit, annotated default, or first) and its status."""
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]
    name = wanted or (meta(pod).get("annotations") or {}).get(DEFAULT_CONTAINER) or (names[0] if names else None)
    if name is None:
        raise InvalidArgs("the pod has no containers")
    if name not in names:
        raise InvalidArgs(f"pod has no container {name!r}; containers: {', '.join(map(str, names))}")
    statuses = ((pod.get("status") or {}).get("containerStatuses") or []) + \
        ((pod.get("status") or {}).get("initContainerStatuses") or [])
    return str(name), next((s for s in statuses if s.get("name") == name), None)


def _grep(lines: list[str], pattern: str | None) -> list[str]:
    if not pattern:
        return lines
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InvalidArgs(f"grep regex {pattern!r} does not compile: {exc}") from exc
    return [line for line in lines if rx.search(line)]


def pod_logs(args: LogsArgs, ctx: ToolContext) -> ToolResult:
    """A container's log (or its previous run's), fetched through the API and compressed into templates
    with counts; every error template is kept, with first and last times."""
    ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    base = f"/api/v1/namespaces/{args.namespace}/pods/{args.pod}"
    pod = kube.get(base)
    container, status = _pick_container(pod, args.container)
    try:
        raw = kube.get_text(f"{base}/log", {"container": container, "previous": args.previous or None,
                                            "tailLines": args.tail_lines, "sinceSeconds": args.since_seconds})
    except UpstreamError as exc:
        if exc.status != 400 or "waiting to start" not in str(exc):
            raise
        return ToolResult(status=ToolStatus.NO_DATA, invocation=kube.invocation,
                          text=f"no logs: {str(exc).split(': ', 1)[-1]} (the container has not run yet)")
    fetched = raw.splitlines()
    lines = _grep(fetched, args.grep)
    run = "previous (terminated) run" if args.previous else "current run"
    head = [f"logs of pod {args.namespace}/{args.pod} container {container}, {run}"
            + (f", grep {args.grep!r}" if args.grep else "") + f": {len(fetched)} lines fetched ({len(raw)} bytes)"
            + (f", {len(lines)} matching" if args.grep else "")]
    if status is not None:
        head.append("container now: " + container_status_text(status, ctx.now()))
    if not lines:
        head.append("(no log lines)" if not fetched else "(no line matches the grep)")
        return ToolResult(status=ToolStatus.NO_DATA, invocation=kube.invocation, text="\n".join(head),
                          data={"container": container, "lines": 0, "bytes": len(raw)})
    budget = max(200, ctx.settings.tool_output_tokens - 120)
    c = compress_logs(lines, max_tokens=budget, year=ctx.now().year)
    head.append(f"compressed {c.raw_lines} lines / {c.raw_bytes} bytes into {len(c.templates)} templates, "
                f"{c.returned_bytes} bytes / {c.tokens} tokens (ratio {c.ratio:.1f}x)"
                + (", some templates cut to fit" if c.truncated else ""))
    data: dict[str, Any] = {"container": container, "previous": args.previous, "lines": len(lines),
                            "bytes": len(raw), "templates": len(c.templates), "tokens": c.tokens,
                            "ratio": round(c.ratio, 2), "cut_templates": c.cut_templates}
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join([*head, c.text]),
                      data=data, truncated=c.truncated)
