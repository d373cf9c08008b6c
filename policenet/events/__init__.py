"""The durable per-recipient event log and its live stream: hit alerts, messages (issue 5)."""
