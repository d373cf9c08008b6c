"""The bureau side of the network: a small HTTP client of the hub, its live event stream with
automatic resume, and sealing with the bureau's own keys (which never leave its machine)."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from policenet.sealing import KeyPair, PublicKeys, SealError, header, open_sealed, seal

RECONNECT_MAX_SECONDS = 30.0


class ClientError(Exception):
    """The hub refused, or could not be reached; ``code`` is the hub's stable error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class StreamEvent:
    id: int
    kind: str
    data: dict[str, Any]


def _error(answer: httpx.Response) -> ClientError:
    try:
        error = answer.json()["error"]
        return ClientError(error["code"], error["message"])
    except (ValueError, KeyError, TypeError):
        return ClientError("http_error", f"The hub answered {answer.status_code}: {answer.text}")


@dataclass(frozen=True, slots=True)
class Tls:
    """How the bureau's client meets a hub served over TLS: the certificate authority that
    signed the hub's certificate (None: the system's), and the bureau's own certificate and
    key, for a hub that asks for one (mutual TLS)."""

    hub_ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    @classmethod
    def from_environment(cls) -> Tls:
        """``POLICENET_HUB_CA``, ``POLICENET_CLIENT_CERT`` and ``POLICENET_CLIENT_KEY``."""

        def path(name: str) -> Path | None:
            value = os.environ.get(name)
            return Path(value) if value else None

        return cls(
            path("POLICENET_HUB_CA"), path("POLICENET_CLIENT_CERT"), path("POLICENET_CLIENT_KEY")
        )

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(
            cafile=None if self.hub_ca is None else str(self.hub_ca)
        )
        if self.cert is not None:
            context.load_cert_chain(str(self.cert), None if self.key is None else str(self.key))
        return context


class HubClient:
    def __init__(
        self, url: str, token: str, *, timeout: float = 30.0, tls: Tls | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            verify=(tls or Tls()).context(),
        )

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:  # noqa: ANN401 - JSON
        try:
            answer = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ClientError(
                "hub_unreachable", f"The hub at {self.url} cannot be reached: {error}."
            ) from None
        if answer.status_code >= 400:
            raise _error(answer)
        return answer.json()

    @contextlib.contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:  # noqa: ANN401
        """An answer read as it arrives (an export of any size); a refusal as ``call``."""
        try:
            with self._http.stream(method, path, **kwargs) as answer:
                if answer.status_code >= 400:
                    answer.read()
                    raise _error(answer)
                yield answer
        except httpx.TransportError as error:
            raise ClientError(
                "hub_unreachable", f"The hub at {self.url} cannot be reached: {error}."
            ) from None

    def me(self) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", "/v1/me")
        return found

    def public_keys(self, bureau_id: str, fingerprint: str | None = None) -> PublicKeys:
        """A bureau's current keys, or the registered key with the given fingerprint."""
        keys = self.call("GET", f"/v1/keys/{bureau_id}")
        chosen = [
            k
            for k in keys
            if (k["fingerprint"] == fingerprint if fingerprint else k["retired_at"] is None)
        ]
        if not chosen:
            raise ClientError(
                "no_key",
                f"{bureau_id} has no registered key"
                + (f" {fingerprint}" if fingerprint else "")
                + ": it must run 'policenet keys generate --register' first.",
            )
        key = chosen[0]
        found = PublicKeys(
            bureau_id,
            base64.b64decode(key["encryption_key"]),
            base64.b64decode(key["signing_key"]),
        )
        if found.fingerprint != key["fingerprint"]:
            raise ClientError(
                "key_fingerprint_mismatch",
                f"The hub served keys for {bureau_id} that do not match their fingerprint "
                f"{key['fingerprint']}: do not trust them; report it to the GS.",
            )
        return found

    def events(self, after: int) -> Iterator[StreamEvent]:
        """The caller's events after ``after``, live, for ever: a dropped connection is
        resumed from the last event received (Last-Event-ID), after a growing pause."""
        last, pause = after, 1.0
        while True:
            try:
                with self._http.stream(
                    "GET",
                    "/v1/events/stream",
                    headers={"Last-Event-ID": str(last)},
                    timeout=httpx.Timeout(30.0, read=60.0),
                ) as answer:
                    if answer.status_code >= 400:
                        answer.read()
                        raise _error(answer)
                    pause = 1.0
                    for event in parse_sse(answer.iter_lines()):
                        last = event.id
                        yield event
            except httpx.TransportError:
                pass
            time.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX_SECONDS)

    def open_message(self, reference: str, keys: KeyPair) -> dict[str, Any]:
        """Fetch a sealed message (a read receipt goes to its sender), verify its signature
        against the sender's registered key, and decrypt it."""
        message = self.call("GET", f"/v1/messages/{reference}")
        envelope = message["sealed"]
        me = self.me()["bureau_id"]
        sender = self.public_keys(message["from_bureau"], envelope["sender_key"])
        head = header(
            sender=message["from_bureau"],
            recipient=me,
            sender_key=envelope["sender_key"],
            recipient_key=envelope["recipient_key"],
            priority=message["priority"],
            kind=message["classification"],
        )
        content = open_sealed(envelope, head, sender_signing_key=sender.signing_key, keys=keys)
        return {**message, **content}


def parse_sse(lines: Iterator[str]) -> Iterator[StreamEvent]:
    """Server-sent events from the stream's lines (comments and ``retry`` are skipped)."""
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in fields and "id" in fields:
                yield StreamEvent(
                    int(fields["id"]), fields.get("event", "message"), json.loads(fields["data"])
                )
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


def seal_for(
    client: HubClient,
    keys: KeyPair,
    *,
    sender: str,
    recipient: str,
    content: dict[str, Any],
    priority: str,
    classification: str,
) -> dict[str, str]:
    return seal(
        content,
        sender=sender,
        sender_keys=keys,
        recipient=client.public_keys(recipient),
        priority=priority,
        classification=classification,
    )


__all__ = ["ClientError", "HubClient", "SealError", "StreamEvent", "parse_sse", "seal_for"]
