"""What a fingerprint search or verification compares: the fingers sent once, or one of the
searching bureau's own fingerprint records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.access import is_owner
from policenet.actions.verbs import refused
from policenet.domain.errors import InvalidInput, NotFound, PolicenetError
from policenet.domain.fingerprints import PrintKind
from policenet.domain.records import Database
from policenet.matching.print_comparison import Probe, read_fingers, record_fingers
from policenet.matching.records import prepare
from policenet.store import records as record_store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.fingerprints import FingerprintSearch
    from policenet.domain.principals import Principal


def probe_of(session: Session, actor: Principal, search: FingerprintSearch) -> Probe:
    """The probe the actor asks for: exactly one of ``record_id`` and ``probe``. A probe's
    errors name the field under ``probe.``; a record must be the actor's bureau's, active."""
    if (search.record_id is None) == (search.probe is None):
        both = search.record_id is not None
        raise InvalidInput(
            ("Give 'record_id' or 'probe', not both: " if both else "Give what to search: ")
            + "'record_id' (one of your bureau's fingerprint records) or 'probe' (a ten-print "
            "or a mark to search once).",
            code="fingerprint_probe_missing",
            field="record_id" if both else "probe",
        )
    if search.probe is not None:
        try:
            data = prepare(search.probe).data
        except PolicenetError as error:
            where = f"probe.{error.field}" if error.field else "probe"
            message = error.message.removeprefix(f"{error.field}: ")
            raise type(error)(f"{where}: {message}", code=error.code, field=where) from None
        return Probe(search.probe.kind, read_fingers(0, "probe", data), None)
    assert search.record_id is not None  # noqa: S101 - one of the two is given
    record = record_store.get_active(session, search.record_id, Database.FINGERPRINTS)
    if record is None or not is_owner(actor, record.owner_bureau_id):
        missing = NotFound(
            f"No active fingerprint record {search.record_id} of your bureau: search with a "
            "record you own, or send the fingers themselves.",
            code="record_not_found",
        )
        raise refused(missing, actor, "fingerprints.probe", f"record:{search.record_id}")
    return Probe(PrintKind(record.data["kind"]), record_fingers(record), record.id)
