"""One exception base for every error a user can cause, with a stable code and an HTTP status.

The API maps these to ``{"error": {"code": ..., "message": ...}}`` in one place; the CLI
prints the message. Messages are sentences that say what was wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from policenet.domain import error_codes

if TYPE_CHECKING:
    from policenet.domain.principals import Principal


@dataclass(frozen=True, slots=True)
class Refusal:
    """The audit entry of a refused attempt (a read of something the caller may not see).

    Everything the attempt wrote is rolled back with the error; this entry alone is then
    committed, in a transaction of its own, by whatever ran the verb (``actions.verbs``'
    ``perform`` and ``look``, the hub's ``in_transaction``), so that a refused read is in the
    audit log as surely as an answered one."""

    principal_id: int | None
    country: str | None
    action: str
    subject: str
    detail: dict[str, Any]

    @classmethod
    def by(
        cls, principal: Principal, action: str, subject: str, detail: dict[str, Any] | None = None
    ) -> Refusal:
        """The principal's ``action`` on ``subject``, refused (its detail says so)."""
        return cls(
            principal.id, principal.country, action, subject, {**(detail or {}), "shown": False}
        )

    @property
    def item(self) -> tuple[int | None, str | None, str, str, dict[str, Any]]:
        """As the audit log takes an entry: principal, country, action, subject, detail."""
        return (self.principal_id, self.country, self.action, self.subject, self.detail)


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
        # The status is the code's, from the one table of codes (domain/error_codes.py).
        self.status = error_codes.status_of(self.code, self.status)
        self.field = field
        # Machine-readable facts that help fix the request (e.g. the states allowed next).
        self.details = details
        self.refusal: Refusal | None = None

    def audited(self, refusal: Refusal) -> Self:
        """This error, carrying the audit entry that must be committed although it is raised."""
        self.refusal = refusal
        return self


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


class Unavailable(PolicenetError):
    """The hub cannot do it now, and nothing was done: send it again later (HTTP 503)."""

    code = "unavailable"
    status = 503
