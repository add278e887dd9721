"""RQ glue: job functions, the worker, and how a job talks to its Slack thread."""
