"""In-memory indexes that answer checks (name blocking, biometrics), rebuilt from the store.

Travel documents need none: their check is one indexed lookup in ``store.documents``. The name
screening engine (issue 4) is the first index to live here.
"""
