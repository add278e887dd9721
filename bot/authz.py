"""Who may approve a mutation: listed users, members of listed user groups, maybe not the requester."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


class Approvers:
    """Authorisation of Approve/Reject clicks.

    Nobody is an approver unless listed (DEBUGBOT_APPROVER_USER_IDS) or in a
    listed user group (DEBUGBOT_APPROVER_GROUP_IDS, read with
    usergroups.users.list and cached for `cache_s`): a bot that can change a
    cluster fails closed.
    """

    def __init__(self, client: WebClient, *, user_ids: Sequence[str], group_ids: Sequence[str],
                 allow_self_approval: bool, cache_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.user_ids, self.group_ids = client, frozenset(user_ids), tuple(group_ids)
        self.allow_self_approval, self.cache_s, self.clock = allow_self_approval, cache_s, clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def check(self, user_id: str, *, requested_by: str | None = None) -> Decision:
        if not self.user_ids and not self.group_ids:
            return Decision(False, "no approvers are configured (DEBUGBOT_APPROVER_USER_IDS or "
                                   "DEBUGBOT_APPROVER_GROUP_IDS)")
        if not self.allow_self_approval and requested_by and requested_by == user_id:
            return Decision(False, "you asked for this investigation, and self-approval is disabled: "
                                   "another approver has to decide")
        if user_id in self.user_ids:
            return Decision(True)
        for group in self.group_ids:
            if user_id in self.members(group):
                return Decision(True)
        return Decision(False, "you are not an approver for debugbot actions")

    def members(self, group_id: str) -> frozenset[str]:
        """Members of a user group, from a short cache; empty when Slack says no."""
        now = self.clock()
        with self._lock:
            cached = self._cache.get(group_id)
            if cached and now - cached[0] < self.cache_s:
                return cached[1]
        try:
            users = self.client.usergroups_users_list(usergroup=group_id).get("users") or []
        except SlackApiError as exc:
            log.warning("usergroups.users.list %s failed: %s", group_id, exc.response.get("error"))
            users = []
        found = frozenset(str(u) for u in users)
        with self._lock:
            self._cache[group_id] = (now, found)
        return found
