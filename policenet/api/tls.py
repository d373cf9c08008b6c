"""Mutual TLS: the client certificate of each connection, handed to the application.

uvicorn verifies a client's certificate against ``--client-ca`` but does not tell the
application which certificate it was (it does not fill the ASGI TLS extension). The protocol
below does: on each TLS connection it reads the peer's certificate once and puts it in every
request's ``scope["extensions"]["tls"]`` as the ASGI TLS extension describes it
(``client_cert_chain``, ``client_cert_name``), so that the API can check that a token is used
with its own bureau's certificate (``certificate_of``).

A bureau's certificate names its bureau in the subject's common name (``NCB-FR``, ``GS-HQ``);
a national agency uses its country's NCB certificate, or one of its own named ``AGENCY-<id>``.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from policenet.domain.principals import ClientCertificate

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Awaitable, Callable, MutableMapping

    Scope = MutableMapping[str, Any]
    ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def client_certificate(der: bytes) -> ClientCertificate:
    """The certificate a client presented, by the names the API compares."""
    certificate = x509.load_der_x509_certificate(der)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = names[0].value if names else None
    return ClientCertificate(
        subject=certificate.subject.rfc4514_string(),
        name=common_name if isinstance(common_name, str) else None,
    )


def certificate_of(scope: Scope) -> ClientCertificate | None:
    """The client certificate of the request's connection, if it presented one."""
    tls = scope.get("extensions", {}).get("tls")
    if not tls or not tls.get("client_cert_chain"):
        return None
    parsed = tls.get(_PARSED)
    if isinstance(parsed, ClientCertificate):
        return parsed
    return client_certificate(ssl.PEM_cert_to_DER_cert(tls["client_cert_chain"][0]))


_PARSED = "policenet.client_certificate"  # the certificate as read once per connection


def _with_tls(app: ASGIApp, der: bytes) -> ASGIApp:
    presented = client_certificate(der)
    pem = ssl.DER_cert_to_PEM_cert(der)

    async def with_certificate(scope: Scope, receive: Any, send: Any) -> None:  # noqa: ANN401
        scope.setdefault("extensions", {})["tls"] = {
            "client_cert_chain": [pem],
            "client_cert_name": presented.subject,
            "client_cert_error": None,
            _PARSED: presented,
        }
        await app(scope, receive, send)

    return with_certificate


def peer_certificate_protocol(base: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol ``base``, which also hands each request the certificate its
    connection's client presented."""

    class WithPeerCertificate(base):  # type: ignore[valid-type,misc]
        app: ASGIApp  # set by uvicorn's protocol, as its config's application

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            ssl_object = transport.get_extra_info("ssl_object")
            der = None if ssl_object is None else ssl_object.getpeercert(binary_form=True)
            if der is not None:
                self.app = _with_tls(self.app, der)

    return WithPeerCertificate
