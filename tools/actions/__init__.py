"""The closed set of gated actions: plan (validate + server-side dry run + diff), execute (+ verify).

    plan = plan_action(action, ctx)            # nothing changes; plan.diff goes on the approval card
    outcome = execute_action(action, plan, ctx, approver="U123", audit=log, incident_id=iid)

Whether an action mutates is decided here from its ActionName, never from
anything a model writes.
"""
from __future__ import annotations

from tools.actions.execute import execute_action
from tools.actions.params import MAX_REPLICAS
from tools.actions.plan import plan_action
from tools.actions.results import NO_CHANGE, ActionOutcome, ActionPlanResult
from tools.models import MUTATING_ACTIONS, ProposedAction


def is_mutating(action: ProposedAction) -> bool:
    return action.action in MUTATING_ACTIONS


__all__ = ["MAX_REPLICAS", "NO_CHANGE", "ActionOutcome", "ActionPlanResult", "execute_action", "is_mutating",
           "plan_action"]
