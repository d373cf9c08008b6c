"""Inputs of membership decisions taken by the General Assembly."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class MembershipDecision(BaseModel):
    """A General Assembly decision: its date and its reference (resolution number)."""

    model_config = ConfigDict(extra="forbid")

    decided_on: date = Field(description="Date of the General Assembly decision.")
    reference: str = Field(
        min_length=3, max_length=200, description="The decision's reference, e.g. GA-2026-RES-04."
    )
