"""The Toolbox over real tools: a ToolContext (cluster, Prometheus, clock), the registry, actions, approvals."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent.toolbox import ActionOutcome, ActionPlan
from tools.context import ToolContext
from tools.inventory import Inventory, fetch_inventory
from tools.models import ProposedAction, ToolResult, ToolStatus

if TYPE_CHECKING:
    from tools.approvals import ApprovalStore
    from tools.audit import AuditLog


class LiveToolbox:
    """Everything the graph touches, for one investigation. Approvals are optional (the eval runs without)."""

    def __init__(self, ctx: ToolContext, *, approvals: ApprovalStore | None = None,
                 audit: AuditLog | None = None) -> None:
        self.ctx, self.approvals, self.audit = ctx, approvals, audit

    def now(self) -> datetime:
        return self.ctx.now()

    def inventory(self, namespaces: list[str] | None) -> Inventory:
        if self.ctx.k8s is None:
            return Inventory(errors=["no Kubernetes configuration: set DEBUGBOT_KUBECONFIG or DEBUGBOT_IN_CLUSTER"])
        return fetch_inventory(self.ctx.k8s, namespaces=namespaces, timeout_s=self.ctx.settings.k8s_timeout_s)

    def call(self, tool: str, args: dict[str, Any]) -> ToolResult:
        from tools.registry import call_tool

        return call_tool(tool, args, self.ctx)

    def plan_action(self, action: ProposedAction, *, incident_id: str, proposer: str,
                    requested_by: str | None) -> ActionPlan:
        from tools.actions import plan_action

        planned = plan_action(action, self.ctx)
        if not planned.ok:
            return ActionPlan(ok=False, diff="", error=planned.error)
        approval_id = None
        if self.approvals is not None:
            record = self.approvals.create(incident_id=incident_id, action=action, dry_run_diff=planned.diff,
                                           proposer=proposer, requested_by=requested_by,
                                           target_resource_version=planned.resource_version)
            approval_id = record.id
        return ActionPlan(ok=True, diff=planned.diff, resource_version=planned.resource_version,
                          approval_id=approval_id)

    def execute_action(self, action: ProposedAction, plan: ActionPlan, *, approver: str) -> ActionOutcome:
        from tools.actions import ActionPlanResult, execute_action

        if self.approvals is not None:
            refusal = self._check_approval(action, plan, approver)
            if refusal:
                return ActionOutcome(ok=False, text=refusal)
        planned = ActionPlanResult(ok=True, action=action, diff=plan.diff, resource_version=plan.resource_version)
        done = execute_action(action, planned, self.ctx, approver=approver)
        if self.approvals is not None and plan.approval_id:
            self.approvals.mark(plan.approval_id, "executed" if done.ok else "failed", done.text)
        return ActionOutcome(ok=done.ok, text=done.text, verified=done.verified, data=done.details)

    def _check_approval(self, action: ProposedAction, plan: ActionPlan, approver: str) -> str | None:
        """Safety is code: run only an approved, unexecuted record whose digest matches this action."""
        assert self.approvals is not None
        if not plan.approval_id:
            return "refused: no approval record for this action"
        record = self.approvals.get(plan.approval_id)
        if record is None:
            return "refused: the approval record is gone (expired?)"
        if record.state != "approved":
            return f"refused: the approval is {record.state}, not approved"
        if not self.approvals.verify_digest(record, action):
            return "refused: the action differs from the one that was approved"
        return None

