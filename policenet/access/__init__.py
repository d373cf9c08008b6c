"""The one place that decides who may learn of, read or do what, and how much of it.

Every read path asks here: a record read by its id, a check, a search, a hit, a notice, a
diffusion, a message, an event, an export. A thing the caller may not learn of is answered
exactly as a thing that does not exist, and the refusal is audited (``Refusal``).
"""

from policenet.access.messages import (
    MailboxView,
    hit_party,
    lists_every_overdue_hit,
    mailbox_view,
    may_read_message,
    may_read_search,
    may_see_group,
    readable_kinds,
)
from policenet.access.notices import (
    diffusion_recipient,
    diffusion_sender,
    inside_notice,
    may_learn_of_diffusion,
    may_read_diffusion,
    may_read_notice,
    reads_notice_screening,
    reads_sent_diffusions,
)
from policenet.access.records import (
    Held,
    answers_to,
    country_may_see,
    is_owner,
    may_learn_of,
    may_learn_of_answering,
    may_learn_of_record,
    may_read_record,
    may_see,
    reads_content,
)
from policenet.access.rights import asks_persons, may_manage_country, require, sees_details
from policenet.access.views import (
    HitView,
    NoticeFileParts,
    OwnerTerms,
    StoredCandidate,
    candidate_shown,
    dna_match_shown,
    document_shown,
    hit_view,
    notice_shown,
    owner_terms,
    record_shown,
    shown,
)

__all__ = [
    "Held",
    "HitView",
    "MailboxView",
    "NoticeFileParts",
    "OwnerTerms",
    "StoredCandidate",
    "answers_to",
    "asks_persons",
    "candidate_shown",
    "country_may_see",
    "diffusion_recipient",
    "diffusion_sender",
    "dna_match_shown",
    "document_shown",
    "hit_party",
    "hit_view",
    "inside_notice",
    "is_owner",
    "lists_every_overdue_hit",
    "mailbox_view",
    "may_learn_of",
    "may_learn_of_answering",
    "may_learn_of_diffusion",
    "may_learn_of_record",
    "may_manage_country",
    "may_read_diffusion",
    "may_read_message",
    "may_read_notice",
    "may_read_record",
    "may_read_search",
    "may_see",
    "may_see_group",
    "notice_shown",
    "owner_terms",
    "readable_kinds",
    "reads_content",
    "reads_notice_screening",
    "reads_sent_diffusions",
    "record_shown",
    "require",
    "sees_details",
    "shown",
]
