"""Use cases, each a verb: one transaction that changes state and writes its audit entry."""
