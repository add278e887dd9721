"""Executing an approved plan: re-read, refuse a stale target, write with a precondition, verify, audit."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tools.actions.plan import MALFORMED, Prepared, describe, prepare, send
from tools.actions.results import ActionOutcome, ActionPlanResult
from tools.actions.verify import verify
from tools.context import ToolContext
from tools.errors import Conflict, ToolError, UpstreamTimeout
from tools.models import ProposedAction

if TYPE_CHECKING:
    from tools.audit import AuditLog

RERUN = "re-run the investigation"
log = logging.getLogger(__name__)


class _Refused(Exception):
    """Nothing was written: why, for the thread."""


def _check_plan(action: ProposedAction, plan: ActionPlanResult) -> None:
    if not action.mutating:
        raise _Refused(f"{action.action.value} is advice only: there is nothing to execute")
    if not plan.ok:
        raise _Refused(f"the plan was not ok ({plan.error or 'no reason given'}): nothing to execute")
    if plan.action.model_dump(mode="json", exclude={"rationale"}) != action.model_dump(mode="json",
                                                                                       exclude={"rationale"}):
        raise _Refused("the plan was made for a different action than the one approved: " + RERUN)


def _write(action: ProposedAction, plan: ActionPlanResult, ctx: ToolContext) -> Prepared:
    p = prepare(action, ctx)
    if plan.resource_version and p.resource_version != plan.resource_version:
        raise _Refused(f"{p.mutation.ref.label()} changed since the approval card was made (resourceVersion "
                       f"{plan.resource_version} -> {p.resource_version}): {RERUN}")
    if p.mutation.noop:
        raise _Refused(f"no change: {p.mutation.noop}")
    send(p, dry_run=False, resource_version=plan.resource_version or p.resource_version)
    return p


def _error_text(action: ProposedAction, exc: Exception) -> str:
    what = f"{action.action.value} on {action.target.label() if action.target else '?'} failed"
    if isinstance(exc, Conflict):
        return f"{what}: the target changed between the check and the write (409 Conflict): {RERUN}"
    if isinstance(exc, UpstreamTimeout):
        return f"{what}: {exc}; the change may or may not have been applied: look at the object before retrying"
    return f"{what}: {exc}"


def execute_action(action: ProposedAction, plan: ActionPlanResult, ctx: ToolContext, *, approver: str,
                   audit: AuditLog | None = None, incident_id: str | None = None,
                   approval_id: str | None = None) -> ActionOutcome:
    """Run an approved, planned action once and look again; never raises."""
    record = _recorder(audit, action, plan, approver=approver, incident_id=incident_id, approval_id=approval_id)
    try:
        _check_plan(action, plan)
        p = _write(action, plan, ctx)
    except _Refused as exc:
        text = f"refused: {exc}"
        record("failed", text)
        return ActionOutcome(ok=False, text=text, verified=False, details={**describe(action), "refused": True})
    except (ToolError, *MALFORMED) as exc:
        text = _error_text(action, exc)
        record("failed", text)
        return ActionOutcome(ok=False, text=text, verified=False, details={**describe(action), "error": str(exc)})
    m = p.mutation
    record("executed", m.summary)
    check = verify(m, p.kube, timeout_s=ctx.settings.verify_timeout_s)
    text = f"{m.summary}; {'verified: ' if check.verified else ''}{check.text}"
    record("verified" if check.verified else "failed", text)
    details: dict[str, Any] = {**describe(action), **m.details, "approver": approver,
                               "resource_version_before": p.resource_version,
                               "resource_version_after": check.resource_version, "readiness": check.readiness}
    return ActionOutcome(ok=True, text=text, verified=check.verified, details=details)


def _recorder(audit: AuditLog | None, action: ProposedAction, plan: ActionPlanResult, *, approver: str,
              incident_id: str | None, approval_id: str | None) -> Any:
    """A `record(event, outcome)` that writes to the audit log when there is one (and never raises)."""
    def record(event: str, outcome: str) -> None:
        if audit is None:
            return
        try:
            audit.record(event, incident_id=incident_id or "unknown", approval_id=approval_id, action=action,
                         user=approver, diff=plan.diff, outcome=outcome)
        except Exception:  # noqa: BLE001 - the cluster write happened; a lost audit line must not hide it
            log.exception("audit write failed for %s", incident_id)
    return record
