"""Bulk import and export: the files bureaus already have, in and out.

``imports`` validates a file whole and writes it in one transaction, or nothing; ``validation``
checks its rows as the API checks one record, and ``worker`` runs that check in a second
process for a large file. ``exports`` writes the records a caller may see. The file formats
themselves are read and written by ``policenet.formats.rows`` (CSV, JSON Lines) and
``policenet.formats.ftm`` (FollowTheMoney), which need no database. Callers import from here.
"""

from policenet.actions.exchange.exports import (
    audit_export,
    exported,
    exported_from,
    start_export,
)
from policenet.actions.exchange.imports import ImportRejected, ImportReport, import_file
from policenet.actions.exchange.validation import RowError
from policenet.actions.exchange.worker import serve_validation
from policenet.formats.ftm import ftm_entities

__all__ = [
    "ImportRejected",
    "ImportReport",
    "RowError",
    "audit_export",
    "exported",
    "exported_from",
    "ftm_entities",
    "import_file",
    "serve_validation",
    "start_export",
]
