"""Identifiers of stored rows: positive 32-bit integers on both databases."""

MAX_ID = 2**31 - 1
