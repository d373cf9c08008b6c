"""Who may read a notice request and a diffusion, and how much of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.domain.members import ncb_id
from policenet.domain.notices import DiffusionState
from policenet.domain.principals import Principal, Right

if TYPE_CHECKING:
    from policenet.domain.notices import Diffusion


def may_read_notice(
    principal: Principal, requester_bureau_id: str, *, active: bool, draft: bool
) -> bool:
    """Who reads a notice request: its requesting bureau always; the GS reviewers once it is
    submitted; every member's police (and the GS) while it is published and valid."""
    if principal.bureau_id is not None and principal.bureau_id == requester_bureau_id:
        return principal.can(Right.REQUEST_NOTICES) or principal.can(Right.CHECK_RECORDS)
    if principal.can(Right.REVIEW_NOTICES) and not draft:
        return True
    return active and principal.can(Right.CHECK_RECORDS)


def inside_notice(principal: Principal, requester_bureau_id: str) -> bool:
    """Who reads a request's file (its history, questions and the next states allowed), not
    only its content: the requesting bureau and the GS reviewers."""
    return principal.can(Right.REVIEW_NOTICES) or principal.bureau_id == requester_bureau_id


def reads_notice_screening(principal: Principal) -> bool:
    """The screening of a request against the organisation's rules is the reviewers' work."""
    return principal.can(Right.REVIEW_NOTICES)


def diffusion_sender(principal: Principal, diffusion: Diffusion) -> bool:
    return principal.bureau_id is not None and principal.bureau_id == diffusion.sender_bureau_id


def diffusion_recipient(principal: Principal, diffusion: Diffusion) -> bool:
    """A diffusion to all reaches every NCB; one to listed bureaus, those bureaus."""
    if principal.bureau_id is None or principal.bureau_id == diffusion.sender_bureau_id:
        return False
    if diffusion.to_all:
        return principal.country is not None and principal.bureau_id == ncb_id(principal.country)
    return principal.bureau_id in diffusion.recipients


def reads_sent_diffusions(principal: Principal) -> bool:
    """A bureau's diffusions are read, on its side, by those who may send them."""
    return principal.can(Right.REQUEST_NOTICES)


def may_learn_of_diffusion(principal: Principal, diffusion: Diffusion) -> bool:
    """The GS reviewers, the sending bureau's requesters, and the recipients' police."""
    return (
        principal.can(Right.REVIEW_NOTICES)
        or (diffusion_sender(principal, diffusion) and reads_sent_diffusions(principal))
        or (diffusion_recipient(principal, diffusion) and principal.can(Right.CHECK_RECORDS))
    )


def may_read_diffusion(principal: Principal, diffusion: Diffusion) -> bool:
    """A recipient reads a diffusion while it is active; once cancelled it learns only that
    it was (so that it stops acting on it). Its sender and the reviewers read it always."""
    return may_learn_of_diffusion(principal, diffusion) and (
        diffusion.state is DiffusionState.ACTIVE or not diffusion_recipient(principal, diffusion)
    )
