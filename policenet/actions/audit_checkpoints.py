"""The hub's signing key and the checkpoints it signs with it (``domain/checkpoints.py``).

The key is a file outside the database (mode 0600), made when the hub is initialised or
first served; whoever can write the database cannot read it. The hub signs every checkpoint
due (each ``every`` entries) a few seconds after it falls due, and the head of the chain when
it stops; each new checkpoint may also be appended, as a JSON line, to a file elsewhere
(``POLICENET_AUDIT_PUBLISH``: another disk, a bureau's share).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from policenet.actions.checks.answers import keep_filed
from policenet.domain.audit import mentioned, redact
from policenet.domain.checkpoints import Checkpoint, sign
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.errors import InvalidInput
from policenet.store import audit, retention

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from policenet.store.db import Database as Store

KEY_FILE = "audit-signing.key"


def signing_key(path: Path, *, create: bool) -> Ed25519PrivateKey | None:
    """The hub's key from its file; made (readable by its owner only) when ``create`` and
    there is none. None: no key file, and none made."""
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise InvalidInput(
                f"{path} holds no Ed25519 private key: move it away and let the hub make one.",
                code="audit_key_invalid",
            )
        return loaded
    if not create:
        return None
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path.with_suffix(".pub").write_bytes(public)
    return key


def public_key(path: Path) -> Ed25519PublicKey | None:
    """The public key to verify with: from the key file, or a ``.pub`` file given instead."""
    if not path.exists():
        return None
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        key = signing_key(path, create=False)
        return None if key is None else key.public_key()
    loaded = serialization.load_pem_public_key(data)
    if not isinstance(loaded, Ed25519PublicKey):
        raise InvalidInput(
            f"{path} holds no Ed25519 public key: give the hub's audit-signing.pub.",
            code="audit_key_invalid",
        )
    return loaded


def sign_due(
    database: Store,
    key: Ed25519PrivateKey,
    every: int,
    *,
    head: bool = False,
    publish: Path | None = None,
) -> list[Checkpoint]:
    """Sign every checkpoint due and not yet signed (and the head of the chain, ``head``);
    keep them, and append them to ``publish``."""
    made: list[Checkpoint] = []
    with database.reading() as session:
        # Nothing due: the head is not locked at all (a writer that finds it held defers its
        # entries, see audit.append_many).
        found = audit.head(session)
        last = audit.last_checkpoint(session)
        if found is None or not (
            found[0] >= last - last % every + every or (head and found[0] > last)
        ):
            return []
    with database.transaction() as session:
        found = audit.head(session, lock=True)
        if found is None:
            return []
        head_seq, _ = found
        last = audit.last_checkpoint(session)
        due = list(range(last - last % every + every, head_seq + 1, every))
        if head and head_seq > last and head_seq not in due:
            due.append(head_seq)
        hashes = audit.hashes_at(session, due)
        for seq in due:
            if seq not in hashes:
                continue  # a broken chain: verification names it
            checkpoint = sign(key, seq, hashes[seq], utcnow())
            audit.add_checkpoint(session, checkpoint)
            made.append(checkpoint)
    if publish is not None and made:
        with publish.open("a", encoding="utf-8") as file:
            for checkpoint in made:
                file.write(json.dumps(checkpoint.as_json(), sort_keys=True) + "\n")
    return made


def published_checkpoints(path: Path) -> list[Checkpoint]:
    """Checkpoints published to a file, one JSON line each."""
    found: list[Checkpoint] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(
                f"Line {number} of {path} is not a checkpoint the hub published: give the file "
                "the hub appends to (POLICENET_AUDIT_PUBLISH).",
                code="checkpoint_file_invalid",
            ) from None
    return found


def drain_check_journal(database: Store, batch: int = 2000) -> int:
    """Chain the audit entries checks journalled while another writer held the write lock
    (store/journal.py), and store the hits journalled with them, a batch a transaction, each
    with the mark of how far it got: an entry is chained, and its hits stored, once, whatever
    stops the hub between the two files. How many entries."""
    journal = database.journal
    if journal is None:
        return 0
    chained = 0
    with journal.draining:
        while rows := journal.oldest(batch):
            generation = journal.generation
            last = rows[-1][0]
            with database.transaction() as session:
                upto = audit.drained_upto(session, generation)
                fresh = [row for row in rows if row[0] > upto]
                for _, principal_id, _, _, _, _, filing in fresh:
                    if filing is not None and principal_id is not None:
                        keep_filed(session, principal_id, filing)
                audit.append_texts(
                    session,
                    [_unless_erased(session, (p, c, a, s, d)) for _, p, c, a, s, d, _ in fresh],
                )
                audit.mark_drained(session, generation, last)
            journal.forget(last)
            chained += len(fresh)
            if len(rows) < batch:
                break
    return chained


def _unless_erased(session: Session, entry: audit.AuditText) -> audit.AuditText:
    """A journalled or deferred entry as it is chained: without what it asked of a record
    erased since it was written."""
    principal_id, country, action, subject, text = entry
    gone = set()
    for key in mentioned(action, text):
        table, _, number = key.partition(":")
        on = Database.TRAVEL_DOCUMENTS if table == "travel_document" else Database.PERSONS
        if retention.is_erased(session, on, int(number)):
            gone.add(key)
    if gone:
        text = redact(action, subject, text, gone)
    return principal_id, country, action, subject, text


# Deferred entries chained a transaction at a time, each holding the head's lock: on SQLite
# every writer waits for it; on PostgreSQL none does (audit.append_many defers instead).
CHAIN_BATCH = 200


def chain_deferred_entries(database: Store, batch: int = 2000) -> int:
    """Chain the audit entries a long transaction deferred (``audit.defer_many``), a batch
    of ``CHAIN_BATCH`` a short transaction, so that checks wait at most one short batch for
    the head lock; how many were chained. Run after each bulk import, and by the hub every few
    seconds (entries left by a process that stopped before chaining them); the check journal
    (``batch`` entries a transaction) is drained first."""
    chained = drain_check_journal(database, batch)
    while True:
        # Lazy: a commit lost to a crash leaves its entries deferred, to be chained again.
        with database.transaction(lazy=True) as session:
            done = audit.chain_deferred(session, CHAIN_BATCH, _unless_erased)
        chained += done
        if done < CHAIN_BATCH:
            return chained
