"""Every error code the hub answers with, its HTTP status and what it means, in one table.

Clients branch on these codes, so a code, once answered, keeps its string and its status: this
table is where a reader finds them all, and ``PolicenetError`` takes its status from here.
``tests/test_error_codes.py`` proves that every code raised in ``policenet/`` is here, raised
with an exception class of the same status, and that nothing here is left unused. The one code
outside the table is ``http_error``: the HTTP layer's pass-through of an HTTP error it has no
code for, which keeps that error's own status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """What a code means and the one HTTP status it is answered with."""

    status: int
    meaning: str


CODES: Final[Mapping[str, ErrorCode]] = {
    # The defaults of the exception classes (domain/errors.py), used when no finer code fits.
    "error": ErrorCode(400, "The request was refused; the message says why."),
    "invalid_input": ErrorCode(422, "A value of a well-formed request breaks a rule."),
    "not_authenticated": ErrorCode(401, "The request carries no usable credentials."),
    "forbidden": ErrorCode(403, "The caller is known but may not do this."),
    "not_found": ErrorCode(404, "Nothing the caller may see exists there (or no such endpoint)."),
    "conflict": ErrorCode(409, "The request contradicts the current state."),
    "gone": ErrorCode(410, "It existed and was withdrawn: do not act on it."),
    "unavailable": ErrorCode(503, "The hub cannot do it now; nothing was done: try again later."),
    # The HTTP layer's own answers (api/errors.py).
    "invalid_request": ErrorCode(422, "The request does not fit the API's schema."),
    "method_not_allowed": ErrorCode(405, "The endpoint does not accept that HTTP method."),
    "internal_error": ErrorCode(500, "The hub failed to answer; nothing was changed."),
    "database_busy": ErrorCode(
        503, "A long writer (a SQLite import) held the database past the wait; nothing changed."
    ),
    # Credentials and tokens.
    "token_missing": ErrorCode(401, "The request has no bearer token."),
    "token_invalid": ErrorCode(401, "The token is not known to the hub."),
    "token_expired": ErrorCode(401, "The token is past its expiry."),
    "token_revoked": ErrorCode(401, "The token was revoked."),
    "certificate_required": ErrorCode(
        401, "Over mutual TLS, the request's connection brought no client certificate."
    ),
    "certificate_mismatch": ErrorCode(
        401, "Over mutual TLS, the token is not of the bureau the client certificate names."
    ),
    "token_not_found": ErrorCode(404, "No token with that id."),
    "token_lifetime_too_long": ErrorCode(422, "The token asked for outlives the hub's limit."),
    "token_for_yourself": ErrorCode(403, "An administrator's tokens are issued by another."),
    "principal_disabled": ErrorCode(403, "The principal is disabled by its administrator."),
    "principal_yourself": ErrorCode(403, "An administrator does not disable itself."),
    "too_many_attempts": ErrorCode(429, "Too many failed authentications from the address."),
    "rate_limited": ErrorCode(429, "Too many requests from the caller: wait and retry."),
    "probing_limited": ErrorCode(429, "Searches kept hitting one hit-only record: limited."),
    "probing_limit_not_found": ErrorCode(404, "No such probing limit."),
    "probing_limit_not_in_force": ErrorCode(409, "The probing limit was lifted or ran out."),
    # The requests of the people in the files.
    "subject_request_not_found": ErrorCode(404, "No such request of a person in the files."),
    "subject_request_decided": ErrorCode(409, "The request is decided already."),
    "subject_tenprint_required": ErrorCode(
        422, "A person's fingerprints are searched as a ten-print taken from them."
    ),
    "not_a_data_protection_officer": ErrorCode(422, "Requests go to data protection officers."),
    "erase_not_granted": ErrorCode(422, "Records are erased only for a deletion granted."),
    "erase_reference_invalid": ErrorCode(422, "The record to erase is not named as listed."),
    "request_too_large": ErrorCode(413, "The request's body is over the hub's limit."),
    "nul_character": ErrorCode(422, "Text holds the NUL character, which nothing keeps."),
    # Principals, agencies, rights and membership.
    "agency_required": ErrorCode(422, "This role belongs to a national agency: name one."),
    "bureau_unknown": ErrorCode(422, "The bureau is not an office of the General Secretariat."),
    "clearance_above_yours": ErrorCode(403, "A principal cannot be cleared above its creator."),
    "member_not_found": ErrorCode(404, "The country is not a member."),
    "member_status_unchanged": ErrorCode(409, "The member already has the status asked for."),
    "member_suspended": ErrorCode(403, "The caller's country is suspended by the Assembly."),
    "no_bureau": ErrorCode(403, "The principal belongs to no bureau."),
    "not_a_member_bureau": ErrorCode(403, "Only a member country's NCB may do this."),
    "outside_own_country": ErrorCode(403, "An NCB authorises bodies of its own country only."),
    "principal_not_found": ErrorCode(404, "No principal whose tokens the caller manages."),
    "right_missing": ErrorCode(403, "The caller's role lacks the right to do this."),
    "right_not_grantable": ErrorCode(422, "An NCB grants an agency only rights it holds."),
    "role_agency_mismatch": ErrorCode(422, "The role does not fit the agency's kind."),
    "bureau_not_found": ErrorCode(404, "No member bureau with that id."),
    # Records, documents and their identifiers.
    "birth_date_invalid": ErrorCode(422, "The birth date is no date."),
    "country_unknown": ErrorCode(422, "A country named is not a member."),
    "date_in_future": ErrorCode(422, "A date of something that happened lies in the future."),
    "document_already_recorded": ErrorCode(409, "The document is already recorded."),
    "document_not_found": ErrorCode(404, "No travel document the caller may see."),
    "document_number_invalid": ErrorCode(422, "The document number is empty."),
    "document_withdrawn": ErrorCode(409, "The document was withdrawn and no longer changes."),
    "external_ref_taken": ErrorCode(409, "The bureau already uses that external reference."),
    "hull_id_invalid": ErrorCode(422, "The hull identification number is not valid."),
    "imo_check_digit": ErrorCode(422, "The IMO number's check digit does not match."),
    "imo_invalid": ErrorCode(422, "The IMO number is not 7 digits."),
    "mmsi_invalid": ErrorCode(422, "The MMSI is not a vessel's."),
    "mrz_invalid": ErrorCode(422, "The machine readable zone cannot be read."),
    "mrz_check_digit": ErrorCode(422, "A check digit of the machine readable zone is wrong."),
    "mrz_date_invalid": ErrorCode(422, "A date of the machine readable zone is no date."),
    "mrz_format": ErrorCode(422, "The machine readable zone has the wrong shape."),
    "no_changes": ErrorCode(422, "An update gives no field to change."),
    "not_own_country": ErrorCode(403, "A bureau records documents of its own country only."),
    "not_owner": ErrorCode(403, "Only the owner bureau changes or withdraws this."),
    "person_not_found": ErrorCode(422, "The person record named is not the bureau's, active."),
    "plate_invalid": ErrorCode(422, "The registration plate is not valid."),
    "record_not_found": ErrorCode(404, "No record the caller may see under that id."),
    "record_under_notice": ErrorCode(409, "The record is a notice's subject: cancel it first."),
    "record_withdrawn": ErrorCode(409, "The record was withdrawn and no longer changes."),
    "review_date_invalid": ErrorCode(422, "The review date is not in the future."),
    "serial_invalid": ErrorCode(422, "The firearm serial number is not valid."),
    "vin_check_digit": ErrorCode(422, "The VIN's check digit does not match."),
    "vin_invalid": ErrorCode(422, "The VIN holds a letter a VIN never uses."),
    "visibility_invalid": ErrorCode(422, "The visibility lists countries it cannot use."),
    # Lists.
    "bad_cursor": ErrorCode(422, "The cursor is not one the hub gave for this list."),
    "bad_filter": ErrorCode(422, "A filter of the list names an unknown value."),
    # Checks.
    "carrier_check_refused": ErrorCode(403, "Carriers check documents only, never names."),
    # Import and export of files.
    "duplicate_in_file": ErrorCode(422, "A record appears twice in the file."),
    "import_columns_unknown": ErrorCode(422, "The file has columns the database does not know."),
    "import_job_finished": ErrorCode(409, "The import job is over: there is nothing to cancel."),
    "import_job_not_found": ErrorCode(404, "No import job with that id is yours to see."),
    "import_failed": ErrorCode(500, "The file's validation failed or stopped: nothing imported."),
    "import_format_unsupported": ErrorCode(422, "The database is not imported in that format."),
    "import_rejected": ErrorCode(422, "Rows of the file are invalid: nothing was written."),
    "import_not_utf8": ErrorCode(422, "The file is not UTF-8 text: nothing was imported."),
    "audit_key_invalid": ErrorCode(422, "The file holds no Ed25519 key of the hub's audit."),
    "checkpoint_file_invalid": ErrorCode(422, "A line of the file is not a published checkpoint."),
    "import_unreadable": ErrorCode(422, "The file cannot be read past a line: nothing imported."),
    "locus_table_invalid": ErrorCode(422, "A line of the locus table cannot be read."),
    "nist_malformed": ErrorCode(422, "The ANSI/NIST-ITL transaction cannot be read."),
    "nist_no_fingers": ErrorCode(422, "The transaction holds no fingerprint image."),
    "nist_no_profiles": ErrorCode(422, "The transaction holds no DNA record."),
    # Fingerprints.
    "finger_image_missing": ErrorCode(404, "The finger came as a template, with no image."),
    "finger_not_found": ErrorCode(404, "The record has no finger with that number."),
    "fingerprint_candidate_not_found": ErrorCode(404, "The search has no such candidate."),
    "fingerprint_candidate_withdrawn": ErrorCode(409, "The candidate's record left sight."),
    "fingerprint_decision_taken": ErrorCode(409, "The candidate was already decided."),
    "fingerprint_image_unreadable": ErrorCode(422, "The fingerprint image cannot be read."),
    "fingerprint_marks_not_compared": ErrorCode(422, "Two marks are never compared."),
    "fingerprint_probe_missing": ErrorCode(422, "Give one of a record id or a probe."),
    "fingerprint_search_not_found": ErrorCode(404, "No fingerprint search of the bureau."),
    "template_invalid": ErrorCode(422, "The minutiae template cannot be read or written."),
    # DNA.
    "dna_query_missing": ErrorCode(422, "Give one of a stored profile id or a profile."),
    "familial_mixture": ErrorCode(422, "A kinship ratio needs a single-source profile."),
    "familial_search_not_allowed": ErrorCode(403, "Familial searching is off for the bureau."),
    "population_unknown": ErrorCode(422, "No allele frequencies for that population."),
    "prum_mixture": ErrorCode(422, "A mixed profile is not exchanged under Prüm."),
    "prum_too_few_loci": ErrorCode(422, "Too few designated loci for the Prüm rules."),
    # Hits.
    "hit_already_decided": ErrorCode(409, "The hit was already decided; decisions are final."),
    "hit_not_found": ErrorCode(404, "No hit that concerns the caller's bureau."),
    # Notices, diffusions and the screening terms.
    "diffusion_cancel_forbidden": ErrorCode(403, "Only the GS or the sender cancels it."),
    "diffusion_cancelled": ErrorCode(410, "The diffusion was cancelled: do not act on it."),
    "diffusion_already_cancelled": ErrorCode(
        409, "The diffusion was cancelled: there is nothing to review or cancel."
    ),
    "diffusion_not_found": ErrorCode(404, "No diffusion sent to or by the bureau."),
    "diffusion_reviewed": ErrorCode(409, "The diffusion was already reviewed."),
    "no_recipients": ErrorCode(422, "The diffusion goes to no other bureau."),
    "notice_incomplete": ErrorCode(422, "The notice request lacks what its type needs."),
    "notice_move_forbidden": ErrorCode(403, "Only the requesting bureau moves it so."),
    "notice_not_draft": ErrorCode(409, "Only a draft notice request changes."),
    "notice_not_found": ErrorCode(404, "No notice request the caller may read."),
    "notice_not_renewable": ErrorCode(409, "Only a published, valid notice is renewed."),
    "notice_not_under_review": ErrorCode(409, "Questions are asked while under review only."),
    "notice_subject_unknown": ErrorCode(422, "The subject is not an active person record."),
    "notice_subject_withdrawn": ErrorCode(409, "The notice's person record was withdrawn."),
    "notice_transition_refused": ErrorCode(
        409, "The notice cannot move to that state from its own."
    ),
    "question_answered": ErrorCode(409, "The question was already answered."),
    "question_not_found": ErrorCode(404, "The notice request has no such question."),
    "reason_required": ErrorCode(422, "This move of a notice needs a reason."),
    "requester_suspended": ErrorCode(409, "The requesting country is suspended."),
    "term_exists": ErrorCode(409, "The screening already has that term."),
    "term_not_found": ErrorCode(404, "No screening term with that id."),
    "term_pattern_invalid": ErrorCode(422, "The pattern is not a valid regular expression."),
    "term_word_invalid": ErrorCode(422, "The word has no letter or digit."),
    # Messages, working groups, sealing and events.
    "attachment_content_mismatch": ErrorCode(422, "An attachment is not of its declared type."),
    "attachment_not_found": ErrorCode(404, "The message has no such attachment."),
    "attachment_type_not_allowed": ErrorCode(422, "The network does not carry that type."),
    "attachments_too_large": ErrorCode(422, "The attachments exceed a message's size."),
    "classification_above_clearance": ErrorCode(
        403, "The message is above the sender's clearance."
    ),
    "group_exists": ErrorCode(409, "A working group of that name exists."),
    "hit_thread_one_bureau": ErrorCode(409, "The hit has no other bureau to write to."),
    "hit_thread_recipients": ErrorCode(422, "A message on a hit goes to its other bureau only."),
    "invalid_base64": ErrorCode(422, "A field is not valid base64."),
    "invalid_last_event_id": ErrorCode(422, "Last-Event-ID is not an event the caller received."),
    "invalid_length": ErrorCode(422, "A decoded field has the wrong length."),
    "key_already_registered": ErrorCode(409, "The public key is already registered."),
    "message_not_found": ErrorCode(404, "No message to the bureau at the caller's clearance."),
    "no_mailbox": ErrorCode(403, "Events go to bureaus and agencies: the caller has neither."),
    "no_recipient": ErrorCode(422, "The message has no recipient but the sender."),
    "seal_cannot_open": ErrorCode(422, "The sealed message does not decrypt with the key."),
    "seal_invalid": ErrorCode(422, "The sealed message fails its signature or cannot open."),
    "seal_malformed": ErrorCode(422, "The sealed envelope has fields of the wrong length."),
    "seal_one_bureau": ErrorCode(422, "A sealed message goes to exactly one bureau."),
    "seal_recipient_has_no_key": ErrorCode(409, "The recipient registered no key."),
    "seal_recipient_key_stale": ErrorCode(409, "The message was sealed to an old key."),
    "seal_sender_key_unknown": ErrorCode(422, "The sender's key is not its current one."),
    "seal_signature_invalid": ErrorCode(422, "The seal's signature does not verify."),
    "seal_wrong_key": ErrorCode(422, "The message was sealed for another key."),
    "unknown_bureau": ErrorCode(422, "A bureau named in a request does not exist."),
    "unknown_group": ErrorCode(422, "A working group named in a request is not the caller's."),
    "group_not_found": ErrorCode(404, "No working group with the name in the path."),
}


def status_of(code: str, raised_as: int) -> int:
    """The HTTP status answered for ``code``, raised with an exception class of status
    ``raised_as``: the table's.

    A code missing from the table keeps ``raised_as``; the test of this table fails on it."""
    entry = CODES.get(code)
    return raised_as if entry is None else entry.status
