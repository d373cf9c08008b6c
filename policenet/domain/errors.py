"""One exception base for every error a user can cause, with a stable code and an HTTP status.

The API maps these to ``{"error": {"code": ..., "message": ...}}`` in one place; the CLI
prints the message. Messages are sentences that say what was wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any


class PolicenetError(Exception):
    """An error with a stable machine code, an HTTP status and a sentence for the user."""

    code: str = "error"
    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        # Machine-readable facts that help fix the request (e.g. the states allowed next).
        self.details = details


class InvalidInput(PolicenetError):
    """The request is well formed but a value breaks a rule (HTTP 422)."""

    code = "invalid_input"
    status = 422


class NotAuthenticated(PolicenetError):
    """No usable credentials (HTTP 401)."""

    code = "not_authenticated"
    status = 401


class Forbidden(PolicenetError):
    """The caller is known but may not do this (HTTP 403)."""

    code = "forbidden"
    status = 403


class NotFound(PolicenetError):
    """Nothing the caller may see exists under this identifier (HTTP 404)."""

    code = "not_found"
    status = 404


class Conflict(PolicenetError):
    """The request contradicts the current state (HTTP 409)."""

    code = "conflict"
    status = 409


class Gone(PolicenetError):
    """It existed, and was withdrawn: the caller must not act on it (HTTP 410)."""

    code = "gone"
    status = 410
