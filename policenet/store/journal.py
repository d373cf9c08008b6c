"""The check journal: audit entries of checks answered while another writer held a SQLite
hub's one write lock.

SQLite lets one transaction write at a time, and a bulk import is one transaction, all or
nothing: every write waits for its end, a minute or more. A border check that found nothing
writes only its audit entry, so it need not wait: it is answered from a read (which WAL lets
run beside the writer) and its entry is committed to this journal, a SQLite file of its own
beside the database (``<file>-checks``), whose lock no import takes. The commit waits for the
disk, as any other: an entry acknowledged is never lost. The hub moves the journal's entries
into the audit log's chain once the lock is free (``audit.append_texts``, then
``audit.mark_drained``), and records, in the same
transaction, how far it got, so that an entry is chained once, whatever stops it between.

A check that hit is journalled the same way, with its hits (``filing``): the border officer
has the answer at once, and the hits are stored, and their owners alerted, when the entry is
chained. Until then the hit's reference is not yet found by ``GET /v1/hits/{reference}``.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from typing import TYPE_CHECKING, Any

from policenet.domain.audit import canonical_detail

if TYPE_CHECKING:
    from pathlib import Path

    from policenet.store.audit import AuditItem

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # AUTOINCREMENT: an id is never used twice, even after the newest entries were drained.
    "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "principal_id INTEGER, country TEXT, action TEXT NOT NULL, subject TEXT NOT NULL, "
    "detail TEXT NOT NULL, filing TEXT)",
)

JournalRow = tuple[int, int | None, str | None, str, str, str, str | None]
"""An entry as journalled: its id, principal id, country, action, subject, canonical detail,
and the hits to file with it (JSON, or None)."""


class CheckJournal:
    """One journal file, opened on first use; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._generation = ""
        self._lock = threading.Lock()
        # Held by the one drain of this process at a time (the marks in the database keep
        # drains of two processes apart).
        self.draining = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: an entry acknowledged with its check survives a power cut.
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA busy_timeout=5000")
            connection.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                connection.execute(statement)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(entries)")}
            if "filing" not in columns:  # a journal of a hub from before hits were journalled
                connection.execute("ALTER TABLE entries ADD COLUMN filing TEXT")
            # A journal made anew (its file removed) starts its ids again: the generation
            # tells its marks in the database from those of the one before.
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', ?)",
                (uuid.uuid4().hex,),
            )
            connection.execute("COMMIT")
            (self._generation,) = connection.execute(
                "SELECT value FROM meta WHERE key = 'generation'"
            ).fetchone()
            self._connection = connection
        return self._connection

    @property
    def generation(self) -> str:
        with self._lock:
            self._open()
            return self._generation

    def keep(self, items: list[AuditItem], filing: str | None = None) -> None:
        """Commit entries to the journal (waiting for the disk); ``filing``, the hits to
        store when they are chained, goes with the first."""
        rows = [
            (p, c, a, s, canonical_detail(d), filing if n == 0 else None)
            for n, (p, c, a, s, d) in enumerate(items)
        ]
        with self._lock:
            connection = self._open()
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(
                    "INSERT INTO entries (principal_id, country, action, subject, detail, "
                    "filing) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def oldest(self, limit: int) -> list[JournalRow]:
        """The entries not yet forgotten, oldest first (none if the file was never made)."""
        rows = self._read(
            "SELECT id, principal_id, country, action, subject, detail, filing "
            "FROM entries ORDER BY id LIMIT ?",
            (limit,),
        )
        return [tuple(row) for row in rows]

    def filings_of(self, principal_id: int) -> list[str]:
        """The hits a principal's checks journalled that are not yet forgotten (JSON each)."""
        rows = self._read(
            "SELECT filing FROM entries WHERE principal_id = ? AND filing IS NOT NULL",
            (principal_id,),
        )
        return [str(filing) for (filing,) in rows]

    def _read(self, query: str, parameters: tuple[int, ...]) -> list[Any]:
        if self._connection is None and not self.path.exists():
            return []  # never made: nothing journalled
        with self._lock:
            return self._open().execute(query, parameters).fetchall()

    def forget(self, upto: int) -> None:
        """Remove the entries up to this id (they are chained in the audit log)."""
        with self._lock:
            self._open().execute("DELETE FROM entries WHERE id <= ?", (upto,))

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
