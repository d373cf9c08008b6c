"""Who may learn of a record of any police database, and who may read its content.

One set of rules for travel documents and for records of persons, vehicles, works of art,
firearms, vessels, fingerprints and DNA, on every read path: a read by id, a check, a
fingerprint or DNA search, a hit, an export. A record the caller may not learn of is
answered exactly as a record that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from policenet.access.rights import sees_details
from policenet.domain.listing import ReadScope
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope

if TYPE_CHECKING:
    from datetime import date, datetime

    from policenet.domain.principals import Principal


class Held(Protocol):
    """What the rules need of anything an owner bureau holds in a police database."""

    @property
    def owner_bureau_id(self) -> str: ...
    @property
    def owner_country(self) -> str: ...
    @property
    def visibility(self) -> Visibility: ...
    @property
    def disclosure(self) -> Disclosure: ...
    @property
    def withdrawn_at(self) -> datetime | None: ...
    def expired(self, today: date) -> bool: ...


def is_owner(principal: Principal, owner_bureau_id: str) -> bool:
    """The owner bureau acts through its own principals; its national agencies may record
    documents for it, but changing or withdrawing a record is the bureau's decision."""
    return principal.bureau_id is not None and principal.bureau_id == owner_bureau_id


def country_may_see(country: str | None, owner_country: str, visibility: Visibility) -> bool:
    """Whether a country's bureaus (None: the General Secretariat) are among those the owner
    lets see a record.

    The owner's country always sees its own records. The General Secretariat counts as a
    reader outside every country list: it sees records open to all, or to all but listed
    countries, never those restricted to listed countries."""
    if country is not None and country == owner_country:
        return True
    if visibility.scope is VisibilityScope.ALL:
        return True
    if visibility.scope is VisibilityScope.ONLY_LISTED:
        return country is not None and country in visibility.countries
    return country is None or country not in visibility.countries


def may_see(principal: Principal, owner_country: str, visibility: Visibility) -> bool:
    """``country_may_see`` for the principal's country."""
    return country_may_see(principal.country, owner_country, visibility)


def may_learn_of(
    principal: Principal,
    owner_bureau_id: str,
    owner_country: str,
    visibility: Visibility,
    *,
    under_notice: bool = False,
) -> bool:
    """Whether the principal may learn that an answering record (active, within its review
    date) exists: its owner, and the countries the owner allowed. A person under a valid
    published notice is known to every member: its owner asked for the notice to go to all
    of them.

    For indexes and searches that hold only answering records and their terms; anything
    that also holds withdrawn or expired records asks ``may_learn_of_record``."""
    return (
        under_notice
        or is_owner(principal, owner_bureau_id)
        or may_see(principal, owner_country, visibility)
    )


def may_learn_of_answering(
    principal: Principal, record: Held, *, under_notice: bool = False
) -> bool:
    """``may_learn_of`` for a record read from what answers (in force): search results,
    check candidates."""
    return may_learn_of(
        principal,
        record.owner_bureau_id,
        record.owner_country,
        record.visibility,
        under_notice=under_notice,
    )


class Indexed(Protocol):
    """What a screening index keeps of a record's terms."""

    @property
    def owner_bureau_id(self) -> str: ...
    @property
    def owner_country(self) -> str: ...
    @property
    def visibility(self) -> Visibility: ...
    @property
    def review_date(self) -> date: ...


def answers_to(principal: Principal, terms: Indexed, today: date) -> bool:
    """Whether an indexed record answers the principal's check or search: in force (within
    its review date) and one it may learn of."""
    return terms.review_date >= today and may_learn_of(
        principal, terms.owner_bureau_id, terms.owner_country, terms.visibility
    )


def may_learn_of_record(principal: Principal, record: Held, today: date) -> bool:
    """Whether a stored record exists for the principal: its owner learns of it always
    (withdrawn or past its review date too, so that it can renew or account for it); others
    while it answers (not withdrawn, within its review date) and their country is allowed."""
    if is_owner(principal, record.owner_bureau_id):
        return True
    return (
        record.withdrawn_at is None
        and not record.expired(today)
        and may_see(principal, record.owner_country, record.visibility)
    )


def reads_content(principal: Principal, owner_bureau_id: str, disclosure: Disclosure) -> bool:
    """Whether the principal may read the content of a record it may learn of: its owner
    always, anyone else (carriers aside) when the record is ``full``; a ``hit_only`` record
    is read through its owner."""
    if is_owner(principal, owner_bureau_id):
        return True
    return sees_details(principal) and disclosure is Disclosure.FULL


def may_read_record(principal: Principal, record: Held, today: date) -> bool:
    """Whether the principal may read the record itself (by its id, its images, its export):
    it may learn of it, and read its content."""
    return may_learn_of_record(principal, record, today) and reads_content(
        principal, record.owner_bureau_id, record.disclosure
    )


def read_scope(principal: Principal) -> ReadScope:
    """The records a list or an export may show the principal: those it may read by id."""
    return ReadScope(
        own_bureau_id=principal.bureau_id,
        country=principal.country,
        others=sees_details(principal),
    )
