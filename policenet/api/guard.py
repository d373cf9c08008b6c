"""What every request passes before the API reads it, and every answer carries when it leaves.

- A body larger than the hub accepts is refused ``413 request_too_large`` from its declared
  length, before any of it is read, or as soon as a body sent without one passes the limit.
- A JSON body or a query that holds the NUL character is refused ``422 nul_character``: no
  database keeps it in text (PostgreSQL refuses it), and it is never meant.
- An address that keeps failing to authenticate is answered ``429 too_many_attempts`` for a
  while, with ``Retry-After``; each failure is logged with the address and the token's prefix
  (never the token), and shutting the address out is audited (``on_lockout``).
- Every answer carries the security headers, and ``Cache-Control: no-store`` unless it is a
  static asset of the API reference: answers name people, and no proxy or browser keeps them.

A pure ASGI middleware: the event stream and large exports pass through it unbuffered.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from policenet.domain.error_codes import CODES

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, MutableMapping

    from policenet.access.rates import Rates

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("policenet.security")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
# JSON answers run no script and are framed by no one; the HTML pages (the public notices, the
# API reference) load their own assets only.
_CSP_JSON = b"default-src 'none'; frame-ancestors 'none'"
_CSP_HTML = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
)
_HSTS = b"max-age=31536000; includeSubDomains"
# The API reference's scripts and styles are the same for everyone: they may be cached.
_CACHEABLE = ("/static/", "/docs/", "/redoc/")


def _error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def _holds_nul(value: Any) -> bool:  # noqa: ANN401 - any JSON value
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class _TooLarge(Exception):
    pass


# The one path whose body is a file to import, not a request to read whole.
IMPORTS = "/v1/imports"


class Guard:
    """The middleware; ``max_body`` in bytes."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        rates: Rates,
        max_import: int | None = None,
        on_lockout: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_import = max_import or max_body
        self.rates = rates
        # Told of an address shut out, with the prefix of the last token it tried.
        self.on_lockout = on_lockout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        wait = self.rates.failures_by_address.shut_for(address)
        if wait:
            await _refuse(
                send,
                "too_many_attempts",
                f"Too many failed authentications from {address}: wait {wait} s, then use a "
                "valid token.",
                retry_after=wait,
            )
            return
        if scope.get("path", "").startswith("/v1/checks"):
            wait = self.rates.checks_by_address.take(f"address:{address}")
            if wait:
                await _refuse(
                    send,
                    "rate_limited",
                    f"Checks from {address} come faster than this hub answers one address: "
                    f"try again in {wait} s.",
                    retry_after=wait,
                )
                return
        if b"%00" in scope.get("query_string", b""):
            await _refuse(send, "nul_character", _NUL_MESSAGE)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if scope.get("path") == IMPORTS and scope["method"] == "POST":
            # A file to import: as large as POLICENET_MAX_IMPORT_MB allows, and written to
            # disk as it arrives by the endpoint, which counts it (never read whole here).
            if declared is not None and declared.isdigit() and int(declared) > self.max_import:
                await _refuse(send, "request_too_large", self._too_large(self.max_import))
                return
            await self.app(scope, receive, self._sending(scope, send, address))
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _refuse(send, "request_too_large", self._too_large())
            return
        json_body = headers.get(b"content-type", b"").startswith(b"application/json")
        # A JSON body is read here whole (it is small: the API reads it whole anyway), and so
        # is one of no declared length; any other is as long as it says, which the server
        # holds it to.
        if scope["method"] in ("POST", "PUT", "PATCH") and (json_body or declared is None):
            try:
                body = await self._read(receive)
            except _TooLarge:
                await _refuse(send, "request_too_large", self._too_large())
                return
            if json_body and _nul_in(body):
                await _refuse(send, "nul_character", _NUL_MESSAGE)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, self._sending(scope, send, address))

    def _too_large(self, limit: int | None = None) -> str:
        if limit is not None:
            return (
                f"The file is over {limit // (1024 * 1024)} MiB, the most this hub imports at "
                "once (POLICENET_MAX_IMPORT_MB): split it in parts."
            )
        return (
            f"The request's body is over {self.max_body // (1024 * 1024)} MiB, the most this "
            "hub accepts (POLICENET_MAX_BODY_MB): send it in parts, or a large file to "
            "POST /v1/imports."
        )

    async def _read(self, receive: Receive) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(parts)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)

    def _sending(self, scope: Scope, send: Send, address: str) -> Send:
        path: str = scope.get("path", "")
        secure = scope.get("scheme") == "https"
        cacheable = path.startswith(_CACHEABLE)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 401:
                    prefix = self._failed(scope, address)
                    if prefix is not None and self.on_lockout is not None:
                        await self.on_lockout(address, prefix)
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"cache-control", b"pragma")
                ]
                html = any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers
                )
                headers.extend(SECURITY_HEADERS)
                headers.append((b"content-security-policy", _CSP_HTML if html else _CSP_JSON))
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                    headers.append((b"pragma", b"no-cache"))
                if secure:
                    headers.append((b"strict-transport-security", _HSTS))
                message["headers"] = headers
            await send(message)

        return sending

    def _failed(self, scope: Scope, address: str) -> str | None:
        """A failed authentication: counted against the address, and logged with what
        identifies the attempt but never the token itself. The token's prefix if the address
        is now shut out."""
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"authorization", b"").decode("latin-1")
        token = given.removeprefix("Bearer ").strip()
        prefix = token[:10] if token.startswith("pn_") else ("none" if not token else "other")
        shut = self.rates.failures_by_address.failed(address)
        log.warning(
            "authentication failed: address=%s path=%s token_prefix=%s",
            address,
            scope.get("path", ""),
            prefix,
        )
        if shut:
            log.warning("address shut out for failed authentications: address=%s", address)
        return prefix if shut else None


_NUL_MESSAGE = (
    "Text may not hold the NUL character (\\u0000 in JSON, %00 in a URL): remove it and send "
    "the request again."
)


def _nul_in(body: bytes) -> bool:
    """A NUL in a JSON body, raw or escaped (a quick look first: almost no body has one)."""
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body.lower():
        return False
    try:
        return _holds_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the API answers that itself


def _replay(body: bytes, rest: Receive) -> Receive:
    """The body already read, then what the client sends next (its disconnection)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await rest()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _refuse(send: Send, code: str, message: str, *, retry_after: int | None = None) -> None:
    body = _error(code, message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"content-security-policy", _CSP_JSON),
        *SECURITY_HEADERS,
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    if code == "request_too_large":
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": CODES[code].status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
