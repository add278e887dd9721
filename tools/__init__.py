"""Read tools, gated actions, redaction and output budgets. Knows nothing of Slack or graphs."""
