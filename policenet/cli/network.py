"""``policenet keys``, ``send`` and ``listen``: the bureau's side of the secure network, for a
terminal in an NCB operations room. These talk to a hub over HTTPS with an API token; what the
hub refuses reaches the terminal through the one error handler (``cli/errors.py``)."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import ssl
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from policenet.cli.client import ClientError, HubClient, SealError, StreamEvent, Tls, seal_for
from policenet.domain.classification import Classification
from policenet.domain.messages import Priority
from policenet.sealing import KeyPair

console = Console(highlight=False)
keys_app = typer.Typer(help="Your bureau's keys for sealed messages.", no_args_is_help=True)

HubOption = Annotated[
    str,
    typer.Option(
        "--hub", envvar="POLICENET_HUB_URL", help="The hub's address (or set POLICENET_HUB_URL)."
    ),
]
TokenOption = Annotated[
    str,
    typer.Option(
        envvar="POLICENET_TOKEN",
        help="The API token of the principal to act as (or set POLICENET_TOKEN).",
    ),
]
DEFAULT_HUB = "http://127.0.0.1:8000"


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(Text(message, style="red"))
    return typer.Exit(code)


def _client(hub: str, token: str) -> HubClient:
    """A client of the hub; over TLS, with the CA and client certificate the environment
    names (POLICENET_HUB_CA, POLICENET_CLIENT_CERT, POLICENET_CLIENT_KEY)."""
    try:
        return HubClient(hub, token, tls=Tls.from_environment())
    except (OSError, ssl.SSLError) as error:
        raise _fail(
            f"The TLS files named by POLICENET_HUB_CA, POLICENET_CLIENT_CERT and "
            f"POLICENET_CLIENT_KEY cannot be used: {error}. Check their paths and that the key "
            "matches the certificate.",
            2,
        ) from None


def _load_keys(path: Path) -> tuple[KeyPair, str]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return KeyPair.from_json(data), str(data["bureau_id"])
    except (OSError, ValueError, KeyError) as error:
        raise _fail(
            f"{path} is not a key file made by 'policenet keys generate': {error}"
        ) from None


def _register(client: HubClient, keys: KeyPair) -> dict[str, Any]:
    registered: dict[str, Any] = client.call(
        "POST",
        "/v1/keys",
        json={
            "encryption_key": base64.b64encode(keys.encryption_public).decode(),
            "signing_key": base64.b64encode(keys.signing_public).decode(),
        },
    )
    return registered


@keys_app.command("generate")
def keys_generate(
    out: Annotated[Path, typer.Option(help="File for the private keys (created, mode 0600).")],
    bureau: Annotated[
        str | None, typer.Option(help="Your bureau id (taken from the hub with --register).")
    ] = None,
    register: Annotated[
        bool, typer.Option(help="Register the public keys with the hub (bureau admins).")
    ] = False,
    hub: HubOption = DEFAULT_HUB,
    token: TokenOption = "",
) -> None:
    """Make an X25519 + Ed25519 key pair for your bureau; only the public halves leave here."""
    if out.exists():
        raise _fail(f"{out} exists: keys are never overwritten; choose another file.")
    keys = KeyPair.generate()
    client = _client(hub, token) if register else None
    try:
        if client is not None:
            bureau = client.me().get("bureau_id") or bureau
        if not bureau:
            raise _fail("Give --bureau, or --register with a bureau administrator's token.")
        out.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(keys.to_json(bureau), file, indent=2)
        console.print(f"Keys of {bureau} written to {out}; fingerprint {keys.fingerprint}.")
        if client is not None:
            _register(client, keys)
            console.print(f"Registered with {client.url}: bureaus can now seal messages to you.")
    finally:
        if client is not None:
            client.close()


@keys_app.command("register")
def keys_register(
    file: Annotated[Path, typer.Argument(help="A key file made by 'policenet keys generate'.")],
    hub: HubOption = DEFAULT_HUB,
    token: TokenOption = "",
) -> None:
    """Register (or rotate to) the public keys of a key file."""
    keys, _ = _load_keys(file)
    client = _client(hub, token)
    try:
        _register(client, keys)
    finally:
        client.close()
    console.print(f"Registered key {keys.fingerprint}.")


def _attachment(path: Path) -> dict[str, str]:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _fail(f"Cannot read {path}: {error}") from None
    return {
        "name": path.name,
        "content_type": content_type,
        "data": base64.b64encode(data).decode(),
    }


def send(
    subject: Annotated[str, typer.Option(help="Subject line.")],
    to: Annotated[
        list[str] | None, typer.Option("--to", help="A recipient bureau (NCB-FR, GS-HQ); repeat.")
    ] = None,
    group: Annotated[
        list[str] | None, typer.Option("--group", help="A working group; repeat.")
    ] = None,
    body: Annotated[str | None, typer.Option(help="The text.")] = None,
    body_file: Annotated[Path | None, typer.Option(help="Read the text from a file.")] = None,
    attach: Annotated[list[Path] | None, typer.Option(help="A file to attach; repeat.")] = None,
    priority: Annotated[Priority, typer.Option()] = Priority.ROUTINE,
    classification: Annotated[Classification, typer.Option()] = Classification.RESTRICTED,
    hit: Annotated[str | None, typer.Option(help="Write on this hit, to its other bureau.")] = None,
    reply_to: Annotated[str | None, typer.Option(help="The message this answers.")] = None,
    sealed: Annotated[
        bool, typer.Option(help="Seal it on this machine: the hub routes ciphertext only.")
    ] = False,
    keys: Annotated[Path | None, typer.Option(help="Your key file (for --sealed).")] = None,
    hub: HubOption = DEFAULT_HUB,
    token: TokenOption = "",
) -> None:
    """Send a message to bureaus, working groups, or the other bureau of a hit."""
    if (body is None) == (body_file is None):
        raise _fail("Give the text with --body or --body-file (one of them).", 2)
    text = body if body is not None else Path(str(body_file)).read_text("utf-8")
    files = [_attachment(p) for p in attach or []]
    content = {"subject": subject, "body": text, "attachments": files}
    message: dict[str, Any] = {
        "to": to or [],
        "groups": group or [],
        "priority": priority.value,
        "classification": classification.value,
        "in_reply_to": reply_to,
    }
    client = _client(hub, token)
    try:
        if sealed:
            if keys is None:
                raise _fail("--sealed needs --keys, your bureau's key file.", 2)
            pair, bureau = _load_keys(keys)
            me = client.me().get("bureau_id")
            if me != bureau:
                raise _fail(f"{keys} holds the keys of {bureau}, but your token is of {me}.")
            recipients = list(to or [])
            if hit is not None:
                found = client.call("GET", f"/v1/hits/{hit}")
                recipients = [
                    found["checker_bureau"]
                    if found["owner_bureau"] == me
                    else found["owner_bureau"]
                ]
            if len(recipients) != 1 or group:
                raise _fail("A sealed message goes to exactly one bureau: give one --to.", 2)
            message["sealed"] = seal_for(
                client,
                pair,
                sender=bureau,
                recipient=recipients[0],
                content=content,
                priority=priority.value,
                classification=classification.value,
            )
        else:
            message.update(subject=subject, body=text, attachments=files)
        if hit is not None:
            message.pop("to")
            sent = client.call("POST", f"/v1/hits/{hit}/messages", json=message)
        else:
            sent = client.call("POST", "/v1/messages", json=message)
    finally:
        client.close()
    recipients_text = ", ".join(r["bureau"] for r in sent["to"])
    state = "sealed" if sent["sealed"] else "sent"
    console.print(f"Message {sent['reference']} {state} to {recipients_text}.")


_STYLE = {
    "hit.alert": "bold red",
    "hit.overdue": "bold magenta",
    "hit.recorded": "yellow",
    "hit.confirmed": "green",
    "hit.rejected": "cyan",
    "message": "bold",
    "message.read": "dim",
}


def _clock(value: str | None) -> str:
    if value is None:
        return "-"
    return datetime.fromisoformat(value).strftime("%H:%M UTC")


def _describe(event: StreamEvent) -> str:
    p = event.data["payload"]
    kind = event.kind
    if kind == "hit.alert":
        who = p["checked_by"]
        by = who["bureau"] or who["country"]
        if who.get("agency"):
            by = f"{who['agency']} ({by})"
        place = f" at {who['place']}" if who.get("place") else ""
        reason = f" ({p['urgency_reason']})" if p.get("urgency_reason") else ""
        return (
            f"{p['urgency'].upper()} hit {p['hit']} on your {p['database']} record "
            f"{p.get('external_ref') or p['record_id']} by {by}{place}{reason}; "
            f"confirm or reject by {_clock(p['due_at'])}"
        )
    if kind == "hit.recorded":
        return f"your check hit {p['database']} {p['hit']} of {p['owner_bureau']}: {p['contact']}"
    if kind in ("hit.confirmed", "hit.rejected"):
        return f"{p['owner_bureau']} {p['decision']} hit {p['hit']}: {p['reason']}"
    if kind == "hit.overdue":
        return (
            f"hit {p['hit']} on {p['owner_bureau']}'s {p['database']} record is "
            f"{p['overdue_minutes']} min overdue"
        )
    if kind == "message":
        about = f" on hit {p['hit']}" if p.get("hit") else ""
        subject = "(sealed)" if p["sealed"] else repr(p["subject"])
        return f"{p['priority']} {p['classification']} message from {p['from']}{about}: {subject}"
    if kind == "message.read":
        return f"{p['bureau']} read message {p['message']} ({p['read_by']})"
    return json.dumps(p)


def listen(
    keys: Annotated[
        Path | None, typer.Option(help="Your key file: sealed messages are opened here.")
    ] = None,
    read: Annotated[
        bool, typer.Option(help="Print each message's text (sends the sender a read receipt).")
    ] = False,
    after: Annotated[int, typer.Option(help="Start after this event id.")] = 0,
    state: Annotated[
        Path | None,
        typer.Option(help="File keeping the last event id seen: a restart resumes from it."),
    ] = None,
    count: Annotated[
        int | None, typer.Option(help="Stop after this many events (default: never).")
    ] = None,
    hub: HubOption = DEFAULT_HUB,
    token: TokenOption = "",
) -> None:
    """Print your bureau's events as they come: hits, answers, overdue hits, messages.
    A dropped connection is resumed without losing or repeating an event."""
    pair = None if keys is None else _load_keys(keys)[0]
    if state is not None and state.exists():
        after = max(after, int(state.read_text("utf-8").strip() or 0))
    client = _client(hub, token)
    seen = 0
    try:
        me = client.me()
        console.print(
            f"Listening for {me['bureau_id'] or me['name']} at {client.url}, after #{after}."
        )
        for event in client.events(after):
            at = datetime.fromisoformat(event.data["at"]).strftime("%H:%M:%S")
            line = f"{at} #{event.id} {event.kind}: {_describe(event)}"
            style = _STYLE.get(event.kind)
            console.print(Text(line, style=style or ""))
            payload = event.data["payload"]
            if event.kind == "message" and (read or (payload["sealed"] and pair is not None)):
                _show(client, payload, pair)
            if state is not None:
                state.write_text(str(event.id), "utf-8")
            seen += 1
            if count is not None and seen >= count:
                break
    except KeyboardInterrupt:
        pass
    finally:
        client.close()


def _show(client: HubClient, payload: dict[str, Any], pair: KeyPair | None) -> None:
    reference = payload["message"]
    try:
        if payload["sealed"]:
            if pair is None:
                console.print("    sealed: give --keys to open it")
                return
            message = client.open_message(reference, pair)
            console.print(
                Text.assemble(
                    "    ", ("seal verified", "green"), f", opened: {message['subject']!r}"
                )
            )
        else:
            message = client.call("GET", f"/v1/messages/{reference}")
        for line in str(message["body"]).splitlines():
            console.print(f"    | {line}", markup=False)
        for attachment in message.get("attachments", []):
            console.print(
                f"    + {attachment['name']} ({attachment['content_type']})", markup=False
            )
    except SealError as error:
        console.print(Text(f"    REJECTED ({error.code}): {error.message}", style="red"))
    except (KeyError, TypeError, ValueError) as error:
        console.print(Text(f"    REJECTED (malformed message): {error!r}", style="red"))
    except ClientError as error:
        console.print(Text(f"    {error.message} ({error.code})", style="red"))
