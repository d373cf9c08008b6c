"""Every error answered in one shape: ``{"error": {"code": ..., "message": ...}}``, with the
HTTP status that the table of codes (``domain/error_codes.py``) gives its code."""

from __future__ import annotations

import copy
import logging
import traceback
from typing import Any

import uvicorn.config
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from policenet.domain.error_codes import CODES
from policenet.domain.errors import PolicenetError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    404: ("not_found", "No such endpoint: see /docs for the API."),
    405: ("method_not_allowed", "This endpoint does not accept that method: see /docs."),
}


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable: branch on it (docs/api.md lists every code).")
    message: str = Field(description="What was wrong, and how to put it right.")
    field: str | None = Field(default=None, description="The field at fault, if one is.")


class ErrorAnswer(BaseModel):
    """Every error the hub answers, whatever its status."""

    error: ErrorDetail


# What any endpoint may answer besides its success: documented on every one of them.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorAnswer, "description": description}
    for status, description in (
        (400, "The request is malformed."),
        (401, "No token, or one the hub does not accept."),
        (403, "Your role, your country or the record's owner does not allow it."),
        (404, "Nothing of that id that you may see."),
        (409, "The thing is not in a state that allows it."),
        (410, "It was cancelled."),
        (413, "The body is over the hub's limit."),
        (422, "A value breaks a rule: the message says which and how to fix it."),
        (429, "Too many requests: wait the seconds Retry-After says."),
        (503, "Busy (a long import): nothing was done; send it again after Retry-After."),
    )
}


def _body(code: str, message: str, **extra: Any) -> dict[str, Any]:  # noqa: ANN401 - JSON
    return {"error": {"code": code, "message": message, **extra}}


def _answer(code: str, message: str, **extra: Any) -> JSONResponse:  # noqa: ANN401 - JSON
    """An answer of the HTTP layer's own, with its code's registered status."""
    return JSONResponse(_body(code, message, **extra), CODES[code].status)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


async def _policenet_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PolicenetError)  # noqa: S101 - registered for this type only
    extra: dict[str, Any] = {} if exc.field is None else {"field": exc.field}
    if exc.details:
        extra.update(exc.details)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if exc.status in {429, 503} and exc.details and "retry_after" in exc.details:
        headers = {"Retry-After": str(exc.details["retry_after"])}
    return JSONResponse(_body(exc.code, exc.message, **extra), exc.status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = exc.errors()
    problems = [f"{_location(tuple(e['loc']))}: {e['msg']}" for e in errors]
    message = "The request does not fit the API: " + "; ".join(problems[:5]) + ". See /docs."
    first = _location(tuple(errors[0]["loc"])) if errors else None
    return _answer("invalid_request", message, field=first)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    known = _HTTP_CODES.get(exc.status_code)
    if known is None:
        # An HTTP error with no code of ours keeps its own status (see domain/error_codes.py).
        return JSONResponse(_body("http_error", str(exc.detail)), exc.status_code)
    return _answer(*known)


def _where(exc: BaseException) -> str:
    """Where an error arose, without its message: a message may quote the request's values
    (names, message bodies), and the hub's log keeps no personal data."""
    frames = traceback.extract_tb(exc.__traceback__)
    places = " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1]
    )
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {places or 'unknown'}"


class WithoutExceptionText(logging.Filter):
    """For the server's own logger: Starlette answers an unexpected error with the 500 of
    ``_unexpected`` (which logs its type and place), then raises it again for the server,
    and uvicorn would log its message and traceback, which may quote the request's personal
    data (a name, a message body). This keeps the line, with the error's type and place."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage().strip()}: {_where(record.exc_info[1])}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def server_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration, its error logger filtered (``WithoutExceptionText``)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["without_exception_text"] = {
        "()": f"{__name__}.WithoutExceptionText"
    }
    # uvicorn's error logger, and asyncio's (a task's exception nobody retrieved).
    for name in ("uvicorn.error", "asyncio"):
        config["loggers"].setdefault(name, {}).setdefault("filters", []).append(
            "without_exception_text"
        )
    return config


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s: %s", request.method, request.url.path, _where(exc))
    return _answer(
        "internal_error",
        "The hub failed to answer; nothing was changed. Try again, "
        "and tell the hub's operators if it persists.",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(PolicenetError, _policenet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
