"""The screening indexes of one hub process, built from the store at start and kept current
from the change feed.

Before answering a check, the process reads the feed past the last change it applied (one
indexed query) and files what changed: a record recorded, changed or withdrawn through another
process or the command line is seen by the next check everywhere.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.domain.clock import utcnow
from policenet.domain.errors import PolicenetError
from policenet.domain.fingerprints import PrintKind
from policenet.domain.records import Database, Record
from policenet.matching.dna import mixed
from policenet.matching.persons import PartialDate, PersonRecord
from policenet.matching.print_codes import CodeInvalid, record_codes
from policenet.screening.dna import DnaIndex
from policenet.screening.keys import KeyIndex
from policenet.screening.persons import PersonIndex
from policenet.screening.prints import PrintIndex, Ranked
from policenet.screening.probes import PersonWatch, ProbeWatch
from policenet.store import documents, feed, notices, records, retention

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from policenet.domain.terms import Disclosure
    from policenet.domain.visibility import Visibility
    from policenet.matching.name_variants import NameVariants
    from policenet.matching.persons import Match, PersonQuery
    from policenet.matching.print_codes import Code

log = logging.getLogger(__name__)

DOCUMENT = "td"
# A change of fewer rows than this is a record changed on its own (entered, changed, withdrawn,
# erased), not an import's range: only such a change is looked at for erasures.
FEW_CHANGED = 1000


@dataclass(frozen=True, slots=True)
class PersonTerms:
    """What access needs to know of a record before its content is scored (persons and
    fingerprints)."""

    owner_bureau_id: str
    owner_country: str
    visibility: Visibility
    disclosure: Disclosure
    review_date: date

    @classmethod
    def of(cls, record: Record) -> PersonTerms:
        return cls(
            record.owner_bureau_id,
            record.owner_country,
            record.visibility,
            record.disclosure,
            record.review_date,
        )


def index_key(kind: str, key: str) -> str:
    return f"{kind}\x1f{key}"


def person_record(record: Record) -> PersonRecord:
    data = record.data
    born = data.get("birth_date")
    sex = data.get("sex")
    return PersonRecord(
        id=record.id,
        names=(data["name"], *data.get("aliases", ())),
        birth_dates=() if not born else (PartialDate.parse(born),),
        nationalities=tuple(data.get("nationalities", ())),
        gender=None if sex in (None, "unknown") else sex,
    )


class Behind(Exception):
    """More changes are waiting to be filed than the caller allowed (see Screening.refresh)."""


class Screening:
    """Exact keys of every database, and the person names, DNA and fingerprint indexes."""

    def __init__(self, variants: NameVariants | None = None) -> None:
        self.keys = KeyIndex()
        self.persons = PersonIndex(variants)
        self.dna = DnaIndex()
        self.prints = PrintIndex()
        # The DNA searches each principal asked lately (probing, domain/probing.py).
        self.probes = ProbeWatch()
        self.person_probes = PersonWatch()
        # Fingerprint records whose codes could not be made: a new set is put in place at each
        # change, so that a search reading it is never disturbed.
        self.unreadable_prints: frozenset[int] = frozenset()
        self._terms: dict[int, PersonTerms] = {}
        # Person records under a published notice, with the end of its validity: a notice
        # goes to every member, so its subject answers every member's checks.
        self._noticed: dict[int, datetime] = {}
        self._applied = 0
        self._loaded = False
        self._lock = threading.Lock()

    @property
    def applied(self) -> int:
        """The number of the last change of the feed filed here."""
        return self._applied

    def refresh(self, session: Session, *, most: int | None = None) -> None:
        """Load everything the first time, then file only what changed since.

        ``most``: raise ``Behind``, having filed nothing, when more than that many rows are
        to be filed, or when another thread is filing (for a caller that must stay quick and
        can ask again elsewhere)."""
        if not self._loaded:
            if most is not None:
                raise Behind("the screening indexes are not loaded yet")
            self.load(session)
        self.catch_up(session, most=most)

    def load(self, session: Session) -> None:
        """File every record in the store (at start)."""
        with self._lock:
            if self._loaded:
                return
            # Changes committed while loading are filed twice at worst: filing is idempotent.
            upto = feed.last(session)
            self._file_range(session, feed.TRAVEL_DOCUMENTS, 1, documents.max_id(session))
            self._file_range(session, feed.RECORDS, 1, records.max_id(session))
            self._noticed = notices.active_person_ids(session, utcnow())
            self._applied = max(self._applied, upto)
            self._loaded = True

    def catch_up(self, session: Session, *, most: int | None = None) -> int:
        """File the changes committed since the last one filed; returns how many.
        ``most``: as for ``refresh``."""
        changes = feed.since(session, self._applied)
        if not changes:
            return 0
        if most is not None:
            rows = sum(
                last - first + 1 for number, _, first, last in changes if number > self._applied
            )
            if rows > most:
                raise Behind(f"{rows} changed rows to file, more than {most}")
            # Nor does it wait while another thread files (a backlog, perhaps).
            if not self._lock.acquire(blocking=False):
                raise Behind("another thread is filing changes")
        else:
            self._lock.acquire()
        try:
            for number, table, first, last in changes:
                if number <= self._applied:
                    continue
                self._file_range(session, table, first, last)
                self._applied = number
        finally:
            self._lock.release()
        return len(changes)

    def _file_range(self, session: Session, table: str, first: int, last: int) -> None:
        if last < first:
            return
        if table == feed.NOTICES:
            # Notices change rarely: read again which persons are under one.
            self._noticed = notices.active_person_ids(session, utcnow())
            return
        on_documents = table == feed.TRAVEL_DOCUMENTS
        if last - first < FEW_CHANGED:
            # A record changed on its own (an erasure among them): its keys go if it is erased.
            self.keys.forget(retention.erased_between(session, on_documents, first, last))
        if on_documents:
            self.keys.add_many(
                (index_key(DOCUMENT, key), i)
                for key, i in documents.keys_between(session, first, last)
            )
            return
        self.keys.add_many(
            (index_key(kind, key), i) for kind, key, i in records.keys_between(session, first, last)
        )
        # One read of the range for the two indexes that hold records' content.
        indexed = (Database.PERSONS, Database.DNA, Database.FINGERPRINTS)
        for record in records.between(session, first, last, databases=indexed):
            if record.database is Database.FINGERPRINTS:
                self._file_prints(record)
            elif record.database is Database.DNA:
                if record.withdrawn_at is None:
                    self.dna.add(record.id, record.data["loci"], mixture=mixed(record.data))
                else:
                    self.dna.remove(record.id)
            elif record.withdrawn_at is None:
                self.persons.add(person_record(record))
                self._terms[record.id] = PersonTerms.of(record)
            else:
                self.persons.remove(record.id)
                self._terms.pop(record.id, None)

    def terms_of(self, record_id: int) -> PersonTerms | None:
        return self._terms.get(record_id)

    def _file_prints(self, record: Record) -> None:
        if record.withdrawn_at is not None:
            self.unreadable_prints -= {record.id}
            self.prints.remove(record.id)
            self._terms.pop(record.id, None)
            return
        self._terms[record.id] = PersonTerms.of(record)
        try:
            kind = PrintKind(record.data["kind"])
            fingers = record_codes(record.data)
        except (CodeInvalid, ValueError, KeyError, TypeError, PolicenetError):
            # Not searched: the search says so (``unreadable_prints``) and the log names it.
            # The feed goes on: one bad record never stops the index.
            log.error("fingerprint record %s cannot be indexed", record.id)
            self.prints.remove(record.id)
            self.unreadable_prints |= {record.id}
            return
        self.unreadable_prints -= {record.id}
        self.prints.add(record.id, kind, bool(record.data.get("solved", False)), fingers)

    def document_candidates(self, issuing_country: str, number_key: str) -> list[int]:
        return self.keys.lookup(index_key(DOCUMENT, f"{issuing_country}:{number_key}"))

    def record_candidates(self, kind: str, key: str) -> list[int]:
        return self.keys.lookup(index_key(kind, key))

    def under_notice(self, record_id: int, now: datetime) -> bool:
        """Whether a person record is the subject of a published notice still valid."""
        until = self._noticed.get(record_id)
        return until is not None and now < until

    def search_persons(
        self,
        query: PersonQuery,
        *,
        may_see: Callable[[int, PersonTerms], bool],
        limit: int,
        threshold: float,
    ) -> list[Match]:
        """Person records the caller may see whose names match, best first."""

        def allowed(record_id: int | str) -> bool:
            terms = self._terms.get(int(record_id))
            return terms is not None and may_see(int(record_id), terms)

        return self.persons.search(query, limit, threshold, allowed=allowed)

    def search_prints(
        self,
        kind: PrintKind,
        probe: Sequence[tuple[int, Code]],
        *,
        may_see: Callable[[int, PersonTerms], bool],
        limit: int,
        exclude: int | None = None,
    ) -> list[Ranked]:
        """Fingerprint records the caller may see, ranked on their codes, best first."""

        def allowed(record_id: int) -> bool:
            terms = self._terms.get(record_id)
            return terms is not None and may_see(record_id, terms)

        return self.prints.search(kind, probe, allowed=allowed, limit=limit, exclude=exclude)
