"""The Slack side of debugbot: Bolt handlers, Block Kit, the thread streamer, HTTP and Socket Mode entries.

What workers use:
    bot.payloads.parse_payload(dict) -> InvestigatePayload | DecisionPayload | FollowUpPayload
    bot.incident.IncidentIndex(redis).get(incident_id) / .set_status(incident_id, status, summary=, step=)
    bot.streamer.ThreadStreamer.for_incident(web_client, info, oncall_group_id=...)
        .emit(ProgressEvent) .set_state(str) .post(Message) .upload_chart(png, title=) .close(Report)
    bot.cards.approval_card(...), decision_card(...), report_message(report); bot.blocks.escalation_message(...)

Flow of a request: Bolt verifies the signature, bot.dedupe drops repeats (SET NX EX on the event id or
trigger id), the listener acks, and services.after_ack posts to Slack and enqueues on RQ after the ack.
"""
